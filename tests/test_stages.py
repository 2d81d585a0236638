"""Related reading and page planning, checked at their own stage: the site is read into a
collection (`read_collection`) or planned (`planned_site`), and no page is rendered.

Pieces in one test share a date unless the test is about dates, so the date bonus
(RELATED_WEIGHTS in site_builder/collection.py) never decides an order here.
"""

from __future__ import annotations

from conftest import SITE_YML, article

EVENT = "2015-10-07-caspian-missile-strike"
DAY = "2015-10-08"
ALL_HIT = {"id": "all-missiles-hit", "text": "All 26 missiles hit their targets",
           "by": "Russian Ministry of Defence", "verdict": "unverified", "role": "makes"}


def write_piece(site, slug, claims=(), **fields):
    """conftest's `article()`, plus a `claims:` block of mappings (which it cannot write)."""
    text = article(**{"title": slug.replace("-", " ").capitalize(), "date": DAY, **fields})
    if claims:
        block = ["claims:"] + [f"  {'- ' if i == 0 else '  '}{key}: {value}"
                               for claim in claims for i, (key, value) in enumerate(claim.items())]
        text = text.replace("\n---\n", "\n" + "\n".join(block) + "\n---\n", 1)  # the closing `---`
    site.write(f"content/articles/{slug}.md", text)


def related_slugs(collection, slug):
    return [piece.article.slug for piece in collection.related[slug]]


def planned_paths(planned_site, site):
    return {item.path: item for item in planned_site(site)}


# --- related reading --------------------------------------------------------------------------

def test_related_reading_ranks_a_shared_event_then_two_shared_tags_then_one(site, read_collection):
    write_piece(site, "strike", tags=["syria", "latakia"], event=EVENT)
    write_piece(site, "same-story", tags=["background"], event=EVENT)
    write_piece(site, "two-tags", tags=["latakia", "syria"])
    write_piece(site, "one-tag", tags=["syria"])
    write_piece(site, "unrelated", tags=["background"])

    collection = read_collection(site)

    assert related_slugs(collection, "strike") == ["same-story", "two-tags", "one-tag"]
    reasons = {piece.article.slug: piece.reasons for piece in collection.related["strike"]}
    assert reasons["same-story"] == ("same event", "published the same day")
    assert reasons["two-tags"] == ("shares tags: syria, latakia", "published the same day")
    assert reasons["one-tag"] == ("shares tags: syria", "published the same day")


def test_a_piece_is_never_related_to_itself_or_to_a_draft(site, read_collection):
    write_piece(site, "strike", tags=["syria"], event=EVENT)
    write_piece(site, "footage", tags=["syria"], event=EVENT)
    write_piece(site, "unfinished", tags=["syria"], event=EVENT, draft="true")  # shares everything

    collection = read_collection(site)

    assert collection.drafts_hidden == 1
    assert related_slugs(collection, "strike") == ["footage"]
    assert related_slugs(collection, "footage") == ["strike"]
    assert "unfinished" not in collection.related


def test_a_hand_listed_related_piece_comes_first_on_both_sides(site, read_collection):
    write_piece(site, "strike", tags=["syria"], event=EVENT, related=["explainer"])
    write_piece(site, "footage", tags=["syria"], event=EVENT)
    write_piece(site, "explainer", tags=["background"], date="2014-06-01")  # shares nothing, a year older

    collection = read_collection(site)

    assert related_slugs(collection, "strike") == ["explainer", "footage"]
    assert collection.related["strike"][0].reasons == ("linked by the editors",)
    assert related_slugs(collection, "explainer") == ["strike"]


def test_related_reading_stops_at_related_count(site, read_collection):
    site.write("site.yml", SITE_YML + "related_count: 2\n")
    write_piece(site, "strike", tags=["syria"], related=["explainer"])
    for slug in ("explainer", "footage", "briefing"):
        write_piece(site, slug, tags=["syria"])

    collection = read_collection(site)

    assert len(related_slugs(collection, "footage")) == 2
    assert related_slugs(collection, "strike")[0] == "explainer"
    assert len(related_slugs(collection, "strike")) == 2


# --- page planning ----------------------------------------------------------------------------

