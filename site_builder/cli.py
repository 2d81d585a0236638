"""Command-line interface: parse arguments, call the pipeline, print for editors.

Exit codes: 0 success, 1 the content has problems (each printed as `path:line: message`) or a
source could not be imported, 2 the command line itself is wrong.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

# Importing the pipeline makes a few hundred thousand objects that live as long as the process,
# and next to no garbage: the cyclic collector's passes meanwhile are waste, and so would be its
# later passes over them. They are set aside for good (gc.freeze) and collecting resumes as it was.
_COLLECTING = gc.isenabled()
gc.disable()
try:
    from site_builder import __version__, problem_codes
    from site_builder.build import BuildOptions, build, check
    from site_builder.config import load_config
    from site_builder.errors import ContentError, Problem, display_path
finally:
    gc.freeze()
    if _COLLECTING:
        gc.enable()

if TYPE_CHECKING:
    from site_builder.scaffold import GitSetup

DRY_RUN_STATUS = {"imported": "would import", "updated": "would update"}
ANNOTATION_DRY_RUN = {"attached": "would attach", "updated": "would update"}
PROGRESS_BAR_FROM = 10  # files; smaller batches finish before a bar would be worth reading
FETCH_TIMEOUT = 20.0  # seconds; as ingest.fetch.FetchSettings.read_timeout (not imported: httpx loads on demand)


def run() -> None:
    """The `site-builder` command: main(), then exit without tearing down the interpreter.

    After a large build the interpreter would spend seconds freeing the collection's millions of
    objects one by one, for nothing: the process is ending. Output is flushed first."""
    code = main(exiting=True)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def main(argv: list[str] | None = None, exiting: bool = False) -> int:
    """Run one command; `exiting` says the process ends right after (see `run`)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    args.exiting = exiting
    if not getattr(args, "command", None):
        print(_overview(parser))
        return 0
    root = Path(getattr(args, "site", ".")).resolve()
    try:
        return args.run(root, args)
    except ContentError as error:
        _print_problems(error.problems)
        errors = sum(p.severity == "error" for p in error.problems)
        print(f"{errors} problem{'s' if errors != 1 else ''} found; nothing was written.", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"error: {error.filename or ''}: {error.strerror or error}", file=sys.stderr)
        return 1


