"""Cross-links between pieces: related reading, backlinks, same story, claims, outlets, tags, timeline.

The collection below is small enough that every expected result is known by construction
(N = 7 pieces; RELATED_WEIGHTS in site_builder/related.py):

  piece                      outlet        date        stance       tags                      event
  A tass-caspian-strike      TASS          2015-10-08  pro-kremlin  syria, latakia            caspian
  B rt-caspian-footage       RT            2015-10-07  pro-kremlin  syria, cruise missiles    caspian
  C guardian-caspian-doubts  The Guardian  2015-10-18  critical     syria, cruise missiles    caspian
  D reuters-state-dept       Reuters       2016-08-04  mixed        united states
  E bellingcat-latakia       Bellingcat    2015-11-07  critical     latakia, cruise missiles
  F reuters-syria-briefing   Reuters       2015-10-13  mixed        syria
  H bbc-explainer            BBC News      2014-06-01  mixed        background

Claims: share-not-isis (A disputes it, D reports it), all-missiles-hit (B makes it, C disputes it).

A links H by hand (`related`). Related reading for A, by score:
  H 100 (hand link; 494 days apart, no date bonus)
  B 50 + syria 4·ln(1+7/4)=4.05 + date 4.99 (1 day)    } same event: the date breaks the tie
  C 50 + 4.05 + date 4.86 (10 days)                    }
  D 20 (shared claim) + date 0.88
  E latakia 4·ln(1+7/2)=6.02 + date 4.59 (30 days)     } the rarer tag wins although
  F syria 4.05 + date 4.93 (5 days)                    } F is closer in date
E is wikilinked from A (text and notes), C (notes) and D (a caveat); B only shares a tag with it.
"""

from __future__ import annotations

import json

import pytest

from conftest import SITE_YML, article, snapshot
from linkcheck import broken_anchors, broken_links

A, B, C, D, E, F, H = ("tass-caspian-strike", "rt-caspian-footage", "guardian-caspian-doubts", "reuters-state-dept",
                       "bellingcat-latakia", "reuters-syria-briefing", "bbc-explainer")
TITLES = {A: "Kalibr missiles strike terrorist targets in Syria", B: "Footage of the Caspian launch",
          C: "Doubts over the Caspian strike", D: "State Department says most strikes missed ISIS",
          E: "Geolocating the Latakia strikes", F: "Syria briefing", H: "Who is fighting whom in Syria"}
EVENT = "2015-10-07-caspian-missile-strike"
SHARE_NOT_ISIS = {"id": "share-not-isis", "text": "Most Russian strikes did not hit ISIS",
                  "by": "US State Department", "verdict": "disputed", "role": "disputes"}
ALL_HIT = {"id": "all-missiles-hit", "text": "All 26 missiles hit their targets",
           "by": "Russian Ministry of Defence", "verdict": "unverified", "role": "makes"}
OUTLETS_YML = """\
TASS:
  kind: State news agency
  notes: Owned by the Russian state; relays the *ministry* line.
RT: {kind: State broadcaster}
The Guardian: {kind: Newspaper}
Reuters:
  kind: News agency
  notes: International wire service.
Bellingcat: {kind: Open-source investigators}
BBC News: {kind: Public broadcaster}
"""
BASES = ["/", "/sub/path/"]


# --- helpers ----------------------------------------------------------------------------------

def write_piece(site, slug, claims=(), **fields):
    """conftest's `article()`, plus a `claims:` block of mappings (which it cannot write)."""
    text = article(title=TITLES[slug], **fields)
    if claims:
        block = ["claims:"] + [f"  {'- ' if i == 0 else '  '}{key}: {value}"
                               for claim in claims for i, (key, value) in enumerate(claim.items())]
        text = text.replace("\n---\n", "\n" + "\n".join(block) + "\n---\n", 1)  # the closing `---`
    site.write(f"content/articles/{slug}.md", text)


