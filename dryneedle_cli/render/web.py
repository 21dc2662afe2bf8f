"""Web pages: a consult page, search results, the front desk and an error page, as accessible
HTML (``dryneedle serve`` and ``dryneedle export site``; issue 24).

One renderer for both faces: the service links ``/pages/{id}?lang=``, the static site links
``{id}.html`` beside it; ``Links`` says which. Every word a patient reads comes from the labels
(``web_*`` and the page's own), in the page's language; every value is escaped (``esc``), and no
page has an inline style or script, so the service's Content-Security-Policy needs neither.
The style sheet is ``desk.css`` beside this module, served from a route or copied beside the
site's pages.

The patient view as on the terminal: no ids, codes or citations on a page (sources as [1]
marks on its body sections, never in a warning box or steps: ``views.Marks``; the hint that
the clinician has the list), and the page's status line (draft, approved
by whom) at its foot.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from urllib.parse import quote, urlencode

from dryneedle_cli import safe
from dryneedle_cli.render import DOCUMENTS
from dryneedle_cli.views import Page, SectionView

# facts a patient is not shown (the terminal hides the same: codes and ids)
_HIDDEN_FACTS = ("icd10", "icd10_cm", "related")
FORMATS = tuple(DOCUMENTS)
PAPERS = ("letter", "a4")


def css() -> bytes:
    """The one style sheet of every web page."""
    return resources.files("dryneedle_cli.render").joinpath("desk.css").read_bytes()


def esc(text: object) -> str:
    """Text as HTML shows it: never markup, quotes escaped for attributes too."""
    return html.escape(str(text), quote=True)


class Links:
    """Where the service's pages are (absolute paths on the service)."""

    css = "/static/desk.css"
    search = "/search"
    relative = False

    def page(self, ident: str, lang: str) -> str:
        return f"/pages/{quote(ident, safe='')}?{urlencode({'lang': lang})}"

    def desk(self, lang: str) -> str:
        return f"/?{urlencode({'lang': lang})}"

    def sheet(self, kind: str) -> str:
        return f"/sheets/{quote(kind, safe='')}"


class SiteLinks(Links):
    """Links of the static site: ``{lang}/{id}.html`` beside each other, the style sheet one
    folder up; no search and no sheets (there is no service behind it)."""

    css = "../desk.css"
    search = ""
    relative = True

    def page(self, ident: str, lang: str) -> str:  # noqa: ARG002 - same folder, same language
        return f"{quote(ident, safe='')}.html"

    def desk(self, lang: str) -> str:
        return f"../{quote(lang, safe='')}/index.html"

    def sheet(self, kind: str) -> str:  # noqa: ARG002
        return ""


class TopLinks(SiteLinks):
    """Links of the site's top page (``index.html``, the languages)."""

    css = "desk.css"

    def desk(self, lang: str) -> str:
        return f"{quote(lang, safe='')}/index.html"


@dataclass(frozen=True)
class Frame:
    """What every page around its content needs: its language, its labels (the query's,
    ``web_*`` among them), the clinic's values (name, emergency number), the languages a
    reader may switch to, and the links."""

    lang: str
    labels: dict[str, str]
    values: dict[str, str]
    languages: tuple[tuple[str, str], ...] = ()  # (code, name in its own language)
    links: Links = field(default_factory=Links)
    clinic: str = ""  # the clinic's name from its profile ('' without one)

    def label(self, key: str, **values: str) -> str:
        text = self.labels.get(key, "")
        if values or "{" in text:
            text = _fill(text, {**self.values, **values})
        return text


def _fill(text: str, values: dict[str, str]) -> str:
    import re

    return re.sub(r"\{([a-z_]+)\}", lambda m: values.get(m.group(1), m.group(0)), text)


# --------------------------------------------------------------------------- the frame


