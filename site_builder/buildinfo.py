"""What build/ was built for, recorded inside build/ so `serve` and `deploy` know it.

A site built with `build --base-url /repo/` only works under `/repo/`. The preview must serve it
there (and not quietly rebuild it for `/`), and `deploy` must refuse to publish it where it
would be served elsewhere. Both read this small file, which the build writes into build/ with
every other file, so it is swapped in with the pages it describes and can never disagree with
them (a record beside build/, or in the cache, could). `deploy` leaves it out of what it
publishes and `serve` does not serve it. It also keeps what the build published of the editors'
stances and verdicts, which `check` compares with in a site that is not in git.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring
from dataclasses import asdict, dataclass
from pathlib import Path

from site_builder.config import SiteConfig
from site_builder.render import OutputFile

BUILD_INFO_FILE = ".site-builder-build.json"


@dataclass(frozen=True)
class BuildInfo:
    base_url: str  # as the build used it (a path or a full address)
    base_path: str  # the path every internal link starts with
    base_url_given: bool  # from `--base-url` (the command line), not from site.yml
    drafts: bool  # drafts were published too (`--drafts`)


def build_info_file(config: SiteConfig, drafts: bool, published: dict | None = None) -> OutputFile:
    """The record; `published` is what the build showed of each piece's stance, verdicts and
    corrections (site_builder.published compares the next check with it when git cannot say)."""
    info = BuildInfo(config.base_url, config.base_path, config.base_url_given, drafts)
    return OutputFile(BUILD_INFO_FILE, (_record_text(asdict(info), published or {}) + "\n").encode())


# Compact: an indented dump takes json's pure-Python encoder, a large part of an edit build with
# thousands of pieces; machines read this file.
_encode = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode


def _record_text(info: dict, published: dict) -> str:
    """`{**info, "published": published}` as json.dumps writes it with sorted keys, each piece's
    value encoded once however many pieces share it (published_record gives pieces alike one
    value: most pieces show a stance alone), not once per piece of the site on every build."""
    encoded: dict[int, str] = {}  # by the value's id: the values live in `published` meanwhile
    entries = []
    for path in sorted(published):
        value = published[path]
        text = encoded.get(id(value))
        if text is None:
            text = encoded[id(value)] = _encode(value)
        entries.append(f"{encode_basestring(path)}:{text}")
    # The key, unescaped, can only be the key itself: quotes inside a value are escaped.
    head, _, tail = _encode({**info, "published": {}}).rpartition('"published":{}')
    return f'{head}"published":{{{",".join(entries)}}}{tail}'


def read_build_info(output_dir: Path) -> BuildInfo | None:
    """What `output_dir` was built for; None without a build (or one made before this record was)."""
    try:
        values = json.loads((output_dir / BUILD_INFO_FILE).read_text(encoding="utf-8"))
        return BuildInfo(**{name: values[name] for name in BuildInfo.__dataclass_fields__})
    except (OSError, ValueError, KeyError, TypeError):
        return None
