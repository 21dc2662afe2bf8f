"""Which language a run shows its text in: the choice, the locale, and language names.

The order, first found wins: ``--lang`` > ``DRYNEEDLE_LANG`` > the clinic profile's
``language`` > the locale > English. ``--lang`` and ``DRYNEEDLE_LANG`` are typed on purpose, so
they are strict: a language that does not ship is a usage error, and a page not translated into
it is "not found", never English in its place. The profile's language and the locale are
defaults: a page not yet translated is shown in English, whole, with a note on stderr.

The locale is read as GNU gettext reads it for messages: ``LC_ALL``, else ``LC_MESSAGES``, else
``LANG``; ``C``, ``POSIX`` or none of them means no language (English). When that locale is not
C, ``LANGUAGE`` (a ``:``-separated list such as ``fr_CA:fr:en``) comes first, its first language
that ships winning. ``es_MX.UTF-8`` is ``es``; ``fr-CA`` is ``fr``.

Pure functions of the environment passed in; imported on every run, so it imports nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import NamedTuple

# For messages (clinician-facing, English); a language not named here is shown by its code.
NAMES = {"en": "English", "es": "Spanish", "fr": "French"}
CODE = r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{2,8})*$"  # 'es', 'es-MX', 'fr_CA', 'zh-Hant-TW'


class Choice(NamedTuple):
    """The language of a run: its code, whether it was asked for strictly, and by what."""

    code: str
    strict: bool
    source: str  # "--lang", "DRYNEEDLE_LANG", "the clinic profile", "the locale", "default"


ENGLISH = Choice("en", False, "default")


def name(code: str) -> str:
    """'Spanish (es)'; an unknown code as itself in quotes."""
    return f"{NAMES[code]} ({code})" if code in NAMES else f"'{code}'"


def base(code: str) -> str | None:
    """The language of a code, in lowercase ('es-MX' -> 'es', 'fr_CA' -> 'fr'); None if the
    text is not a language code."""
    code = code.strip()
    if len(code) == 2 and code.isascii() and code.isalpha():  # the usual case: no pattern
        return code.lower()
    m = re.match(CODE, code)
    return m.group(1).lower() if m else None


def from_locale(environ: Mapping[str, str]) -> list[str]:
    """The languages the locale asks for, best first ([] for C, POSIX or none)."""
    value = next((environ[k] for k in ("LC_ALL", "LC_MESSAGES", "LANG") if environ.get(k)), "")
    code = value.split(".", 1)[0].split("@", 1)[0]
    if code in ("", "C", "POSIX"):
        return []
    wanted = [base(c.split(".", 1)[0]) for c in environ.get("LANGUAGE", "").split(":") if c]
    wanted.append(base(code))
    return list(dict.fromkeys(w for w in wanted if w))


def choose(
    flag: str | None,
    profile: str | None,
    environ: Mapping[str, str],
    available: Callable[[], list[str]],
) -> Choice:
    """The language of this run; a ``ValueError`` (a usage error: its message says why) for a
    strict choice that is not a language code or does not ship. ``available()``: the codes
    that ship, English first (asked only when a language other than English is wanted)."""

    def ships(code: str | None) -> bool:
        return code == "en" or (code is not None and code in available())

    for source, given in (("--lang", flag), ("DRYNEEDLE_LANG", environ.get("DRYNEEDLE_LANG"))):
        if given is None or (source != "--lang" and not given.strip()):
            continue
        code = base(given)
        if not ships(code):
            from dryneedle_cli.safe import short

            shown = f"'{short(given)}'" if code is None else name(code)
            raise ValueError(
                f"{source} {shown}: no text in that language; choose one of "
                f"{', '.join(available())}"
            )
        return Choice(code, True, source)
    if profile and ships(base(profile)):
        return Choice(base(profile), False, "the clinic profile")
    for code in from_locale(environ):
        if ships(code):
            return Choice(code, False, "the locale")
    return ENGLISH