def document(frame: Frame, title: str, main: str, *, search_value: str = "") -> str:
    """A whole page: the skip link, the banner (clinic, search), the main part, the footer."""
    label = frame.label
    links = frame.links
    head_title = f"{title} · {label('web_title')}" if title else label("web_title")
    banner_name = frame.clinic or label("web_title")
    search = ""
    if links.search:
        search = _search_form(frame, search_value, "top")
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{esc(frame.lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(head_title)}</title>\n"
        f'<link rel="stylesheet" href="{esc(links.css)}">\n</head>\n<body>\n'
        f'<a class="skip" href="#main">{esc(label("web_skip"))}</a>\n'
        f'<header class="banner">\n<p class="clinic"><a href="{esc(links.desk(frame.lang))}">'
        f"{esc(banner_name)}</a></p>\n{search}</header>\n"
        f'<main id="main" tabindex="-1">\n{main}</main>\n'
        f'<footer>\n<p class="emergency">{esc(label("emergency"))}</p>\n</footer>\n'
        "</body>\n</html>\n"
    )


def _search_form(frame: Frame, value: str, where: str) -> str:
    label = frame.label
    ident = f"q-{where}"
    langs = ""
    if len(frame.languages) > 1:
        options = "".join(
            f'<option value="{esc(code)}"{" selected" if code == frame.lang else ""}'
            f' lang="{esc(code)}">{esc(name)}</option>'
            for code, name in frame.languages
        )
        langs = (
            f'<label for="lang-{where}">{esc(label("web_language"))}</label>\n'
            f'<select id="lang-{where}" name="lang">{options}</select>\n'
        )
    else:
        langs = f'<input type="hidden" name="lang" value="{esc(frame.lang)}">\n'
    return (
        f'<search><form class="find" method="get" action="{esc(frame.links.search)}">\n'
        f'<label for="{ident}">{esc(label("web_find"))}</label>\n'
        f'<input id="{ident}" name="q" type="search" value="{esc(value)}" maxlength="200"'
        f' aria-describedby="{ident}-hint" autocomplete="off">\n'
        f'<p id="{ident}-hint" class="hint">{esc(label("web_find_hint"))}</p>\n'
        f"{langs}"
        f'<button type="submit">{esc(label("web_search"))}</button>\n</form></search>\n'
    )


# --------------------------------------------------------------------------- a consult page


def _items(s: SectionView) -> str:
    if not s.items:
        return ""
    tag = "ol" if s.style == "steps" else "ul"
    cls = ' class="checklist"' if s.style == "checklist" else ""
    return f"<{tag}{cls}>" + "".join(f"<li>{esc(i)}</li>" for i in s.items) + f"</{tag}>\n"


def _section(s: SectionView, marks: str, n: int) -> str:
    """A section; ``marks``: its source marks, '' in a warning box or steps (``views.Marks``)."""
    cls = ' class="warning"' if s.style == "warning" else ""
    ident = f"s{n}"
    out = [f'<section{cls} aria-labelledby="{ident}">\n<h2 id="{ident}">{esc(s.heading)}</h2>\n']
    if s.text:
        out.append(f"<p>{esc(s.text)}</p>\n")
    out.append(_items(s))
    if marks:
        out.append(f'<p class="marks">{esc(marks)}</p>\n')
    out.append("</section>\n")
    return "".join(out)


def page(view: Page, frame: Frame) -> str:
    """A consult page as the patient reads it (the terminal's patient view, in HTML)."""
    p = safe.view(view)
    labels = p.labels
    hidden = {labels.get(k) for k in _HIDDEN_FACTS}
    facts = [(label, value) for label, value in p.facts if label not in hidden]
    if p.related:
        facts.append((labels["related"], "; ".join(p.related)))
    out = [f'<article lang="{esc(p.lang)}">\n<h1>{esc(p.title)}</h1>\n']
    if p.summary:
        out.append(f'<p class="summary">{esc(p.summary)}</p>\n')
    if facts:
        out.append('<dl class="facts">\n')
        for label, value in facts:
            out.append(f"<div><dt>{esc(label)}</dt><dd>{esc(value)}</dd></div>\n")
        out.append("</dl>\n")
    for n, s in enumerate(p.sections, 1):
        out.append(_section(s, p.marks_of(s), n))
    if p.marked_references:  # the hint only where a body section is marked
        out.append(f'<p class="hint">{esc(labels["refs_hint"])}</p>\n')
    if p.status:
        out.append(f'<p class="status">{esc(p.status)}</p>\n')
    out.append(f'<p class="hint noprint">{esc(frame.label("web_print_hint"))}</p>\n')
    out.append("</article>\n")
    return document(frame, p.title, "".join(out))


