"""How often `import` reads a real saved news page's metadata right: precision per field.

    PYTHONPATH=. .venv/bin/python tests/metadata_eval.py [--set heldout|fresh|tune|all] [--show]

Reads every page in tests/fixtures/real-pages/ through the same decoding and HTML extraction as
`import`, and compares title, authors, date and outlet with what a person read off the page
(expected.json). For each field: `right/attempted` (of the values the extractor gave, how many
are right: the "never wrong" rule) and `right/total` (right values, a correctly empty field
included, over all pages). test_import_html.py holds the held-out set to a floor.
"""

from __future__ import annotations

import argparse
import json
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from site_builder.ingest.decode import decode
from site_builder.ingest.html import extract_html

PAGES = Path(__file__).parent / "fixtures" / "real-pages"
FIELDS = ("title", "authors", "date", "outlet")


@dataclass(frozen=True)
class Score:
    right: int = 0  # right values, empty ones included when nothing was to be found
    right_given: int = 0  # right values among those given
    given: int = 0  # non-empty values the extractor gave
    total: int = 0


def expected_pages(which: str = "heldout") -> dict[str, dict]:
    table = json.loads((PAGES / "expected.json").read_text(encoding="utf-8"))
    return {name: row for name, row in table.items() if not name.startswith("_") and which in ("all", row["set"])}


def _same(text: str) -> str:
    """Spacing and Unicode form are not part of a value (a no-break space in a byline, say)."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def found_values(name: str) -> dict[str, object]:
    found = extract_html(decode((PAGES / name).read_bytes()).text, name)
    return {"title": _same(found.title), "authors": [_same(a) for a in found.authors],
            "date": found.date.isoformat() if found.date else "", "outlet": _same(found.outlet)}


def is_right(field: str, got: object, expected: object) -> bool:
    if field == "authors":
        return got == [_same(a) for a in expected]
    accepted = expected if isinstance(expected, list) else [expected]
    return got in [_same(value) for value in accepted]


def measure(which: str = "heldout") -> tuple[dict[str, Score], list[str]]:
    """Scores per field and one line per wrong value."""
    scores = {field: Score() for field in FIELDS}
    wrong: list[str] = []
    for name, expected in expected_pages(which).items():
        got = found_values(name)
        for field in FIELDS:
            right, given = is_right(field, got[field], expected[field]), bool(got[field])
            old = scores[field]
            scores[field] = Score(old.right + right, old.right_given + (right and given), old.given + given, old.total + 1)
            if not right:
                wrong.append(f"{name}: {field}: got {got[field]!r}, expected {expected[field]!r}")
    return scores, wrong


def table(scores: dict[str, Score]) -> str:
    lines = ["| field | right/attempted | right/total |", "|---|---|---|"]
    for field, s in scores.items():
        precision = f"{s.right_given}/{s.given} ({s.right_given / s.given:.0%})" if s.given else "0/0"
        lines.append(f"| {field} | {precision} | {s.right}/{s.total} ({s.right / s.total:.0%}) |")
    every = sum(s.right for s in scores.values()), sum(s.total for s in scores.values())
    lines.append(f"| all fields | | {every[0]}/{every[1]} ({every[0] / every[1]:.0%}) |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", default="heldout", choices=["heldout", "fresh", "tune", "all"])
    parser.add_argument("--show", action="store_true", help="list every wrong value")
    args = parser.parse_args()
    scores, wrong = measure(args.set)
    print(f"{args.set}: {next(iter(scores.values())).total} pages\n{table(scores)}")
    if args.show:
        print("\n".join(wrong))


if __name__ == "__main__":
    main()