def build_parser() -> argparse.ArgumentParser:
    """Every command and option, each with its help text (docs/reference.md is written from it)."""
    parser = argparse.ArgumentParser(
        prog="site-builder",
        description="Build an annotated reading collection: articles shown with their outlet, stance, "
                    "caveats and editorial notes.",
        epilog="Start with: site-builder new my-collection. Help on one command: site-builder COMMAND --help.",
    )
    parser.add_argument("--version", action="version", version=f"site-builder {__version__}",
                        help="print the version and exit")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    new_cmd = commands.add_parser(
        "new", help="create a new collection, ready to build",
        description="Create DIR with site.yml (every option, commented), two example articles showing every "
                    "editorial feature, content/outlets.yml, .gitignore, requirements.txt (the site-builder the "
                    "workflow installs) and a GitHub Pages workflow, then start a git repository there with a "
                    "first commit of them. Refuses a folder that is not empty.")
    new_cmd.add_argument("directory", type=Path, metavar="DIR", help="the folder to create (or an empty one)")
    new_cmd.add_argument("--title", help="the site's title (default: from the folder's name)")
    new_cmd.add_argument("--generator", metavar="SPEC",
                         help="where the workflow gets site-builder, instead of this version from PyPI: a git URL "
                              "ending in a tag (git+https://github.com/OWNER/REPO@v0.1.0), a wheel (copied into "
                              "DIR/generator/) or a source folder (this computer only)")
    new_cmd.add_argument("--no-git", action="store_true",
                         help="do not start a git repository (one is never started inside another)")
    new_cmd.set_defaults(command="new", run=_run_new)

    import_cmd = commands.add_parser(
        "import", help="turn web pages (by address) and raw articles (.txt, .html, .md) into draft articles; "
                       "attach annotations (.json)",
        description="Fetch each web address given (http:// or https://), or read each saved file, and turn it "
                    "into content/articles/<slug>.md with the metadata found filled in, the page's debris removed, "
                    "and the page or file kept byte for byte in content/sources/ (with the address, after "
                    "redirects, and the time it was fetched). Scraped text, saved HTML pages and Markdown are read "
                    "from files or folders. A .json or .jsonld file of annotations (a Hypothesis export or API "
                    "result, or W3C Web Annotations) adds each to the front matter of the piece it is on, and says "
                    "why for every one it does not. Re-importing the same page or file changes nothing.")
    import_cmd.add_argument("paths", nargs="*", metavar="URL|PATH",
                            help="web addresses, files or folders (searched recursively); annotation files by name")
    import_cmd.add_argument("--from", dest="address_list", type=Path, metavar="FILE",
                            help="also import the addresses listed in FILE, one a line (blank lines and "
                                 "# comments ignored)")
    _site_option(import_cmd)
    import_cmd.add_argument("--dry-run", action="store_true",
                            help="print the metadata found and every line removed as debris, or where each "
                                 "annotation would go; write nothing")
    import_cmd.add_argument("--force", action="store_true",
                            help="re-import even unchanged or edited articles (front matter, notes and "
                                 "editorial footnotes are kept, or nothing is written)")
    import_cmd.add_argument("--archive", action="store_true",
                            help="ask the Internet Archive (archive_service in site.yml) for a copy of each page "
                                 "imported by address, and record it; a failure is reported, never fatal")
    import_cmd.add_argument("--timeout", type=float, default=FETCH_TIMEOUT, metavar="SECONDS",
                            help=f"how long to wait for a server between two pieces of an answer (default: "
                                 f"{FETCH_TIMEOUT:g}; the whole page gets three times this)")
    import_cmd.set_defaults(command="import", run=_run_import)

    archive_cmd = commands.add_parser(
        "archive", help="ask the Internet Archive for a copy of each imported piece's source",
        description="For each imported piece with a source address and no archived copy recorded yet, ask "
                    "archive_service (site.yml; the Internet Archive by default) to save the page, or else for the "
                    "latest copy it holds, and record its address and date in the piece's provenance: the article "
                    "page links it beside the source. A piece the archive cannot serve is reported (exit 1) and "
                    "left as it was; run the command again later for those.")
    archive_cmd.add_argument("articles", nargs="*", metavar="SLUG",
                             help="only these pieces (by slug or file), default every one")
    _site_option(archive_cmd)
    archive_cmd.add_argument("--again", action="store_true",
                             help="ask for a new copy even for pieces that already record one")
    archive_cmd.add_argument("--timeout", type=float, default=FETCH_TIMEOUT, metavar="SECONDS",
                             help=f"how long to wait for the archive between two pieces of an answer is three times "
                                  f"this (default: {FETCH_TIMEOUT:g})")
    archive_cmd.set_defaults(command="archive", run=_run_archive)

    check_cmd = commands.add_parser("check", help="report every problem in the content, write nothing",
                                    description="Validate site.yml and every article; print each problem "
                                                "as path:line: message [CODE] and exit 1 if there is any.")
    _site_option(check_cmd)
    _drafts_option(check_cmd)
    check_cmd.add_argument("--explain", nargs="?", const="", metavar="CODE",
                           help="explain a problem code (e.g. SB101) with an example fix, and check nothing; "
                                "without a code, list every code")
    check_cmd.add_argument("--links", action="store_true",
                           help="also ask every external address in the content whether it still answers (the only "
                                "check that goes online): dead ones are errors, moved and suspicious ones warnings; "
                                "answers are kept for a day in .site-builder-cache/")
    check_cmd.add_argument("--timeout", type=float, default=FETCH_TIMEOUT, metavar="SECONDS",
                           help=f"with --links: how long to wait for a server (default: {FETCH_TIMEOUT:g})")
    check_cmd.set_defaults(command="check", run=_run_check)

    build_cmd = commands.add_parser("build", help="check the content and build the site into build/",
                                    description="Check every file, then render the site into build/. "
                                                "A failed build leaves the previous build/ untouched.")
    _site_option(build_cmd)
    _drafts_option(build_cmd)
    build_cmd.add_argument("--base-url", metavar="URL",
                           help="serve the site from this path or URL (e.g. /my-repo/), overriding site.yml")
    build_cmd.add_argument("-j", "--jobs", type=int, metavar="N",
                           help="processes sharing a large build (default: every available core)")
    build_cmd.add_argument("--full-search", action="store_true",
                           help="index every page for search afresh, as a clean build does, instead of only the pages "
                                "changed since (slower; for an exact ranking before publishing)")
    build_cmd.add_argument("--core-only", action="store_true",
                           help="only home, article, outlet and tag pages, no search (the pages Pelican writes; for benchmarks)")
    build_cmd.set_defaults(command="build", run=_run_build)

    serve_cmd = commands.add_parser("serve", help="build, preview the site and rebuild on every save",
                                    description="Build the site, serve build/ under its base path and rebuild "
                                                "and reload the browser whenever content/, a theme or site.yml "
                                                "changes. On an article page, select words of the text to annotate "
                                                "them: the note is saved into the article's file. The base path is "
                                                "--base-url, else the one the last build was given with --base-url, "
                                                "else site.yml's. Ctrl-C stops it.")
    _site_option(serve_cmd)
    serve_cmd.add_argument("--base-url", metavar="URL",
                           help="preview (and build) the site for this path or URL (e.g. /my-repo/), overriding "
                                "the last build's and site.yml's")
    serve_cmd.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    serve_cmd.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    serve_cmd.add_argument("--open", action="store_true", help="open the site in a web browser")
    serve_cmd.add_argument("--annotator", metavar="NAME",
                           help="the name notes written in the preview are signed with (`by:`), so a class can tell "
                                "whose note is whose (default: git's user.name, else none)")
    _drafts_option(serve_cmd)
    serve_cmd.set_defaults(command="serve", run=_run_serve)

    deploy_cmd = commands.add_parser("deploy", help="publish the last build to the gh-pages branch",
                                     description="Commit build/ (with .nojekyll and CNAME) to the gh-pages branch "
                                                 "of the site's git repository; refuses a missing or stale build.")
    _site_option(deploy_cmd)
    deploy_cmd.add_argument("--push", action="store_true", help="push the branch to the remote after committing")
    deploy_cmd.add_argument("--remote", default="origin", help="the remote to push to (default: origin)")
    deploy_cmd.add_argument("--branch", default="gh-pages", help="the branch to publish to (default: gh-pages)")
    deploy_cmd.add_argument("--message", metavar="TEXT",
                            help="the commit message (the source commit line is added below it)")
    deploy_cmd.set_defaults(command="deploy", run=_run_deploy)

    translations_cmd = commands.add_parser(
        "translations", help="list the theme's strings a language has no translation for",
        description="List the strings of the site's theme (its own templates and the default theme's) that "
                    "the catalogues for LANG do not translate, or translate only as a fuzzy guess: a page shows "
                    "those in English. Exit 1 if any. --update writes the site theme's catalogue, "
                    "themes/<theme>/locale/<lang>/LC_MESSAGES/messages.po, with every string to translate.")
    translations_cmd.add_argument("language", nargs="?", metavar="LANG",
                                  help="a BCP 47 tag (default: the site's `language`)")
    translations_cmd.add_argument("--update", action="store_true",
                                  help="write or bring up to date the site theme's catalogue for LANG")
    _site_option(translations_cmd)
    translations_cmd.set_defaults(command="translations", run=_run_translations)

    docs_cmd = commands.add_parser(
        "docs", help="write the reference of every field, option, problem code and command",
        description="Write docs/reference.md from the schema check validates against and from this "
                    "command line, so the reference never disagrees with the tool.")
    docs_cmd.add_argument("--output", type=Path, default=Path("docs/reference.md"), metavar="FILE",
                          help="where to write it; - prints it (default: docs/reference.md)")
    docs_cmd.add_argument("--check", action="store_true",
                          help="write nothing; exit 1 if FILE differs from what would be written")
    docs_cmd.set_defaults(command="docs", run=_run_docs)
    return parser


