"""Renderers: one class per screen format, one module per document format; two tables.

Screen formats (``SCREENS``) show a view on stdout. Each is a ``Renderer`` with one method per
view type, named by the view's ``RENDER`` class attribute (``page``, ``conditions``,
``references``, ``missing``, ``validate_report``, ``paths``), so a new view is a new method and a
new format is a new class: no ``isinstance`` chain. ``plain`` and ``json`` never import Rich;
``terminal`` is imported only when it is chosen.

Document formats (``DOCUMENTS``) turn a handout into the bytes of a file; every module has
``render(handout, font=None) -> bytes`` in ``dryneedle_cli.render``, for the sheets and the
forms alike (a ``views.Handout`` or a ``views.FormHandout``). What a format can do (a page
size, a logo, the printer, a font, bytes a terminal cannot show) is declared once, in its entry:
the faces, the session and delivery read it from there.
"""

from __future__ import annotations

import importlib
import sys
from typing import NamedTuple

# format name -> "module:class"; imported only when chosen
SCREENS = {
    "plain": "dryneedle_cli.render.plain:PlainRenderer",
    "json": "dryneedle_cli.render.json:JsonRenderer",
    "terminal": "dryneedle_cli.render.terminal:TerminalRenderer",
}


class Document(NamedTuple):
    module: str  # in dryneedle_cli.render: it draws the sheets and the forms
    extensions: tuple[str, ...]  # the first is the one used for new file names
    media_type: str  # HTTP's Content-Type
    name: str  # as messages name the format: "a {name} file", "{name} sheets"
    paper: bool = False  # has a page and type size: --paper, --large-print
    logo: bool = False  # draws the clinic's logo (a logo it cannot draw stops the sheet)
    printable: bool = False  # lp/lpr print it as it is (HTML, Markdown would print as source)
    font: bool = False  # takes --font
    binary: bool = False  # bytes a terminal cannot show


DOCUMENTS = {
    "pdf": Document(
        "pdf", (".pdf",), "application/pdf", "PDF",
        paper=True, logo=True, printable=True, font=True, binary=True,
    ),
    "html": Document("html", (".html", ".htm"), "text/html; charset=utf-8", "HTML",
                     paper=True, logo=True),
    "md": Document("markdown", (".md",), "text/markdown; charset=utf-8", "Markdown"),
    "txt": Document("text", (".txt",), "text/plain; charset=utf-8", "text", printable=True),
}  # fmt: skip
EXTENSIONS = {ext: fmt for fmt, doc in DOCUMENTS.items() for ext in doc.extensions}


def formats_that(capability: str) -> tuple[str, ...]:
    """The document formats whose entry has ``capability`` (paper, logo, printable, font,
    binary), in table order."""
    return tuple(fmt for fmt, doc in DOCUMENTS.items() if getattr(doc, capability))


def names(formats, joiner: str = " and ") -> str:
    """The formats as messages name them: "PDF and HTML"."""
    return joiner.join(DOCUMENTS[fmt].name for fmt in formats)


class Renderer:
    """Shows views on one output. Subclasses add one method per view type."""

    escape = True  # make control characters visible first (JSON escapes them itself)
    records_misses = False  # a query not found is a record on stdout, not only a line on stderr

    def __init__(
        self,
        out=None,
        *,
        force_terminal: bool | None = None,
        refs: bool = False,
        pager: str | None = None,
    ):
        self.out = out or sys.stdout
        self.force_terminal = force_terminal
        self.refs = refs  # terminal: the full references after a page, not only [1] marks
        self.pager = pager  # terminal: a command to page a long page through, or None

    def show(
        self, view, *, stream: bool = False, query: str | None = None, header: bool = False
    ) -> None:
        """Show ``view``; in a ``stream`` (many answers in one run) a record carries ``query``."""
        if self.escape:
            from dryneedle_cli import safe

            view = safe.view(view)
        method = getattr(self, view.RENDER, None)
        if method is None:
            raise TypeError(f"{type(self).__name__} cannot show {type(view).__name__}")
        method(view, stream=stream, query=query, header=header)


def screen(fmt: str, out=None, *, force_terminal: bool | None = None, **options) -> Renderer:
    """The renderer for a screen format (a key of ``SCREENS``); ``options``: refs, pager."""
    module, name = SCREENS[fmt].split(":")
    cls = getattr(importlib.import_module(module), name)
    return cls(out, force_terminal=force_terminal, **options)


def document(handout, fmt: str, font=None) -> bytes:
    """The bytes of a handout file in a document format (a key of ``DOCUMENTS``)."""
    from dryneedle_cli import safe

    # control characters and escape sequences made visible in every format, the same way
    handout = safe.view(handout)
    module = importlib.import_module(f"dryneedle_cli.render.{DOCUMENTS[fmt].module}")
    return module.render(handout, font=font)
