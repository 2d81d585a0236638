"""Corrections: checked like every field, guarded against silent changes of a verdict or stance,
and shown where readers look (near the top of the corrected page, the log, the feed, ClaimReview)."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date, timedelta

import feedparser
import pytest

from conftest import Site

GIT = shutil.which("git")
needs_git = pytest.mark.skipif(GIT is None, reason="git is not installed")

CLAIM = """claims:
  - id: precise-strikes
    text: The strikes were precise.
    verdict: disputed
"""
CORRECTIONS = """corrections:
  - date: 2026-01-05
    kind: clarification
    field: caveats
    was: "no earlier than 8 October"
    now: "on or after 7 October"
    why: The figures match the ministry's report of [6 October](https://example.org/mod).
    evidence:
      - https://example.org/mod
  - date: 2026-02-01
    kind: correction
    field: claims.precise-strikes.verdict
    was: disputed
    now: false
    why: The note already said it is not borne out.
"""


def piece(*front: str, stance: str = "mixed", body: str = "The ministry said the strikes were precise.") -> str:
    """An article file with extra front-matter blocks (YAML text) before the closing line."""
    return ("---\ntitle: A piece\noutlet: The Outlet\ndate: 2015-10-09\n" + (f"stance: {stance}\n" if stance else "")
            + "caveats:\n  - Only the ministry counts the sorties.\n" + "".join(front) + f"---\n\n{body}\n")


def problems_of(result) -> list[str]:
    return [line for line in result.out.splitlines() + result.err.splitlines() if "[SB" in line]


# --- the schema and check ---------------------------------------------------------------------------

def test_every_problem_of_a_correction_is_reported_at_its_line_with_its_code(site, run):
    future = (date.today() + timedelta(days=30)).isoformat()
    site.write("content/articles/a.md", piece(CLAIM, "annotations:\n  - quote: strikes were precise\n    id: precise-note\n"
                                                     "    note: Only the ministry says so.\n", f"""corrections:
  - kind: correction
    field: stance
    why: x
  - date: 2026-01-01
    kind: wrong
    field: stanse
    why: x
    evidence: [not-a-url]
  - date: {future}
    kind: update
    field: claims.other-claim.verdict
    why: x
  - date: 2026-01-01
    kind: update
    field: annotations.no-such-note
  - date: 2026-01-01
    kind: update
    field: annotations.precise-note
    why: The note was reworded.
"""))
    result = run("check", "--site", site.root)
    assert result.code == 1
    lines = problems_of(result)
    assert "content/articles/a.md:17: `corrections`: item 1: missing required `date` (add a `date:` line: date " \
           "(YYYY-MM-DD)) [SB102]" in lines
    assert any(line.startswith("content/articles/a.md:21: `corrections`: item 2: `kind`: `wrong` is not one of the "
                               "allowed values") and line.endswith("[SB116]") for line in lines)
    assert "content/articles/a.md:22: `corrections`: item 2: `field`: `stanse` names nothing in this piece " \
           "(did you mean `stance`?) [SB701]" in lines
    assert any(line.startswith("content/articles/a.md:24: `corrections`: item 2: `evidence`: item 1: `not-a-url` is "
                               "not a web address") for line in lines)
    assert any(line.startswith(f"content/articles/a.md:25: `corrections`: item 3: `date`: {future} is after today")
               and line.endswith("[SB702]") for line in lines)
    assert any(line.startswith("content/articles/a.md:27: `corrections`: item 3: `field`: `claims.other-claim.verdict` "
                               "names nothing in this piece (this piece does not carry the claim `other-claim`")
               for line in lines)
    assert any(line.startswith("content/articles/a.md:31: `corrections`: item 4: `field`: `annotations.no-such-note` "
                               "names nothing") and "`precise-note`" in line for line in lines)
    assert any(line.startswith("content/articles/a.md:29: `corrections`: item 4: missing required `why`") for line in lines)
    assert len(lines) == 8, lines  # the last entry is right


def test_an_outlet_profiles_corrections_are_checked_in_outlets_yml(site, run):
    site.write("content/articles/a.md", piece())
    site.write("content/outlets.yml", """The Outlet:
  kind: blog
  corrections:
    - date: 2026-01-01
      kind: clarification
      field: leanings
      why: Attributed.
    - date: 2026-01-01
      kind: update
      field: notes
