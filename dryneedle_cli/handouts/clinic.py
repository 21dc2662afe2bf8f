"""The clinic profile: name, contact details, emergency number, logo and clinicians.

Found by ``--clinic FILE``, else ``DRYNEEDLE_CLINIC``, else ``clinic.yaml`` in the user config
folder (platformdirs). No profile is fine: sheets then use the defaults in ``labels.yaml``.
"""

from __future__ import annotations

import os
from pathlib import Path

import msgspec

from dryneedle_cli.errors import ContentError, OutputError

PROFILE_NAME = "clinic.yaml"

# Longest text a profile field may hold: a sheet stays one page and a screen stays readable.
MAX_LENGTH = {"address": 300, "phone": 40, "emergency_number": 40, "clinicians": 100}
MAX_FIELD = 200
# Largest logo: a PNG of more pixels than this is refused before it is decoded.
MAX_LOGO_SIDE = 4000
MAX_LOGO_BYTES = 2 * 1024 * 1024


class Clinic(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    name: str
    phone: str
    address: str = ""
    website: str = ""
    emergency_number: str = ""
    logo: str = ""
    clinicians: tuple[str, ...] = ()
    folder: str = ""  # where the profile lives, to find the logo; set by the loader

    @property
    def contact(self) -> list[str]:
        """Address, phone and website lines, those given."""
        return [x for x in (self.address, self.phone, self.website) if x]

    def logo_path(self) -> Path | None:
        if not self.logo:
            return None
        return (Path(self.folder) / self.logo).resolve()


def config_dir() -> Path:
    from dryneedle_cli import env

    return env.user_config_dir()


def find(flag: str | None) -> Path | None:
    """The profile to use: the flag, the environment variable, or the user config file."""
    if flag:
        return Path(flag)
    env = os.environ.get("DRYNEEDLE_CLINIC")
    if env:
        return Path(env)
    default = config_dir() / PROFILE_NAME
    return default if default.is_file() else None


def load(path: Path) -> Clinic:
    """Read and check a profile; every problem is a ContentError naming the field."""
    from dryneedle_cli.content.yamlfile import convert, locate, parse

    data = parse(path)
    for key in ("name", "phone"):
        if isinstance(data.get(key), str) and not data[key].strip():
            raise ContentError(
                str(path), f"'{key}' is empty; fill it in", line=locate(path, f"$.{key}"), field=key
            )
    if data.get("folder") is not None:
        raise ContentError(str(path), "unknown field 'folder'", line=locate(path, "$.folder"))
    clinic = convert(path, {**data, "folder": str(path.resolve().parent)}, Clinic)
    _check_text(path, clinic)
    logo = clinic.logo_path()
    if logo is not None:
        if logo.suffix.lower() not in (".png", ".svg"):
            raise ContentError(
                str(path),
                "the logo must be a .png or .svg file",
                line=locate(path, "$.logo"),
                field="logo",
            )
        if not logo.is_file():
            raise ContentError(
                str(path), f"logo file not found: {logo}", line=locate(path, "$.logo"), field="logo"
            )
        problem = check_logo(logo, Path(clinic.folder))
        if problem:
            raise ContentError(str(path), problem, line=locate(path, "$.logo"), field="logo")
    return clinic


def _check_text(path: Path, clinic: Clinic) -> None:
    """Refuse control characters and text too long for one page, naming the field."""
    from dryneedle_cli import safe
    from dryneedle_cli.content.yamlfile import locate

    fields = [(f, getattr(clinic, f)) for f in ("name", "phone", "address", "website")]
    fields += [("emergency_number", clinic.emergency_number), ("logo", clinic.logo)]
    fields += [("clinicians", c) for c in clinic.clinicians]
    for name, value in fields:
        bad = next((c for c in value if safe.has_control(c, newlines=name == "address")), None)
        if bad is not None:
            raise ContentError(
                str(path),
                f"'{name}' holds a control character (U+{ord(bad):04X}); remove it",
                line=locate(path, f"$.{name}"),
                field=name,
            )
        limit = MAX_LENGTH.get(name, MAX_FIELD)
        if len(value) > limit:
            raise ContentError(
                str(path),
                f"'{name}' is longer than {limit} characters; shorten it",
                line=locate(path, f"$.{name}"),
                field=name,
            )


def check_logo(logo: Path, folder: Path) -> str | None:
    """Why the logo cannot be used (corrupt, too large, a hostile SVG), or None if it can.

    A PNG is measured from its header before it is decoded. An SVG is parsed with defusedxml
    (no DTD, no entities) and may refer to nothing outside itself: no URL (nothing is ever
    fetched) and no other file (images inside it as data: URIs are fine).
    """
    try:
        size = logo.stat().st_size
        if size > MAX_LOGO_BYTES:
            return f"the logo is larger than {MAX_LOGO_BYTES // (1024 * 1024)} MB"
        data = logo.read_bytes()
    except OSError as e:
        return f"cannot read the logo: {e.strerror}"
    if logo.suffix.lower() == ".svg":
        return _check_svg(data)
    return _check_png(data)


def _check_png(data: bytes) -> str | None:
    import io
    import warnings

    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=["PNG"]) as image:
                width, height = image.size
                if width > MAX_LOGO_SIDE or height > MAX_LOGO_SIDE:
                    return (
                        f"the logo is {width}x{height} pixels; use one at most "
                        f"{MAX_LOGO_SIDE}x{MAX_LOGO_SIDE}"
                    )
                image.load()
    except Exception:  # noqa: BLE001 - any decoding failure means a bad file
        return "the logo is not a readable PNG image"
    return None


_XLINK = "{http://www.w3.org/1999/xlink}"


def _check_svg(data: bytes) -> str | None:
    import re

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    try:
        root = fromstring(data, forbid_dtd=True)
    except (DefusedXmlException, ParseError, ValueError, SyntaxError):
        return "the logo is not a valid SVG file (or uses a DTD or entities)"
    if not str(root.tag).endswith("svg"):
        return "the logo is not an SVG image"
    for element in root.iter():
        values = [v for k, v in element.attrib.items() if k in ("href", f"{_XLINK}href")]
        for value in values:
            value = value.strip()
            if value.startswith("#") or value.startswith("data:"):
                continue
            if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", value) or value.startswith("//"):
                return "the SVG logo refers to a web address; embed the image in the file"
            # fpdf2 would resolve a file name from the current folder, not the profile's:
            # an SVG logo carries its images inside itself
            return "the SVG logo refers to another file; embed its images as data: URIs"
        texts = [*element.attrib.values(), element.text or ""]
        if any(re.search(r"url\(\s*['\"]?(?!#)|@import", t) for t in texts):
            return "the SVG logo refers to a resource by url(); embed it in the file"
    return None


def write_template(dest: Path, template: Path) -> Path:
    """Write the commented template to ``dest``; never over an existing profile."""
    if dest.exists():
        raise OutputError(f"{dest} already exists; edit it, or remove it first")
    from dryneedle_cli.handouts.files import write_atomic

    write_atomic(dest, template.read_bytes(), force=False)
    return dest
