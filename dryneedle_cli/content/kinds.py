"""Every kind of knowledge file, in one table: where it lives in a layer, its model, how layers
merge it, whether a patch may change it, and which checks it gets.

The loader (``layers.layer_files``), the builder (``build``), the cache's fingerprint
(``cache.fingerprint``) and ``validate`` (recognised or stray files) all read ``KINDS``; none
lists the layout itself. Adding a kind is one ``Kind(...)`` entry here plus its model in
``model.py`` (and, if it has checks of its own, a ``check_<name>`` function in ``checks.CHECKS``).

Merge rules:
- ``REPLACE``: each file is one item with an ``id``; a higher layer's file with the same id
  replaces it (``topics/neck.yaml``; a single file such as ``sheets/aftercare.yaml`` is one item
  whose id is the file name).
- ``ITEMS``: one file holds a list of items; a higher layer adds items or replaces them by key.
- ``LABELS``: a higher layer's labels and defaults are laid over the ones below.

Translations (``content.i18n``): a kind with ``text`` fields is translated. A translation file
sits at ``i18n/<lang>/<the English file's path>`` and gives its own text for every field named
in ``text`` (at any depth: a section's ``heading``, an item's ``text``), its own search words
for the fields in ``words``; every other field must equal the English (a kind with a
``translation`` model holds only each item's key and text). A new kind is translated the same
way once it lists its text fields here.
"""

from __future__ import annotations

import re
from enum import Enum

import msgspec

from dryneedle_cli.model import (
    Condition,
    Consent,
    Glossary,
    Labels,
    Reference,
    ReferenceLabels,
    References,
    Region,
    Regions,
    Screening,
    Sheet,
    Term,
    Topic,
)

YAML_SUFFIXES = (".yaml", ".yml")
_PATCH = re.compile(r"\.patch\.ya?ml$")


class Merge(Enum):
    REPLACE = "replace by id"
    ITEMS = "add or replace items by key"
    LABELS = "labels merge"


class Kind(msgspec.Struct, frozen=True, eq=False):
    """One kind of knowledge file. Exactly one of ``folder`` and ``file`` is set.

    A Struct, not a dataclass: ``dataclasses`` is not imported on the way to an answer."""

    name: str  # "topic", "aftercare" ...: also the key of its items in provenance
    model: type
    merge: Merge
    kb: str  # the KnowledgeBase attribute that holds it ("topics", "prepare")
    folder: str | None = None  # a folder of one file per item ("topics")
    file: str | None = None  # a single file, relative to the layer folder ("sheets/prepare.yaml")
    # ITEMS: the list field holding the items, each item's key field, and what one item is called
    items: str = ""
    key: str = "id"
    item_word: str = ""
    patchable: bool = False  # a NAME.patch.yaml may set or add fields of an item below
    # Items of kinds with the same ``ids`` share one id space (a condition cannot replace a topic).
    ids: str = ""
    checks: tuple[str, ...] = ()  # names in checks.CHECKS, run on each item
    pages: bool = False  # its items are pages a patient reads (``kb.sources`` lists their files)
    item: type | None = None  # ITEMS: the model of one item (what the cache stores)
    # (label, label shown instead) on this kind's pages: before a visit the areas are still to
    # be treated, so the preparation sheet says "Areas to be treated", not "Areas treated".
    label_swaps: tuple[tuple[str, str], ...] = ()
    # Fields holding text a reader sees (translated, one text for one text), and search words
    # (translated freely: a language has its own). Empty ``text``: never translated.
    text: frozenset[str] = frozenset()
    words: frozenset[str] = frozenset()
    # the model of a translation file when it holds less than the English one (each item's
    # key and its text only); None: the kind's own model
    translation: type | None = None

    @property
    def translated(self) -> bool:
        return bool(self.text)

    @property
    def one(self) -> bool:
        """The kind has exactly one item (a sheet, the labels), not a mapping of them."""
        return self.merge is not Merge.ITEMS and self.folder is None

    @property
    def space(self) -> str:
        return self.ids or self.name

    @property
    def paths(self) -> tuple[str, ...]:
        """The names this kind may use in a layer: the file and its patch, or the folder.

        A kind that cannot be patched still owns its ``.patch.yaml`` name, so that such a file
        is read and refused with a reason instead of being called a stray."""
        if self.folder:
            return (self.folder,)
        assert self.file is not None
        return (self.file, patch_name(self.file))


def patch_name(name: str) -> str:
    return name.replace(".yaml", ".patch.yaml")


# The text of a page, wherever it sits (``items`` holds plain-text lines, or items whose ``text``
# is the line), and the words a patient may type to find it.
PAGE_TEXT = frozenset({
    "title", "name", "clinical_name", "summary", "heading", "text", "items", "term",
    "definition", "icd10_note",
})  # fmt: skip
SEARCH_WORDS = frozenset({"aliases", "shared_aliases"})
# The forms (screening, consent): what a patient reads; their ``words`` (answers a patient may
# type, headings of the result) are the language's own, like search words.
FORM_TEXT = frozenset({
    "title", "summary", "heading", "question", "text", "items", "lines", "steps",
})  # fmt: skip
FORM_WORDS = frozenset({"words"})

