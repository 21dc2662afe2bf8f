"""Tagged PDF (PDF/UA-1) for the sheets and forms: a structure tree over fpdf2's content.

fpdf2 2.8 writes a structure tree only for images with alternative text, flat under one
/Document element. This module builds a real tree (Document > Sect > H2, P, L > LI > Lbl,
LBody; Table > TR > TH, TD; Figure) with fpdf2's own plumbing (``fpdf/structure_tree.py``):
each piece of content drawn is wrapped in a marked-content sequence (``BDC``/``EMC``) whose
MCID ties it to one leaf element; everything else drawn (rules, box borders, the running
footer) is an ``/Artifact``. It uses fpdf2 internals that are not public API (``_out``,
``struct_builder``, the page's ``struct_parents``), hence ``fpdf2>=2.8,<2.9`` in
pyproject.toml; ``tests/test_accessible_pdf.py`` checks the result with two validators.

Nothing here holds words a patient reads: alternative texts come from ``labels.yaml``.
"""

from __future__ import annotations

import contextlib
import functools
import unicodedata
from collections.abc import Iterator
from xml.sax.saxutils import escape

from fpdf.structure_tree import StructElem, StructureTreeBuilder
from fpdf.syntax import PDFString

# The language of a run of text in a script that (nearly) one language writes, for a patient's
# name or a clinician's note in that script on an English, Spanish or French sheet. Scripts
# that many languages share (Latin, Cyrillic, Arabic, Han) are left to the document language.
_SCRIPT_LANG = {
    "HEBREW": "he",
    "GREEK": "el",
    "ARMENIAN": "hy",
    "GEORGIAN": "ka",
    "THAI": "th",
    "LAO": "lo",
    "KHMER": "km",
    "HANGUL": "ko",
    "HIRAGANA": "ja",
    "KATAKANA": "ja",
    "ETHIOPIC": "am",
    "SINHALA": "si",
    "TAMIL": "ta",
    "TELUGU": "te",
    "KANNADA": "kn",
    "MALAYALAM": "ml",
    "GUJARATI": "gu",
    "GURMUKHI": "pa",
    "BENGALI": "bn",
    "MYANMAR": "my",
    "TIBETAN": "bo",
}


def script_lang(text: str) -> str | None:
    """The language of ``text`` when most of its letters are in a script in ``_SCRIPT_LANG``."""
    if text.isascii():  # Latin letters only
        return None
    return _script_lang(text)


@functools.lru_cache(maxsize=4096)  # a batch tags the same texts sheet after sheet
def _script_lang(text: str) -> str | None:
    counts: dict[str, int] = {}
    letters = 0
    for c in text:
        if not c.isalpha():
            continue
        letters += 1
        if c.isascii():
            continue
        word = unicodedata.name(c, "").split(" ", 1)[0]
        lang = _SCRIPT_LANG.get(word)
        if lang:
            counts[lang] = counts.get(lang, 0) + 1
    if not counts:
        return None
    lang, n = max(counts.items(), key=lambda kv: kv[1])
    return lang if n * 2 > letters else None


class Elem(StructElem):
    """A structure element with a language and attributes (fpdf2's has neither)."""

    __slots__ = ("lang", "a")

    def __init__(self, struct_type, parent, page_number=None, alt=None, lang=None, attrs=None):
        super().__init__(struct_type, parent, [], page_number=page_number, alt=alt)
        self.lang = PDFString(lang) if lang else None
        self.a = attrs  # a PDF dictionary as text, e.g. "<</O /Table /Scope /Row>>"


class _Pages:
    """What fpdf2's writer reads as ``struct_builder.doc_struct_elem``: it sets each listed
    element's /Pg from ``page_number()``; the leaves (the elements that own content) are
    listed here, the real /Document element is written from ``Tree.__iter__``."""

    def __init__(self) -> None:
        self.k: list[Elem] = []


class Tree(StructureTreeBuilder):
    """fpdf2's structure tree builder, holding a nested tree instead of a flat one."""

    def __init__(self) -> None:
        super().__init__()
        self.document = self.doc_struct_elem
        self.all: list[Elem] = []
        self.doc_struct_elem = _Pages()  # type: ignore[assignment]
        self.mcids: dict[int, int] = {}  # page -> next MCID

    def empty(self) -> bool:
        return not self.all

    def __iter__(self):
        yield self.struct_tree_root
        yield self.document
        yield self.struct_tree_root.parent_tree
        yield from self.all