def _overview(parser: argparse.ArgumentParser) -> str:
    """What `site-builder` alone prints: one line per command, and where to start."""
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    lines = [f"  {choice.dest:8} {choice.help}" for choice in commands._choices_actions]
    return "\n".join([f"site-builder {__version__}: {parser.description}", "", "Commands:", *lines, "",
                      "Start with:   site-builder new my-collection",
                      "Help:         site-builder COMMAND --help",
                      "A problem:    site-builder check --explain CODE (e.g. SB101)"])


def _drafts_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--drafts", action="store_true", help="include articles marked `draft: true`")


def _site_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--site", default=".", metavar="DIR", help="the site folder holding site.yml (default: .)")
    command.add_argument("-q", "--quiet", action="store_true", help="print only problems")


def _run_new(root: Path, args: argparse.Namespace) -> int:
    from site_builder.scaffold import Generator, ScaffoldError, create_site, default_title, start_repository

    try:
        generator = Generator.parse(args.generator) if args.generator else Generator.from_index()
        written = create_site(args.directory, args.title or default_title(args.directory), generator)
    except ScaffoldError as error:
        print(f"site-builder new: {error}", file=sys.stderr)
        return 1
    print(f"Created a new collection in {args.directory}/:")
    print("".join(f"  {name}\n" for name in written), end="")
    message = f"New collection, made by site-builder {__version__}"
    git = None if args.no_git else start_repository(args.directory, message)
    if git:
        print(_git_news(git, args.directory))
    if generator.local_folder:
        print(f"warning: requirements.txt installs site-builder from {generator.local_folder}, which only this "
              "computer has: the GitHub workflow cannot. Before publishing with it, name a git URL or a wheel "
              "there (site-builder new --help).", file=sys.stderr)
    print(f"\nNext:\n  cd {args.directory}\n  site-builder serve      # preview at http://127.0.0.1:8000/, rebuilt "
          "on every save\nThen replace the example articles with your own: site-builder import PATH... turns raw "
          "articles into drafts.")
    print(_publishing_steps(args.directory, generator.requirement, git is not None and git.status == "committed"))
    return 0


