"""build/'s own record (buildinfo): written as a whole-record json.dumps would, each distinct
piece's value encoded once."""

from __future__ import annotations

import json
from dataclasses import asdict

from site_builder import buildinfo
from site_builder.buildinfo import BuildInfo, build_info_file
from site_builder.config import load_config
from site_builder.published import PublishedPiece, published_record


def _pieces() -> dict[str, PublishedPiece]:
    critical, mixed = PublishedPiece("critical"), PublishedPiece("mixed")
    pieces = {f"content/articles/piece-{n}.md": critical if n % 3 else mixed for n in range(30, 0, -1)}
    pieces['content/articles/ünïcode "quoted" \\ back.md'] = PublishedPiece(
        "pro-kremlin", {"claim-b": "false", "claim-a": "true"}, {"stance": 1})
    pieces["content/articles/piece-7.md"] = PublishedPiece("critical", {"claim-1": "misleading"})
    return pieces


def _as_json_dumps(config, drafts: bool, published: dict) -> bytes:
    info = BuildInfo(config.base_url, config.base_path, config.base_url_given, drafts)
    record = {**asdict(info), "published": published}
    return (json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def test_the_record_is_what_json_dumps_writes_of_it(site):
    config = load_config(site.root)
    record = published_record(_pieces())
    for drafts, published in [(False, record), (True, {}), (False, dict(reversed(record.items())))]:
        assert build_info_file(config, drafts, published).content == _as_json_dumps(config, drafts, published)
    assert json.loads(build_info_file(config, False, record).content)["published"] == json.loads(json.dumps(record))


def test_pieces_alike_share_one_value_encoded_once(site, monkeypatch):
    pieces = _pieces()
    record = published_record(pieces)
    assert list(record) == sorted(pieces)
    assert record["content/articles/piece-1.md"] is record["content/articles/piece-2.md"]
    assert record["content/articles/piece-1.md"] is not record["content/articles/piece-3.md"]
    encoded = []
    real = buildinfo._encode
    monkeypatch.setattr(buildinfo, "_encode", lambda value: encoded.append(value) or real(value))
    build_info_file(load_config(site.root), False, record)
    assert len(encoded) == 5, "critical, mixed, the two with verdicts, and the build's own fields"