def write_collection(site, site_options=""):
    site.write("site.yml", SITE_YML + site_options)
    write_piece(site, "tass-strike", outlet="TASS", tags=["syria", "cruise missiles"], event=EVENT, claims=[ALL_HIT])
    write_piece(site, "guardian-doubts", outlet="The Guardian", tags=["syria"], event=EVENT,
                claims=[{"id": ALL_HIT["id"], "role": "disputes"}])
    write_piece(site, "unfinished", outlet="Pending Weekly", tags=["drafts only"], draft="true")


def test_every_published_article_gets_its_page_and_a_draft_none(site, planned_site):
    write_collection(site)

    planned = planned_paths(planned_site, site)

    for slug in ("tass-strike", "guardian-doubts"):
        page = planned[f"articles/{slug}/index.html"]
        assert page.template == "article.html"
        assert page.context["article"].slug == slug
    assert not any("unfinished" in path for path in planned)


def test_each_tag_outlet_event_and_claim_gets_its_page_listing_its_pieces(site, planned_site):
    write_collection(site)

    planned = planned_paths(planned_site, site)

    def pages_under(folder):
        return {path for path in planned if path.startswith(f"{folder}/") and path != f"{folder}/index.html"}

    assert pages_under("tags") == {"tags/syria/index.html", "tags/cruise-missiles/index.html"}
    assert pages_under("outlets") == {"outlets/tass/index.html", "outlets/the-guardian/index.html"}
    assert pages_under("events") == {f"events/{EVENT}/index.html"}
    assert pages_under("claims") == {f"claims/{ALL_HIT['id']}/index.html"}
    for index in ("tags", "outlets", "claims", "timeline"):
        assert f"{index}/index.html" in planned
    assert [a.slug for a in planned["tags/syria/index.html"].context["tag"].articles] == ["guardian-doubts",
                                                                                         "tass-strike"]
    assert [a.slug for a in planned["outlets/tass/index.html"].context["outlet"].articles] == ["tass-strike"]


def test_the_search_page_is_planned_only_when_search_is_on(site, planned_site):
    write_collection(site)
    assert "search/index.html" in planned_paths(planned_site, site)

    site.write("site.yml", SITE_YML + "search: false\n")
    planned = planned_paths(planned_site, site)
    assert "search/index.html" not in planned
    assert "articles/tass-strike/index.html" in planned


def test_the_home_page_404_feeds_and_sitemap_are_planned_and_404_is_not_in_the_sitemap(site, planned_site):
    write_collection(site)

    planned = planned_paths(planned_site, site)

    assert {"index.html", "404.html", "feed.xml", "feed.json", "sitemap.xml", "robots.txt"} <= set(planned)
    sitemap = planned["sitemap.xml"].content.decode()
    assert "/articles/tass-strike/</loc>" in sitemap
    assert "404" not in sitemap


def test_planning_renders_and_writes_no_page(site, planned_site):
    write_collection(site)
    before = {p for p in site.root.rglob("*") if p.is_file()}

    planned_site(site)

    assert not site.build_dir.exists()
    assert {p for p in site.root.rglob("*") if p.is_file()} == before


def test_each_page_declares_its_kind_and_the_pieces_it_shows_in_full(site, planned_site):
    """The incremental keys are computed from these declarations: a page that showed a piece's
    text without declaring it would keep a stale copy after an edit."""
    from site_builder.render import PageKind

    write_collection(site)

    planned = planned_paths(planned_site, site)

    article = planned["articles/tass-strike/index.html"]
    assert (article.kind, article.subject.slug, article.in_full) == (PageKind.ARTICLE, "tass-strike", ("tass-strike",))
    tag = planned["tags/syria/index.html"]
    assert (tag.kind, tag.subject.name, tag.in_full) == (PageKind.TAG, "syria", ())
    assert planned[f"events/{EVENT}/index.html"].kind is PageKind.EVENT
    assert planned[f"claims/{ALL_HIT['id']}/index.html"].subject.id == ALL_HIT["id"]
    assert planned["outlets/tass/index.html"].kind is PageKind.OUTLET
    assert set(planned["feed.xml"].in_full) == {"tass-strike", "guardian-doubts"}  # the feeds carry whole texts
    assert (planned["index.html"].kind, planned["index.html"].in_full) == (PageKind.LISTING, ())
