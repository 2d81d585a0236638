"""The article front matter: every field an article may declare, in one place.

Later features add fields here (event, claims, related, provenance); the reader, `check` and the
generated reference all follow from this tuple.
"""

from __future__ import annotations

from site_builder.fields import (Boolean, Choice, Field, Identifier, Integer, IsoDate, LanguageTag, Markdown, Record, Slug, Text, TextList, Url,
                                 Verbatim, Wording)

PROVENANCE_FIELDS: tuple[Field, ...] = (
    Field("source", Text(), "The original, byte for byte, under content/sources/.", required=True),
    Field("original_name", Text(), "The file name the original was imported from.", default=""),
    Field("sha256", Text(), "SHA-256 of the original's bytes: re-importing the same bytes changes nothing.",
          required=True),
    Field("text_sha256", Text(), "SHA-256 of the text as imported: tells whether an editor has changed it since.",
          default=""),
    Field("imported", IsoDate(), "When the original was imported.", required=True),
    Field("fetched", Text("time (YYYY-MM-DDTHH:MM:SSZ, UTC)"), "When the page was fetched from the web "
          "(`import URL`); the address it came from is the article's `source_url`.", default=""),
    Field("requested_url", Url(), "The address asked for, when redirects led elsewhere (`source_url`).", default=""),
    Field("redirects", TextList(Url()), "Each address the server redirected to on the way, in order.", default=()),
    Field("charset", Text(), "The character set the server declared for the page, when it did.", default=""),
    Field("archive_url", Url(), "The Internet Archive's copy of the source (`import --archive`, `site-builder "
          "archive`), linked beside the source on the article page.", default=""),
    Field("archived", IsoDate(), "The date of that archived copy.", default=None),
)

CLAIM_ROLES = ("makes", "reports", "disputes")

CLAIM_FIELDS: tuple[Field, ...] = (
    Field("id", Slug(), "A key shared by every article that carries the same claim.", required=True),
    Field("text", Text(), "The claim, stated once and neutrally; required where the claim first appears.",
          default=""),
    Field("by", Text(), "Who made the claim (a person, a ministry, the outlet).", default=""),
    Field("verdict", Choice(choices_from="verdicts"), "The editors' verdict, one of the verdicts in site.yml.",
          default=""),
    Field("role", Choice(CLAIM_ROLES), "How this article treats the claim: makes it, reports it without "
          "endorsing it, or disputes it.", default="makes"),
    Field("note", Markdown(), "Why the verdict: the editors' reasoning, in Markdown.", default=""),
    Field("evidence", TextList(Url()), "Addresses of the evidence the verdict rests on.", default=()),
)

ANNOTATION_FIELDS: tuple[Field, ...] = (
    Field("quote", Verbatim(), "The passage the note is about, word for word as the page shows it.", required=True),
    Field("prefix", Verbatim(), "The words just before the passage, to tell apart a passage the text holds more "
          "than once.", default=""),
    Field("suffix", Verbatim(), "The words just after the passage (as `prefix`).", default=""),
    Field("at", Integer(), "Where the passage starts: characters from the start of the text (a hint when the "
          "passage occurs more than once; imports fill it).", default=None),
    Field("note", Markdown(), "The editors' note on the passage, in Markdown.", required=True),
    Field("kind", Choice(choices_from="annotation_kinds"), "What kind of note it is, one of the "
          "`annotation_kinds` in site.yml.", default="comment"),
    Field("by", Text(), "Who wrote the note, when not the editors (a student, a guest annotator).", default=""),
    Field("tags", TextList(), "Topics of the note.", default=()),
    Field("id", Identifier(), "A stable name for the note (its address on the page and in the exported annotations); "
          "by default made from the quote and its context.", default=""),
    Field("created", IsoDate(), "When the note was written.", default=None),
)

CORRECTION_KINDS = ("correction", "clarification", "update")

