"""Re-stamp a translation's source_hash after checking it against the English it mirrors.

    python tools/restamp.py data/i18n/es/labels.yaml [...]

Only run this after reading the English diff and updating the translation to match: the
hash says "this translation was made from this English", nothing more.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parent.parent / "data"


def source_hash(english: Path) -> str:
    data = yaml.safe_load(english.read_text(encoding="utf-8"))
    for key in ("reviewed_on", "reviewed_by"):
        data.pop(key, None)
    blob = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


def main(paths: list[str]) -> int:
    for name in paths:
        path = Path(name).resolve()
        rel = path.relative_to(DATA / "i18n")
        english = DATA.joinpath(*rel.parts[1:])
        text = path.read_text(encoding="utf-8")
        digest = source_hash(english)
        shown = f'"{digest}"' if digest.isdigit() else digest  # else YAML reads a number
        new, n = re.subn(r"(?m)^(  source_hash: )\S+$", rf"\g<1>{shown}", text)
        if n != 1:
            print(f"{name}: no single 'source_hash:' line", file=sys.stderr)
            return 1
        path.write_text(new, encoding="utf-8")
        print(f"{name}: {digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
