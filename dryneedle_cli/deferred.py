"""Modules our dependencies import at their own import but a run seldom uses, imported on
first use.

Three imports bring in such modules (the figures are instructions counted under valgrind; see
docs/performance.md):

- **fpdf2** (``"fpdf2"``): fontTools' variable-font instancer (with all of
  ``fontTools.varLib``), fontTools' subsetter, its colour-font module (``fpdf.font_type_3``,
  with fontTools' OpenType layout tables), Pillow and ``unittest.mock`` (for signing). A sheet
  drawn from the basic subset of DejaVu Sans with no logo uses none of them, and importing them
  was about 40% of importing fpdf2.
- **Rich** (``"rich"``, for the terminal): ``inspect`` (with ``ast``, ``dis`` and
  ``tokenize``), which ``dataclasses`` imports to write a signature for a class without a
  docstring (every class Rich makes at import has one); ``ast``, whose ``literal_eval``
  ``rich.markup`` keeps for the arguments of a markup tag's handler; and ``pickle``, whose
  ``dumps`` and ``loads`` ``rich.style`` keeps for a style's metadata (dryneedle uses neither
  markup nor metadata): a quarter of importing Rich.
- **pathlib** (``"pathlib"``): ``urllib.parse`` (with ``ipaddress``), whose
  ``quote_from_bytes`` pathlib keeps for ``Path.as_uri``: two thirds of importing pathlib.

``importing(group)`` puts a stand-in for each in ``sys.modules`` while the dependency is
imported, then takes them out again: the dependency's modules keep the stand-ins they bound,
and everyone else imports the real modules as usual. A stand-in imports its real module the
first time one of its attributes is used and hands over the real attribute, so the dependency
works as before when a run needs the module (a logo, a font cut down per document, a colour or
variable font, a dataclass without a docstring, a style with metadata, a path as a URI). Where
a dependency binds a name from a module rather than the module (``from unittest.mock import
patch``), the stand-in gives a function that imports the module when called, or a class whose
``isinstance`` asks the real class once that module is imported (no object can be an instance
of a class never imported).

Only a module not imported yet is deferred. If a dependency cannot be imported with the
stand-ins (a later version that uses one of these names in a new way at import), ``load``
imports it again without them (fpdf2, Rich and pathlib alike). ``tests/test_deferred.py``
checks that a plain sheet and a page on a terminal import none of the deferred modules, and
that a logo, a subset font and the stand-ins' names still work.
"""

from __future__ import annotations

import importlib
import sys
import types

ENABLED = True  # False: a dependency imports everything at once, as it would alone (tests)


class Deferred(types.ModuleType):
    """Stands in for module ``__name__`` until one of its attributes is used."""

    def __init__(self, name: str, names=None, refuse=(), on_load=None):
        super().__init__(name)
        # names the dependency binds from this module while it is imported: stand-ins for them
        self.__dict__["_deferred_names"] = dict(names or {})
        # names the dependency looks up while it is imported and does without (AttributeError)
        self.__dict__["_deferred_refuse"] = frozenset(refuse)
        self.__dict__["_deferred_on_load"] = on_load
        self.__dict__["_deferred_standing"] = True  # in sys.modules, the dependency importing

    def __getattr__(self, attr: str):
        if attr.startswith("__") and attr.endswith("__"):
            raise AttributeError(attr)  # the import system asks for __path__, __spec__ ...
        if self.__dict__["_deferred_standing"]:
            if attr in self._deferred_names:
                return self._deferred_names[attr]
            if attr in self._deferred_refuse:
                raise AttributeError(attr)
        return getattr(real(self), attr)

    def __repr__(self) -> str:
        return f"<deferred module {self.__name__!r}>"


def real(stand_in: Deferred) -> types.ModuleType:
    """The real module behind ``stand_in``, imported now if it is not yet. The first time a
    stand-in reaches its module (whoever imported it), its ``on_load`` runs."""
    name = stand_in.__name__
    module = sys.modules.get(name)
    if module is None or isinstance(module, Deferred):
        if isinstance(module, Deferred):  # used while the dependency is still being imported
            del sys.modules[name]
        module = importlib.import_module(name)
    on_load = stand_in.__dict__["_deferred_on_load"]
    if on_load is not None:
        stand_in.__dict__["_deferred_on_load"] = None
        on_load(module)
    return module


def loaded(name: str) -> types.ModuleType | None:
    """Module ``name`` if it has really been imported, else None."""
    module = sys.modules.get(name)
    return None if module is None or isinstance(module, Deferred) else module


def function(module: str, name: str):
    """A function that calls ``module.name``, importing the module on the first call."""

    def call(*args, **kwargs):
        return getattr(importlib.import_module(module), name)(*args, **kwargs)

    call.__name__ = call.__qualname__ = name
    call.__module__ = module
    call.__doc__ = f"``{module}.{name}``, imported when first called."
    return call