def _git_news(git: GitSetup, directory: Path) -> str:
    """What `new` did with git, and what is left for the editor to do."""
    commit_by_hand = f"in {directory}/: git init -b main && git add --all && git commit -m 'New collection'"
    if git.status == "inside":
        return (f"\n{directory}/ is inside the git repository at {git.detail}, so no repository was started: "
                "commit the new files there when you are ready.")
    if git.status == "no-git":
        return f"\ngit is not installed, so no repository was started. Once it is (git-scm.com), {commit_by_hand}"
    if git.status == "failed":
        return f"\ngit could not make the first commit ({git.detail}). To make it yourself, {commit_by_hand}"
    news = f"\nStarted a git repository on branch main, with these files as its first commit ({git.detail})."
    if git.fallback_identity:
        news += ("\ngit does not know your name and email yet, so that commit is signed \"site-builder new\". "
                 "Set yours before your next commit:\n"
                 "  git config --global user.name \"Your Name\"\n  git config --global user.email you@example.org")
    return news


def _publishing_steps(directory: Path, requirement: str, committed: bool) -> str:
    """The road from a new repository to a published site, in brief (the guide tells it in full)."""
    if not committed:
        return "\nTo publish it on GitHub Pages, see the editors' guide (docs/guide.md), \"Publish it\"."
    name = directory.resolve().name
    return (f"\nTo publish it on GitHub Pages (the editors' guide, \"Publish it\", tells more):\n"
            f"  1. On GitHub, create an empty repository named {name} (no README, licence or .gitignore).\n"
            f"  2. git remote add origin https://github.com/YOUR-ACCOUNT/{name}.git\n"
            f"  3. git push -u origin main\n"
            f"  4. In the repository's Settings > Pages, choose Source: GitHub Actions.\n"
            f"Every push to main then runs .github/workflows/pages.yml: it installs {requirement}\n"
            f"(as requirements.txt says) and runs site-builder build for the site's Pages address.")


