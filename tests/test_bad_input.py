"""Bad input: every problem in every file at once, as path:line: message (hint), exit 1, build/ untouched."""

from __future__ import annotations

import pytest

from conftest import snapshot

ARTICLE = "content/articles/piece.md"


def check(site, run, command="check"):
    result = run(command, "--site", site.root)
    assert result.code == 1, result.out
    assert "Traceback" not in result.err
    return result.err


@pytest.mark.parametrize("front_matter, expected", [
    ("title: T\noutlet: O\ndate: 2015-10-09\ncaveat:\n  - x\n",
     f"{ARTICLE}:5: unknown key `caveat` (did you mean `caveats`?)"),
    ("title: T\noutlet: O\ndate: October 9, 2015\n",
     f"{ARTICLE}:4: `date`: `October 9, 2015` is not a date in the form YYYY-MM-DD (write dates as YYYY-MM-DD, e.g. 2015-10-09)"),
    ("title: T\noutlet: O\ndate: 2015-02-30\n",
     f"{ARTICLE}:4: `date`: `2015-02-30` is not a real date"),
    ("title: T\noutlet: O\ndate: 2015-10-09\nstance: pro-kremlim\n",
     f"{ARTICLE}:5: `stance`: `pro-kremlim` is not one of the allowed values (did you mean `pro-kremlin`? allowed: pro-kremlin, mixed, critical)"),
    ("title: T\noutlet: O\ndate: 2015-10-09\ntags: [a, b\n",
     f"{ARTICLE}:6: YAML syntax error"),
    ("title: T\noutlet: O: the outlet\ndate: 2015-10-09\n",
     f"{ARTICLE}:3: YAML syntax error: mapping values are not allowed here"),
    ("title: T\ndate: 2015-10-09\n",
     f"{ARTICLE}:2: missing required `outlet` (add a `outlet:` line: text, or mark the article `draft: true`)"),
    ("outlet: O\ndate: 2015-10-09\ndraft: true\n",
     f"{ARTICLE}:2: missing required `title`"),
    ("title: T\noutlet: O\ndate: 2015-10-09\nsource_url: www.example.org\n",
     f"{ARTICLE}:5: `source_url`: `www.example.org` is not a web address (write the full address, starting with https://)"),
    ("title: T\noutlet: O\ndate: 2015-10-09\ncaveats: one string\n",
     f"{ARTICLE}:5: `caveats`: expected a list, found `one string` (write one `- item` per line under the key)"),
    ("title: T\noutlet: O\ndate: 2015-10-09\ncaveats:\n  - fine\n  - [nested, list]\n",
     f"{ARTICLE}:7: `caveats`: item 2: expected Markdown text, found a list"),
    ("title: T\noutlet: O\ndate: 2015-10-09\ndraft: maybe\n",
     f"{ARTICLE}:5: `draft`: expected true or false, found `maybe`"),
    ("title: T\noutlet: O\noutlet: P\ndate: 2015-10-09\n",
     f"{ARTICLE}:4: duplicate key `outlet` (it is already set on line 3; keep one)"),
    ("- just\n- a list\n",
     f"{ARTICLE}:2: expected `key: value` lines, found a list"),
])
def test_each_kind_of_front_matter_mistake_is_reported_with_its_line_and_hint(site, run, front_matter, expected):
    site.write(ARTICLE, f"---\n{front_matter}---\n\nBody.\n")
    assert expected in check(site, run)


def test_file_structure_mistakes(site, run):
    site.write("content/articles/no-front-matter.md", "Just text.\n")
    site.write("content/articles/unclosed.md", "---\ntitle: T\n\nBody.\n")
    site.write("content/articles/Bad Name.md", "---\ntitle: T\noutlet: O\ndate: 2015-10-09\n---\n")
    (site.root / "content/articles/latin1.md").write_bytes("---\ntitle: caf\xe9\n---\n".encode("latin-1"))
    err = check(site, run)
    assert "content/articles/no-front-matter.md:1: no front matter (start the file with a `---` line" in err
    assert "content/articles/unclosed.md:1: front matter is never closed" in err
    assert "content/articles/Bad Name.md: file name `Bad Name.md` does not make a stable URL (rename it to `bad-name.md`" in err
    assert "content/articles/latin1.md: not UTF-8 text (byte 14) (re-save the file as UTF-8)" in err


