"""schema.org structured data, as JSON safe to embed in a <script> element.

One `ClaimReview` per claim page lets search engines and fact-check aggregators read our
verdicts. One `CreativeWork` per article page says what the page is: the editors' annotated
reading *of* a news article (`about` / `isBasedOn`), never the news article itself, so the outlet
stays the publisher of its words and we stay the publisher of our commentary. Text in both comes
from articles, so `<` is escaped: no `</script>` can break out.
"""

from __future__ import annotations

import json
from typing import Any

from site_builder.collection import Claim
from site_builder.config import SiteConfig
from site_builder.corrections import latest
from site_builder.reader import Article
from site_builder.urls import absolute


def claim_review(claim: Claim, config: SiteConfig, page_url: str) -> dict[str, Any]:
    appearances = [_appearance(a.article, config) for a in claim.appearances]
    dates = [a.article.date for a in claim.appearances if a.article.date]
    review: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": absolute(config, page_url),
        "claimReviewed": claim.text,
        "author": {"@type": "Organization", "name": config.title, "url": absolute(config, "")},
        "reviewRating": {
            "@type": "Rating",
            "alternateName": claim.verdict,
            "ratingExplanation": config.verdicts.get(claim.verdict, ""),
        },
        "itemReviewed": {
            "@type": "Claim",
            "appearance": appearances,
            "firstAppearance": appearances[0] if appearances else None,
        },
    }
    if claim.by:
        review["itemReviewed"]["author"] = {"@type": "Thing", "name": claim.by}
    if dates:
        review["itemReviewed"]["datePublished"] = min(dates).isoformat()
    modified = latest(claim.corrections)
    if modified:  # the review changed since it was first published: the latest correction touching it
        review["dateModified"] = modified.isoformat()
    return absolute_or_absent(review)


def annotated_reading(article: Article, config: SiteConfig, page_url: str, description: str) -> dict[str, Any]:
    """Our article page as a `CreativeWork` about (and based on) the original `NewsArticle`."""
    page: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "CreativeWork",
        "genre": "annotated reading",
        "name": f"{article.title} (annotated)",
        "description": description,
        "url": absolute(config, page_url),
        "inLanguage": article.language or config.language,
        "publisher": {"@type": "Organization", "name": config.title, "url": absolute(config, "")},
        "isPartOf": {"@type": "WebSite", "name": config.title, "url": absolute(config, "")},
        "about": original_article(article),
        "isBasedOn": original_article(article),
    }
    if article.tags:
        page["keywords"] = list(article.tags)
    if article.provenance:
        page["dateCreated"] = article.provenance.imported.isoformat()
    return absolute_or_absent(page)


def original_article(article: Article) -> dict[str, Any]:
    """The outlet's piece as schema.org knows it: only what the editors recorded, nothing guessed."""
    original: dict[str, Any] = {"@type": "NewsArticle", "headline": article.title}
    if article.outlet:
        original["publisher"] = {"@type": "Organization", "name": article.outlet}
    if article.authors:
        original["author"] = [{"@type": "Person", "name": name} for name in article.authors]
    if article.date:
        original["datePublished"] = article.date.isoformat()
    if article.source_url:
        original["url"] = article.source_url
    if article.language:
        original["inLanguage"] = article.language
    return original


def _appearance(article, config: SiteConfig) -> dict[str, Any]:
    work: dict[str, Any] = {
        "@type": "CreativeWork",
        "headline": article.title,
        "url": article.source_url or absolute(config, f"articles/{article.slug}/"),
    }
    if article.outlet:
        work["publisher"] = {"@type": "Organization", "name": article.outlet}
    if article.date:
        work["datePublished"] = article.date.isoformat()
    return work


def absolute_or_absent(data):
    """`data` without the addresses that are not absolute (a site.yml `base_url` with no host
    gives root-relative ones): readers of structured data resolve nothing against our page."""
    if isinstance(data, dict):
        return {key: absolute_or_absent(value) for key, value in data.items()
                if not (key == "url" and isinstance(value, str) and not value.startswith(("http://", "https://")))}
    if isinstance(data, list):
        return [absolute_or_absent(value) for value in data]
    return data


def script_json(data: dict[str, Any]) -> str:
    """JSON for a <script type="application/ld+json"> element, with `<`, `>` and `&` escaped."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