def _run_translations(root: Path, args: argparse.Namespace) -> int:
    from site_builder.catalogues import site_translations
    from site_builder.languages import NotALanguageTag, normalise_tag
    from site_builder.render import theme_dirs

    config = load_config(root)
    language = args.language or config.language
    try:
        language = normalise_tag(language)
    except NotALanguageTag as error:
        print(f"site-builder translations: {error.message} ({error.hint})", file=sys.stderr)
        return 1
    report = site_translations(root, config.theme, theme_dirs(config), language, args.update)
    if report.written:
        print(f"Wrote {display_path(report.written, root)}: translate its empty entries")
        return 0
    for gap in report.missing:
        print(f"{gap.where}: {'fuzzy' if gap.fuzzy else 'missing'}: {gap.msgid}")
    if not args.quiet or report.missing:
        print(f"{language} ({report.folder}): {report.total - len(report.missing)} of {report.total} strings "
              f"translated{'' if report.missing else ', none missing'}")
    return 1 if report.missing else 0


def _run_docs(root: Path, args: argparse.Namespace) -> int:
    from site_builder.reference import reference_markdown

    text = reference_markdown(build_parser())
    if str(args.output) == "-":
        print(text, end="")
        return 0
    current = args.output.read_text(encoding="utf-8") if args.output.is_file() else None
    if args.check:
        if current == text:
            return 0
        print(f"{args.output} is out of date: run site-builder docs", file=sys.stderr)
        return 1
    if current != text:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
    print(f"{'Wrote' if current != text else 'Unchanged:'} {args.output}")
    return 0


_KEPT_UNTIL_EXIT: list = []  # objects the process ends with (run() exits without tearing down)


def _run_build(root: Path, args: argparse.Namespace) -> int:
    # No cyclic garbage collection during a build: with the state's millions of objects loaded,
    # its passes are a large part of an edit build, and a build makes few cycles to free. Nor
    # after it, when the process ends at once: turned back on, it would make one last pass.
    gc.disable()
    try:
        options = BuildOptions.for_command_line(drafts=args.drafts, jobs=args.jobs, progress=not args.quiet,
                                                core_only=args.core_only, full_search=args.full_search)
        report = build(load_config(root, args.base_url), options)
    finally:
        if not args.exiting:
            gc.enable()
    if args.exiting:  # kept to the end (the state and the planned pages): freeing them takes time
        _KEPT_UNTIL_EXIT.append(report)
    _print_problems(report.warnings)
    if not args.quiet:
        drafts = report.drafts_hidden
        hidden = f" ({drafts} drafts not published)" if drafts else ""
        changed = "nothing changed" if report.collection is None else f"{report.files_changed} changed"
        config = report.config
        kept = f" (it keeps --base-url {config.base_url})" if config.base_url_given else ""
        print(f"Built {report.published} articles{hidden} into {config.output_dir} "
              f"({_site_files(report)} files, {changed}, {report.seconds:.2f} s).\n"
              f"Preview it: site-builder serve{kept}, then open http://127.0.0.1:8000{config.base_path}")
    return 0


