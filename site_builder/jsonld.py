"""schema.org structured data, as JSON safe to embed in a <script> element.

One `ClaimReview` per claim page lets search engines and fact-check aggregators read our
verdicts. Text in it comes from articles, so `<` is escaped: no `</script>` can break out.
"""

from __future__ import annotations

import json
from typing import Any

from site_builder.collection import Claim
from site_builder.config import SiteConfig


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
    return review


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


def absolute(config: SiteConfig, path: str) -> str:
    """A full address when site.yml gives one (`https://…/`), else a root-relative path."""
    base = config.base_url if config.base_url.endswith("/") else config.base_url + "/"
    if not base.startswith(("http://", "https://")):
        base = config.base_path
    return base + path.lstrip("/")


def script_json(data: dict[str, Any]) -> str:
    """JSON for a <script type="application/ld+json"> element, with `<`, `>` and `&` escaped."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
