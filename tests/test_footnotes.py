"""`check` catches footnotes and headings that break an article's page, each at its line.

The article's text and the editors' notes are rendered as two documents, each with its own
footnotes, so a mark needs its note in the same part.
"""

from __future__ import annotations

from conftest import article

PIECE = "content/articles/piece.md"
HEAD = article(body="").rstrip("\n") + "\n\n"  # 5 lines of front matter, then a blank line: the body starts at line 7


def write_body(site, body: str) -> None:
    site.write(PIECE, HEAD + body)


def problems(result) -> list[str]:
    return [line for line in result.err.splitlines() if line.startswith("content/")]


def test_well_placed_footnotes_in_the_text_and_in_the_notes_pass(site, run):
    write_body(site, "The strike killed 600.[^1] Code `[^x]` is not a mark.\n\n```\n[^y]\n```\n\n"
                     "[^1]: Editor's note: one source.\n    A second paragraph of the note.\n\n"
                     "## Editorial notes\n\nSee the ministry.[^1]\n\n[^1]: The notes number their own footnotes.\n")
    result = run("check", "--site", site.root)
    assert result.code == 0, result.err
    assert problems(result) == []


def test_a_mark_without_a_note_is_an_error_at_its_line_since_the_page_would_show_it_as_typed(site, run):
    write_body(site, "First paragraph.\n\nThe strike killed 600.[^2]\n\n## Editorial notes\n\nNone yet.\n")
    result = run("build", "--site", site.root)
    assert result.code == 1
    assert problems(result) == [
        f"{PIECE}:9: footnote mark `[^2]` has no note in the text: the page would show `[^2]` as typed "
        "(add a note `[^2]: ...` on its own line in the text, or remove the mark) [SB501]"]
    assert not site.build_dir.exists()


def test_a_note_without_a_mark_is_a_warning_at_its_line(site, run):
    write_body(site, "The strike killed 600.\n\n[^3]: Editor's note: attached to nothing.\n")
    result = run("check", "--site", site.root)
    assert result.code == 0
    assert problems(result) == [
        f"{PIECE}:9: warning: footnote note `[^3]:` has no mark in the text: it is attached to no words "
        "(put `[^3]` right after the words it is about, or delete the note) [SB502]"]


def test_a_note_in_the_other_part_is_named_in_both_problems(site, run):
    write_body(site, "The strike killed 600.[^1]\n\n## Editorial notes\n\n[^1]: Misplaced note.\n")
    result = run("check", "--site", site.root)
    assert problems(result) == [
        f"{PIECE}:7: footnote mark `[^1]` has no note in the text: the page would show `[^1]` as typed (its note on "
        "line 11 is in the notes under `## Editorial notes`, which is shown apart: move it into the text) [SB501]",
        f"{PIECE}:11: warning: footnote note `[^1]:` has no mark in the notes under `## Editorial notes`: it is "
        "attached to no words (its mark on line 7 is in the text, which is shown apart: move the note there) [SB502]"]


def test_marks_and_notes_in_the_editors_notes_are_checked_too(site, run):
    write_body(site, "Text.\n\n## Editorial notes\n\nThe count is disputed.[^a]\n\n[^b]: Orphan.\n")
    found = problems(run("check", "--site", site.root))
    assert [line.split(" (")[0] for line in found] == [
        f"{PIECE}:11: footnote mark `[^a]` has no note in the notes under `## Editorial notes`: the page would "
        "show `[^a]` as typed",
        f"{PIECE}:13: warning: footnote note `[^b]:` has no mark in the notes under `## Editorial notes`: it is "
        "attached to no words"]


def test_outlet_footnotes_in_the_text_are_checked_like_the_editors(site, run):
    write_body(site, "As the outlet wrote, 600 died.[^src] And more.[^src2]\n\n[^src]: The outlet's own source note.\n")
    found = problems(run("check", "--site", site.root))
    assert len(found) == 1 and found[0].startswith(f"{PIECE}:7: footnote mark `[^src2]` has no note")


def test_a_note_given_twice_is_an_error_since_the_page_would_lose_one(site, run):
    write_body(site, "Text.[^1]\n\n[^1]: First.\n[^1]: Second.\n")
    result = run("check", "--site", site.root)
    assert result.code == 1
    assert problems(result) == [
        f"{PIECE}:10: footnote note `[^1]:` is given twice in the text: the page would show only this one "
        "(the other is on line 9; merge them, or give one another label) [SB504]"]


def test_a_second_notes_heading_is_a_warning_at_its_line(site, run):
    write_body(site, "Text.\n\n## Editorial notes\n\nFirst note.\n\n## Editorial notes\n\nSecond note.\n\n"
                     "```\n## Editorial notes\n```\n")
    result = run("check", "--site", site.root)
    assert result.code == 0
    assert problems(result) == [
        f"{PIECE}:13: warning: a second `## Editorial notes` heading: the page would show it twice "
        "(the notes already start at line 9; delete this heading) [SB503]"]


def test_the_heading_checked_is_the_one_site_yml_names(site, run):
    site.write("site.yml", site.root.joinpath("site.yml").read_text() + "notes_heading: Teacher's notes\n")
    write_body(site, "Text.\n\n## Editorial notes\n\n## Teacher's notes\n\nOne.\n\n## teacher's notes\n")
    found = problems(run("check", "--site", site.root))
    assert found == [f"{PIECE}:15: warning: a second `## teacher's notes` heading: the page would show it twice "
                     "(the notes already start at line 11; delete this heading) [SB503]"]


def test_each_new_code_is_explained(run):
    for code in ("SB501", "SB502", "SB503", "SB504"):
        result = run("check", "--explain", code)
        assert result.code == 0 and result.out.startswith(code)


# --- re-anchoring never puts a mark on other words ------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from site_builder.ingest.reanchor import carry_footnotes  # noqa: E402

WORDS = st.sampled_from(["the", "strike", "hit", "a", "town.", "town", "said,", "Residents", "ministry"])
PARAGRAPHS = st.lists(st.lists(WORDS, min_size=1, max_size=30), min_size=1, max_size=4)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(PARAGRAPHS, st.lists(st.tuples(st.integers(0, 3), st.integers(0, 40)), max_size=4))
def test_a_mark_is_put_back_after_its_own_words_or_reported_never_elsewhere(paragraphs, positions):
    """With the outlet's text unchanged (and words that repeat a lot), each mark either lands exactly
    where the editor put it or the update is refused."""
    outlet = "\n\n".join(" ".join(words) for words in paragraphs)
    annotated = [list(words) for words in paragraphs]
    labels = []
    for number, (paragraph, after) in enumerate(positions, 1):
        words = annotated[paragraph % len(annotated)]
        index = after % len(words)
        words[index] += f"[^{number}]"
        labels.append(number)
    notes = [f"[^{number}]: Note {number}." for number in labels]
    current = "\n\n".join([*(" ".join(words) for words in annotated), *notes])
    merged = carry_footnotes(current, outlet, outlet)
    if merged.unplaced:
        assert {mark.label for mark in merged.unplaced} <= {str(number) for number in labels}
        assert merged.text == outlet, "a refused update changes nothing"
    else:
        assert merged.text == current
