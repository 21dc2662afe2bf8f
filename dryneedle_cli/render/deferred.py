"""Modules fpdf2 imports when it is imported that a plain sheet never uses, imported on first use.

fpdf2 imports, at its top: fontTools' variable-font instancer (with all of ``fontTools.varLib``),
fontTools' subsetter, its colour-font module (``fpdf.font_type_3``, with fontTools' OpenType
layout tables), Pillow and ``unittest.mock`` (for signing). A sheet drawn from the basic subset of
DejaVu Sans with no logo uses none of them, and importing them was about 40% of importing fpdf2.

``importing()`` puts a stand-in for each in ``sys.modules`` while fpdf2 is imported, then takes
them out again: fpdf2's modules keep the stand-ins they bound, and everyone else imports the real
modules as usual. A stand-in imports its real module the first time one of its attributes is used
and hands over the real attribute, so fpdf2 works as before when a sheet needs the module (a
logo, a font cut down per document, a colour or variable font). Where fpdf2 binds a name from a
module rather than the module (``from unittest.mock import patch``), the stand-in gives a function
that imports the module when called, or a class whose ``isinstance`` asks the real class once
that module is imported (no object can be an instance of a class never imported).

Only a module not imported yet is deferred. If fpdf2 cannot be imported with the stand-ins (a
later fpdf2 that uses one of these names in a new way at import), ``render.fonts`` imports it
again without them. ``tests/test_fonts.py`` checks that a plain sheet imports none of the
deferred modules, and that a logo, a subset font and the stand-ins' names still work.
"""

from __future__ import annotations

import importlib
import sys
import types

ENABLED = True  # False: fpdf2 imports everything at once, as it would alone (tests compare)


class Deferred(types.ModuleType):
    """Stands in for module ``__name__`` until one of its attributes is used."""

    def __init__(self, name: str, names=None, refuse=(), on_load=None):
        super().__init__(name)
        # names fpdf2 binds from this module while it is imported: stand-ins for them
        self.__dict__["_deferred_names"] = dict(names or {})
        # names fpdf2 looks up while it is imported and does without (AttributeError)
        self.__dict__["_deferred_refuse"] = frozenset(refuse)
        self.__dict__["_deferred_on_load"] = on_load
        self.__dict__["_deferred_standing"] = True  # in sys.modules, fpdf2 being imported

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
        if isinstance(module, Deferred):  # used while fpdf2 is still being imported
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


def _stand_ins() -> list[Deferred]:
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


class importing:  # noqa: N801 - used as ``with deferred.importing():``
    """While fpdf2 is imported: the stand-ins in ``sys.modules`` (for modules not imported
    yet), taken out again at the end. ``.used`` lists the names deferred."""

    def __enter__(self) -> importing:
        self.installed: list[Deferred] = []
        for stand_in in _stand_ins() if ENABLED else ():
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