def write_collection(site, **site_options):
    site.write("site.yml", SITE_YML + "related_count: 6\n" + "".join(f"{k}: {v}\n" for k, v in site_options.items()))
    site.write("content/outlets.yml", OUTLETS_YML)
    write_piece(site, A, outlet="TASS", date="2015-10-08", stance="pro-kremlin", tags=["syria", "latakia"],
                event=EVENT, related=[H], claims=[SHARE_NOT_ISIS],
                body=f"The ministry says only terrorist sites were hit, near [[{E}]].\n\n"
                     f"## Editorial notes\n\nThe geolocation in [[{E}|Bellingcat's report]] contradicts this.")
    write_piece(site, B, outlet="RT", date="2015-10-07", stance="pro-kremlin", tags=["syria", "cruise missiles"],
                event=EVENT, claims=[ALL_HIT],
                body="Footage shows 26 missiles launched.[^1] The ships fired from the Caspian.\n\n"
                     "[^1]: The count comes from the ministry alone.")
    write_piece(site, C, outlet="The Guardian", date="2015-10-18", stance="critical", event=EVENT,
                tags=["syria", "cruise missiles"], claims=[{"id": ALL_HIT["id"], "role": "disputes"}],
                body=f"Analysts doubt the account.\n\n## Editorial notes\n\nSee [[{E}|the geolocation]].")
    write_piece(site, D, outlet="Reuters", date="2016-08-04", stance="mixed", tags=["united states"],
                caveats=[f'"Compare [[{E}]] on where the strikes fell."'],
                claims=[{"id": SHARE_NOT_ISIS["id"], "role": "reports"}], body="The department said so.")
    write_piece(site, E, outlet="Bellingcat", date="2015-11-07", stance="critical",
                tags=["latakia", "cruise missiles"], body="We geolocated the strikes.")
    write_piece(site, F, outlet="Reuters", date="2015-10-13", stance="mixed", tags=["syria"], body="A briefing.")
    write_piece(site, H, outlet="BBC News", date="2014-06-01", stance="mixed", tags=["background"], body="Explainer.")


def build(site, run, base):
    """Build under `base`; every build in this file must leave no broken link or anchor."""
    result = run("build", "--site", site.root, "--base-url", base)
    assert result.code == 0, result.err
    assert broken_links(site.build_dir, base) == []
    assert broken_anchors(site.build_dir) == []
    return result


def texts(elements):
    return [" ".join(e.text_content().split()) for e in elements]


def stance(cell):
    return cell.text_content().strip().removeprefix("Stance: ")


def edit(site, relative, old, new):
    path = site.root / relative
    text = path.read_text()
    assert old in text, f"{old!r} not in {relative}"
    path.write_text(text.replace(old, new, 1))


def line_of(site, relative, needle):
    lines = (site.root / relative).read_text().splitlines()
    return next(n for n, line in enumerate(lines, 1) if needle in line)


@pytest.fixture(params=BASES, ids=["root", "sub-path"])
def base(request):
    return request.param


@pytest.fixture
def built(site, run, base):
    write_collection(site)
    build(site, run, base)
    return site


# --- related reading --------------------------------------------------------------------------

def test_related_reading_follows_the_documented_weights_and_says_why(built, base):
    items = built.page(f"articles/{A}/").cssselect(".related li")
    assert [i.cssselect("a")[0].text_content() for i in items] == [TITLES[s] for s in (H, B, C, D, E, F)]
    assert texts(i.cssselect(".why")[0] for i in items) == [
        "linked by the editors",
        "same event; shares tags: syria; published 1 day apart",
        "same event; shares tags: syria; published 10 days apart",
        "shares claim: share-not-isis",
        "shares tags: latakia; published 30 days apart",
        "shares tags: syria; published 5 days apart",
    ]
    assert items[0].cssselect("a")[0].get("href") == f"{base}articles/{H}/"


def test_related_reading_excludes_pieces_sharing_nothing(built):
    """H shares only the hand link with A; the six other pieces, however close in date, are left out."""
    assert texts(built.page(f"articles/{H}/").cssselect(".related li a")) == [TITLES[A]]


def test_related_reading_shows_at_most_related_count_pieces(built, run, base):
    edit(built, "site.yml", "related_count: 6", "related_count: 3")
    build(built, run, base)
    assert texts(built.page(f"articles/{A}/").cssselect(".related li a")) == [TITLES[s] for s in (H, B, C)]


# --- wikilinks and backlinks ------------------------------------------------------------------

def test_referenced_by_lists_each_piece_that_wikilinks_here_once_newest_first(built):
    backlinks = built.page(f"articles/{E}/").cssselect(".backlinks li > a")
    assert texts(backlinks) == [TITLES[D], TITLES[C], TITLES[A]]  # not B, which only shares a tag
    assert all(built.page(f"articles/{s}/").cssselect(".backlinks") == [] for s in (B, F, H))


