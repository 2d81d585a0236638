"""Malformed input: whatever an editor (or a broken tool) writes, check and build either accept it
or report `path:line: message` and exit 1. Never a traceback, never a hang.

Property-based (hypothesis): front matter and site.yml from random YAML values of every type, in
wrong places, huge, deeply nested, in any script, then damaged the ways files get damaged (a BOM,
CRLF line endings, tabs, a repeated line, anchors and aliases). Then the named cases one by one:
billion laughs, two articles with one slug, a file that is not UTF-8, a 20 MB article, an empty
file, symlink loops in content/.

Examples are derandomised (the same inputs every run, so the suite's time is stable); raise
MALFORMED_EXAMPLES to search harder and set MALFORMED_RANDOM=1 for fresh inputs, e.g.
MALFORMED_RANDOM=1 MALFORMED_EXAMPLES=2000 pytest tests/test_malformed.py.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import tempfile
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SITE_YML, article
from site_builder.cli import main
from site_builder.config import SITE_FIELDS
from site_builder.schema import ARTICLE_FIELDS

EXAMPLES = int(os.environ.get("MALFORMED_EXAMPLES", "120"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=not os.environ.get("MALFORMED_RANDOM"), database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
# `path:line: message (hint) [SB123]`, the line left out when the whole file is at fault.
PROBLEM_LINE = re.compile(r"^(?P<path>[^:\n]+?)(?::(?P<line>\d+))?: (?:warning: )?\S.* \[SB\d{3}\]$")
SUMMARY_LINE = re.compile(r"^\d+ problems? found; nothing was written\.$")
PIECE = "content/articles/piece.md"


# --- what is generated -----------------------------------------------------------------------

def texts() -> st.SearchStrategy[str]:
    """Words, any Unicode (control characters, right-to-left, emoji), YAML's own symbols, or huge."""
    return st.one_of(
        st.text(max_size=40),
        st.text(alphabet=st.sampled_from(list(":-[]{}#&*!|>'\"%@`,? \t\n")), max_size=20),
        st.sampled_from(["", "yes", "no", "null", "~", "2015-13-45", "2015-10-09", "1e400", ".nan", "0x1F",
                         "https://example.org/", "javascript:alert(1)", "mixed", "news", "---", "..."]),
        st.integers(min_value=1_000, max_value=100_000).map(lambda n: "word " * (n // 5)),
    )


def yaml_values(depth: int = 4) -> st.SearchStrategy:
    scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), texts(), st.dates())
    return st.recursive(scalars, lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.one_of(texts(), st.integers()), inner, max_size=4)),
        max_leaves=12)


def mappings(field_names: list[str]) -> st.SearchStrategy[dict]:
    """The declared keys (with any value), near-misses and strangers."""
    names = st.one_of(st.sampled_from(field_names), st.sampled_from([n.upper() for n in field_names] + [
        n + "s" for n in field_names]), texts())
    return st.dictionaries(names, yaml_values(), max_size=8)


def nested(depth: int) -> str:
    return "x: " + "[" * depth + "]" * depth + "\n"


DAMAGE = ["none", "bom", "crlf", "tabs", "repeat-line", "anchor-alias", "truncate", "deep"]


def damaged(text: str, how: str, where: int) -> str:
    """`text` damaged the way real files get damaged."""
    lines = text.splitlines(keepends=True) or [""]
    index = where % len(lines)
    if how == "bom":
        return "\ufeff" + text
    if how == "crlf":
        return text.replace("\n", "\r\n")
    if how == "tabs":
        return text.replace("  ", "\t")
    if how == "repeat-line":  # a duplicate key, usually
        return "".join(lines[:index + 1] + lines[index:])
    if how == "anchor-alias":
        return "base: &base [1, 2, 3]\nmore: [*base, *base]\n" + text
    if how == "truncate":
        return text[: where % (len(text) + 1)]
    if how == "deep":
        return text + nested(where % 400)
    return text


@st.composite
def front_matter_files(draw) -> str:
    """A whole article file: front matter from random values (or raw junk), damaged, then a body."""
    if draw(st.integers(0, 5)) == 0:
        block = draw(st.text(max_size=300))
    else:
        values = draw(mappings([f.name for f in ARTICLE_FIELDS]))
        values.setdefault("title", "A piece")
        try:
            block = yaml.safe_dump(values, allow_unicode=draw(st.booleans()), default_flow_style=draw(st.booleans()),
                                   sort_keys=False)
        except yaml.YAMLError:  # e.g. a lone surrogate: safe_dump itself refuses
            block = "title: A piece\n"
    block = damaged(block, draw(st.sampled_from(DAMAGE)), draw(st.integers(0, 10_000)))
    body = draw(st.one_of(st.just("Some text."), st.text(max_size=200)))
    return f"---\n{block}\n---\n\n{body}\n"


