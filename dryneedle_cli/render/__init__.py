"""One module per output format; each takes the same view models.

``plain`` and ``json`` return a string and never import Rich. ``terminal`` prints with Rich and
is imported only when a terminal is the output. ``stream`` is for many answers in one run
(``explain -``): JSON Lines, or plain pages one after another.
"""

from __future__ import annotations

import importlib
import sys

FORMATS = ("rich", "plain", "json")
_MODULES = {"rich": "terminal", "plain": "plain", "json": "json"}


def emit(view, fmt: str, out=None, *, stream: bool = False, **options) -> None:
    """Render ``view`` in ``fmt`` to ``out`` (stdout by default)."""
    out = out or sys.stdout
    if fmt != "json":  # JSON escapes control characters itself and stays exact
        from dryneedle_cli import safe

        view = safe.view(view)
    module = importlib.import_module(f"dryneedle_cli.render.{_MODULES[fmt]}")
    module.write(view, out, stream=stream, **options)
