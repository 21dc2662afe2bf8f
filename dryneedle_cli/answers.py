"""Reading a screening answers file (``dryneedle screen --answers FILE``): YAML or JSON, '-' for
stdin, a mapping of question id to yes, no or not-sure.

The file may be anything: it is read bounded (``safeio.read_limited``: a regular file of at
most ``MAX_BYTES``; a FIFO or device is refused at once), its shape checked on the parser's
event stream before anything is built (depth, number of values, no anchors or aliases), and
only then composed. Answers are taken from the YAML source as typed, so a bare ``yes`` is the
word yes (not YAML's true) and ``on`` is not an answer. Every problem is a ``UsageError``
(exit 2) naming the file, the line and the fix; the answers themselves never appear in a
message beyond the first 40 characters of a wrong one.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import NamedTuple

from dryneedle_cli.errors import ContentError, UsageError
from dryneedle_cli.model import FIXED_REPLIES, reply_key
from dryneedle_cli.safe import short

MAX_BYTES = 64 * 1024  # an answers file for 30 questions is well under 2 KiB
_NULL = {"", "~", "null", "Null", "NULL"}
# the tags plain YAML and JSON give on their own; an explicit tag (!!python/...) is refused
_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("str", "bool", "int", "float", "null", "timestamp")}


# A line whose answer is a bare ``?`` (YAML would read it as a complex key and fail): the
# answer "?". Only a value that is exactly ``?`` (and a comment) is changed: no valid YAML
# has one.
_BARE_QUESTION = re.compile(
    r"^([^\S\n]*[^\s?#\-\[{][^:#\n]*:[^\S\n]+)\?([^\S\n]*(?:#[^\n]*)?)$", re.M
)


class Entry(NamedTuple):
    id: str
    answer: str | None  # the answer as typed; None when left empty
    line: int


def _fail(where: str, message: str, line: int | None = None) -> UsageError:
    at = f"{where}:{line}" if line else where
    return UsageError(f"{at}: {message}")


def _bytes(source: str) -> tuple[bytes, str]:
    """The raw bytes and the name to use in messages."""
    from dryneedle_cli import safeio

    if source == "-":
        stream = getattr(sys.stdin, "buffer", None)
        data = stream.read(MAX_BYTES + 1) if stream is not None else sys.stdin.read().encode()
        if len(data) > MAX_BYTES:
            raise _fail(
                "stdin", f"the answers are over {MAX_BYTES // 1024} KiB; give one line per question"
            )
        return data, "stdin"
    where = source
    try:
        return safeio.read_limited(Path(source), MAX_BYTES), where
    except safeio.TooLarge:
        raise _fail(
            where, f"the file is over {MAX_BYTES // 1024} KiB; an answers file is a few lines"
        ) from None
    except safeio.NotRegular as e:
        raise _fail(
            where, f"is {e.what}, not a regular file; to read answers from a pipe, use --answers -"
        ) from None
    except FileNotFoundError:
        raise _fail(where, "no such file; check the path (or use --answers - for stdin)") from None
    except IsADirectoryError:
        raise _fail(where, "is a folder, not an answers file") from None
    except OSError as e:
        raise _fail(where, f"cannot be read: {e.strerror or e}") from None


def read(source: str) -> tuple[list[Entry], str]:
    """(the entries of an answers file, the name to use in messages)."""
    raw, where = _bytes(source)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _fail(where, "is UTF-16 text; save it as UTF-8")
    if b"\x00" in raw:
        raise _fail(where, "looks like a binary file; write one 'question-id: yes' per line")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise _fail(where, "is not UTF-8 text; save it as UTF-8", line) from None
    if not text.strip():
        raise _fail(where, "is empty; write one 'question-id: yes' (or no, not-sure) per line")
    return _entries(text, where), where


def _entries(text: str, where: str) -> list[Entry]:
    from dryneedle_cli.content.yamlfile import _yaml_loader, check_shape

    yaml, _ = _yaml_loader()
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    text = _BARE_QUESTION.sub(r'\1"?"\2', text)  # 'pregnancy: ?' is the answer ?, as documented
    try:
        check_shape(yaml, text, Path(where))  # bounds depth and size before composing
        for event in yaml.parse(text, Loader=loader):
            if getattr(event, "tag", None) is not None:  # !!str, !!python/..., !custom
                raise _fail(
                    where,
                    "tags (!!) are not allowed; write plain answers like 'pregnancy: no'",
                    event.start_mark.line + 1,
                )
        node = yaml.compose(text, Loader=loader)
    except ContentError as e:  # too deep or too many values: the first half of its message
        shape = e.detail.split(";")[0]
        raise _fail(
            where, f"{shape}; an answers file is one 'question-id: yes' per line", e.line
        ) from None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        problem = (e.problem or e.context or "invalid YAML").strip()
        raise _fail(
            where,
            f"not valid YAML or JSON: {problem}; write one 'question-id: yes' per line",
            mark.line + 1 if mark else None,
        ) from None
    except (yaml.YAMLError, RecursionError, ValueError) as e:
        raise _fail(where, f"not valid YAML or JSON: {type(e).__name__}") from None
    if node is None:
        raise _fail(where, "is empty; write one 'question-id: yes' (or no, not-sure) per line")
    if not isinstance(node, yaml.MappingNode):
        raise _fail(
            where,
            "must be a mapping of question id to answer, like 'pregnancy: no' "
            '(or {"pregnancy": "no"} in JSON)',
            node.start_mark.line + 1,
        )
    entries: list[Entry] = []
    seen: dict[str, int] = {}
    for key, value in node.value:
        line = key.start_mark.line + 1
        if not isinstance(key, yaml.ScalarNode):
            raise _fail(where, "a question id must be a word like 'pregnancy', not a list", line)
        for n in (key, value):
            if n.tag not in _TAGS and not isinstance(n, (yaml.SequenceNode, yaml.MappingNode)):
                raise _fail(
                    where, "tags (!!) are not allowed; write plain answers", n.start_mark.line + 1
                )
        ident = key.value
        if ident in seen:
            raise _fail(
                where,
                f"'{short(ident)}' is answered twice (first on line {seen[ident]}); keep one",
                line,
            )
        seen[ident] = line
        if not isinstance(value, yaml.ScalarNode):
            raise _fail(
                where,
                f"the answer for '{short(ident)}' must be yes, no or not-sure, "
                "not a list or mapping",
                value.start_mark.line + 1,
            )
        plain = not value.style
        empty = (plain and value.value in _NULL) or not value.value.strip()
        answer = None if empty else value.value  # "" (JSON's empty answer): not asked
        entries.append(Entry(ident, answer, line))
    return entries


def normalize(entries: list[Entry], replies: dict[str, str], where: str) -> dict[str, str]:
    """id -> yes, no or not-sure. ``replies`` maps what a person may type (folded) to an
    answer; ``true``/``false`` (JSON's) mean yes/no. Empty answers are left out (not
    answered). A wrong answer is a UsageError naming its line."""
    words = {**replies, **FIXED_REPLIES}  # the fixed words keep their meaning in every language
    out: dict[str, str] = {}
    for e in entries:
        if e.answer is None:
            continue
        answer = words.get(reply_key(e.answer))
        if answer is None:
            raise _fail(
                where,
                f"the answer for '{short(e.id)}' is '{short(e.answer, 40)}'; answer yes, no or "
                "not-sure (leave it empty if the question was not asked)",
                e.line,
            )
        out[e.id] = answer
    return out


def check_ids(entries: list[Entry], ids: list[str], where: str) -> None:
    """A UsageError naming the first unknown question id (and its line) and every valid id."""
    unknown = [e for e in entries if e.id not in ids]
    if unknown:
        first = unknown[0]
        more = f" (and {len(unknown) - 1} more)" if len(unknown) > 1 else ""
        raise _fail(
            where,
            f"unknown question id '{short(first.id)}'{more}; valid ids: {', '.join(ids)} "
            "(see 'dryneedle screen --questions')",
            first.line,
        )
