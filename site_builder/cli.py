"""Command-line interface: parse arguments, call the pipeline, print for editors.

Exit codes: 0 success, 1 the content has problems (each printed as `path:line: message`),
2 the command line itself is wrong.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from site_builder import __version__
from site_builder.build import Report, build, check
from site_builder.errors import ContentError, Problem


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 0
    root = Path(args.site).resolve()
    try:
        report = args.run(root, args)
    except ContentError as error:
        _print_problems(error.problems)
        errors = sum(p.severity == "error" for p in error.problems)
        print(f"{errors} problem{'s' if errors != 1 else ''} found; nothing was written.", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"error: {error.filename or ''}: {error.strerror or error}", file=sys.stderr)
        return 1
    _print_problems(report.warnings)
    if not args.quiet:
        print(args.summary(report))
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="site-builder",
        description="Build an annotated reading collection: articles shown with their outlet, stance, "
                    "caveats and editorial notes.",
    )
    parser.add_argument("--version", action="version", version=f"site-builder {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    build_cmd = commands.add_parser("build", help="check the content and build the site into build/",
                                    description="Check every file, then render the site into build/. "
                                                "A failed build leaves the previous build/ untouched.")
    _common_options(build_cmd)
    build_cmd.add_argument("--base-url", metavar="URL",
                           help="serve the site from this path or URL (e.g. /my-repo/), overriding site.yml")
    build_cmd.set_defaults(command="build", run=_run_build, summary=_build_summary)

    check_cmd = commands.add_parser("check", help="report every problem in the content, write nothing",
                                    description="Validate site.yml and every article; print each problem "
                                                "as path:line: message and exit 1 if there is any.")
    _common_options(check_cmd)
    check_cmd.set_defaults(command="check", run=_run_check, summary=_check_summary, base_url=None)
    return parser


def _common_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--site", default=".", metavar="DIR", help="the site folder holding site.yml (default: .)")
    command.add_argument("--drafts", action="store_true", help="include articles marked `draft: true`")
    command.add_argument("-q", "--quiet", action="store_true", help="print only problems")


def _run_build(root: Path, args: argparse.Namespace) -> Report:
    return build(root, base_url=args.base_url, include_drafts=args.drafts)


def _run_check(root: Path, args: argparse.Namespace) -> Report:
    return check(root, include_drafts=args.drafts)


def _build_summary(report: Report) -> str:
    output = report.config.output_dir
    drafts = f" ({report.collection.drafts_hidden} drafts not published)" if report.collection.drafts_hidden else ""
    return (f"Built {len(report.collection)} articles{drafts} into {output} "
            f"({report.files_written} files, {report.seconds:.2f} s).\n"
            f"Open it: make serve, then http://127.0.0.1:8000{report.config.base_path}")


def _check_summary(report: Report) -> str:
    return f"OK: {len(report.collection)} articles checked, no problems."


def _print_problems(problems: list[Problem]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)