""")
    result = run("check", "--site", site.root)
    assert result.code == 1
    lines = problems_of(result)
    assert "content/outlets.yml:6: `corrections`: item 1: `field`: `leanings` names nothing in this profile " \
           "(did you mean `leaning`?) [SB701]" in lines
    assert any(line.startswith("content/outlets.yml:8: `corrections`: item 2: missing required `why`") for line in lines)


def test_a_verdict_written_as_a_bare_word_is_the_verdict(site, run):
    """`was: false` in YAML is a boolean; in a correction it is the verdict `false`."""
    site.write("content/articles/a.md", piece(CLAIM, CORRECTIONS))
    assert run("build", "--site", site.root, "-q").code == 0
    assert "Now: “false”" in site.page("articles/a/").text_content()


# --- the guard: a verdict or stance changed since it was published needs a correction ---------------

def git(site: Site, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=site.root, check=True, capture_output=True, text=True).stdout


def in_git(site: Site) -> None:
    git(site, "init", "-q", "-b", "main")
    git(site, "config", "user.email", "editor@example.org")
    git(site, "config", "user.name", "An Editor")
    commit(site, "The collection as published")


def commit(site: Site, message: str) -> None:
    git(site, "add", "-A")
    git(site, "commit", "-q", "-m", message)


def edit(site: Site, old: str, new: str) -> None:
    path = site.root / "content/articles/a.md"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


VERDICT_CORRECTION = """corrections:
  - date: 2026-02-01
    kind: correction
    field: claims.precise-strikes.verdict
    was: disputed
    now: false
    why: The evidence shows it is false.
