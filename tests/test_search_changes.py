"""What an edit build tells the search index: which pages differ from base/'s record, and the key
naming the pages an index was made from, said as base/ and those differences (no list of every
page made again)."""

from __future__ import annotations

import random

from site_builder.indexing import search_key
from site_builder.search import IndexedPages


def _site(pages: int = 40) -> dict[str, str]:
    files = {f"articles/piece-{n}/index.html": f"{n:064x}" for n in range(pages)}
    files |= {f"static/file-{n}.css": f"{n + 1000:064x}" for n in range(20)}  # not pages
    files |= {"pagefind/pagefind.js": "a" * 64, "index.html": "b" * 64}  # the index is no page
    return files


def _base(files: dict[str, str]) -> IndexedPages:
    pages = {path: (sha, f"id{n}" if "piece" in path else "") for n, (path, sha) in enumerate(files.items())
             if path.endswith(".html") and not path.startswith("pagefind/")}
    return IndexedPages(pages, True, "identity")


def _changes_by_hand(base: IndexedPages, hashes: dict[str, str]) -> tuple[list[str], list[str]]:
    """As the changes were found by looking at every file in turn."""
    changed = [path for path, sha in hashes.items() if path.endswith(".html") and not path.startswith("pagefind/")
               and base.pages.get(path, ("", ""))[0] != sha]
    superseded = [page_id for path, (sha, page_id) in base.pages.items() if page_id and hashes.get(path) != sha]
    return sorted(changed), sorted(superseded)


def test_the_changes_are_the_pages_new_changed_or_gone_and_nothing_else():
    files = _site()
    base = _base(files)
    edited = dict(files)
    edited["articles/piece-3/index.html"] = "c" * 64  # changed
    del edited["articles/piece-5/index.html"]  # gone
    edited["articles/piece-new/index.html"] = "d" * 64  # new
    edited["static/file-2.css"] = "e" * 64  # no page
    edited["pagefind/pagefind.js"] = "f" * 64
    changed, superseded = base.changes(edited)
    assert sorted(changed) == ["articles/piece-3/index.html", "articles/piece-new/index.html"]
    assert sorted(superseded) == ["id3", "id5"]
    assert (sorted(changed), sorted(superseded)) == _changes_by_hand(base, edited)
    assert base.changes(files) == ([], [])


def test_the_changes_match_a_look_at_every_file_whatever_the_edits():
    random_edits = random.Random(7)
    files = _site(200)
    base = _base(files)
    for _ in range(30):
        edited = dict(files)
        for path in random_edits.sample(sorted(files), 12):
            if random_edits.random() < 0.3:
                del edited[path]
            else:
                edited[path] = f"{random_edits.getrandbits(256):064x}"
        edited[f"articles/new-{random_edits.randrange(5)}/index.html"] = "9" * 64
        changed, superseded = base.changes(edited)
        assert (sorted(changed), sorted(superseded)) == _changes_by_hand(base, edited)


def test_the_key_names_the_pages_whatever_the_order_of_the_files():
    files = _site()
    base = _base(files)
    key = search_key(base, base.compare(files), "en")
    shuffled = dict(sorted(files.items(), reverse=True))
    assert search_key(base, base.compare(shuffled), "en") == key
    assert search_key(base, base.compare(dict(files, **{"static/file-1.css": "0" * 64})), "en") == key, "no page"
    keys = {key}
    for edit in [{"articles/piece-1/index.html": "1" * 64}, {"articles/piece-1/index.html": "2" * 64},
                 {"articles/piece-new/index.html": files["articles/piece-1/index.html"]}]:
        edited = dict(files, **edit)
        keys.add(search_key(base, base.compare(edited), "en"))
    gone = dict(files)
    del gone["articles/piece-1/index.html"]
    keys.add(search_key(base, base.compare(gone), "en"))
    keys.add(search_key(base, base.compare(files), "de"))
    assert len(keys) == 6, "other pages (or another language) make another key"


def test_a_record_saved_without_an_identity_makes_one_from_its_pages():
    files = _site()
    base = _base(files)
    again = IndexedPages(dict(reversed(base.pages.items())), True)
    other = IndexedPages(dict(base.pages, **{"articles/piece-1/index.html": ("3" * 64, "id1")}), True)
    assert again.identity() == IndexedPages(dict(base.pages), True).identity() != other.identity()
    assert again.key == again.identity()
