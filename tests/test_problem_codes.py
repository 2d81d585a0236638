"""Every kind of problem has a stable code, and `check --explain CODE` explains it with a fix."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from site_builder import problem_codes
from site_builder.problem_codes import KINDS

PACKAGE = Path(problem_codes.__file__).parent
SOURCES = sorted(p for p in PACKAGE.rglob("*.py") if p.name != "problem_codes.py")
CONSTANTS = {name: value for name, value in vars(problem_codes).items() if isinstance(value, str) and value in KINDS}


def calls_to(name: str) -> list[tuple[Path, ast.Call]]:
    found = []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == name:
                found.append((path, node))
    return found


def test_every_problem_the_source_creates_names_its_code():
    problems = calls_to("Problem")
    assert len(problems) > 25, "the scan finds the Problem(...) calls"
    missing = [f"{path.relative_to(PACKAGE.parent)}:{call.lineno}" for path, call in problems
               if not any(k.arg == "code" for k in call.keywords)]
    assert missing == [], "give each Problem(...) a code=codes.<KIND> from site_builder/problem_codes.py"


def test_every_invalid_value_names_its_code():
    raises = calls_to("Invalid")
    missing = [f"{path.relative_to(PACKAGE.parent)}:{call.lineno}" for path, call in raises
               if not any(k.arg == "code" for k in call.keywords)]
    assert raises and missing == []


def test_every_code_used_in_the_source_is_registered_with_an_explanation():
    used = set()
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Attribute) and getattr(node.value, "id", None) == "codes":
                assert node.attr in CONSTANTS, f"{path.name}:{node.lineno}: codes.{node.attr} is not registered"
                used.add(CONSTANTS[node.attr])
        for literal in re.findall(r"\bSB\d{3}\b", text):
            assert literal in KINDS, f"{path.name}: {literal} is not registered in problem_codes.py"
            used.add(literal)
    assert set(KINDS) - used == set(), "every registered code is produced somewhere (no dead codes)"


@pytest.mark.parametrize("code", list(KINDS))
def test_each_explanation_has_a_reason_an_example_message_and_a_fix(code):
    kind = KINDS[code]
    assert re.fullmatch(r"SB\d{3}", code) and re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", kind.name)
    assert len(kind.explanation.split()) >= 15, "a few sentences, for an editor"
    assert kind.example.endswith(f"[{code}]"), "the example is a message as check prints it"
    assert kind.before.strip() and kind.after.strip() and kind.before != kind.after
    text = problem_codes.explain(code.lower())
    assert text.startswith(f"{code} {kind.name}: ") and "Before:" in text and "After:" in text


def test_names_are_unique():
    names = [k.name for k in KINDS.values()]
    assert len(names) == len(set(names))


def test_check_prints_the_code_and_explain_prints_the_fix(site, run):
    site.write("content/articles/piece.md", "---\ntitle: T\noutlet: O\ndate: 2015-10-09\ncaveat:\n  - x\n---\n")
    checked = run("check", "--site", site.root)
    assert checked.code == 1
    assert "content/articles/piece.md:5: unknown key `caveat` (did you mean `caveats`?) [SB101]" in checked.err
    explained = run("check", "--explain", "SB101")
    assert explained.code == 0
    assert explained.out.startswith("SB101 unknown-key: ")
    assert "After:\n\n    caveats:\n      - The date is inferred." in explained.out


def test_a_warning_carries_its_code_too(site, run):
    site.write("content/articles/piece.md", "---\ntitle: T\ndraft: true\ndate:\n---\n")
    checked = run("check", "--site", site.root)
    assert checked.code == 0
    assert "content/articles/piece.md:4: warning: `date` is empty (fill it in before setting `draft: false`) [SB103]" \
        in checked.err.splitlines()


def test_explain_without_a_code_lists_every_code(run):
    listed = run("check", "--explain")
    assert listed.code == 0
    assert [line.split()[0] for line in listed.out.splitlines() if line.startswith("SB")] == list(KINDS)


def test_explain_with_an_unknown_code_lists_the_codes_and_fails(run):
    result = run("check", "--explain", "SB999")
    assert result.code == 1
    assert "unknown problem code `SB999`" in result.err and "SB101  unknown-key" in result.err


# --- the examples are true: `before` raises the code, `after` fixes it -------------------------

FRONT_MATTER = ["SB010", "SB011", "SB012", "SB101", "SB110", "SB111", "SB112", "SB113", "SB114", "SB117", "SB118"]
WHOLE_ARTICLE = ["SB004", "SB005", "SB102"]
SITE_YML_LINES = ["SB115", "SB120", "SB150"]
OUTLETS_YML = ["SB119"]


def write_example(site, code: str, snippet: str) -> None:
    """Put an explanation's before/after snippet where it belongs in a small site."""
    if code in WHOLE_ARTICLE:
        site.write("content/articles/piece.md", snippet + "\n\nThe text.\n")
        return
    if code in SITE_YML_LINES:
        site.write("site.yml", f"title: T\n{snippet}\n")
        snippet = ""
    if code in OUTLETS_YML:
        site.write("content/outlets.yml", snippet + "\n")
        snippet = "outlet: The Outlet"
    given = {line.split(":")[0] for line in snippet.splitlines()}
    base = [f"{key}: {value}" for key, value in (("title", "T"), ("outlet", "O"), ("date", "2015-10-09"))
            if key not in given]
    site.write("content/articles/piece.md", "---\n" + "\n".join(base + [snippet]) + "\n---\n\nThe text.\n")


@pytest.mark.parametrize("code", FRONT_MATTER + WHOLE_ARTICLE + SITE_YML_LINES + OUTLETS_YML)
def test_the_example_fix_really_fixes_the_problem(site, run, code):
    kind = KINDS[code]
    write_example(site, code, kind.before)
    assert f"[{code}]" in run("check", "--site", site.root).err, f"{code}: `before` shows the problem"
    write_example(site, code, kind.after)
    assert f"[{code}]" not in run("check", "--site", site.root).err, f"{code}: `after` fixes it"