# --------------------------------------------------------------------------- search results


@dataclass(frozen=True)
class Hit:
    ident: str
    title: str


def results(frame: Frame, query: str, hits: Iterable[Hit], suggestions: Iterable[Hit]) -> str:
    """What a search found: links to the pages, or close matches, or a line saying none."""
    label = frame.label
    hits, suggestions = list(hits), list(suggestions)
    out = [f"<h1>{esc(label('web_results'))}: <q>{esc(safe.short(query))}</q></h1>\n"]
    if hits:
        out.append(_list(frame, hits))
    else:
        out.append(f"<p>{esc(label('web_no_results'))}</p>\n")
        if suggestions:
            out.append(f"<h2>{esc(label('web_did_you_mean'))}</h2>\n")
            out.append(_list(frame, suggestions))
    out.append(
        f'<p><a href="{esc(frame.links.desk(frame.lang))}">{esc(label("web_home"))}</a></p>\n'
    )
    return document(frame, label("web_results"), "".join(out), search_value=query)


def _list(frame: Frame, hits: Iterable[Hit]) -> str:
    rows = "".join(
        f'<li><a href="{esc(frame.links.page(h.ident, frame.lang))}">{esc(h.title)}</a></li>'
        for h in hits
    )
    return f'<ul class="pages">{rows}</ul>\n'


# --------------------------------------------------------------------------- the front desk


@dataclass(frozen=True)
class Index:
    """Every page of one language, for the desk and the site's index: the topics, the
    conditions by body region, the glossary terms; and the sheets and body areas a sheet
    can be made for."""

    topics: tuple[Hit, ...] = ()
    regions: tuple[tuple[str, tuple[Hit, ...]], ...] = ()  # (region name, its conditions)
    terms: tuple[Hit, ...] = ()
    sheets: tuple[tuple[str, str], ...] = ()  # (kind, title)
    areas: tuple[tuple[str, str], ...] = ()  # (region id, name)


def desk(frame: Frame, index: Index, date: str = "") -> str:
    """The front desk (the service's ``/``) or the static site's index of one language."""
    label = frame.label
    out = [f"<h1>{esc(label('web_title'))}</h1>\n"]
    if frame.links.search:
        out.append(_language_form(frame))
    if frame.links.sheet("aftercare"):  # the front desk's work first, then every page
        out.append(_sheet_form(frame, index, date))
    out.append(_index(frame, index))
    return document(frame, "", "".join(out))


def _language_form(frame: Frame) -> str:
    """Change the desk's language without script: a GET form to the desk."""
    if len(frame.languages) < 2:
        return ""
    links = "".join(
        f'<li><a href="{esc(frame.links.desk(code))}" lang="{esc(code)}" hreflang="{esc(code)}"'
        + (' aria-current="page"' if code == frame.lang else "")
        + f">{esc(name)}</a></li>"
        for code, name in frame.languages
    )
    return (
        f'<nav aria-labelledby="langs"><h2 id="langs">{esc(frame.label("web_language"))}</h2>'
        f'<ul class="langs">{links}</ul></nav>\n'
    )


def _index(frame: Frame, index: Index) -> str:
    label = frame.label
    out = [f'<nav aria-labelledby="all"><h2 id="all">{esc(label("web_all_pages"))}</h2>\n']
    if index.topics:
        out.append(f"<h3>{esc(label('web_about'))}</h3>\n{_list(frame, index.topics)}")
    for region, hits in index.regions:
        out.append(f"<h3>{esc(region)}</h3>\n{_list(frame, hits)}")
    if index.terms:
        out.append(f"<h3>{esc(label('web_words'))}</h3>\n{_list(frame, index.terms)}")
    out.append("</nav>\n")
    return "".join(out)


def _field(ident: str, text: str, control: str) -> str:
    return f'<p class="field"><label for="{ident}">{esc(text)}</label>\n{control}</p>\n'