def _site_files(report) -> int:
    """The files of build/ that `deploy` publishes (it says the same number): those the build
    wrote, less its record of what it was built for (buildinfo), plus the search index."""
    from site_builder.search import INDEX_DIR

    index = report.config.output_dir / INDEX_DIR
    return report.files_written - 1 + sum(len(files) for _, _, files in os.walk(index))


def _run_deploy(root: Path, args: argparse.Namespace) -> int:
    from site_builder.deploy import DeployError, deploy

    try:
        done = deploy(load_config(root), branch=args.branch, remote=args.remote, push=args.push, message=args.message)
    except DeployError as error:
        print(f"deploy: {error}", file=sys.stderr)
        return 1
    if not args.quiet:
        added = f" (and {', '.join(done.added)})" if done.added else ""
        if done.unchanged:
            print(f"Already published: {done.branch} at {done.commit} holds this very build ({done.files} files); "
                  f"no new commit. {done.message.splitlines()[-1]}")
        else:
            print(f"Published {done.files} files{added} to {done.branch} at {done.commit}: "
                  f"{done.message.splitlines()[-1]}")
        if done.search_partial:
            print("Note: pages changed since the search index was last made whole were indexed on their own, so "
                  "their ranking in search is approximate. For an exact index: site-builder build --full-search, "
                  "then deploy again.")
        print(f"Pushed {done.branch} to {args.remote}." if args.push else
              f"Only the local {done.branch} branch was updated; publish it with: git push {args.remote} {done.branch} "
              f"(or site-builder deploy --push)")
    return 0


def _run_serve(root: Path, args: argparse.Namespace) -> int:
    from site_builder.serve import serve  # tornado and livereload: load only for this command

    return serve(root, host=args.host, port=args.port, open_browser=args.open, drafts=args.drafts, quiet=args.quiet,
                 base_url=args.base_url, annotator=args.annotator)


def _run_check(root: Path, args: argparse.Namespace) -> int:
    if args.explain is not None:
        return _explain(args.explain)
    config = load_config(root)
    report = check(config, include_drafts=args.drafts)
    _print_problems(report.warnings)
    if not args.quiet:  # with --drafts the drafts are in the collection, else only counted
        collection = report.collection
        drafts = collection.drafts_hidden + sum(article.draft for article in collection.articles)
        print(f"OK: {len(collection) + collection.drafts_hidden} articles checked ({drafts} drafts), no errors.")
    return _check_links(config, args) if args.links else 0


def _check_links(config, args: argparse.Namespace) -> int:
    """`check --links`: every dead, moved or suspicious external address at its line; 1 if any is dead."""
    from site_builder.external_links import check_links, mentions
    from site_builder.ingest.fetch import FetchSettings

    settings = FetchSettings(read_timeout=args.timeout, connect_timeout=min(args.timeout, 10.0))
    problems = check_links(config, settings, progress=not args.quiet)
    _print_problems(sorted(problems))
    dead = sum(problem.severity == "error" for problem in problems)
    if not args.quiet or dead:
        addresses = len({mention.address for mention in mentions(config)})
        print(f"Links: {addresses} addresses checked, {dead} dead, {len(problems) - dead} warnings.",
              file=sys.stderr if args.quiet else sys.stdout)
    return 1 if dead else 0


def _explain(code: str) -> int:
    """`check --explain CODE`: the long explanation; no or an unknown code lists them all."""
    explanation = problem_codes.explain(code) if code else None
    if explanation:
        print(explanation)
        return 0
    if code:
        print(f"site-builder check: unknown problem code `{code}`; the codes are:\n", file=sys.stderr)
    else:
        print("Every problem check reports ends with its code. Explain one with: site-builder check --explain CODE\n")
    print(problem_codes.listing(), file=sys.stderr if code else sys.stdout)
    return 1 if code else 0


