"""Generate a deterministic synthetic corpus of annotated news articles, for benchmarks.

    python bench/make_corpus.py N OUT [--format ours|pelican|hugo] [--seed 42]

`make_corpus()` produces neutral records (one dict per article, one per outlet); a writer per output
format turns them into files: `ours` (a complete site_builder site), `pelican` (pelicanconf.py and
content/, the outlet as category) and `hugo` (a Hugo site with a minimal layouts/, tags and outlets
as taxonomies). The article text and notes are the same words in every format.

Rare "marker" words (MARKERS) each appear in about 1% of articles, so a benchmark can search for a
word with a known, small number of hits.

With annotations (the command's default, `--no-annotations` to leave them out; `make_corpus()`
leaves them out unless asked), each piece gets 2 to 4 anchored annotations in its front matter,
quoting passages of its own text letter for letter, some with prefix and suffix, a kind or an
annotator. They come from a random generator of their own, so every other word of the corpus is
the same with or without them. Only `--format ours` writes them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent

NOUNS = """agreement airport ally ambassador analyst army artillery attack border budget cabinet ceasefire
charity checkpoint city coalition commander committee convoy council court crisis critic currency deal
delegation diplomat drone economy election embassy envoy evidence exports factory farmer finance fleet
frontier fuel governor grain harbour hospital inquiry investor journalist judge leader legislature
market militia minister ministry mission negotiator network offensive official opposition parliament
pipeline policy port president prison protest railway refugee region regime report reserve resolution
sanction satellite senate settlement shortage spokesman strike summit supply tariff taxpayer treaty
tribunal troop union village volunteer vote warehouse watchdog witness""".split()
VERBS = """announced approved blocked condemned confirmed criticised defended delayed denied disputed
doubled downplayed endorsed expanded halted ignored investigated launched negotiated opposed postponed
praised questioned rejected reported restored reversed revealed secured suspended threatened
undermined welcomed withdrew""".split()
ADJS = """armed bitter broad contested costly covert critical decisive disputed domestic early fragile
frequent grim heavy hostile illegal informal interim joint key large local major military modest
northern official partial political quiet rapid regional rural secret senior sharp southern
strategic sudden tense unprecedented urban vague vital wide""".split()
PLACES = """Aleppo Ankara Baghdad Beirut Brussels Cairo Damascus Doha Geneva Hama Homs Idlib Istanbul
Kabul Kyiv Latakia London Minsk Moscow Mosul Palmyra Paris Raqqa Riyadh Tehran Tripoli Vienna
Warsaw Yerevan Astana""".split()
FIRST = "Anna Boris Carla David Elena Farid Grace Hassan Irina Jonas Karim Laila Marco Nadia Omar Petra Rania Samir Tara Viktor".split()
LAST = "Abbas Baker Costa Dubois Evans Faris Gray Haddad Ivanova Jensen Khan Lopez Markov Novak Orlov Petrov Rossi Sokolov Tan Weber".split()
ORGS = ["the United Nations", "the foreign ministry", "the defence ministry", "the central bank", "a monitoring group",
        "the state news agency", "an opposition council", "the Red Crescent", "the European Commission", "NATO"]
PAPERS = "Herald Ledger Courier Post Times Review Monitor Dispatch Observer Tribune Gazette Wire Chronicle Journal".split()
KINDS = ["daily newspaper", "news agency", "state broadcaster", "news website", "weekly magazine", "blog"]
MARKERS = "hydrofoil tungsten saffron monsoon telescope falconry orchardist glacier seabed marzipan".split()

SENTENCES = [
    "{who} said the {a} {n} in {p} would be {v} by the {n2}.",
    "According to {org}, the {n} {v} the {a} {n2} near {p} on {day}.",
    "The {n} was {v} after {num} {n2}s were reported in {p}.",
    "Officials in {p} {v} a {a} {n} that critics say favours the {n2}.",
    "{who}, a {n} from {p}, told reporters that the {n2} had been {v}.",
    "It remains unclear whether the {a} {n} will survive the {n2}.",
    "In {p}, the {n} {v} {num} new measures aimed at the {n2}.",
    "Analysts noted that the {n} had {v} a {a} {n2} only weeks earlier.",
    "{org} {v} the {n}, calling it a {a} step for the {n2}.",
    "The {a} {n} came as the {n2} in {p} {v} its position.",
    "Neither the {n} nor the {n2} {v} the figures given by {org}.",
    "Residents of {p} said the {n} had {v} the {a} {n2} for {num} days.",
]
HEADINGS = ["Background", "The view from {p}", "What the {n} said", "A {a} {n}", "Reactions", "What comes next"]


def _fill(rng: random.Random, template: str) -> str:
    text = template.format(n=rng.choice(NOUNS), n2=rng.choice(NOUNS), v=rng.choice(VERBS), a=rng.choice(ADJS),
                           p=rng.choice(PLACES), who=f"{rng.choice(FIRST)} {rng.choice(LAST)}", org=rng.choice(ORGS),
                           num=rng.randint(2, 900), day=rng.choice(["Monday", "Tuesday", "Friday", "Sunday"]))
    text = re.sub(r"\b([Aa]) (?=[aeiou])", r"\1n ", text)
    return text[0].upper() + text[1:]


def _sentences(rng: random.Random, count: int) -> str:
    return " ".join(_fill(rng, rng.choice(SENTENCES)) for _ in range(count))


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _unique(rng: random.Random, count: int, make) -> list[str]:
    found: dict[str, None] = {}
    while len(found) < count:
        found[make()] = None
    return list(found)


def _body(rng: random.Random, words: int, markers: list[str]) -> tuple[str, int]:
    """The article text in Markdown (headings, quote, link, maybe code, footnotes); returns it and its footnote count."""
    blocks, count, footnotes = [], 0, 0
    heading_every = rng.randint(4, 7)
    while count < words:
        if len(blocks) % heading_every == heading_every - 1:
            blocks.append("## " + _fill(rng, rng.choice(HEADINGS)))
        paragraph = _sentences(rng, rng.randint(3, 6))
        if len(blocks) == 2:
            paragraph += f" The full statement is [on the {rng.choice(NOUNS)}'s site](https://example.org/{rng.randint(1, 10**6)})."
        if footnotes < 3 and rng.random() < 0.15:
            footnotes += 1
            paragraph += f"[^{footnotes}]"
        blocks.append(paragraph)
        count += len(paragraph.split())
    for marker in markers:  # the rare search words, each in a sentence of its own
        blocks.insert(rng.randint(1, len(blocks)), f"Reports also mentioned the {marker} {rng.choice(NOUNS)} in {rng.choice(PLACES)}.")
    blocks.insert(rng.randint(1, len(blocks)), "> " + _sentences(rng, rng.randint(2, 3)))
    if rng.random() < 0.05:
        blocks.insert(rng.randint(1, len(blocks)), f"```text\nSTATEMENT {rng.randint(1, 99)}\n{_fill(rng, SENTENCES[0])}\n```")
    for i in range(1, footnotes + 1):
        blocks.append(f"[^{i}]: Editor's note: {_sentences(rng, rng.randint(1, 2))}")
    return "\n\n".join(blocks), footnotes


PLAIN_PARAGRAPH = re.compile(r"[A-Z][^\[\]*_`<>&\\#\n]*")  # no Markdown syntax: shown as written
ANNOTATION_KINDS = ["context", "correction", "question"]  # of site.yml's default `annotation_kinds`
CONTEXT = 32  # characters of prefix and suffix, as Hypothesis keeps them


def _shown(body: str) -> str:
    """Roughly the words a reader sees of the Markdown body: links' text, no footnote marks, and
    each run of whitespace one space (as annotations are matched: a paragraph break reads as a
    space, so a passage ending one paragraph may recur across the next)."""
    marks_gone = re.sub(r"(?m)^ {0,3}(?:#+|>|[-*]|\d+\.) +", "", body)  # headings, quotes, list items
    links_as_text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", marks_gone)
    return re.sub(r"\s+", " ", re.sub(r"\[\^\d+\]:?", "", links_as_text))


def _annotations(rng: random.Random, body: str, date: dt.date) -> list[dict]:
    """2 to 4 annotations quoting passages of `body` that occur once in it, in plain paragraphs."""
    paragraphs = [p for p in body.split("\n\n") if PLAIN_PARAGRAPH.fullmatch(p)]
    shown, made, wanted = _shown(body), [], rng.randint(2, 4)
    for _ in range(wanted * 5):  # a few tries per annotation: a passage may occur twice
        if len(made) == wanted or not paragraphs:
            break
        paragraph = rng.choice(paragraphs)
        words = list(re.finditer(r"\S+", paragraph))
        length = rng.randint(3, min(14, len(words)))
        first = rng.randrange(len(words) - length + 1)
        start, end = words[first].start(), words[first + length - 1].end()
        quote = paragraph[start:end]
        if shown.count(quote) != 1 or any(quote in a["quote"] or a["quote"] in quote for a in made):
            continue
        annotation = {"quote": quote}
        if rng.random() < 0.5:
            annotation.update(prefix=paragraph[max(0, start - CONTEXT):start], suffix=paragraph[end:end + CONTEXT])
        annotation["note"] = _sentences(rng, rng.randint(1, 2))
        if rng.random() < 0.6:
            annotation["kind"] = rng.choice(ANNOTATION_KINDS)
        if rng.random() < 0.3:
            annotation["by"] = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if rng.random() < 0.2:
            annotation["tags"] = [rng.choice(NOUNS)]
        if rng.random() < 0.3:
            annotation["created"] = (date + dt.timedelta(days=rng.randint(1, 60))).isoformat()
        made.append({key: value for key, value in annotation.items() if value != ""})
    return made


def make_corpus(n: int, seed: int = 42, annotations: bool = False) -> dict:
    """Neutral records: {"outlets": [...], "tags": [...], "articles": [...]}, the same for the same n and seed.

    `annotations` adds each article's "annotations" from a generator of their own (the rest stays the same)."""
    rng = random.Random(seed)
    stances = list(yaml.safe_load((REPO / "site.yml").read_text(encoding="utf-8"))["stances"])
    outlets = [{"name": name, "kind": rng.choice(KINDS), "affiliation": f"Owned by {rng.choice(LAST)} Media Group",
                "leaning": f"Leans {rng.choice(stances)}, by its own coverage.", "url": f"https://{slugify(name)}.example.org/",
                "notes": _sentences(rng, 2)}
               for name in _unique(rng, 40, lambda: f"The {rng.choice(PLACES)} {rng.choice(PAPERS)}")]
    tags = _unique(rng, 200, lambda: rng.choice([f"{rng.choice(ADJS)} {rng.choice(NOUNS)}", rng.choice(PLACES).lower(),
                                                 f"{rng.choice(PLACES).lower()} {rng.choice(NOUNS)}"]))
    start = dt.date(2015, 1, 1)
    dates = [start + dt.timedelta(days=rng.randrange(5 * 365)) for _ in range(n)]
    # Events: about a third of the pieces, in groups of 2-4 covering the same story within a few days.
    events: dict[int, str] = {}
    order = rng.sample(range(n), n)
    while len(order) >= 4 and len(events) < n // 3:
        group, order = order[:rng.randint(2, 4)], order[4:]
        key = f"{dates[group[0]].isoformat()}-{rng.choice(PLACES).lower()}-{rng.choice(NOUNS)}"
        for i in group:
            events[i] = key
            dates[i] = dates[group[0]] + dt.timedelta(days=rng.randint(0, 3))
    claim_pool = [f"claim-{i:05d}-{rng.choice(NOUNS)}" for i in range(max(1, n // 10))]
    stated: set[str] = set()
    articles = []
    for i in range(n):
        title = _fill(rng, rng.choice(["{p} {n} {v} amid {a} {n2}", "{who} on the {a} {n}", "Why the {n} in {p} was {v}"]))
        slug = f"{slugify(title)[:60].strip('-')}-{i:05d}"
        claims = []
        for claim_id in rng.sample(claim_pool, rng.randint(0, min(3, len(claim_pool)))):
            claim = {"id": claim_id, "role": rng.choice(["makes", "reports", "disputes"])}
            if claim_id not in stated:  # text and verdict are stated once, where the claim first appears
                stated.add(claim_id)
                claim = {"id": claim_id, "text": _fill(rng, SENTENCES[0]), "by": rng.choice(ORGS),
                         "verdict": rng.choice(["supported", "disputed", "false", "unverified", "opinion"]),
                         "role": claim["role"], "note": _sentences(rng, 2), "evidence": [f"https://example.org/e/{i}"]}
            claims.append(claim)
        markers = [m for m in MARKERS if rng.random() < 0.01]
        body, _ = _body(rng, rng.randint(800, 1500), markers)
        notes = [f"**{rng.choice(['Sources', 'Framing', 'Context'])}.** {_sentences(rng, rng.randint(2, 4))}" for _ in range(rng.randint(1, 3))]
        earlier = articles[rng.randrange(i)]["slug"] if i and rng.random() < 0.3 else None
        if earlier:
            notes.append(f"Compare [[{earlier}]].")
        articles.append({
            "slug": slug, "title": title, "outlet": rng.choice(outlets)["name"], "date": dates[i],
            "authors": [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(rng.randint(1, 2))],
            "source_url": f"https://example.org/{slug}", "stance": rng.choice(stances),
            "stance_notes": _sentences(rng, rng.randint(1, 3)),
            "caveats": [_sentences(rng, rng.randint(1, 2)) for _ in range(rng.randint(0, 3))],
            "tags": rng.sample(tags, rng.randint(2, 6)), "event": events.get(i, ""),
            "related": [earlier] if earlier and rng.random() < 0.5 else [], "claims": claims,
            "markers": markers, "body": body, "notes": notes,
        })
        if annotations:
            articles[-1]["annotations"] = _annotations(random.Random(f"{seed}:annotations:{i}"), body, dates[i])
    return {"outlets": outlets, "tags": tags, "articles": articles}


class _IndentedLists(yaml.SafeDumper):
    """Block lists indented under their key (`annotations:` then `  - quote: ...`)."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)


def write_ours(corpus: dict, out: Path) -> None:
    """A complete site_builder site: site.yml, content/articles/*.md, content/outlets.yml."""
    site = yaml.safe_load((REPO / "site.yml").read_text(encoding="utf-8"))
    config = {"title": "Synthetic benchmark collection", "description": "Generated by bench/make_corpus.py.",
              "base_url": "/", "language": "en", "theme": "default", "notes_heading": "Editorial notes",
              "search": True, "stances": site["stances"]}
    articles_dir = out / "content" / "articles"
    articles_dir.mkdir(parents=True, exist_ok=True)
    (out / "site.yml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8")
    profiles = {o["name"]: {k: o[k] for k in ("kind", "affiliation", "leaning", "url", "notes")} for o in corpus["outlets"]}
    (out / "content" / "outlets.yml").write_text(yaml.safe_dump(profiles, sort_keys=False, allow_unicode=True, width=100),
                                                 encoding="utf-8")
    for a in corpus["articles"]:
        meta = {"title": a["title"], "outlet": a["outlet"], "date": a["date"].isoformat(), "author": a["authors"],
                "source_url": a["source_url"], "stance": a["stance"], "stance_notes": a["stance_notes"],
                "caveats": a["caveats"], "tags": a["tags"]}
        meta.update({key: a[key] for key in ("event", "related", "claims") if a[key]})
        meta["word_count"] = len(a["body"].split())
        front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=100)
        if a.get("annotations"):  # last, and indented as the guide writes them (a list item per note)
            front += yaml.dump({"annotations": a["annotations"]}, Dumper=_IndentedLists, sort_keys=False,
                               allow_unicode=True, width=100)
        text = f"---\n{front}---\n\n{_markdown_text(a)}"
        (articles_dir / f"{a['slug']}.md").write_text(text, encoding="utf-8")


def _markdown_text(a: dict) -> str:
    """The article text and the editors' notes exactly as `write_ours` writes them (same words everywhere)."""
    notes = "\n".join(f"- {note}" for note in a["notes"])
    return f"{a['body']}\n\n## Editorial notes\n\n{notes}\n"


PELICANCONF = """\
# Generated by bench/make_corpus.py: Pelican with the same Markdown extensions as site_builder.
AUTHOR = "Bench"
SITENAME = "Synthetic benchmark collection"
SITEURL = ""
PATH = "content"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
DEFAULT_PAGINATION = False
# Like `pelican-quickstart`'s development settings: no feeds.
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
# Pelican's own cache, so a rebuild after one edit re-reads only that file.
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.codehilite": {"css_class": "highlight", "guess_lang": False},
        "markdown.extensions.extra": {},
        "markdown.extensions.meta": {},
        "markdown.extensions.toc": {"toc_depth": "2-4"},
        "markdown.extensions.sane_lists": {},
    },
    "output_format": "html5",
}
"""


def write_pelican(corpus: dict, out: Path) -> None:
    """A Pelican project: pelicanconf.py and content/<slug>.md; the outlet is the category."""
    content = out / "content"
    content.mkdir(parents=True, exist_ok=True)
    (out / "pelicanconf.py").write_text(PELICANCONF, encoding="utf-8")
    for a in corpus["articles"]:
        meta = [f"Title: {a['title']}", f"Date: {a['date'].isoformat()}", f"Category: {a['outlet']}",
                f"Tags: {', '.join(a['tags'])}", f"Authors: {'; '.join(a['authors'])}", f"Slug: {a['slug']}"]
        (content / f"{a['slug']}.md").write_text("\n".join(meta) + "\n\n" + _markdown_text(a), encoding="utf-8")


HUGO_CONFIG = """\
# Generated by bench/make_corpus.py: a Hugo site with a minimal layout, no theme.
baseURL = "/"
title = "Synthetic benchmark collection"
disableKinds = ["RSS", "sitemap", "robotsTXT"]
[taxonomies]
  tag = "tags"
  outlet = "outlets"
[markup.goldmark.renderer]
  unsafe = false
"""
HUGO_LAYOUTS = {
    "_default/baseof.html": "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{{ .Title }}"
                            "</title></head><body><header><a href=\"/\">{{ site.Title }}</a></header>"
                            "<main>{{ block \"main\" . }}{{ end }}</main></body></html>\n",
    "_default/single.html": "{{ define \"main\" }}<article><h1>{{ .Title }}</h1><p>{{ .Date.Format \"2 January 2006\" }}"
                            "{{ range .GetTerms \"outlets\" }} · <a href=\"{{ .RelPermalink }}\">{{ .LinkTitle }}</a>{{ end }}</p>"
                            "{{ .TableOfContents }}{{ .Content }}<p>{{ range .GetTerms \"tags\" }}"
                            "<a href=\"{{ .RelPermalink }}\">{{ .LinkTitle }}</a> {{ end }}</p></article>{{ end }}\n",
    "_default/list.html": "{{ define \"main\" }}<h1>{{ .Title }}</h1><ol>{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">"
                          "{{ .LinkTitle }}</a> {{ .Date.Format \"2006-01-02\" }}</li>{{ end }}</ol>{{ end }}\n",
    "_default/terms.html": "{{ define \"main\" }}<h1>{{ .Title }}</h1><ul>{{ range .Data.Terms.Alphabetical }}<li>"
                           "<a href=\"{{ .Page.RelPermalink }}\">{{ .Page.LinkTitle }}</a> ({{ .Count }})</li>{{ end }}</ul>{{ end }}\n",
    "index.html": "{{ define \"main\" }}<h1>{{ site.Title }}</h1><ol>{{ range site.RegularPages }}<li>"
                  "<a href=\"{{ .RelPermalink }}\">{{ .LinkTitle }}</a></li>{{ end }}</ol>{{ end }}\n",
}


def write_hugo(corpus: dict, out: Path) -> None:
    """A Hugo site: hugo.toml, layouts/ (article, list, taxonomy and home pages) and content/articles/."""
    articles_dir = out / "content" / "articles"
    articles_dir.mkdir(parents=True, exist_ok=True)
    (out / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    for name, text in HUGO_LAYOUTS.items():
        (out / "layouts" / name).parent.mkdir(parents=True, exist_ok=True)
        (out / "layouts" / name).write_text(text, encoding="utf-8")
    for a in corpus["articles"]:
        meta = {"title": a["title"], "date": a["date"].isoformat(), "slug": a["slug"], "authors": a["authors"],
                "tags": a["tags"], "outlets": [a["outlet"]]}
        front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=100)
        (articles_dir / f"{a['slug']}.md").write_text(f"---\n{front}---\n\n{_markdown_text(a)}", encoding="utf-8")


WRITERS = {"ours": write_ours, "pelican": write_pelican, "hugo": write_hugo}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="how many articles")
    parser.add_argument("out", type=Path, help="the folder to write (created if missing)")
    parser.add_argument("--format", choices=sorted(WRITERS), default="ours")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--annotations", action=argparse.BooleanOptionalAction, default=True,
                        help="anchored annotations in each piece's front matter (--format ours only)")
    args = parser.parse_args()
    corpus = make_corpus(args.n, args.seed, annotations=args.annotations)
    WRITERS[args.format](corpus, args.out)
    words = sum(len(a["body"].split()) for a in corpus["articles"])
    print(f"wrote {args.n} articles ({words} words), {len(corpus['outlets'])} outlets to {args.out} ({args.format})")


if __name__ == "__main__":
    main()