def test_wikilinks_show_the_title_or_the_label_and_carry_a_preview(built, base):
    page = built.page(f"articles/{A}/")
    in_text = page.cssselect(".article-text a.internal-link")[0]
    assert in_text.text_content() == TITLES[E]
    assert in_text.get("href") == f"{base}articles/{E}/"
    assert in_text.get("title") == TITLES[E]
    assert in_text.get("data-preview") == "Bellingcat · 7 November 2015 · critical"
    assert texts(page.cssselect(".editorial-notes a.internal-link")) == ["Bellingcat's report"]
    caveat = built.page(f"articles/{D}/").cssselect(".caveats a.internal-link")[0]
    assert (caveat.text_content(), caveat.get("href")) == (TITLES[E], f"{base}articles/{E}/")


# --- same story -------------------------------------------------------------------------------

def test_same_story_elsewhere_lists_the_other_pieces_of_the_event(built, base):
    section = built.page(f"articles/{A}/").cssselect(".same-story")[0]
    rows = section.cssselect("tbody tr")
    assert [(texts(r.cssselect("td"))[0], stance(r.cssselect("td")[1]), r.cssselect("td a.internal-link")[0].text_content())
            for r in rows] == [("RT", "pro-kremlin", TITLES[B]), ("The Guardian", "critical", TITLES[C])]
    assert section.cssselect("h2 a")[0].get("href") == f"{base}events/{EVENT}/"
    assert built.page(f"articles/{D}/").cssselect(".same-story") == []


def test_event_page_lists_every_piece_oldest_first(built):
    page = built.page(f"events/{EVENT}/")
    assert page.cssselect("h1")[0].text_content().startswith("Caspian missile strike")
    assert texts(page.cssselect(".event-table tbody td a.internal-link")) == [TITLES[B], TITLES[A], TITLES[C]]


# --- claims -----------------------------------------------------------------------------------

def test_claims_in_this_piece_have_verdict_badges_linking_to_the_claim(built, base):
    [item] = built.page(f"articles/{A}/").cssselect(".claims-here li")
    assert item.cssselect(".verdict")[0].get("class") == "verdict verdict-disputed"
    link = item.cssselect("a")[0]
    assert (link.text_content(), link.get("href")) == (SHARE_NOT_ISIS["text"], f"{base}claims/share-not-isis/")
    assert item.cssselect(".claim-role")[0].text_content() == "(disputes; claimed by US State Department)"


def test_claim_page_lists_every_appearance_with_its_role(built):
    page = built.page("claims/share-not-isis/")
    assert page.cssselect("h1")[0].text_content() == SHARE_NOT_ISIS["text"]
    assert page.cssselect("#verdict-heading .verdict-disputed")
    appearances = page.cssselect(".appearances li")
    assert [(a.cssselect("a.internal-link")[0].text_content(), texts(a.cssselect(".claim-role"))[0]) for a in appearances] \
        == [(TITLES[A], "disputes it"), (TITLES[D], "reports it without endorsing it")]


def test_claims_index_lists_every_claim(built):
    rows = built.page("claims/").cssselect(".claims-table tbody tr")
    assert [(r.cssselect("th a")[0].text, *texts(r.cssselect("td"))) for r in rows] == [
        (ALL_HIT["text"], "Verdict: unverified", "2"), (SHARE_NOT_ISIS["text"], "Verdict: disputed", "2")]


def test_claim_page_carries_one_claimreview(built, base):
    [script] = built.page("claims/share-not-isis/").xpath('//script[@type="application/ld+json"]')
    review = json.loads(script.text)
    assert review["@type"] == "ClaimReview"
    assert "url" not in review, "an address in structured data is absolute or absent: base_url has no host"
    assert review["claimReviewed"] == SHARE_NOT_ISIS["text"]
    assert review["reviewRating"]["alternateName"] == "disputed"
    assert [(a["headline"], a.get("url")) for a in review["itemReviewed"]["appearance"]] == [
        (TITLES[A], None), (TITLES[D], None)]


def test_the_default_verdict_false_may_be_written_unquoted(site, run, base):
    write_piece(site, A, outlet="TASS", claims=[{"id": "hoax", "text": "Strikes hit no one", "verdict": "false"}])
    build(site, run, base)
    assert site.page("claims/hoax/").cssselect("#verdict-heading .verdict-false")


def test_claim_text_cannot_break_out_of_the_json_ld_script(site, run, base):
    hostile = "Strikes </script><script>alert(1)</script> everywhere"
    write_piece(site, A, outlet="TASS", claims=[{"id": "hostile", "text": f"'{hostile}'", "verdict": "disputed"}])
    build(site, run, base)
    raw = (site.build_dir / "claims" / "hostile" / "index.html").read_text()
    assert raw.count("<script") == 3, "the theme's theme.js and preview.js and the JSON-LD, nothing injected"
    assert "<script>alert" not in raw
    [script] = site.page("claims/hostile/").xpath('//script[@type="application/ld+json"]')
    assert json.loads(script.text)["claimReviewed"] == hostile


