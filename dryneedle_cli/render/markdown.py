"""A handout as Markdown, for e-mail or a patient portal."""

from __future__ import annotations

from dryneedle_cli.handout import Handout


def _escape(text: str) -> str:
    """Keep user text from turning into Markdown markup."""
    for ch in "\\`*_[]<>#|":
        text = text.replace(ch, f"\\{ch}")
    return text


def document(h: Handout) -> str:
    p, labels = h.page, h.labels
    shorts = {r.key: r.short for r in p.references}
    out = []
    if h.clinic:
        out.append(f"**{_escape(h.clinic.name)}**  ")
        out.extend(f"{_escape(x)}  " for x in h.clinic.contact)
        out.append("")
    out.extend(f"**{k}:** {_escape(v)}  " for k, v in h.details)
    out += ["", f"# {p.title}", "", p.summary, "", f"**{labels['areas']}:** {h.area_names}", ""]
    for s in p.sections:
        quote = "> " if s.style == "warning" else ""
        head = f"**⚠ {s.heading}**" if s.style == "warning" else f"## {s.heading}"
        lines = [head, ""]
        if s.text:
            lines += [s.text, ""]
        for n, item in enumerate(s.items, 1):
            lines.append({"steps": f"{n}. ", "checklist": "- [ ] "}.get(s.style, "- ") + item)
        if s.items:
            lines.append("")
        if s.refs:
            lines += [f"*{labels['sources']}: {'; '.join(shorts[k] for k in s.refs)}*", ""]
        out += [f"{quote}{line}".rstrip() for line in lines[:-1]] + [""]
    out += ["---", "", f"**{_escape(h.emergency)}**  ", _escape(h.questions), ""]
    return "\n".join(out)


def render(h: Handout) -> bytes:
    return document(h).encode("utf-8")
