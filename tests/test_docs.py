"""The documentation cannot drift from the code: the reference is generated, help is complete,
and the guide's examples are quoted from the bundled collection as it is."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from site_builder import __version__, problem_codes
from site_builder.cli import build_parser
from site_builder.config import SITE_FIELDS
from site_builder.outlets import OUTLET_FIELDS
from site_builder.reference import reference_markdown
from site_builder.schema import ARTICLE_FIELDS, CLAIM_FIELDS, PROVENANCE_FIELDS

REPO = Path(__file__).resolve().parent.parent
REFERENCE = REPO / "docs" / "reference.md"
GUIDE = REPO / "docs" / "guide.md"


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    [action] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(action.choices)


def test_the_committed_reference_is_what_site_builder_docs_writes():
    assert REFERENCE.read_text(encoding="utf-8") == reference_markdown(build_parser()), \
        "docs/reference.md is out of date: run `site-builder docs` and commit it"


def test_docs_writes_the_reference_and_check_reports_drift(tmp_path, run):
    target = tmp_path / "reference.md"
    assert run("docs", "--output", target).code == 0
    assert target.read_text(encoding="utf-8") == REFERENCE.read_text(encoding="utf-8")
    assert run("docs", "--output", target, "--check").code == 0
    target.write_text(target.read_text(encoding="utf-8").replace("| `caveats` |", "| `caveat` |"), encoding="utf-8")
    drifted = run("docs", "--output", target, "--check")
    assert drifted.code == 1 and "out of date: run site-builder docs" in drifted.err


def test_the_reference_names_every_field_option_code_and_command():
    text = REFERENCE.read_text(encoding="utf-8")
    for fields in (ARTICLE_FIELDS, CLAIM_FIELDS, PROVENANCE_FIELDS, SITE_FIELDS, OUTLET_FIELDS):
        for field in fields:
            assert f"| `{field.name}` |" in text and " ".join(field.doc.split()).replace("|", "\\|") in text
    for code, kind in problem_codes.KINDS.items():
        assert f"| {code} | `{kind.name}` |" in text
    for name in subcommands(build_parser()):
        assert f"### `site-builder {name}`\n\n```text\nusage: site-builder {name} " in text


def test_every_command_and_option_has_help_text():
    parser = build_parser()
    [commands] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    assert {c.dest for c in commands._choices_actions} == set(commands.choices), "every command is listed"
    assert all(c.help for c in commands._choices_actions)
    for name, command in {"site-builder": parser, **subcommands(parser)}.items():
        assert command.description, f"{name} has a description"
        for action in command._actions:
            if isinstance(action, argparse._SubParsersAction):
                continue
            label = "/".join(action.option_strings) or action.dest
            assert action.help and action.help != argparse.SUPPRESS, f"{name} {label} has no help"
            assert not action.help.endswith("."), f"{name} {label}: help is a phrase, like argparse's own"


@pytest.mark.parametrize("command", ["new", "import", "check", "build", "serve", "deploy", "docs"])
def test_each_command_answers_help(run, command, capsys):
    with pytest.raises(SystemExit) as exited:
        run(command, "--help")
    assert exited.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: site-builder {command} ")


def test_site_builder_alone_prints_a_short_overview(run):
    result = run()
    assert result.code == 0 and result.err == ""
    lines = result.out.splitlines()
    assert len(lines) <= 20, "an overview, not the full help"
    assert lines[0].startswith(f"site-builder {__version__}: ")
    for name, command in subcommands(build_parser()).items():
        assert any(line.split()[:1] == [name] for line in lines), f"{name} is in the overview"
    assert "site-builder new my-collection" in result.out


def test_version(run, capsys):
    with pytest.raises(SystemExit) as exited:
        run("--version")
    assert exited.value.code == 0
    assert capsys.readouterr().out == f"site-builder {__version__}\n"


# --- the editors' guide ------------------------------------------------------------------------

QUOTED = re.compile(r"From `(?P<path>(?:content/[^`]+|site\.yml))`:\n\n```[a-z]*\n(?P<body>.*?)```", re.DOTALL)


def test_the_guide_quotes_the_bundled_collection_as_it_is():
    """Each block introduced by "From `content/...`:" (or `site.yml`) is a verbatim excerpt of that file."""
    quotes = list(QUOTED.finditer(GUIDE.read_text(encoding="utf-8")))
    assert len(quotes) >= 15
    for quote in quotes:
        source = (REPO / quote["path"]).read_text(encoding="utf-8")
        for line in quote["body"].splitlines():
            if line.strip() and line.strip() not in ("...", "…"):
                assert line in source, f"{quote['path']} no longer has: {line!r}"


def code_in(markdown: str) -> list[str]:
    """Inline `code` spans and the lines of fenced blocks: where the guide shows what to type."""
    blocks = re.findall(r"^```[a-z]*\n(.*?)^```", markdown, flags=re.DOTALL | re.MULTILINE)
    prose = re.sub(r"^```[a-z]*\n.*?^```", "", markdown, flags=re.DOTALL | re.MULTILINE)
    return [line for block in blocks for line in block.splitlines()] + re.findall(r"`([^`\n]+)`", prose)


def test_the_guide_names_only_real_commands_options_and_codes():
    text = GUIDE.read_text(encoding="utf-8")
    commands = subcommands(build_parser())
    typed = [m for code in code_in(text) for m in re.findall(r"(?:^|\$ )site-builder ([a-z]+)([^#]*)", code.strip())]
    assert len(typed) >= 10
    for name, rest in typed:
        assert name in commands, f"the guide names `site-builder {name}`, which does not exist"
        known = {s for a in commands[name]._actions for s in a.option_strings}
        for word in rest.split():
            if word.startswith("-"):
                assert word.split("=")[0] in known, f"`site-builder {name} {word}` is not an option"
    for code in re.findall(r"\bSB\d{3}\b", text):
        assert code in problem_codes.KINDS
    for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", text):
        assert (GUIDE.parent / target).exists(), f"the guide links to {target}, which does not exist"


def github_anchors(markdown: str) -> set[str]:
    """The anchors GitHub gives headings: lowercase, punctuation dropped, spaces to hyphens."""
    headings = re.findall(r"^#+ (.+)$", re.sub(r"^```.*?^```", "", markdown, flags=re.DOTALL | re.MULTILINE),
                          flags=re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}


def test_the_guides_links_to_sections_land_on_a_heading():
    docs = {"guide.md": GUIDE, "reference.md": REFERENCE, "../README.md": REPO / "README.md"}
    text = GUIDE.read_text(encoding="utf-8")
    links = re.findall(r"\]\(([^)\s:]*)#([^)]+)\)", text)
    assert len(links) >= 15
    for target, anchor in links:
        anchors = github_anchors(docs[target or "guide.md"].read_text(encoding="utf-8"))
        assert anchor in anchors, f"the guide links to {target or 'itself'}#{anchor}, which is no heading"
