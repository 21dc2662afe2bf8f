"""Stamp a translation with the hashes of the English it mirrors (``source_hash``, one per part).

    python tools/restamp.py data/i18n/es/sheets/prepare.yaml [...]
    python tools/restamp.py --migrate --all

Default: write the per-part stamp of the English as it is now. Only run this after reading the
English diff and updating the translation of every part it names ("changed: sections"): the
stamp says "this translation was made from this English", nothing more.

``--migrate``: turn an old whole-file stamp (``source_hash: 48e18ebe619482a6``) into the per-part
stamp, only where it matches the English as it is now (a translation that is up to date); a
stale one is left as it is and named (exit 1); a per-part stamp is left as it is. Mechanical:
run it again after merging translations stamped the old way. ``--all``: every file under
data/i18n/.

A translation of references.yaml (each source's key and short label) loses the labels of the
sources the English no longer has; a source with no label yet is named (exit 1).

The hashes are the package's own (``dryneedle_cli.content.stamp``); there is no other copy.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

from dryneedle_cli.content.stamp import stamp_file

DATA = Path(__file__).resolve().parent.parent / "data"
I18N = DATA / "i18n"
_BLOCK = re.compile(r"(?m)^  source_hash:[^\n]*\n(?:    [^\n]*\n)*")


def render(parts: dict[str, str]) -> str:
    lines = "".join(f'    {key}: "{value}"\n' for key, value in parts.items())
    return "  source_hash:\n" + lines


def english_of(path: Path) -> Path:
    rel = path.resolve().relative_to(I18N)
    return DATA.joinpath(*rel.parts[1:])


def sync_labels(path: Path, text: str) -> tuple[str, list[str]]:
    """A translation of references.yaml (each source's key and short label) without the sources
    the English no longer has, and the keys of the English sources it has no label for."""
    english = yaml.safe_load(english_of(path).read_text(encoding="utf-8"))["items"]
    keys = [i["key"] for i in english]
    for key in yaml.safe_load(text).get("items") or []:
        if key["key"] not in keys:  # a removed source needs no label
            text = re.sub(rf"(?m)^  - key: {re.escape(key['key'])}\n(?:    [^\n]*\n)*", "", text)
    have = {i["key"] for i in yaml.safe_load(text).get("items") or []}
    return text, [f"{i['key']} ({i['short']})" for i in english if i["key"] not in have]


def restamp(path: Path, migrate: bool) -> tuple[str, bool]:
    """(what was done, whether it went well)."""
    text = path.read_text(encoding="utf-8")
    if path.name == "references.yaml":
        text, missing = sync_labels(path, text)
        if missing:
            path.write_text(text, encoding="utf-8")
            return f"no label yet for: {'; '.join(missing)}; add them, then run this again", False
    blocks = _BLOCK.findall(text)
    if len(blocks) != 1:
        return "no single 'source_hash:' in its translation block", False
    old = (yaml.safe_load(text).get("translation") or {}).get("source_hash")
    parts, whole = stamp_file(english_of(path))
    if migrate:
        if isinstance(old, dict):
            if text != path.read_text(encoding="utf-8"):
                path.write_text(text, encoding="utf-8")
                return "labels of removed sources dropped", True
            return "already stamped per part", True
        if str(old) != whole:
            return (
                f"stale (made from other English than {english_of(path)}); update it, then "
                "run restamp without --migrate"
            ), False
        changed = "migrated"
    else:
        before = old if isinstance(old, dict) else {}
        names = [k for k in parts if before.get(k) != parts[k]]
        changed = "changed: " + (", ".join(names) if names else "nothing")
    path.write_text(text.replace(blocks[0], render(parts), 1), encoding="utf-8")
    return changed, True


def main(argv: list[str]) -> int:
    migrate = "--migrate" in argv
    names = [a for a in argv if not a.startswith("--")]
    paths = sorted(I18N.rglob("*.yaml")) if "--all" in argv else [Path(n) for n in names]
    if not paths:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    ok = True
    for path in paths:
        done, good = restamp(path, migrate)
        ok &= good
        print(f"{path}: {done}", file=sys.stdout if good else sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
