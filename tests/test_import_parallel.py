"""A large import extracts on every core, and writes exactly what one process would, in the same order."""

from __future__ import annotations

import shutil
from datetime import date

import yaml

from site_builder.config import load_config
from site_builder.ingest import article_file
from site_builder.ingest.importer import PARALLEL_FROM, import_sources
from tests.conftest import snapshot


def test_a_batch_imported_on_two_processes_equals_one_imported_in_one(site, tmp_path):
    sources = tmp_path / "sources"
    sources.mkdir()
    for n in range(PARALLEL_FROM + 8):  # twins by title: their slugs (-2, -3) follow the order given
        (sources / f"report-{n:02}.txt").write_text(f"Report {n % 5} on the offensive\n\nBy Jane Doe\n\n"
                                                   f"Paragraph of report {n} says the strikes hit targets near Hama.\n")
    (sources / "report-99.txt").write_bytes(b"")
    files = sorted(sources.iterdir())
    alone = tmp_path / "alone"
    shutil.copytree(site.root, alone)
    day = date(2026, 12, 7)
    shared = [(o.source, o.status, o.article, o.message) for o in
              import_sources(files, load_config(site.root), processes=2, today=day)]
    single = [(o.source, o.status, o.article.replace("alone", "site"), o.message) for o in
              import_sources(files, load_config(alone), processes=1, today=day)]
    assert shared == single and shared[-1][1:] == ("failed", "", "empty file")
    assert snapshot(site.root / "content") == snapshot(alone / "content")


def test_a_piece_met_twice_in_one_batch_is_decided_after_its_first_version_is_written(site, tmp_path):
    """Files are written on threads while the next are decided: a file with the same name as one
    before it updates that article, and the same bytes again are unchanged, as one by one."""
    sources = tmp_path / "sources"
    (sources / "again").mkdir(parents=True)
    for n in range(PARALLEL_FROM + 4):
        (sources / f"report-{n:02}.txt").write_text(f"Report {n} on the offensive\n\nBy Jane Doe\n\n"
                                                   f"Paragraph of report {n} says the strikes hit targets near Hama.\n")
    (sources / "again" / "report-03.txt").write_text("Report 3 on the offensive\n\nBy Jane Doe\n\n"
                                                    "An earlier version of report 3 says the strikes hit Homs.\n")
    shutil.copy(sources / "report-05.txt", sources / "copy-of-05.txt")
    files = sorted(p for p in sources.rglob("*.txt"))
    outcomes = {o.source: o for o in import_sources(files, load_config(site.root), processes=2)}
    first, second = outcomes[str(sources / "again" / "report-03.txt")], outcomes[str(sources / "report-03.txt")]
    assert (first.status, second.status) == ("imported", "updated") and first.article == second.article
    copy, original = outcomes[str(sources / "copy-of-05.txt")], outcomes[str(sources / "report-05.txt")]
    assert (copy.status, original.status) == ("imported", "unchanged") and copy.article == original.article
    article = (site.root / first.article).read_text()
    assert "says the strikes hit targets near Hama" in article and "Homs" not in article


def test_front_matter_values_are_written_as_pythons_yaml_emitter_writes_them():
    """Drafts are written with libyaml where it writes the same bytes as PyYAML's own emitter:
    emoji and the Unicode line breaks (which libyaml escapes) keep PyYAML's, quoting and all."""
    values = ["plain", "yes", "null", "1.0", "2024-01-01", "a: b", "#tag", "'quoted'", 'say "no"', "- dash",
              "Ünïcödé – “curly”", "smile 😀", "𝔉raktur", "line\u2028separator", "next\x85line", "para\u2029end",
              "\ufeffbom", "tab\there", "bell\x07", 42, True, 3.5, ["Jane Doe", "José 😀"], ["a\u2028b", "yes"]]
    for value in values:
        expected = yaml.dump({"key": value}, Dumper=yaml.SafeDumper, allow_unicode=True, sort_keys=False,
                             width=1000, default_flow_style=False)
        assert article_file.yaml_key("key", value) == expected, value