# --- outlets, tags, timeline ------------------------------------------------------------------

def test_outlets_page_compares_outlets(built):
    rows = {r.cssselect("th")[0].text_content(): texts(r.cssselect("td"))
            for r in built.page("outlets/").cssselect(".outlets-table tbody tr")}
    assert list(rows) == ["BBC News", "Bellingcat", "Reuters", "RT", "TASS", "The Guardian"]
    assert rows["Reuters"][:3] == ["News agency", "2", "13 October 2015 to 4 August 2016"]
    assert rows["TASS"][:3] == ["State news agency", "1", "8 October 2015"]


def test_outlet_page_shows_the_profile_and_every_piece(built):
    page = built.page("outlets/reuters/")
    facts = dict(zip(texts(page.cssselect(".context-facts dt")), texts(page.cssselect(".context-facts dd"))))
    assert facts["Kind"] == "News agency"
    assert "International wire service." in page.cssselect(".context-panel")[0].text_content()
    assert texts(page.cssselect(".piece-item h2 a")) == [TITLES[D], TITLES[F]]
    assert built.page("outlets/tass/").cssselect(".context-panel em")[0].text == "ministry"


def test_tags_index_and_tag_pages(built, base):
    entries = built.page("tags/").cssselect(".tag-index li")
    assert texts(entries) == ["background 1 piece", "cruise missiles 3 pieces", "latakia 2 pieces",
                              "syria 4 pieces", "united states 1 piece"]
    assert entries[1].cssselect("a")[0].get("href") == f"{base}tags/cruise-missiles/"
    assert texts(built.page("tags/latakia/").cssselect(".piece-item h2 a")) == [TITLES[E], TITLES[A]]


def test_timeline_groups_by_month_oldest_first_and_marks_events(built, base):
    page = built.page("timeline/")
    months = page.cssselect(".timeline-month")
    assert texts(m.cssselect("h2")[0] for m in months) == ["June 2014", "October 2015", "November 2015", "August 2016"]
    assert texts(months[1].cssselect("li > a.internal-link")) == [TITLES[s] for s in (B, A, F, C)]
    marked = [li.cssselect("a.internal-link")[0].text_content() for li in page.cssselect(".timeline li")
              if li.cssselect(".event-marker")]
    assert marked == [TITLES[B], TITLES[A], TITLES[C]]
    assert {a.get("href") for a in page.cssselect(".event-marker")} == {f"{base}events/{EVENT}/"}


# --- sidenotes --------------------------------------------------------------------------------

def test_a_footnote_is_both_a_sidenote_and_an_annotation(built):
    text = built.page(f"articles/{B}/").cssselect(".article-text")[0]
    [ref] = text.xpath(".//sup[starts-with(@id, 'fnref')]")
    sidenote = ref.getnext()
    assert sidenote.get("class") == "sidenote" and sidenote.get("aria-hidden") == "true"
    assert sidenote.cssselect(".sidenote-text")[0].text_content().strip() == "The count comes from the ministry alone."
    assert "The count comes from the ministry alone." in text.cssselect(".annotations li")[0].text_content()


# --- bad input --------------------------------------------------------------------------------

