"""The article front matter: every field an article may declare, in one place.

Later features add fields here (event, claims, related, provenance); the reader, `check` and the
generated reference all follow from this tuple.
"""

from __future__ import annotations

from site_builder.fields import Boolean, Choice, Field, IsoDate, Markdown, Text, TextList, Url

ARTICLE_FIELDS: tuple[Field, ...] = (
    Field("title", Text(), "The headline as the outlet published it.", required=True),
    Field("outlet", Text(), "The publication the piece appeared in.", required=True, required_unless="draft"),
    Field("date", IsoDate(), "The publication date.", required=True, required_unless="draft"),
    Field("author", TextList(accept_single=True), "The author, or a list of authors, as credited.", default=()),
    Field("source_url", Url(), "Where the piece was published.", default=""),
    Field("stance", Choice(choices_from="stances"), "How the piece leans, one of the stances declared in site.yml.",
          default=""),
    Field("stance_notes", Markdown(), "Why the piece was given its stance: the editor's reasoning, in Markdown.",
          default=""),
    Field("caveats", TextList(Markdown()), "What a careful reader must know before trusting the piece, "
          "one Markdown item each.", default=()),
    Field("tags", TextList(), "Topics, places and people the piece is about.", default=()),
    Field("draft", Boolean(), "A draft is checked but not published.", default=False),
)