CORRECTION_FIELDS: tuple[Field, ...] = (
    Field("date", IsoDate(), "When the editors made the change.", required=True),
    Field("kind", Choice(CORRECTION_KINDS), "`correction`: something the editors said was wrong; `clarification`: "
          "right but misleading or unclear; `update`: new information since.", required=True),
    Field("field", Text(), "What changed: a front-matter key (`stance`, `caveats`, `date`, ...), "
          "`claims.<id>.verdict` (or another key of a claim the piece carries), `annotations.<id>`, or `notes` "
          "(the editorial notes); in content/outlets.yml one of the profile's keys.", required=True),
    Field("was", Wording(), "The previous wording or value, quoted.", default=""),
    Field("now", Wording(), "The new wording or value.", default=""),
    Field("why", Markdown(), "The reason for the change, for readers, in Markdown.", required=True),
    Field("evidence", TextList(Url()), "Addresses of the sources for the change, primary sources first.", default=()),
)

ARTICLE_FIELDS: tuple[Field, ...] = (
    Field("title", Text(), "The headline as the outlet published it.", required=True),
    Field("outlet", Text(), "The publication the piece appeared in (a translation inherits its original's).",
          required=True, required_unless="draft", inherited_with="translation_of"),
    Field("date", IsoDate(), "The publication date (a translation inherits its original's).", required=True,
          required_unless="draft", inherited_with="translation_of"),
    Field("author", TextList(accept_single=True), "The author, or a list of authors, as credited.", default=()),
    Field("source_url", Url(), "Where the piece was published.", default=""),
    Field("stance", Choice(choices_from="stances"), "How the piece leans, one of the stances declared in site.yml.",
          default=""),
    Field("stance_notes", Markdown(), "Why the piece was given its stance: the editor's reasoning, in Markdown.",
          default=""),
    Field("caveats", TextList(Markdown()), "What a careful reader must know before trusting the piece, "
          "one Markdown item each.", default=()),
    Field("tags", TextList(), "Topics, places and people the piece is about.", default=()),
    Field("event", Slug(), "A key naming the story the piece covers (e.g. `2015-10-07-caspian-missile-strike`); "
          "pieces with the same event are shown side by side.", default=""),
    Field("related", TextList(Slug()), "Slugs of articles the editors link to this one by hand.", default=()),
    Field("claims", TextList(Record(CLAIM_FIELDS)), "Checkable claims the piece makes, reports or disputes.",
          default=()),
    Field("annotations", TextList(Record(ANNOTATION_FIELDS)), "The editors' notes on passages of the text, "
          "each found by quoting its passage: highlighted on the page, the note beside it.", default=()),
    Field("corrections", TextList(Record(CORRECTION_FIELDS)), "The editors' dated corrections, clarifications and "
          "updates of this piece's context and claims, shown near the top of its page and in /corrections/.",
          default=()),
    Field("draft", Boolean(), "A draft is checked but not published.", default=False),
    Field("language", LanguageTag(), "The language of the title and text as a BCP 47 tag (`ru`, `ar`, `pt-BR`), if "
          "not the site's: pages mark it (`lang`, and `dir` for right-to-left scripts).", default=""),
    Field("translation_of", Slug(), "The slug of the piece this one translates: each page links to the other, and "
          "this one inherits the original's outlet, date, event and claims unless it sets its own.", default=""),
    Field("translator", TextList(accept_single=True), "Who translated the piece (a translation only).", default=()),
    Field("translation_notes", Markdown(), "The translator's notes on the translation (choices, omissions), in "
          "Markdown: shown as the translator's words.", default=""),
    Field("author_bio", Markdown(), "What the page said about the author (moved out of the text on import).",
          default=""),
    Field("word_count", Integer(), "Words in the text as imported.", default=0),
    Field("provenance", Record(PROVENANCE_FIELDS), "Where the text came from; written by `site-builder import`.",
          default=None),
)