"""


@needs_git
def test_a_verdict_changed_without_a_correction_fails_check_until_one_is_added(site, run):
    site.write("content/articles/a.md", piece(CLAIM))
    in_git(site)
    edit(site, "verdict: disputed", "verdict: false")
    result = run("check", "--site", site.root)
    assert result.code == 1
    head = git(site, "rev-parse", "--short=7", "HEAD").strip()
    [line] = problems_of(result)
    assert line.startswith("content/articles/a.md:9: claim `precise-strikes`: the verdict changed from `disputed` to "
                           f"`false` since the last published version (the last commit, {head}) and no correction "
                           "records it (add an entry to this piece's `corrections:`, e.g. `- {date: ")
    assert "field: claims.precise-strikes.verdict, was: disputed, now: false" in line and line.endswith("[SB703]")
    assert run("build", "--site", site.root, "-q").code == 1  # build refuses it too, and writes nothing
    assert not site.build_dir.exists()

    edit(site, "---\n\n", VERDICT_CORRECTION + "---\n\n")
    assert run("check", "--site", site.root).code == 0
    assert run("build", "--site", site.root, "-q").code == 0


@needs_git
def test_a_stance_changed_without_a_correction_fails_and_an_update_entry_passes(site, run):
    site.write("content/articles/a.md", piece(CLAIM.replace("disputed", "false"), CORRECTIONS))  # none of the stance
    in_git(site)
    edit(site, "stance: mixed", "stance: critical")
    [line] = problems_of(run("check", "--site", site.root))
    assert line.startswith("content/articles/a.md:5: the stance changed from `mixed` to `critical` since the last "
                           "published version")
    edit(site, "corrections:\n", "corrections:\n  - date: 2026-03-01\n    kind: update\n    field: stance\n"
                                 "    why: The outlet's later pieces show its position.\n")
    assert run("check", "--site", site.root).code == 0


@needs_git
def test_an_old_correction_does_not_cover_a_second_change(site, run):
    site.write("content/articles/a.md", piece(CLAIM.replace("disputed", "false"), VERDICT_CORRECTION))
    in_git(site)
    edit(site, "verdict: false", "verdict: unverified")
    assert [line for line in problems_of(run("check", "--site", site.root)) if "[SB703]" in line]


@needs_git
def test_the_last_deploy_is_what_readers_saw_even_after_later_commits(site, run):
    """A verdict changed and committed, but not yet deployed, is still a change readers will see."""
    site.write("content/articles/a.md", piece(CLAIM))
    in_git(site)
    assert run("build", "--site", site.root, "-q").code == 0
    deployed = run("deploy", "--site", site.root)
    assert deployed.code == 0, deployed.err
    source = git(site, "rev-parse", "--short=7", "HEAD").strip()
    edit(site, "verdict: disputed", "verdict: false")
    commit(site, "A silent change")
    [line] = problems_of(run("check", "--site", site.root))
    assert f"since the last published version (commit {source}, the source of the last deploy to gh-pages)" in line


@needs_git
def test_without_a_deploy_what_was_pushed_is_what_readers_saw(site, run, tmp_path):
    """The Pages workflow `new` writes publishes every push: a change committed but not pushed is
    still unpublished, and still needs its correction."""
    site.write("content/articles/a.md", piece(CLAIM))
    in_git(site)
    subprocess.run(["git", "init", "-q", "--bare", str(tmp_path / "remote.git")], check=True)
    git(site, "remote", "add", "origin", str(tmp_path / "remote.git"))
    git(site, "push", "-q", "-u", "origin", "main")
    pushed = git(site, "rev-parse", "--short=7", "HEAD").strip()
    edit(site, "verdict: disputed", "verdict: false")
    commit(site, "A silent change, not pushed yet")
    [line] = problems_of(run("check", "--site", site.root))
    assert f"(commit {pushed}, last pushed to origin/main)" in line


@needs_git
def test_new_pieces_first_verdicts_drafts_and_renamed_pieces_are_judged_fairly(site, run):
    site.write("content/articles/a.md", piece(CLAIM, stance=""))
    site.write("content/articles/draft.md", piece(stance="mixed").replace("title:", "draft: true\ntitle:"))
    in_git(site)
    site.write("content/articles/new.md", piece(CLAIM.replace("disputed", "false").replace("precise-strikes", "new-claim"),
                                                stance="critical"))
    edit(site, "---\ntitle", "---\nstance: critical\ntitle")  # a first stance: nothing readers saw changed
    draft = site.root / "content/articles/draft.md"
    draft.write_text(draft.read_text().replace("stance: mixed", "stance: critical"))
    assert run("check", "--site", site.root).code == 0
    commit(site, "New pieces")
    git(site, "mv", "content/articles/a.md", "content/articles/renamed.md")
    renamed = site.root / "content/articles/renamed.md"
    renamed.write_text(renamed.read_text().replace("verdict: disputed", "verdict: false"))
    [line] = problems_of(run("check", "--site", site.root))
    assert line.startswith("content/articles/renamed.md:") and "claim `precise-strikes`" in line


@needs_git
def test_a_claim_restated_in_a_new_file_is_compared_with_what_was_published(site, run):
    """A new piece is never compared, but a claim readers saw is, wherever it is now declared."""
    site.write("content/articles/a.md", piece(CLAIM))
    in_git(site)
    (site.root / "content/articles/a.md").unlink()
    site.write("content/articles/untracked.md", piece(CLAIM.replace("disputed", "false")))
    [line] = problems_of(run("check", "--site", site.root))
    assert line.startswith("content/articles/untracked.md:") and "from `disputed` to `false`" in line


def test_without_git_the_last_build_is_the_published_state(site, run):
    site.write("content/articles/a.md", piece(CLAIM))
    assert run("check", "--site", site.root).code == 0  # no git, no build yet: nothing to compare with
    assert run("build", "--site", site.root, "-q").code == 0
    record = json.loads((site.build_dir / ".site-builder-build.json").read_text())["published"]
    assert record == {"content/articles/a.md": {"stance": "mixed", "verdicts": {"precise-strikes": "disputed"},
                                                "corrected": {}}}
    edit(site, "verdict: disputed", "verdict: false")
    [line] = problems_of(run("build", "--site", site.root, "-q"))
    assert "since the last published version (the last build)" in line
    edit(site, "---\n\n", VERDICT_CORRECTION + "---\n\n")
    assert run("build", "--site", site.root, "-q").code == 0


@needs_git
def test_a_repository_without_a_commit_falls_back_to_the_last_build(site, run):
    site.write("content/articles/a.md", piece(CLAIM))
    git(site, "init", "-q", "-b", "main")
    assert run("build", "--site", site.root, "-q").code == 0
    edit(site, "stance: mixed", "stance: critical")
    assert "(the last build)" in problems_of(run("check", "--site", site.root))[0]


# --- shown where readers look -----------------------------------------------------------------------

@pytest.fixture
def corrected(site, run) -> Site:
    site.write("content/articles/a.md", piece(CLAIM.replace("disputed", "false"), CORRECTIONS))
    site.write("content/articles/b.md", piece("claims:\n  - id: precise-strikes\n", stance="critical")
               .replace("A piece", "B piece").replace("2015-10-09", "2015-10-10"))
    site.write("content/outlets.yml", """The Outlet:
  kind: blog
  leaning: not established here
  corrections:
    - date: 2026-03-01
      kind: clarification
      field: leaning
      was: unknown
      now: not established here
      why: Others report what we have not verified.
