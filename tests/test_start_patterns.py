"""The patterns a start no longer compiles (each is up to a millisecond of a short run): the
shortcuts that stand in for them give what the patterns give.

``safe`` decides printable text without its control-character patterns, ``index.normalize``
compiles its possessive pattern only for words with an apostrophe, and ``languages.base``
reads a two-letter code without its pattern."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import unicodedata

import pytest

from dryneedle_cli import languages, safe
from dryneedle_cli.content import index


@pytest.mark.parametrize("newlines", [False, True], ids=["line", "text"])
def test_no_character_a_pattern_shows_is_taken_for_clean(newlines):
    """Every code point, alone and inside printable text: where the shortcut says "nothing
    to change", the pattern finds nothing either."""
    pattern = re.compile(safe._NAMED_PATTERNS["text" if newlines else "line"])
    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        for value in (ch, f"a {ch}\u00a0b", f"line\n{ch}\tend"):
            if safe._clean(value, newlines):
                assert not pattern.search(value), (hex(code), value)


def test_the_spaces_are_the_space_separators():
    """The spaces the shortcut lets through are Unicode's space separators (Zs), the ASCII
    space aside, and so none of them is a control, format or surrogate character."""
    zs = [c for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Zs"]
    assert sorted(safe._SPACES) == [c for c in zs if c != 0x20]


CORPUS = [
    "19\u00a0to\u00a037\u00a0in\u00a0100",
    "Ice it.\nRest.\tThen walk.",
    "Rest\x1b[31m.",
    "Dolor \x1b]0;PWN\x07 de cuello",
    "a\u2028b\u202ec\u2066d\ud800e\rf",
    "soft\u00adhyphen and zero\u200bwidth",
    "Cr\u00e8me br\u00fbl\u00e9e \u00ab\u202fneck\u202f\u00bb",
    "",
]


@pytest.mark.parametrize("value", CORPUS)
def test_line_text_and_has_control_give_what_the_patterns_give(value):
    for name, shown in (("line", safe.line), ("text", safe.text)):
        expected = re.compile(safe._NAMED_PATTERNS[name]).sub(safe._visible, value)
        assert shown(value) == expected, name
        newlines = name == "text"
        assert safe.has_control(value, newlines) == (expected != value), name
    assert (safe.view(value) is value) == (safe.text(value) == value)


def test_a_message_still_cuts_a_long_quoted_value_and_a_long_word():
    long = "x" * 300
    assert safe.message(f"Invalid value: '{long}'") == f"Invalid value: '{safe.short(long)}'"
    assert len(safe.message(f"no such file {long}")) < 220
    assert safe.message("short 'value'") == "short 'value'"


@pytest.mark.parametrize(
    "words, folded",
    [
        ("Golfer's elbow", "golfers elbow"),
        ("golfer\u2019s elbow", "golfers elbow"),
        ("golfer\u02bcs elbow", "golfers elbow"),
        ("Douleur \u00e0 l'\u00c9paule", "douleur a l epaule"),
        ("neck", "neck"),
        ("N\u0152UD", "noeud"),
    ],
)
def test_normalize_folds_possessives_and_elisions(words, folded):
    assert index.normalize(words) == folded


@pytest.mark.parametrize(
    "code",
    ["es", "ES", "Fr", "es-MX", "fr_CA", "zh-Hant-TW", "e1", "", " en ", "fra", "x", "\u00e9s"],
)
def test_a_language_code_is_read_as_the_pattern_reads_it(code):
    m = re.match(languages.CODE, code.strip())
    assert languages.base(code) == (m.group(1).lower() if m else None)


def test_explain_neck_compiles_no_control_pattern(tmp_path):
    """In a fresh process, a page on a terminal (the neck page holds no-break spaces) and
    piped: none of safe's patterns is compiled."""
    code = (
        "import io, sys\n"
        "from dryneedle_cli import safe\n"
        "from dryneedle_cli.cli import fast\n"
        "out, sys.stdout = sys.stdout, io.StringIO()\n"
        "code = fast.run(['explain', 'neck'])\n"
        "sys.stdout = out\n"
        "print(code, safe._pattern.cache_info().currsize)\n"
    )
    env = {**os.environ, "DRYNEEDLE_CACHE_DIR": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
    for colour in (None, "1"):
        env.pop("FORCE_COLOR", None)
        if colour:
            env["FORCE_COLOR"] = colour
        for _ in range(2):  # the first run builds the cache
            result = subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
            )
        assert result.stdout == "0 0\n", result.stderr