def test_every_problem_in_every_file_is_reported_in_one_run(site, run):
    site.write("content/articles/a.md", "---\ntitle: A\noutlet: O\ndate: 2015-99-01\nstanse: mixed\n---\n")
    site.write("content/articles/b.md", "---\ntitle: B\ndate: 2015-10-09\nstance: neutral\n---\n")
    err = check(site, run)
    lines = [line for line in err.splitlines() if line.startswith("content/")]
    assert [line.split(": ")[0] for line in lines] == [
        "content/articles/a.md:4", "content/articles/a.md:5", "content/articles/b.md:2", "content/articles/b.md:4"]
    assert "4 problems found; nothing was written." in err


def test_site_yml_is_validated_the_same_way(site, run):
    site.write("site.yml", "title: T\nbase_url: my-repo\nstanses:\n  a: b\ntheme: Fancy Theme\n")
    err = check(site, run)
    assert "site.yml:2: `base_url`: `my-repo` must start with / or https://" in err
    assert "site.yml:3: unknown key `stanses` (did you mean `stances`?)" in err
    assert "site.yml:5: `theme`: `Fancy Theme` is not a slug" in err


def test_site_yml_syntax_error_and_missing_file(site, run):
    site.write("site.yml", "title: [unclosed\n")
    assert "site.yml:2: YAML syntax error" in check(site, run)
    (site.root / "site.yml").unlink()
    assert "site.yml: no site.yml in" in check(site, run)


def test_bad_base_url_on_the_command_line(site, run):
    site.add_article("fine")
    result = run("build", "--site", site.root, "--base-url", "repo")
    assert result.code == 1
    assert "--base-url: `repo` must start with / or https://" in result.err


@pytest.mark.parametrize("breakage", ["front matter", "site.yml", "template"])
def test_a_failed_build_leaves_the_previous_build_exactly_as_it_was(site, run, breakage):
    site.add_article("good", title="Good")
    assert run("build", "--site", site.root).code == 0
    before = snapshot(site.build_dir)
    if breakage == "front matter":
        site.add_article("bad", date="not a date")
    elif breakage == "site.yml":
        site.write("site.yml", "title: [\n")
    else:
        site.write("site.yml", site.root.joinpath("site.yml").read_text() + "theme: mine\n")
        site.write("themes/mine/templates/article.html", "{% extends 'base.html' %}{% block main %}{{ no_such }}{% endblock %}")
    err = check(site, run, "build")
    assert snapshot(site.build_dir) == before
    assert not list(site.root.glob(".build-*")), "no staging folder is left behind"
    if breakage == "template":
        assert "themes/mine/templates/article.html:1: template error: 'no_such' is undefined" in err


def test_an_interrupted_write_leaves_the_previous_build_and_no_debris(site, run, monkeypatch):
    site.add_article("first", title="First")
    site.add_article("second", title="Second")
    assert run("build", "--site", site.root).code == 0
    before = snapshot(site.build_dir)
    site.add_article("third", title="Third")
    from pathlib import Path
    real_write = Path.write_bytes
    calls = []

    def write_then_interrupt(self, data):
        calls.append(self)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real_write(self, data)

    monkeypatch.setattr(Path, "write_bytes", write_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        run("build", "--site", site.root)
    monkeypatch.undo()
    assert snapshot(site.build_dir) == before
    assert not list(site.root.glob(".build-*"))


@pytest.mark.parametrize("front_matter, line", [
    ("title: A piece\noutlet: O\ndate: 2015-10-09\ncaveats:\n  - Figures: unverified, says: the ministry\n", 6),
    ("title: Russia: the strikes\noutlet: O\ndate: 2015-10-09\n", 2),
    ("title: T\noutlet: O\ndate: 2015-10-09\ncaveats:\n" + "  - A caveat.\n" * 22 + "  - Source: RT, says: the ministry\n", 28),
])
def test_a_yaml_syntax_error_is_reported_alone_for_its_file_and_first(site, run, front_matter, line):
    site.write(ARTICLE, f"---\n{front_matter}---\n\nText[^1] with a footnote and no note.\n")
    site.add_article("other", title="Other", body="Text.")
    err = check(site, run)
    reported = [entry for entry in err.splitlines() if entry.startswith("content/")]
    assert reported == [entry for entry in reported if entry.startswith(f"{ARTICLE}:{line}: YAML syntax error")]
    assert len(reported) == 1, "no `missing required` key, nothing about the body of an unreadable file"
    assert "1 problem found" in err