CASES = {  # id: (edits as (file, old, new), the line to find, expected message with {line}, exit code)
    "unknown wikilink": ([(f"content/articles/{H}.md", "Explainer.", "Explainer, see [[bellingcat-latakai]].")],
                         f"content/articles/{H}.md", "[[bellingcat-latakai]]",
                         "{path}:{line}: wikilink `bellingcat-latakai` names no article "
                         "(did you mean `bellingcat-latakia`?) [SB201]", 1),
    "unknown related": ([(f"content/articles/{A}.md", f"- {H}", "- bbc-explaner")], f"content/articles/{A}.md",
                        "- bbc-explaner", "{path}:{line}: related `bbc-explaner` names no article "
                                          "(did you mean `bbc-explainer`?) [SB201]", 1),
    "claim text twice": ([(f"content/articles/{D}.md", "- id: share-not-isis",
                           "- id: share-not-isis\n    text: Most strikes missed ISIS")],
                         f"content/articles/{D}.md", "- id: share-not-isis",
                         "{path}:{line}: claim `share-not-isis` has a different text here than in "
                         f"content/articles/{A}.md (state it once; elsewhere `id: share-not-isis` alone is enough) [SB206]", 1),
    "claim verdict twice": ([(f"content/articles/{D}.md", "- id: share-not-isis",
                              "- id: share-not-isis\n    verdict: unverified")],
                            f"content/articles/{D}.md", "- id: share-not-isis",
                            "{path}:{line}: claim `share-not-isis` has a different verdict here than in "
                            f"content/articles/{A}.md (use the same verdict (`disputed`), or leave it out and keep "
                            "only the `id`) [SB206]", 1),
    "bad verdict": ([(f"content/articles/{A}.md", "verdict: disputed", "verdict: disputd")],
                    f"content/articles/{A}.md", "verdict: disputd",
                    "{path}:{line}: `claims`: item 1: `verdict`: `disputd` is not one of the allowed values "
                    "(did you mean `disputed`? allowed: supported, disputed, false, unverified, opinion) [SB116]", 1),
    "unknown claim key": ([(f"content/articles/{A}.md", "verdict: disputed", "verdikt: disputed")],
                          f"content/articles/{A}.md", "verdikt:",
                          "{path}:{line}: `claims`: item 1: unknown key `verdikt` (did you mean `verdict`?) [SB101]", 1),
    "lone event": ([(f"content/articles/{C}.md", "missile-strike", "missle-strike")], f"content/articles/{C}.md",
                   "event:", "{path}:{line}: warning: event `2015-10-07-caspian-missle-strike` is covered by no "
                             f"other piece (did you mean `{EVENT}`?) [SB204]", 0),
    "lone event, strict": ([(f"content/articles/{C}.md", "missile-strike", "missle-strike"),
                            ("site.yml", "related_count: 6", "related_count: 6\nstrict_events: true")],
                           f"content/articles/{C}.md", "event:",
                           "{path}:{line}: event `2015-10-07-caspian-missle-strike` is covered by no other piece "
                           f"(did you mean `{EVENT}`?) [SB204]", 1),
    "outlet without profile": ([(f"content/articles/{F}.md", "outlet: Reuters", "outlet: Reuter")],
                               f"content/articles/{F}.md", "outlet:",
                               "{path}:{line}: warning: outlet `Reuter` has no profile in content/outlets.yml "
                               "(did you mean `Reuters`, or add `Reuter:` to content/outlets.yml?) [SB203]", 0),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_cross_references_are_reported_at_their_line(built, run, base, case):
    edits, path, needle, expected, code = CASES[case]
    before = snapshot(built.build_dir)
    for relative, old, new in edits:
        edit(built, relative, old, new)
    message = expected.format(path=path, line=line_of(built, path, needle))
    checked = run("check", "--site", built.root)
    assert (checked.code, "Traceback" in checked.err) == (code, False), checked.err
    assert message in checked.err.splitlines()
    if code:
        failed = run("build", "--site", built.root, "--base-url", base)
        assert failed.code == 1 and message in failed.err.splitlines()
        assert snapshot(built.build_dir) == before, "a failed build leaves build/ untouched"
        assert not list(built.root.glob(".build-*"))
    else:
        assert message in build(built, run, base).err.splitlines()


# --- regressions: bugs found while writing these tests, now fixed ---------------------------

def test_wikilink_syntax_inside_code_is_not_a_link(site, run):
    write_piece(site, H, body="Write `[[some-slug]]` to link a piece:\n\n```\n[[another-slug]]\n```")
    result = run("check", "--site", site.root)
    assert (result.code, result.err) == (0, "")


def test_a_broken_wikilink_in_a_caveat_is_reported_at_the_caveats_item(site, run):
    write_piece(site, H, caveats=["First caveat.", '"Compare [[bellingcat-latakai]]."'])
    line = line_of(site, f"content/articles/{H}.md", "[[bellingcat-latakai]]")
    assert f"content/articles/{H}.md:{line}: wikilink `bellingcat-latakai` names no article (no slug is close to it) [SB201]" \
        in run("check", "--site", site.root).err.splitlines()


def test_two_spellings_of_one_tag_are_one_shared_tag(site, run, base):
    write_piece(site, A, outlet="TASS", tags=["Syria"])
    write_piece(site, B, outlet="RT", tags=["syria"])
    build(site, run, base)
    assert texts(site.page("tags/syria/").cssselect(".piece-item h2 a")) == [TITLES[B], TITLES[A]]  # one tag page
    assert texts(site.page(f"articles/{A}/").cssselect(".related li a")) == [TITLES[B]]
