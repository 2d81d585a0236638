"""Adding or updating one annotation in an article file changes those lines and no other byte."""

from __future__ import annotations

from datetime import date

import pytest
import yaml

from site_builder.ingest.front_matter_edit import (CannotEdit, add_or_update_annotation, edit_annotation, edit_annotations,
                                                  remove_annotation)

# Everything an editor does by hand: comments everywhere, odd spacing and quoting, a list indented
# its own way, a note whose Markdown has a line that looks like a YAML comment.
MESSY = """\
---
# The piece, as collected
title:   'Strike'   # quoted oddly
outlet: "The Outlet"
date: 2015-10-09
tags: [a,   b]
annotations:   # the editors' notes on passages
  # first one
  -   quote: "about 20 sorties"
      note: |
        Line one.

        # a Markdown heading, not a comment
      id: sorties   # keep me
      kind: context

  # second, by hand
  - quote: other words
    note: Short.
# about the draft flag
draft: true
---

Body text, never touched: annotations: [].
"""
NEW = {"id": "h1", "quote": "new passage", "prefix": "the ", "suffix": "", "at": 12, "note": "Two\nlines\n",
       "kind": None, "by": "Jane", "tags": ("x", "y z"), "created": date(2024, 3, 5)}


def values(text: str) -> dict:
    return yaml.safe_load(text.split("---\n")[1])


def test_a_new_entry_is_appended_to_the_list_indented_as_the_others_and_nothing_else_changes():
    edited = add_or_update_annotation(MESSY, NEW)
    assert edited == MESSY.replace("    note: Short.\n", """\
    note: Short.
  -   quote: new passage
      prefix: 'the '
      at: 12
      note: |
        Two
        lines
      by: Jane
      tags: [x, y z]
      id: h1
      created: 2024-03-05
""")
    assert values(edited)["annotations"][2] == {"quote": "new passage", "prefix": "the ", "at": 12, "note": "Two\nlines\n",
                                                 "by": "Jane", "tags": ["x", "y z"], "id": "h1",
                                                 "created": date(2024, 3, 5)}


def test_the_same_entry_again_changes_nothing():
    once = add_or_update_annotation(MESSY, NEW)
    again = edit_annotation(once, NEW)
    assert again.status == "unchanged" and again.text == once


def test_an_update_rewrites_only_the_keys_that_changed_and_keeps_the_editors_own():
    edit = edit_annotation(MESSY, {"id": "sorties", "quote": "about 20 sorties", "note": "Changed.", "tags": ["t"],
                                   "kind": None, "by": ""})
    assert edit.status == "updated" and edit.changed == ("note", "tags")
    assert edit.text == MESSY.replace("""\
      note: |
        Line one.

        # a Markdown heading, not a comment
      id: sorties   # keep me
      kind: context
""", """\
      note: Changed.
      id: sorties   # keep me
      kind: context
      tags: [t]
""")


def test_an_empty_value_removes_the_key_from_an_existing_entry():
    edited = add_or_update_annotation(MESSY, {"id": "sorties", "kind": ""})
    assert "      kind: context\n" not in edited and values(edited)["annotations"][0]["note"].startswith("Line one.")
    assert edited == MESSY.replace("      kind: context\n", "")


def test_a_front_matter_without_annotations_gets_the_list_last():
    text = "---\ntitle: x   # mine\n---\n\nbody\n"
    assert add_or_update_annotation(text, {"id": "q", "quote": "yes", "note": "no: really"}) == (
        "---\ntitle: x   # mine\nannotations:\n  - quote: 'yes'\n    note: 'no: really'\n    id: q\n---\n\nbody\n")


def test_an_empty_list_keeps_its_comment():
    text = "---\ntitle: x\nannotations: []  # none yet\ndraft: true\n---\n\nbody\n"
    assert add_or_update_annotation(text, {"id": "q", "quote": "#hash", "note": "- item"}) == (
        "---\ntitle: x\nannotations:  # none yet\n  - quote: '#hash'\n    note: '- item'\n    id: q\ndraft: true\n---\n\nbody\n")