def _run_import(root: Path, args: argparse.Namespace) -> int:
    from site_builder.ingest.web_import import is_address, read_address_list

    if not args.paths and not args.address_list:
        print("site-builder import: give web addresses, files or folders, or --from FILE", file=sys.stderr)
        return 2
    config = load_config(root)
    started = time.perf_counter()
    from site_builder.ingest.annotation_import import is_annotation_file

    addresses = [argument for argument in args.paths if is_address(argument)]
    if args.address_list:
        try:
            addresses += read_address_list(args.address_list)
        except (OSError, UnicodeDecodeError) as error:
            print(f"{args.address_list}: cannot read the list of addresses: {getattr(error, 'strerror', None) or error}",
                  file=sys.stderr)
            return 1
    paths = [Path(argument) for argument in args.paths if not is_address(argument)]
    annotation_files = [path for path in paths if path.is_file() and is_annotation_file(path)]
    sources = [path for path in paths if path not in annotation_files]
    failed = _import_sources(sources, addresses, config, args, started) if sources or addresses else False
    if annotation_files:
        failed = _import_annotations(annotation_files, config, args) or failed
    return 1 if failed else 0


def _import_sources(paths: list[Path], addresses: list[str], config, args: argparse.Namespace, started: float) -> bool:
    """Raw articles (.txt, .html, .md) and web addresses: one line each, then the counts; True if any failed."""
    from site_builder.ingest.importer import discover, import_sources  # heavy (trafilatura): load on demand

    files, outcomes = discover(paths)
    for outcome in outcomes:
        _print_outcome(outcome, args)
    results = _with_bar(import_sources(files, config, dry_run=args.dry_run, force=args.force), len(files), args)
    if addresses:
        results = itertools.chain(results, _with_bar(_fetched(addresses, config, args), len(addresses), args))
    for outcome in results:
        outcomes.append(outcome)
        _print_outcome(outcome, args)
    counts = {status: sum(o.status == status for o in outcomes) for status in ("imported", "updated", "unchanged", "failed")}
    verb = "Would import" if args.dry_run else "Imported"
    print(f"{verb} {counts['imported']}, updated {counts['updated']}, unchanged {counts['unchanged']}, "
          f"failed {counts['failed']} ({time.perf_counter() - started:.2f} s).", file=sys.stderr if args.quiet else sys.stdout)
    if args.archive and not args.dry_run:
        _archive(config, [config.root / o.article for o in outcomes if o.status != "failed" and o.source in addresses],
                 args)
    return bool(counts["failed"])


def _fetched(addresses: list[str], config, args: argparse.Namespace):
    from site_builder.ingest.fetch import FetchSettings
    from site_builder.ingest.web_import import import_addresses

    settings = FetchSettings(read_timeout=args.timeout, connect_timeout=min(args.timeout, 10.0))
    return import_addresses(addresses, config, settings, dry_run=args.dry_run, force=args.force)


def _with_bar(results, total: int, args: argparse.Namespace):
    if total >= PROGRESS_BAR_FROM and sys.stderr.isatty() and not args.quiet:
        from tqdm import tqdm

        return tqdm(results, total=total, unit="page", file=sys.stderr, leave=False)
    return results


def _archive(config, articles: list[Path], args: argparse.Namespace, again: bool = False) -> bool:
    """Archive the sources of `articles`: one line each, failures as warnings; True if any failed."""
    from site_builder.ingest.archive import archive_articles
    from site_builder.ingest.fetch import FetchSettings

    settings = FetchSettings(read_timeout=3 * args.timeout, connect_timeout=min(args.timeout, 10.0))
    failed = archived = 0
    for done in archive_articles(articles, config, settings, again=again):
        if done.problem:
            failed += 1
            print(done.problem, file=sys.stderr)
        else:
            archived += 1
            if not args.quiet:
                print(f"{'archived':12} {done.address} -> {done.snapshot.url} ({done.snapshot.day.isoformat()})")
    if failed or archived:
        print(f"Archived {archived}, failed {failed}" + (" (run site-builder archive again later for those)" if failed else
              "") + ".", file=sys.stderr if args.quiet else sys.stdout)
    return bool(failed)