# the tables fpdf2's get_color_font_object looks for; a font with none of them is not a
# colour font, and the function returns None for it
_COLOUR_TABLES = ("CBDT", "EBDT", "COLR", "SVG ", "sbix")


def get_color_font_object(fpdf, base_font, palette_index=0):
    """fpdf2's ``font_type_3.get_color_font_object``, called for every font added: None for
    a font without colour tables (as fpdf2's own gives), without importing the module."""
    if not any(tag in base_font.ttfont for tag in _COLOUR_TABLES):
        return None
    module = importlib.import_module("fpdf.font_type_3")
    return module.get_color_font_object(fpdf, base_font, palette_index)


class _LazyClassType(type):
    def __instancecheck__(cls, obj) -> bool:
        module = loaded(cls._deferred_module)
        return module is not None and isinstance(obj, getattr(module, cls.__name__))

    def __subclasscheck__(cls, sub) -> bool:
        module = loaded(cls._deferred_module)
        return module is not None and issubclass(sub, getattr(module, cls.__name__))

    def __call__(cls, *args, **kwargs):
        return getattr(importlib.import_module(cls._deferred_module), cls.__name__)(*args, **kwargs)


def cls(module: str, name: str) -> type:
    """A class that stands for ``module.name``: ``isinstance`` and calls go to the real one."""
    return _LazyClassType(name, (), {"_deferred_module": module, "__module__": module})


def _set_resample(image: types.ModuleType) -> None:
    """fpdf2 reads ``PIL.Image.Resampling.LANCZOS`` at import; set it once Pillow is in.
    ``get_img_info`` opens or checks the image through ``Image`` before it resizes, so this
    runs before fpdf2 needs it."""
    parsing = sys.modules.get("fpdf.image_parsing")
    if parsing is not None and getattr(parsing, "RESAMPLE", 0) is None:
        resampling = getattr(image, "Resampling", None)
        if resampling is not None:
            parsing.RESAMPLE = resampling.LANCZOS


def _fpdf2() -> list[Deferred]:
    instancer = Deferred("fontTools.varLib.instancer")
    return [
        Deferred("unittest.mock", names={"patch": function("unittest.mock", "patch")}),
        Deferred("fontTools.varLib", names={"instancer": instancer}),
        instancer,
        Deferred("fontTools.subset"),
        Deferred(
            "fpdf.font_type_3",
            names={
                "get_color_font_object": get_color_font_object,
                "Type3Font": cls("fpdf.font_type_3", "Type3Font"),
            },
        ),
        Deferred(
            "PIL.Image",
            names={"Image": cls("PIL.Image", "Image")},
            refuse=("Resampling",),
            on_load=_set_resample,
        ),
        Deferred("PIL.ImageCms"),
        Deferred("PIL.TiffImagePlugin"),
        Deferred("PIL.features"),
    ]


def _rich() -> list[Deferred]:
    return [
        Deferred("inspect"),
        Deferred("ast", names={"literal_eval": function("ast", "literal_eval")}),
        Deferred(
            "pickle",
            names={"dumps": function("pickle", "dumps"), "loads": function("pickle", "loads")},
        ),
    ]


def _pathlib() -> list[Deferred]:
    return [
        Deferred(
            "urllib.parse",
            names={"quote_from_bytes": function("urllib.parse", "quote_from_bytes")},
        )
    ]


# each group's stand-ins, made afresh for each import (a stand-in serves one import)
GROUPS = {"fpdf2": _fpdf2, "rich": _rich, "pathlib": _pathlib}


class importing:  # noqa: N801 - used as ``with deferred.importing("fpdf2"):``
    """While a dependency is imported: the ``group``'s stand-ins in ``sys.modules`` (for
    modules not imported yet), taken out again at the end. ``.used`` lists the names
    deferred."""

    def __init__(self, group: str) -> None:
        self.group = group

    def __enter__(self) -> importing:
        self.installed: list[Deferred] = []
        for stand_in in GROUPS[self.group]() if ENABLED else ():
            if stand_in.__name__ not in sys.modules:
                sys.modules[stand_in.__name__] = stand_in
                self.installed.append(stand_in)
        self.used = sorted(s.__name__ for s in self.installed)
        return self

    def __exit__(self, *exc) -> None:
        for stand_in in self.installed:
            stand_in.__dict__["_deferred_standing"] = False
            if sys.modules.get(stand_in.__name__) is stand_in:
                del sys.modules[stand_in.__name__]


def load(group: str, name: str) -> None:
    """Import module ``name`` (if it is not imported yet) with ``group``'s stand-ins; if it
    cannot be imported with them, import it again without (its package's modules imported
    on the way are dropped first, so none keeps a stand-in it could not use)."""
    if name in sys.modules:
        return
    try:
        with importing(group):
            importlib.import_module(name)
    except Exception:  # noqa: BLE001 - a version that needs a deferred module at import
        top = name.partition(".")[0]
        for module in [m for m in sys.modules if m == top or m.startswith(top + ".")]:
            del sys.modules[module]
        importlib.import_module(name)