""")
    assert run("build", "--site", site.root, "-q").code == 0
    return site


def test_a_corrected_piece_shows_its_corrections_in_the_context_panel_before_the_text(corrected):
    page = corrected.page("articles/a/")
    panel = page.get_element_by_id("corrections")
    assert panel.getparent().get("class") == "context-panel"
    entries = panel.cssselect("li.correction")
    assert [e.get("id") for e in entries] == ["correction-1", "correction-2"]
    first = entries[0].text_content()
    assert "Clarification" in first and "5 January 2026" in first and "Caveats" in first
    assert "Was: “no earlier than 8 October”" in first and "Now: “on or after 7 October”" in first
    assert entries[0].cssselect(".correction-evidence a")[0].get("href") == "https://example.org/mod"
    assert "Claim “The strikes were precise.”: verdict" in entries[1].text_content()
    html = (corrected.build_dir / "articles/a/index.html").read_text()
    assert html.index('id="corrections"') < html.index('class="article-text"')
    notice = page.cssselect(".piece-header .corrected-notice")[0].text_content()
    assert "2 corrections and updates" in notice and "1 February 2026" in notice


def test_the_changed_field_links_to_its_correction(corrected):
    page = corrected.page("articles/a/")
    caveats_link = page.cssselect(".caveats h3 a.corrected-link")[0]
    assert caveats_link.get("href") == "#correction-1" and caveats_link.text == "clarified"
    verdict_link = page.cssselect(".claims-here li a.corrected-link")[0]
    assert verdict_link.get("href") == "#correction-2" and verdict_link.text == "corrected"
    other = corrected.page("articles/b/")  # carries the claim; its correction is recorded in a.md
    assert other.cssselect(".claims-here li a.corrected-link")[0].get("href") == "/claims/precise-strikes/#correction-1"
    assert not other.cssselect("#corrections")


def test_a_claim_page_shows_the_claims_corrections_and_claimreview_says_when_it_changed(corrected):
    page = corrected.page("claims/precise-strikes/")
    assert page.cssselect("#verdict-heading a.corrected-link")[0].get("href") == "#correction-1"
    [entry] = page.cssselect("#corrections li.correction")
    assert entry.get("id") == "correction-1" and "The note already said it is not borne out." in entry.text_content()
    review = json.loads(page.cssselect('script[type="application/ld+json"]')[0].text)
    assert review["dateModified"] == "2026-02-01"


def test_a_claim_never_corrected_has_no_date_modified(site, run):
    site.write("content/articles/a.md", piece(CLAIM))
    assert run("build", "--site", site.root, "-q").code == 0
    review = json.loads(site.page("claims/precise-strikes/").cssselect('script[type="application/ld+json"]')[0].text)
    assert "dateModified" not in review


def test_an_outlet_page_shows_its_profiles_corrections(corrected):
    page = corrected.page("outlets/the-outlet/")
    assert page.cssselect(".context-facts a.corrected-link")[0].get("href") == "#correction-1"
    assert "Others report what we have not verified." in page.get_element_by_id("correction-1").text_content()


def test_the_corrections_page_lists_every_correction_newest_first_and_is_linked_from_every_page(corrected):
    page = corrected.page("corrections/")
    entries = page.cssselect(".corrections-log > li")
    assert [e.cssselect("h2 a")[0].text_content() for e in entries] == [
        "Clarification to the profile of The Outlet", "Correction to the claim “The strikes were precise.”",
        "Clarification to the piece “A piece”"]
    assert [e.cssselect("h2 a")[0].get("href") for e in entries] == [
        "/outlets/the-outlet/#correction-1", "/claims/precise-strikes/#correction-1", "/articles/a/#correction-1"]
    assert "recorded in the piece “A piece”" in entries[1].text_content()
    assert "changed: Verdict" in " ".join(entries[1].text_content().split())
    assert page.cssselect('link[rel="alternate"][href="/corrections.xml"]')
    for path in ("", "articles/b/", "claims/"):
        assert corrected.page(path).cssselect('footer a[href="/corrections/"]')


def test_the_corrections_feed_parses_and_lists_the_entries_newest_first(corrected):
    feed = feedparser.parse((corrected.build_dir / "corrections.xml").read_bytes())
    assert not feed.bozo
    assert feed.feed.title == "Corrections · Test Collection"
    assert [e.title for e in feed.entries] == [
        "Clarification to the profile of The Outlet", "Correction to the claim “The strikes were precise.”",
        "Clarification to the piece “A piece”"]
    assert [e.link for e in feed.entries][2] == "/articles/a/#correction-1"
    assert feed.entries[2].published.startswith("2026-01-05")
    assert "Was: “no earlier than 8 October”" in feed.entries[2].content[0].value


def test_a_site_without_corrections_says_so_and_its_feed_is_empty(site, run):
    site.write("content/articles/a.md", piece())
    assert run("build", "--site", site.root, "-q").code == 0
    assert "no corrections so far" in site.page("corrections/").text_content()
    feed = feedparser.parse((site.build_dir / "corrections.xml").read_bytes())
    assert not feed.bozo and feed.entries == []


def test_a_corrections_markdown_cannot_inject_script(site, run):
    site.write("content/articles/a.md", piece("""corrections:
  - date: 2026-01-01
    kind: correction
    field: caveats
    was: "<script>alert(1)</script>"
    why: "<img src=x onerror=alert(1)> [x](javascript:alert(1))"
"""))
    assert run("build", "--site", site.root, "-q").code == 0
    for path in ("articles/a/", "corrections/"):
        entry = site.page(path).cssselect(".correction")[0]
        assert not entry.cssselect("script, img") and "javascript" not in (entry.cssselect("a")[0].get("href") or "")
        assert "<script>alert(1)</script>" in entry.text_content()  # shown as the words they are
    content = feedparser.parse((site.build_dir / "corrections.xml").read_bytes()).entries[0].content[0].value
    assert "<img" not in content and "<script>" not in content and "javascript:" not in content