class Tagger:
    """Marks what a ``FPDF`` draws: ``content`` for what a reader should hear, ``artifact``
    for what only decorates or repeats, ``group`` for elements that hold others."""

    def __init__(self, pdf, lang: str) -> None:
        self.pdf = pdf
        self.lang = lang
        self.tree = Tree()
        pdf.struct_builder = self.tree
        self.stack: list = [self.tree.document]
        self.open = False  # inside a marked-content sequence (content or artifact)

    # ----------------------------------------------------------------- elements

    def _elem(self, kind: str, page=None, alt=None, lang=None, attrs=None) -> Elem:
        parent = self.stack[-1]
        if lang == self.lang:
            lang = None
        elem = Elem(f"/{kind}", parent, page, alt, lang, attrs)
        parent.k.append(elem)
        self.tree.all.append(elem)
        return elem

    @contextlib.contextmanager
    def group(self, kind: str, lang=None, attrs=None) -> Iterator[Elem]:
        """An element that holds other elements (Sect, L, LI, Table, TR ...)."""
        elem = self._elem(kind, lang=lang, attrs=attrs)
        self.stack.append(elem)
        try:
            yield elem
        finally:
            self.stack.pop()
            if not elem.k:  # nothing was drawn in it: leave no empty element
                self.stack[-1].k.remove(elem)
                self.tree.all.remove(elem)

    @contextlib.contextmanager
    def at_root(self) -> Iterator[None]:
        """Elements made inside go directly under /Document (a footer drawn at a page break
        in the middle of a table or a list is not part of it)."""
        stack, self.stack = self.stack, [self.tree.document]
        try:
            yield
        finally:
            self.stack = stack

    @contextlib.contextmanager
    def content(self, kind: str, text: str = "", alt=None, attrs=None) -> Iterator[None]:
        """What is drawn inside is one leaf element ``kind`` (P, H1, Lbl, TD, Figure ...) on
        the current page; its language is set when ``text`` is in another script."""
        if self.open:  # already inside a sequence (e.g. a cell inside a content block)
            yield
            return
        pdf = self.pdf
        page = pdf.page
        elem = self._elem(kind, page, alt, script_lang(text) if text else None, attrs)
        mcid = self.tree.mcids.get(page, 0)
        self.tree.mcids[page] = mcid + 1
        elem.k = mcid  # one marked-content sequence: /K is its MCID
        spids = self.tree.spid_per_page_number
        if page not in spids:
            spids[page] = len(spids)
        self.tree.struct_tree_root.parent_tree.nums[spids[page]].append(elem)
        pdf.pages[page].struct_parents = spids[page]
        self.tree.doc_struct_elem.k.append(elem)
        if kind in ("H1", "H2") and text:  # a bookmark for each heading, to jump to it
            from fpdf.outline import OutlineSection
            from fpdf.syntax import DestinationXYZ

            dest = DestinationXYZ(page, top=pdf.h_pt - pdf.y * pdf.k)
            pdf._outline.append(OutlineSection(text, int(kind[1]) - 1, page, dest, elem))
        pdf._out(f"/{kind} <</MCID {mcid}>> BDC")
        self.open = True
        try:
            yield
        finally:
            self.open = False
            pdf._out("EMC")

    @contextlib.contextmanager
    def artifact(self, kind: str = "Layout", subtype: str = "") -> Iterator[None]:
        """What is drawn inside is not content: a rule, a box's border, the running footer."""
        if self.open:
            yield
            return
        extra = f" /Subtype /{subtype}" if subtype else ""
        self.pdf._out(f"/Artifact <</Type /{kind}{extra}>> BDC")
        self.open = True
        try:
            yield
        finally:
            self.open = False
            self.pdf._out("EMC")


def finish(pdf, title: str, lang: str, author: str) -> None:
    """The document-level parts of PDF/UA-1: XMP metadata with the PDF/UA identifier and the
    title, and the viewer asked to show the title rather than the file name."""
    from fpdf.prefs import ViewerPreferences

    pdf.viewer_preferences = ViewerPreferences(display_doc_title=True)
    t, a, lg = escape(title), escape(author), escape(lang)
    pdf.set_xmp_metadata(
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{t}</rdf:li></rdf:Alt></dc:title>'
        f"<dc:creator><rdf:Seq><rdf:li>{a}</rdf:li></rdf:Seq></dc:creator>"
        f"<dc:language><rdf:Bag><rdf:li>{lg}</rdf:li></rdf:Bag></dc:language>"
        "</rdf:Description>"
        '<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">'
        "<pdfuaid:part>1</pdfuaid:part>"
        "</rdf:Description>"
        "</rdf:RDF></x:xmpmeta>"
    )
