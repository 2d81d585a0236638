"""/data/: the collection as open data (JSON, CSV, JSON Schemas) and the Data page that documents it.

The files the Data page lists come from one registry, `DATA_FILES`; a file is linked only when
the build writes it (the collection-wide BibTeX and CSL-JSON are another module's). The
annotations are not copied here: /annotations.jsonld is their JSON (W3C Web Annotations, whose
ids point into that file and which `import` reads back); /data/annotations.csv gives them as rows.

Formats, the same for every dataset (site_builder.datasets declares them):
- JSON: an object naming its schema (`$schema`), the collection, the licence and the date of the
  data, then the records, one per line (so a diff shows the records that changed).
- CSV: UTF-8 with a byte-order mark (so Excel reads it as UTF-8), a header row of the fields'
  names, one row per record. A list of texts is one item per line in its cell; a record or a list
  of records is its JSON. Formula injection is neutralised: a text cell starting with `=`, `+`,
  `-`, `@`, a tab or a carriage return gets a leading `'`, which spreadsheets show as text
  (OWASP's advice). Numbers are written as numbers and never prefixed (a count is never
  negative). The JSON keeps every value as it is.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Any, Callable, Iterable

from site_builder.annotation_export import EXPORT_PATH, annotated_articles
from site_builder.collection import Collection
from site_builder.config import SiteConfig
from site_builder.data_memo import DatasetLines, RowMemo
from site_builder.datasets import DATASETS, Addresses, Dataset, data_date, iso
from site_builder.urls import absolute, has_origin

if TYPE_CHECKING:
    from site_builder.reader import Article

DATA_DIR = "data/"
DATA_PAGE = "data/index.html"
DATA_TEMPLATE = "(data)"  # the data files' jobs: made by a function, not a theme template
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
FORMULA_STARTS = frozenset("=+-@\t\r")
CSV_LIST_SEPARATOR = "\n"


@dataclass(frozen=True)
class DataFile:
    """One file the Data page may list: its path in build/, its format and what it holds."""

    path: str
    format: str  # as the page names it: JSON, CSV, JSON Schema, JSON-LD, BibTeX, CSL-JSON
    about: str  # in English, with `%(name)s` placeholders: the catalogues translate it (the Data page's `translated`)
    dataset: str = ""  # the dataset it gives (site_builder.datasets), if any
    values: tuple[tuple[str, str], ...] = ()  # the placeholders' values (the dataset's title is translated too)


def _(message: str) -> str:
    """Marks a string for the catalogues (site_builder.catalogues); the Data page translates it."""
    return message


def _dataset_files(dataset: Dataset) -> tuple[DataFile, ...]:
    title, name = (("title", dataset.title),), (("file", f"{dataset.name}.json"),)
    files = (DataFile(f"{DATA_DIR}{dataset.name}.json", "JSON", _("%(title)s, with the licence and date."),
                      dataset.name, title),
             DataFile(f"{DATA_DIR}{dataset.name}.schema.json", "JSON Schema",
                      _("The JSON Schema (Draft 2020-12) of %(file)s."), dataset.name, name))
    files = files if dataset.json else ()
    return files + (DataFile(f"{DATA_DIR}{dataset.name}.csv", "CSV", _("%(title)s, one row per record."),
                             dataset.name, title),)


DATA_FILES: tuple[DataFile, ...] = (
    *(file for dataset in DATASETS for file in _dataset_files(dataset)),
    DataFile(EXPORT_PATH, "JSON-LD", _("The annotations as a W3C Web Annotation collection, for annotation tools "
                                       "(site-builder import reads it back)."), "annotations"),
    DataFile(f"{DATA_DIR}collection.bib", "BibTeX", _("Every piece as a BibTeX entry, for reference managers.")),
    DataFile(f"{DATA_DIR}collection.csl.json", "CSL-JSON", _("Every piece as CSL-JSON, for Zotero and citeproc.")),
)


_DATA_PATHS = frozenset(file.path for file in DATA_FILES)


@dataclass(frozen=True)
class DataSubject:
    """What a data file or the Data page declares it shows (its key, incremental.PageKeys): a
    dataset ("page" for the Data page) as of the date of the data, which every one of them states."""

    dataset: str
    data_date: date | None
    links: tuple[str, ...] = ()  # the Data page's: the files it links


# --- planning -----------------------------------------------------------------------------------

def plan_data(collection: Collection, config: SiteConfig, planned: Iterable[str],
              memo: RowMemo | None = None, annotated: list[Article] | None = None) -> tuple[list, Any]:
    """The data files as pages to make (each remade only when what it shows changed), their
    schemas, and the Data page, which links the files of DATA_FILES among `planned` (every path
    planned so far) or among the data files.

    A job's pieces in full are those whose bodies it shows something of: every piece's word count,
    provenance and annotations' keys for pieces, the annotated pieces' annotations for
    annotations.csv. `memo`: the records the last build made (data_memo.RowMemo). `annotated`:
    `annotation_export.annotated_articles` of the collection, when the caller has it."""
    from site_builder.render import OutputFile, PageJob, PageKind  # render plans these: imported when it does

    day = data_date(collection)
    if annotated is None:
        annotated = annotated_articles(collection)
    bodies = {"pieces": tuple([article.slug for article in collection.articles]),
              "annotations": tuple([article.slug for article in annotated])}
    items: list = []
    for dataset in DATASETS:
        subject = DataSubject(dataset.name, day)
        lines = _Lines(dataset, collection, config, memo)
        made = {"json": partial(dataset_json, dataset, lines, config, day), "csv": partial(dataset_csv, dataset, lines)}
        for extension in ("json", "csv") if dataset.json else ("csv",):
            items.append(PageJob(f"{DATA_DIR}{dataset.name}.{extension}", DATA_TEMPLATE, {"make": made[extension]},
                                 PageKind.DATA, subject, bodies.get(dataset.name, ())))
        if dataset.json:
            items.append(OutputFile(f"{DATA_DIR}{dataset.name}.schema.json", dataset_schema(dataset, config)))
    written = _DATA_PATHS.intersection(planned) | {item.path for item in items}
    files = tuple(file for file in DATA_FILES if file.path in written)
    context = {"data_files": files, "datasets": DATASETS, "data_date": day, "field_kind": field_kind,
               "counts": {"pieces": len(collection.articles), "claims": len(collection.claims),
                          "outlets": len(collection.outlets), "events": len(collection.events)}}
    page = PageJob(DATA_PAGE, "data.html", context, PageKind.DATA,
                   DataSubject("page", day, tuple(file.path for file in files)))
    return items, page


def field_kind(schema: dict[str, Any]) -> str:
    """A field's type in words, for the Data page (from its JSON Schema)."""
    kind = schema.get("type")
    nullable = isinstance(kind, list) and "null" in kind
    kind = next(k for k in kind if k != "null") if isinstance(kind, list) else kind
    if kind == "array":
        item = schema["items"]
        words = "list of records" if item.get("type") == "object" else f"list of {field_kind(item)}s"
    elif kind == "object":
        words = "record" if "properties" in schema else f"mapping of text to {field_kind(schema['additionalProperties'])}s"
    elif schema.get("format") == "date":
        words = "date (YYYY-MM-DD)"
    elif schema.get("format") in ("uri", "uri-reference"):
        words = "address"
    else:
        words = {"string": "text", "integer": "whole number"}[kind]
    return words + (", or null" if nullable else "")