def _run_archive(root: Path, args: argparse.Namespace) -> int:
    from site_builder.reader import article_paths

    config = load_config(root)
    wanted = set(args.articles)
    paths = [Path(path) for path in article_paths(config)
             if not wanted or Path(path).stem in wanted or str(path) in wanted]
    if wanted - {path.stem for path in paths} - {str(path) for path in paths}:
        print(f"site-builder archive: no such article: {', '.join(sorted(wanted - {p.stem for p in paths}))}",
              file=sys.stderr)
        return 1
    return 1 if _archive(config, paths, args, again=args.again) else 0


def _import_annotations(paths: list[Path], config, args: argparse.Namespace) -> bool:
    """Hypothesis or W3C annotation files: one line per annotation with what became of it (every
    one not attached says why, even with -q), then the counts; True if any failed."""
    from site_builder.ingest.annotation_import import import_annotations
    from site_builder.reader import read_articles

    articles = read_articles(config)[0]
    counts = dict.fromkeys(("attached", "updated", "unchanged", "skipped", "failed"), 0)
    for number, path in enumerate(paths, 1):
        lines = import_annotations(path, config, dry_run=args.dry_run, articles=articles)
        for line in lines:
            counts[line.status] += 1
            status = ANNOTATION_DRY_RUN.get(line.status, line.status) if args.dry_run else line.status
            if line.status == "failed":
                print(f"{line}", file=sys.stderr)
            elif line.status == "skipped" or not args.quiet:
                print(f"{status:14} {line}")
        if number < len(paths) and not args.dry_run and any(line.status in ("attached", "updated") for line in lines):
            articles = read_articles(config)[0]  # the next file sees what this one attached
    verb = "Would attach" if args.dry_run else "Attached"
    print(f"Annotations: {verb} {counts['attached']}, updated {counts['updated']}, "
          f"unchanged {counts['unchanged']}, skipped {counts['skipped']}, failed {counts['failed']}.",
          file=sys.stderr if args.quiet else sys.stdout)
    return bool(counts["failed"])


def _print_outcome(outcome, args: argparse.Namespace) -> None:
    for warning in outcome.warnings:
        print(f"{outcome.source}: warning: {warning}", file=sys.stderr)
    if outcome.status == "failed":
        code = f" [{outcome.code}]" if outcome.code else ""
        print(f"{outcome.source}: {outcome.message}{code}", file=sys.stderr)
        return
    if args.quiet:
        return
    found = outcome.found
    missing = [name for name, value in (("title", found.title), ("author", found.authors), ("outlet", found.outlet),
                                        ("date", found.date), ("source_url", found.source_url)) if not value]
    note = f" (not found: {', '.join(missing)})" if missing and outcome.status != "unchanged" else ""
    status = DRY_RUN_STATUS.get(outcome.status, outcome.status) if args.dry_run else outcome.status
    print(f"{status:12} {outcome.source} -> {outcome.article}{note}")
    if args.dry_run:
        _print_audit(found)


def _print_audit(found) -> None:
    """Everything an editor needs to trust the cleaning: the metadata found and each line dropped."""
    from site_builder.reader import count_words  # as the file's `word_count` counts

    for name, value in (("title", found.title), ("author", ", ".join(found.authors)), ("outlet", found.outlet),
                        ("date", found.date.isoformat() if found.date else ""), ("source_url", found.source_url),
                        ("language", found.language), ("words", count_words(found.text)),
                        ("author_bio", (found.author_bio[:70] + "…") if len(found.author_bio) > 70 else found.author_bio)):
        print(f"    {name + ':':12} {value if value else '(not found)'}")
    for note in found.notes:  # which source won, or why a field stayed empty
        print(f"    note: {note}")
    print(f"    removed {len(found.removed)} line{'s' if len(found.removed) != 1 else ''} as debris:")
    for removed in found.removed:
        print(f"      line {removed.line}: {removed.reason}: {removed.text}")


def _print_problems(problems: list[Problem]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)