@st.composite
def site_files(draw) -> str:
    values = draw(mappings([f.name for f in SITE_FIELDS]))
    values.setdefault("title", "A site")
    try:
        text = yaml.safe_dump(values, allow_unicode=True, sort_keys=False)
    except yaml.YAMLError:
        text = "title: A site\n"
    return damaged(text, draw(st.sampled_from(DAMAGE)), draw(st.integers(0, 10_000)))


# --- how it is judged ------------------------------------------------------------------------

def run_cli(*args: str) -> tuple[int, str, str]:
    """The CLI in-process; an uncaught exception fails the test with its traceback, as it should."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def assert_accepted_or_reported(root: Path, code: int, err: str) -> None:
    """Exit 0, or exit 1 with nothing but `path:line: message [code]` lines pointing into real files."""
    assert code in (0, 1), err
    lines = err.splitlines()
    for line in lines:
        if SUMMARY_LINE.match(line):
            continue
        match = PROBLEM_LINE.match(line)
        assert match, f"not a `path:line: message` line: {line[:300]!r}"
        path, number = match.group("path"), int(match.group("line") or 0)
        if (root / path).is_file() and number:
            assert number <= len((root / path).read_bytes().splitlines()) + 1, f"line {number} is past the end: {line[:200]}"
    if code == 1:
        assert lines and SUMMARY_LINE.match(lines[-1]) or "error" in err, err


def new_site(root: Path, site_yml: str = SITE_YML + "search: false\n") -> Path:
    (root / "content" / "articles").mkdir(parents=True)
    (root / "site.yml").write_text(site_yml, encoding="utf-8", newline="")
    return root


# --- property-based ---------------------------------------------------------------------------

@pytest.mark.slow  # 8-10 s: 120 generated files, each checked
@SETTINGS
@given(front_matter_files())
def test_any_front_matter_is_accepted_or_reported_with_its_line(text):
    with tempfile.TemporaryDirectory() as folder:
        root = new_site(Path(folder))
        (root / PIECE).write_text(text, encoding="utf-8", errors="surrogatepass", newline="")
        code, _, err = run_cli("check", "--site", str(root), "-q")
        assert_accepted_or_reported(root, code, err)


@pytest.mark.slow  # 8-10 s: 120 generated files, each checked
@SETTINGS
@given(site_files())
def test_any_site_yml_is_accepted_or_reported_with_its_line(text):
    with tempfile.TemporaryDirectory() as folder:
        root = new_site(Path(folder), text)
        (root / PIECE).write_text(article(stance="mixed"), encoding="utf-8")
        code, _, err = run_cli("check", "--site", str(root), "-q")
        assert_accepted_or_reported(root, code, err)


@settings(SETTINGS, max_examples=max(10, EXAMPLES // 4))
@given(front_matter_files(), st.booleans())
def test_what_check_accepts_also_builds(text, with_site_yml_junk):
    """Rendering sees every accepted value (templates, feeds, JSON-LD, page paths): it must cope too."""
    with tempfile.TemporaryDirectory() as folder:
        root = new_site(Path(folder))
        (root / PIECE).write_text(text, encoding="utf-8", errors="surrogatepass", newline="")
        (root / "content/articles/other.md").write_text(article(title="Other", stance="mixed"), encoding="utf-8")
        code, _, err = run_cli("build", "--site", str(root), "-q")
        assert_accepted_or_reported(root, code, err)
        assert (root / "build" / "index.html").is_file() == (code == 0)


# --- the named cases --------------------------------------------------------------------------

BILLION_LAUGHS = """\
---
title: A piece
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
---
"""


def check_site(root: Path) -> tuple[int, str]:
    code, _, err = run_cli("check", "--site", str(root), "-q")
    assert_accepted_or_reported(root, code, err)
    return code, err


@pytest.mark.parametrize("name, text, expected", [
    ("billion laughs", BILLION_LAUGHS, f"{PIECE}:2: YAML anchors and aliases expand to more than 100000 values"),
    ("in site.yml too", None, "site.yml:1: YAML anchors and aliases expand to more than 100000 values"),
    ("an alias inside itself", "---\ntitle: &t [a, *t]\n---\n", f"{PIECE}:2: a YAML alias refers to the value that contains it"),
    ("deep nesting", "---\ntitle: A\n" + nested(3000) + "---\n", f"{PIECE}:2: YAML nested more than 50 levels deep"),
])
def test_yaml_that_would_explode_is_refused_quickly(tmp_path, name, text, expected):
    root = new_site(tmp_path)
    if text is None:
        (root / "site.yml").write_text(BILLION_LAUGHS.strip("-\n").replace("title: A piece", "title: A site"))
        text = article()
    (root / PIECE).write_text(text)
    started = time.perf_counter()
    code, err = check_site(root)
    assert time.perf_counter() - started < 5
    assert code == 1 and expected in err and "[SB014]" in err


def test_the_named_bad_files_each_get_their_message_and_nothing_crashes(tmp_path):
    root = new_site(tmp_path)
    articles = root / "content" / "articles"
    (articles / "2015").mkdir()
    (articles / "2016").mkdir()
    (articles / "2015" / "same.md").write_text(article(title="One"))
    (articles / "2016" / "same.md").write_text(article(title="Two"))
    (articles / "latin.md").write_bytes(article(title="Caf\xe9").encode("latin-1"))
    (articles / "empty.md").write_bytes(b"")
    with (articles / "huge.md").open("w") as huge:
        huge.write(article(title="Huge"))
        huge.write(("All work and no play makes a dull article. " * 1000 + "\n\n") * 470)  # 20 MB
    (articles / "self.md").symlink_to("self.md")  # a link to itself
    (articles / "loop").symlink_to("..")  # a folder that contains itself
    (articles / "fine.md").write_text(article(title="Fine"))
    assert (articles / "huge.md").stat().st_size > 20_000_000
    started = time.perf_counter()
    code, err = check_site(root)
    assert time.perf_counter() - started < 10, "the 20 MB article is refused before it is read"
    assert code == 1
    for expected in [
        "content/articles/2016/same.md: another article already has the URL slug `same` "
        "(rename one of this and content/articles/2015/same.md) [SB007]",
        "content/articles/latin.md: not UTF-8 text (byte 14) (re-save the file as UTF-8) [SB003]",
        "content/articles/empty.md:1: no front matter",
        f"content/articles/huge.md: {(articles / 'huge.md').stat().st_size / 1e6:.1f} MB is too large for one "
        "article (the limit is 2 MB)",
        "content/articles/self.md: cannot read: Too many levels of symbolic links "
        "(it is a symbolic link that leads back to itself",
    ]:
        assert expected in err, err
    assert "fine.md" not in err and "loop" not in err, "a good article and the looping folder raise nothing"
    assert len(err.strip().splitlines()) == 6, err


def test_bom_crlf_and_tabs(tmp_path):
    """A BOM and CRLF endings (Windows editors) are accepted; a tab in the indentation is a syntax error at its line."""
    root = new_site(tmp_path, "\ufeff" + SITE_YML.replace("\n", "\r\n"))
    (root / PIECE).write_text("\ufeff" + article(tags=["a", "b"]).replace("\n", "\r\n"), newline="")
    assert check_site(root) == (0, "")
    (root / PIECE).write_text(article(tags=["a", "b"]).replace("  - b", "\t- b"))
    code, err = check_site(root)
    assert code == 1 and f"{PIECE}:7: YAML syntax error" in err


def test_the_quick_walk_accepts_only_what_the_exact_one_accepts():
    """`_within_limits` lets most blocks skip the exact check: it must refuse each limit passed."""
    from site_builder.yamlsource import MAX_DEPTH, MAX_VALUES, _FastLoader, _too_complex, _within_limits

    def composed(text: str):
        return _FastLoader(text).get_single_node()

    inside = "x: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n"
    cases = {"title: A\ntags: [a, b]\nannotations:\n  - {quote: q, note: n}\n": True, inside: True,
             nested(MAX_DEPTH): False,
             "a: &a [" + ", ".join(["v"] * 99) + "]\nb: [" + ", ".join(["*a"] * 1100) + "]\n": False,
             "title: &t [a, *t]\n": False}
    for text, within in cases.items():
        root = composed(text)
        assert _within_limits(root) is within, text[:40]
        assert (_too_complex(root) == "") is within, text[:40]
    assert MAX_VALUES < 100 * 1100