KINDS: tuple[Kind, ...] = (
    Kind("labels", Labels, Merge.LABELS, "labels", file="labels.yaml", checks=("labels",),
         text=frozenset({"labels", "defaults"})),
    # a patient page shows each reference by its short label: translated (the citation is not)
    Kind("reference", References, Merge.ITEMS, "references", file="references.yaml",
         items="items", key="key", item_word="reference", item=Reference,
         text=frozenset({"short"}), translation=ReferenceLabels),
    Kind("glossary", Glossary, Merge.ITEMS, "glossary", file="glossary.yaml",
         items="terms", item_word="glossary term", item=Term, checks=("term",), pages=True,
         text=PAGE_TEXT, words=SEARCH_WORDS),
    Kind("region", Regions, Merge.ITEMS, "regions", file="regions.yaml",
         items="regions", item_word="region", item=Region, text=frozenset({"name"}),
         words=SEARCH_WORDS),
    Kind("prepare", Sheet, Merge.REPLACE, "prepare", file="sheets/prepare.yaml",
         patchable=True, checks=("document", "teachback"), pages=True,
         label_swaps=(("areas", "areas_planned"), ("outline", "outline_planned")),
         text=PAGE_TEXT, words=SEARCH_WORDS),
    Kind("aftercare", Sheet, Merge.REPLACE, "aftercare", file="sheets/aftercare.yaml",
         patchable=True, checks=("document", "aftercare", "teachback"), pages=True, text=PAGE_TEXT,
         words=SEARCH_WORDS),
    Kind("topic", Topic, Merge.REPLACE, "topics", folder="topics", patchable=True,
         ids="documents", checks=("document", "teachback"), pages=True, text=PAGE_TEXT,
         words=SEARCH_WORDS),
    Kind("condition", Condition, Merge.REPLACE, "conditions", folder="conditions",
         patchable=True, ids="documents", checks=("document", "teachback"), pages=True,
         text=PAGE_TEXT, words=SEARCH_WORDS),
    # the forms of issue 13: screening questions and the information and consent form
    Kind("screening", Screening, Merge.REPLACE, "screening", file="screening.yaml",
         patchable=True, checks=("document", "screening"), pages=True,
         text=FORM_TEXT, words=FORM_WORDS),
    Kind("consent", Consent, Merge.REPLACE, "consent", file="consent.yaml",
         patchable=True, checks=("document", "consent"), pages=True,
         text=FORM_TEXT, words=FORM_WORDS),
)  # fmt: skip
BY_NAME = {k.name: k for k in KINDS}

# Folders a layer may hold besides the kinds' own: ``i18n/<lang>/``, the translations, each a
# tree of the same layout (read by ``content.i18n`` for the language in use only).
I18N = "i18n"
# A clinic's approvals (``dryneedle review``): ``approvals.yaml`` and the approved words in
# ``approvals/``; not knowledge files, but a clinic folder's own (``dryneedle_cli.approvals``).
APPROVALS = ("approvals.yaml", "approvals")
KNOWN_FOLDERS = (I18N, *APPROVALS)


def single_files() -> tuple[Kind, ...]:
    return tuple(k for k in KINDS if k.file)


def item_folders() -> tuple[Kind, ...]:
    return tuple(k for k in KINDS if k.folder)


def subfolders() -> tuple[str, ...]:
    """Every folder of a layer whose names matter: item folders and folders of single files
    (``sheets``), in a stable order."""
    out = [k.folder for k in item_folders()]
    out += [k.file.split("/", 1)[0] for k in single_files() if "/" in k.file]
    return tuple(dict.fromkeys(f for f in out if f))


def known_names(folder: str = "") -> set[str]:
    """The names in ``folder`` of a layer ('' for the top) that belong to a kind."""
    names: set[str] = set()
    for kind in KINDS:
        for rel in kind.paths:
            parent, _, name = rel.rpartition("/")
            if parent == folder:
                names.add(name)
            elif not folder and parent:
                names.add(parent.split("/", 1)[0])
    if not folder:
        names.update(KNOWN_FOLDERS)
    return names


def kind_of(rel: str) -> tuple[Kind | None, bool]:
    """(kind, is a patch) for a file's path relative to its layer folder; (None, False) if it
    is not a knowledge file."""
    patch = bool(_PATCH.search(rel))
    base = _PATCH.sub(".yaml", rel)
    folder, _, name = rel.rpartition("/")
    for kind in KINDS:
        if kind.file is not None and base == kind.file:
            return kind, patch
        if kind.folder is not None and folder == kind.folder and name.endswith(YAML_SUFFIXES):
            return kind, patch
    return None, False
