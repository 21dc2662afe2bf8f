"""One body outline, front and back, with the treated areas shaded.

The same SVG is inlined in the HTML sheet and drawn into the PDF, so both show the same picture.
It carries no words: captions and the list of areas come from ``labels.yaml`` and sit beside it.
Shaded areas are dark enough to tell apart when printed in black and white.
"""

from __future__ import annotations

from html import escape

# (fill, stroke) as RGB for: the body itself (None), an area not treated (False), treated (True)
COLOURS = {
    None: ((238, 242, 245), (107, 122, 134)),
    False: ((248, 250, 251), (107, 122, 134)),
    True: ((183, 65, 14), (90, 30, 5)),
}


def _style(state) -> str:
    fill, stroke = ("#{:02x}{:02x}{:02x}".format(*c) for c in COLOURS[state])
    return f'fill="{fill}" stroke="{stroke}" stroke-width="{1 if state else 0.8}"'


# (view, region, element, attributes) in a 100 x 200 box per view; x is mirrored for pairs.
_BODY = [
    ("rect", 'x="32" y="38" width="36" height="54" rx="7"'),  # torso
    ("rect", 'x="20" y="44" width="9" height="32" rx="4"'),  # upper arms
    ("rect", 'x="71" y="44" width="9" height="32" rx="4"'),
]
_BOTH = [  # shapes the front and back views share
    ("head-jaw", "circle", 'cx="50" cy="18" r="12"'),
    ("neck", "rect", 'x="45" y="29" width="10" height="9"'),
    ("shoulder", "circle", 'cx="31" cy="44" r="6.5"'),
    ("shoulder", "circle", 'cx="69" cy="44" r="6.5"'),
    ("elbow", "circle", 'cx="24.5" cy="79" r="4.5"'),
    ("elbow", "circle", 'cx="75.5" cy="79" r="4.5"'),
    ("forearm-wrist", "rect", 'x="20" y="83" width="9" height="30" rx="4"'),
    ("forearm-wrist", "rect", 'x="71" y="83" width="9" height="30" rx="4"'),
    ("knee", "circle", 'cx="41.5" cy="143" r="5.5"'),
    ("knee", "circle", 'cx="58.5" cy="143" r="5.5"'),
    ("lower-leg", "rect", 'x="37" y="149" width="9" height="34" rx="4"'),
    ("lower-leg", "rect", 'x="54" y="149" width="9" height="34" rx="4"'),
    ("foot", "ellipse", 'cx="41.5" cy="189" rx="7" ry="4"'),
    ("foot", "ellipse", 'cx="58.5" cy="189" rx="7" ry="4"'),
]
_AREAS = {
    "front": [
        *_BOTH,
        ("chest", "rect", 'x="37" y="41" width="26" height="22" rx="3"'),
        ("hip-buttock", "rect", 'x="33" y="86" width="34" height="12" rx="5"'),
        ("thigh", "rect", 'x="35" y="98" width="13" height="40" rx="5"'),
        ("thigh", "rect", 'x="52" y="98" width="13" height="40" rx="5"'),
    ],
    "back": [
        *_BOTH,
        ("upper-back", "rect", 'x="38" y="40" width="24" height="24" rx="3"'),
        ("low-back", "rect", 'x="39" y="66" width="22" height="18" rx="3"'),
        ("hip-buttock", "rect", 'x="33" y="86" width="34" height="16" rx="6"'),
        ("thigh", "rect", 'x="35" y="102" width="13" height="36" rx="5"'),
        ("thigh", "rect", 'x="52" y="102" width="13" height="36" rx="5"'),
    ],
}
REGIONS = {region for shapes in _AREAS.values() for region, _, _ in shapes}
VIEWS = ("front", "back")
VIEW_GAP = 110  # the back view starts this far to the right; the drawing is 210 x 200


def _attrs(text: str) -> dict[str, float]:
    return {k: float(v) for k, v in (pair.split("=") for pair in text.replace('"', "").split())}


def shapes(shaded) -> list[tuple[str, dict[str, float], bool | None]]:
    """Every shape as (tag, geometry in drawing units, shaded?); None for the body itself.

    The one source of the drawing: ``svg`` writes these as SVG, the PDF renderer draws them.
    """
    out = []
    for n, view in enumerate(VIEWS):
        dx = n * VIEW_GAP
        for tag, attrs in _BODY:
            out.append((tag, _moved(_attrs(attrs), dx), None))
        for region, tag, attrs in _AREAS[view]:
            out.append((tag, _moved(_attrs(attrs), dx), region in shaded, region))
    return out


def _moved(geometry: dict[str, float], dx: float) -> dict[str, float]:
    for key in ("x", "cx"):
        if key in geometry:
            geometry[key] += dx
    return geometry


def svg(areas: dict[str, str], title: str = "", width: str = "", height: str = "") -> str:
    """The outline as SVG text with ``areas`` (region id -> the name patients read) shaded.

    ``title`` is its accessible name (the list of areas); a shaded shape is titled with its
    area's name, never its id (ids are English words meant for files, not for patients).
    """
    size = f' width="{width}" height="{height}"' if width else ""
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 210 200"{size} '
        f'role="img" aria-label="{escape(title)}">',
    ]
    if title:
        out.append(f"<title>{escape(title)}</title>")
    for shape in shapes(set(areas)):
        tag, geometry, state = shape[:3]
        attrs = " ".join(f'{k}="{v:g}"' for k, v in geometry.items())
        style = _style(state)
        name = areas.get(shape[3]) if state else None
        label = f"<title>{escape(name)}</title>" if name else ""
        out.append(f"<{tag} {attrs} {style}>{label}</{tag}>")
    out.append("</svg>")
    return "\n".join(out)
