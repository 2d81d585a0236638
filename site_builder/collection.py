"""All articles together: what is published, in what order, and how pieces relate.

This is the one stage that sees every article at once, so everything that needs the whole
collection (ordering now; outlets, tags, events, claims, related reading and backlinks later)
is computed here, once, before any page is rendered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from site_builder.reader import Article


@dataclass(frozen=True)
class Collection:
    """The published articles, newest first (drafts are included only when asked for)."""

    articles: tuple[Article, ...]
    drafts_hidden: int

    @classmethod
    def from_articles(cls, articles: list[Article], include_drafts: bool = False) -> Collection:
        published = [a for a in articles if include_drafts or not a.draft]
        return cls(tuple(sorted(published, key=_newest_first)), len(articles) - len(published))

    def __len__(self) -> int:
        return len(self.articles)


def _newest_first(article: Article) -> tuple[int, str]:
    """Sort key: date descending (undated drafts last), then title for a stable order."""
    ordinal = article.date.toordinal() if article.date else date.min.toordinal()
    return (-ordinal, article.title.casefold())
