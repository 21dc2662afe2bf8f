"""Where knowledge files come from: the layers, and the files of one layer.

Layers, lowest first: the built-in ``data/``; the site folder (site config, ``content/``); the
user folder (user config, ``content/``); the folders in ``DRYNEEDLE_CONTENT_DIR`` (a path list,
the first one highest); ``--content-dir`` (repeatable, the first one highest). Same layout and
schema in every layer; the layout is ``kinds.KINDS``.

Imported on every run (the cache's fingerprint lists the layers), so it imports no YAML.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import NamedTuple

from dryneedle_cli import safeio
from dryneedle_cli.content import kinds
from dryneedle_cli.errors import ContentError


class Layer(NamedTuple):
    """One folder of knowledge files. A tuple, so ``name, root, builtin = layer`` works."""

    name: str  # "built-in", "site", "user", "DRYNEEDLE_CONTENT_DIR", "--content-dir"
    root: Path
    builtin: bool = False


def discover(content_dirs: list[str] | None = None, absent: bool = False) -> list[Layer]:
    """Every active layer, lowest first.

    The site and user folders count only when they exist, unless ``absent``.
    """
    from dryneedle_cli import env

    found = [Layer("built-in", env.data_dir(), True)]
    for name, folder in (("site", env.site_content_dir()), ("user", env.user_content_dir())):
        if folder is not None and (absent or safeio.is_dir(folder)):
            found.append(Layer(name, folder))
    found += [Layer("DRYNEEDLE_CONTENT_DIR", Path(p)) for p in reversed(env.content_dirs())]
    found += [Layer("--content-dir", Path(p)) for p in reversed(content_dirs or [])]
    return found


def languages(found: list[Layer]) -> list[str]:
    """English, then every language some layer has an ``i18n/<lang>/`` folder for (a clinic
    may add one), sorted. Only a folder counts, and in a clinic's layer only one inside it: a
    plain file ``i18n/de``, or a link ``i18n/pt`` leading out of the clinic folder (to /etc),
    is no language (``--lang pt`` is then refused as any unknown language is, exit 2)."""
    codes: set[str] = set()
    for layer in found:
        folder = layer.root / kinds.I18N
        with contextlib.suppress(OSError):
            codes.update(
                n for n in os.listdir(folder)
                if len(n) in (2, 3) and n.isascii() and n.isalpha() and n.islower()
                and language_folder(layer, folder / n)
            )  # fmt: skip
    codes.discard("en")
    return ["en", *sorted(codes)]


def language_folder(layer: Layer, path: Path) -> bool:
    """Whether ``path`` (``i18n/<lang>``) is a folder the layer's translations are read from:
    a folder, and in a clinic's layer not one reached through a link leading out of it."""
    if not path.is_dir():
        return False
    if layer.builtin:
        return True
    try:
        inside(layer.root, path)
    except ContentError:
        return False
    return True


def layer_files(root: Path) -> list[tuple[Path, kinds.Kind, bool]]:
    """(path, kind, is a patch) for every knowledge file in a layer folder, in a stable order:
    single files, then their patches, then each item folder (its patches sorted in).

    A known name counts whatever it is (a FIFO, a link to a device, a folder): reading it then
    fails with a message, instead of the name being passed over in silence.
    """
    singles = kinds.single_files()
    files = [(root / k.file, k, False) for k in singles if os.path.lexists(root / k.file)]
    for k in singles:
        patch = root / kinds.patch_name(k.file)
        if os.path.lexists(patch):
            files.append((patch, k, True))
    for k in kinds.item_folders():
        d = root / k.folder
        if d.is_dir():
            with contextlib.suppress(OSError):
                for p in sorted(d.iterdir()):
                    if p.suffix in kinds.YAML_SUFFIXES:
                        files.append((p, k, kinds.kind_of(f"{k.folder}/{p.name}")[1]))
    return files


def stray_files(root: Path) -> list[ContentError]:
    """A problem for each name in a clinic folder that the loader would not read: a YAML file
    or a folder it does not know (``condition/``), a file in a knowledge folder that is not
    ``.yaml``. Hidden names (``.git``) and the folders of ``kinds.KNOWN_FOLDERS`` are left
    alone."""
    known_top = kinds.known_names()
    item_folders = {k.folder for k in kinds.item_folders()}
    folders = ", ".join(f"{f}/" for f in kinds.subfolders())
    problems = []

    def listing(folder: Path):
        try:
            return sorted(e for e in folder.iterdir() if not e.name.startswith("."))
        except OSError:
            return []

    for entry in listing(root):
        if entry.name in known_top:
            continue
        if entry.is_dir():
            problems.append(ContentError(
                str(entry), "is not a folder dryneedle reads; knowledge files go in "
                f"{folders}; rename or move it",
            ))  # fmt: skip
        elif entry.suffix in kinds.YAML_SUFFIXES:
            names = ", ".join(k.file for k in kinds.single_files() if "/" not in k.file)
            into = " or ".join(f"{k.folder}/" for k in kinds.item_folders())
            problems.append(ContentError(
                str(entry), f"is not a file dryneedle reads; name it like a built-in file "
                f"({names}) or move it into {into}",
            ))  # fmt: skip
    for folder in kinds.subfolders():
        for entry in listing(root / folder) if (root / folder).is_dir() else ():
            if folder in item_folders:
                if entry.suffix not in kinds.YAML_SUFFIXES:
                    problems.append(ContentError(
                        str(entry), "is not read: only .yaml files are knowledge files"
                    ))  # fmt: skip
            elif entry.name not in kinds.known_names(folder):
                names = [k.file.rpartition("/")[2] for k in kinds.single_files()
                         if k.file.startswith(f"{folder}/")]  # fmt: skip
                problems.append(ContentError(
                    str(entry), f"is not a sheet dryneedle reads; use {', '.join(names)} "
                    "or their .patch.yaml",
                ))  # fmt: skip
    return problems


def inside(root: Path, path: Path, home: Path | None = None) -> None:
    """Refuse a file that is, or is reached through, a link leading out of the layer folder.
    ``home``: ``root.resolve()``, when the caller has it already."""
    try:
        real, home = path.resolve(), home or root.resolve()
    except (OSError, RuntimeError):
        raise ContentError(str(path), "cannot be read: a link that loops") from None
    if home != real and home not in real.parents:
        raise ContentError(
            str(path),
            "is a link to a file outside the content folder; copy the file in instead",
        )


def root_of(path: Path) -> Path | None:
    """The layer folder a knowledge file belongs to, judged by where it sits."""
    if path.parent.name in kinds.subfolders():
        return path.parent.parent
    return path.parent if kinds.kind_of(path.name)[0] is not None else None