def make_data_file(context: dict[str, Any]) -> bytes:
    """A data file's bytes (render.render_page calls this for DATA_TEMPLATE jobs)."""
    make: Callable[[], bytes] = context["make"]
    return make()


# --- JSON ---------------------------------------------------------------------------------------

def _compact(value: Any) -> str:
    # Compact: json's C encoder (with `indent` it falls back to the pure-Python one).
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class _Lines:
    """A dataset's records as JSON and CSV lines (data_memo.DatasetLines), made once for both
    files (when made in one process) and let go when the last has taken them: a large
    collection's are megabytes."""

    def __init__(self, dataset: Dataset, collection: Collection, config: SiteConfig, memo: RowMemo | None):
        self._args = (dataset, collection, config, memo)
        self._lines: DatasetLines | None = None
        self._users = 2 if dataset.json else 1

    def __call__(self) -> DatasetLines:
        lines = self._lines or self._make(*self._args)
        self._users -= 1
        self._lines = lines if self._users > 0 else None
        return lines

    @staticmethod
    def _make(dataset: Dataset, collection: Collection, config: SiteConfig, memo: RowMemo | None) -> DatasetLines:
        addresses, csv_line = Addresses(config), _CsvLine(list(dataset.fields))
        json_line = _compact if dataset.json else _no_line

        def lines_of(records: Iterable[Any]) -> tuple[list[str], list[str]]:
            made = []
            for record in records:  # each row let go once written: they are larger than their lines
                row = dataset.row(record, addresses)
                made.append((json_line(row), csv_line(row)))
            return [lines[0] for lines in made], [lines[1] for lines in made]

        if dataset.pieces is None or dataset.of_piece is None:
            json_lines, csv_lines = lines_of(dataset.records(collection))
            return DatasetLines("".join([line + ",\n" for line in json_lines]).encode("utf-8"),
                                "".join(csv_lines).encode("utf-8"), len(csv_lines))
        memo = memo or RowMemo(None, "", {})
        of_piece = dataset.of_piece
        return memo.lines(dataset.name, dataset.pieces(collection), lambda article: lines_of(of_piece(article)))


