"""Text from files or people is shown, never interpreted: the one sanitizer at the output boundary.

Control characters (C0, DEL, C1), escape sequences (ESC, CSI U+009B, OSC, BEL), line and paragraph
separators and bidirectional overrides are made visible as ``\\x1b`` or ``\\u202e``, so no clinic
file, file name or patient name can move the cursor, set a window title, add a hyperlink or
reorder a line on the screen. Lone surrogates (undecodable bytes in arguments or stdin) become
U+FFFD. ``line`` is for messages and one-line fields (a line break shows as ``\\n``); ``text``
keeps line breaks and tabs, for renderers that deliberately lay text out over lines.
"""

from __future__ import annotations

import functools
import re

_CONTROL = "\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_NAMED_PATTERNS = {
    "text": f"[{_CONTROL}\r\ud800-\udfff]",
    "line": f"[{_CONTROL}\n\t\r\ud800-\udfff]",
    # for ``message``: a quoted value over 60 characters; a word over 200
    "quoted": r"(?<![\w])(['\"])([^'\"\n]{61,}?)\1(?![\w])",
    "long word": r"\S{201,}",
}


@functools.cache
def _pattern(name: str) -> re.Pattern:
    """Compiled when first used (the control patterns take about a millisecond each: the
    surrogate range), so a run that never needs one does not pay for it."""
    return re.compile(_NAMED_PATTERNS[name])


_NAMED = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _visible(m: re.Match) -> str:
    ch = m.group(0)
    code = ord(ch)
    if 0xD800 <= code <= 0xDFFF:
        return "\ufffd"
    if ch in _NAMED:
        return _NAMED[ch]
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


# the space separators (no-break spaces keep "19 in 100" on one line): unprintable to Python,
# but none of them is in a pattern
_SPACES = dict.fromkeys([0xA0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000], " ")
_SPACES_AND_BREAKS = {**_SPACES, ord("\n"): " ", ord("\t"): " "}


def _clean(value: str, newlines: bool) -> bool:
    """True when ``value`` holds nothing ``text`` (``line`` unless ``newlines``) would change,
    decided without the pattern when it can be: every character the patterns match is one
    Python counts as unprintable (a control, format, separator or surrogate character), so
    text printable but for its spaces (and, for ``text``, its line breaks and tabs) needs no
    pattern, whose compiling is about a millisecond of a run."""
    if value.isprintable():
        return True
    return value.translate(_SPACES_AND_BREAKS if newlines else _SPACES).isprintable()


def line(value: object) -> str:
    """One line with nothing a terminal would act on (for messages and one-line fields)."""
    value = str(value)
    return value if _clean(value, False) else _pattern("line").sub(_visible, value)


def short(value: object, limit: int = 60) -> str:
    """``line(value)`` cut to about ``limit`` characters with an ellipsis: for echoing what a
    user typed back in a message (a 5,000-character argument stays a one-line message)."""
    shown = line(value)
    return shown if len(shown) <= limit else shown[: limit - 1].rstrip() + "…"


def message(value: object) -> str:
    """A message as it is shown on stderr (``cli.context.say``, the one way messages are
    written): ``line``, with every quoted value in it ('…' or "…") cut by ``short``, and any
    word longer than 200 characters (a path) cut in its middle. So a value a message quotes
    whole (Click's "Invalid value for 'which': '…'") is cut too; a message that echoes a
    value without quotes cuts it itself, with ``short``."""
    shown = line(value)
    if len(shown) <= 60:  # nothing quoted or one word can be longer than the limits
        return shown
    quoted = _pattern("quoted")
    shown = quoted.sub(lambda m: f"{m.group(1)}{short(m.group(2))}{m.group(1)}", shown)
    # and any one word (a path, a value with no quotes) over 200 characters: its start and end
    return _pattern("long word").sub(lambda m: m.group()[:120] + "…" + m.group()[-79:], shown)


def text(value: str) -> str:
    """Like ``line`` but keeping line breaks and tabs."""
    return value if _clean(value, True) else _pattern("text").sub(_visible, value)


def has_control(value: str, newlines: bool = False) -> bool:
    """True when ``value`` holds a character ``line`` (``text`` with ``newlines``) would show."""
    if _clean(value, newlines):
        return False
    return bool(_pattern("text" if newlines else "line").search(value))


def view(obj, skip: frozenset[str] = frozenset({"folder", "logo"})):
    """A view model (msgspec structs, tuples, lists, dicts) with every string cleaned: a
    copy where a string changed, the same struct or tuple where none did (a sheet's view is
    made for every row of a batch, and almost never holds a control character).

    Fields named in ``skip`` (file locations) are left as they are.
    """
    import msgspec  # here, not at the top: messages and --help need no msgspec

    if isinstance(obj, str):
        return obj if _clean(obj, True) else text(obj)
    if isinstance(obj, msgspec.Struct):
        changes = {}
        for f in obj.__struct_fields__:
            if f not in skip:
                value = getattr(obj, f)
                cleaned = view(value, skip)
                if cleaned is not value:
                    changes[f] = cleaned
        return msgspec.structs.replace(obj, **changes) if changes else obj
    if isinstance(obj, tuple):
        cleaned = tuple(view(x, skip) for x in obj)
        return obj if all(a is b for a, b in zip(cleaned, obj, strict=True)) else cleaned
    if isinstance(obj, list):
        return [view(x, skip) for x in obj]
    if isinstance(obj, dict):
        return {k: view(v, skip) for k, v in obj.items()}
    return obj