@pytest.mark.parametrize("value", ["yes", "2015-10-09", "12", "a: b", "  spaced  ", "quote \"and\" 'apostrophe'",
                                   "line\u2028separator", "tab\there", "a\n---\nrule", "end\n...\n", "ends with #",
                                   "[not a list]", "* star", "!tag"])
def test_any_text_reads_back_as_written(value):
    edited = add_or_update_annotation("---\ntitle: x\n---\n", {"id": "q", "quote": value, "note": value, "by": value})
    entry = values(edited)["annotations"][0]
    assert (entry["quote"], entry["note"], entry["by"]) == (value, value, value)


def test_a_list_written_in_flow_style_or_a_broken_front_matter_is_refused():
    with pytest.raises(CannotEdit, match="write it as a list"):
        add_or_update_annotation("---\ntitle: x\nannotations: [{quote: a, note: b, id: c}]\n---\n", NEW)
    with pytest.raises(CannotEdit, match="no front matter"):
        add_or_update_annotation("title: x\n", NEW)
    with pytest.raises(CannotEdit, match="run `site-builder check`"):
        add_or_update_annotation("---\ntitle: [x\n---\n", NEW)
    with pytest.raises(CannotEdit, match="`annotations` is not a list"):
        add_or_update_annotation("---\ntitle: x\nannotations: some\n---\n", NEW)


def test_several_entries_at_once_an_entry_that_cannot_be_written_costs_only_itself():
    text = "---\ntitle: x\nannotations:\n  - {quote: a, note: b, id: inline}\n---\n\nbody\n"
    edited, outcomes = edit_annotations(text, [{"id": "inline", "quote": "a", "note": "changed"}, NEW,
                                               {"id": "inline", "quote": "a", "note": "b"}])
    assert isinstance(outcomes[0], CannotEdit) and "write one `key: value` per line" in str(outcomes[0])
    assert [o.status for o in outcomes[1:]] == ["added", "unchanged"]
    assert edited.startswith(text.split("---\n\n")[0]) and values(edited)["annotations"][1]["id"] == "h1"


# --- removing an entry, and editing one by its place (the preview's Edit and Delete) ----------------

@pytest.mark.parametrize("text", [
    MESSY,
    "---\ntitle: x   # mine\n---\n\nbody\n",
    "---\ntitle: x\nannotations: []  # none yet\ndraft: true\n---\n\nbody\n",
])
def test_removing_an_added_entry_gives_the_file_back_byte_for_byte(text):
    added = add_or_update_annotation(text, NEW)
    index = len(values(added)["annotations"]) - 1
    assert remove_annotation(added, index) == text


def test_removing_an_entry_takes_its_lines_only_and_keeps_the_comments_around_it():
    assert remove_annotation(MESSY, 0) == MESSY.replace("""\
  -   quote: "about 20 sorties"
      note: |
        Line one.

        # a Markdown heading, not a comment
      id: sorties   # keep me
      kind: context
""", "")
    assert remove_annotation(MESSY, 1) == MESSY.replace("  - quote: other words\n    note: Short.\n", "")


def test_removing_the_only_entry_of_a_commented_list_leaves_an_empty_list_and_the_comments():
    text = "---\ntitle: x\nannotations:\n  # mine\n  - quote: a\n    note: b\n---\n"
    assert remove_annotation(text, 0) == "---\ntitle: x\nannotations: []\n  # mine\n---\n"
    assert values(remove_annotation(text, 0))["annotations"] == []


def test_an_entry_without_an_id_is_edited_by_its_place_and_only_the_changed_line_moves():
    edit = edit_annotation(MESSY, {"note": "Longer now.", "kind": "question"}, index=1)
    assert edit.status == "updated"
    assert edit.text == MESSY.replace("    note: Short.\n", "    note: Longer now.\n    kind: question\n")


def test_a_place_that_is_not_an_entry_is_refused():
    with pytest.raises(CannotEdit, match="no annotation number 3"):
        remove_annotation(MESSY, 2)
    with pytest.raises(CannotEdit, match="no annotation number 1"):
        edit_annotation("---\ntitle: x\n---\n", {"note": "n"}, index=0)
    with pytest.raises(CannotEdit, match="remove it by hand"):
        remove_annotation("---\ntitle: x\nannotations:\n  - {quote: a, note: b}\n---\n", 0)