def _no_line(row: dict[str, Any]) -> str:
    return ""  # a dataset published as CSV only


def dataset_json(dataset: Dataset, lines: Callable[[], DatasetLines], config: SiteConfig, day: date | None) -> bytes:
    """`data/<name>.json`: what it is, then its records, one per line."""
    records = lines()
    head = {"$schema": absolute(config, f"{DATA_DIR}{dataset.name}.schema.json"),
            "title": f"{config.title}: {dataset.title.lower()}",
            "site": absolute(config, ""),
            "license": config.licence.as_json() if config.licence else None,
            "data_date": iso(day),
            "count": records.count}
    body = b"\n" + records.json[:-2] + b"\n" if records.json else b""  # each line ends with ",\n"
    return (_compact(head)[:-1] + f',"{dataset.name}":[').encode("utf-8") + body + b"]}\n"


def dataset_schema(dataset: Dataset, config: SiteConfig) -> bytes:
    """`data/<name>.schema.json`: the JSON Schema of data/<name>.json, its records' fields described."""
    licence = {"type": ["object", "null"], "description": "The licence of the editors' work and this data "
               "(site.yml's `licence`); null when none is stated.",
               "properties": {"id": {"type": "string", "description": "Its SPDX identifier."},
                              "name": {"type": "string"}, "url": {"type": "string", "format": "uri"}},
               "required": ["name", "url"], "additionalProperties": False}
    head = {
        "$schema": {"type": "string", "format": "uri-reference", "description": "This schema's address."},
        "title": {"type": "string", "description": "The collection's title and what the file holds."},
        "site": {"type": "string", "format": "uri-reference", "description": "The collection's address."},
        "license": licence,
        "data_date": {"type": ["string", "null"], "format": "date", "description": "The date of the data: the "
                      "newest day the collection records (a publication, an import, a correction, an annotation)."},
        "count": {"type": "integer", "minimum": 0, "description": f"How many records `{dataset.name}` holds."},
        dataset.name: {"type": "array", "items": {"$ref": "#/$defs/record"}, "description": dataset.about},
    }
    schema: dict[str, Any] = {"$schema": SCHEMA_DIALECT}
    if has_origin(config):
        schema["$id"] = absolute(config, f"{DATA_DIR}{dataset.name}.schema.json")
    schema.update({"title": f"{dataset.title} of a site_builder collection", "description": dataset.about,
                   "type": "object", "properties": head, "required": list(head), "additionalProperties": False,
                   "$defs": {"record": dataset.record_schema()}})
    return (json.dumps(schema, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# --- CSV ----------------------------------------------------------------------------------------

def neutralised(text: str) -> str:
    """A text cell a spreadsheet will not run as a formula (see the module docstring)."""
    return "'" + text if text and text[0] in FORMULA_STARTS else text


def csv_cell(value: Any) -> str | int:
    """One value as its CSV cell: numbers as numbers, texts neutralised, lists and records as documented."""
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralised(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return value
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return neutralised(CSV_LIST_SEPARATOR.join(" ".join(item.splitlines()) for item in value))
    return _compact(value)  # a record or a list of records: starts with { or [, never a formula


class _CsvLine:
    """A record as its CSV line (RFC 4180: quoted where needed, CRLF at its end)."""

    def __init__(self, names: list[str]):
        self.names = names
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, lineterminator="\r\n")

    def __call__(self, row: dict[str, Any]) -> str:
        buffer = self._buffer
        buffer.seek(0)
        buffer.truncate()
        self._writer.writerow([csv_cell(row[name]) for name in self.names])
        return buffer.getvalue()


def dataset_csv(dataset: Dataset, lines: Callable[[], DatasetLines]) -> bytes:
    """`data/<name>.csv`: a header of the fields' names, then a line per record."""
    names = list(dataset.fields)
    header = _CsvLine(names)(dict(zip(names, names)))
    return ("\ufeff" + header).encode("utf-8") + lines().csv