def _options(values: Iterable[tuple[str, str]], chosen: str = "") -> str:
    return "".join(
        f'<option value="{esc(v)}"{" selected" if v == chosen else ""}>{esc(t)}</option>'
        for v, t in values
    )


def _sheet_form(frame: Frame, index: Index, date: str) -> str:
    """One plain form: each sheet's button posts it to its own ``/sheets/{kind}``."""
    label = frame.label
    areas = "".join(
        f'<li><input type="checkbox" name="area" value="{esc(rid)}" id="area-{esc(rid)}">'
        f'<label for="area-{esc(rid)}">{esc(name)}</label></li>'
        for rid, name in index.areas
    )
    langs = _options(frame.languages, frame.lang)
    formats = _options((f, label(f"web_format_{f}")) for f in FORMATS)
    papers = _options((p, label(f"web_paper_{p}")) for p in PAPERS)
    first = index.sheets[0][0] if index.sheets else "aftercare"
    buttons = "".join(
        f'<button type="submit" formaction="{esc(frame.links.sheet(kind))}">'
        f"{esc(label('web_make'))}: {esc(title)}</button>\n"
        for kind, title in index.sheets
    )
    return (
        f'<section aria-labelledby="sheets"><h2 id="sheets">{esc(label("web_sheets"))}</h2>\n'
        f'<p class="hint" id="sheets-hint">{esc(label("web_sheets_hint"))}</p>\n'
        f'<form class="sheet" method="post" action="{esc(frame.links.sheet(first))}"'
        ' aria-describedby="sheets-hint">\n'
        + _field(
            "patient",
            label("patient"),
            '<input id="patient" name="patient" type="text" maxlength="200" autocomplete="off">',
        )
        + f'<fieldset><legend>{esc(label("areas"))}</legend><ul class="areas">{areas}</ul>'
        "</fieldset>\n"
        + _field(
            "clinician",
            label("clinician"),
            '<input id="clinician" name="clinician" type="text" maxlength="200"'
            ' autocomplete="off">',
        )
        + _field(
            "date",
            label("date"),
            f'<input id="date" name="date" type="date" value="{esc(date)}">',
        )
        + _field(
            "next_visit",
            label("next_visit"),
            '<input id="next_visit" name="next_visit" type="text" maxlength="200"'
            ' autocomplete="off">',
        )
        + _field(
            "note",
            label("web_note"),
            '<textarea id="note" name="note" rows="3" maxlength="1000"></textarea>',
        )
        + _field(
            "sheet-lang",
            label("web_language"),
            f'<select id="sheet-lang" name="lang">{langs}</select>',
        )
        + _field(
            "format", label("web_format"), f'<select id="format" name="format">{formats}</select>'
        )
        + _field("paper", label("web_paper"), f'<select id="paper" name="paper">{papers}</select>')
        + '<p class="field check"><input type="checkbox" id="large_print" name="large_print"'
        f' value="true"><label for="large_print">{esc(label("web_large_print"))}</label></p>\n'
        f'<div class="buttons">{buttons}</div>\n</form>\n</section>\n'
    )


def languages_page(frame: Frame) -> str:
    """The static site's top page: a link to each language's index."""
    links = "".join(
        f'<li><a href="{esc(frame.links.desk(code))}" lang="{esc(code)}" hreflang="{esc(code)}">'
        f"{esc(name)}</a></li>"
        for code, name in frame.languages
    )
    main = f'<h1>{esc(frame.label("web_title"))}</h1>\n<ul class="pages">{links}</ul>\n'
    return document(frame, "", main)


# --------------------------------------------------------------------------- errors


def error(frame: Frame, status: int, reason: str) -> str:
    """A short page for a request that could not be answered; ``reason`` is shown as text."""
    key = {404: "web_not_found", 403: "web_not_allowed"}.get(status, "web_bad_request")
    heading = frame.label(key)
    main = (
        f"<h1>{esc(heading)}</h1>\n<p>{esc(safe.short(reason, 300))}</p>\n"
        f'<p><a href="{esc(frame.links.desk(frame.lang))}">{esc(frame.label("web_home"))}</a></p>\n'
    )
    return document(frame, heading, main)
