"""The --color choice, in a module of its own: the fast path of ``explain`` uses it (no Typer)."""

from enum import Enum

Color = Enum("Color", {"auto": "auto", "always": "always", "never": "never"}, type=str)
