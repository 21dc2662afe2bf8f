"""The clinic profile: name, contact details, emergency number, logo, paper and clinicians.

Found by ``--clinic FILE``, else ``DRYNEEDLE_CLINIC``, else ``clinic.yaml`` in the user config
folder (platformdirs). No profile is fine: sheets and screens then use the defaults in
``labels.yaml``. The same profile speaks on screen (emergency number, clinic name) and on paper.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import msgspec

from dryneedle_cli.env import PROFILE_NAME, locate_profile  # noqa: F401 (their home is env)
from dryneedle_cli.errors import ContentError, OutputError
from dryneedle_cli.safe import short

# Longest text a profile field may hold: a sheet stays one page and a screen stays readable.
MAX_LENGTH = {
    "address": 300,
    "phone": 40,
    "emergency_number": 40,
    "clinicians": 100,
    "default_clinician": 100,
    "email": 254,
    "language": 35,
    "clinician_word": 40,
}
# Fields holding one piece of text: a number written without quotes is read as the text typed.
TEXT_FIELDS = (
    "name", "phone", "address", "website", "email", "emergency_number", "logo", "paper",
    "language", "default_clinician", "clinician_word",
)  # fmt: skip
PAPERS = ("letter", "a4")
LOGO_SUFFIXES = (".png", ".jpg", ".jpeg", ".svg")
# Where the profile came from, for ``clinic show``.
SOURCES = {"flag": "--clinic", "env": "DRYNEEDLE_CLINIC", "config": "the user config folder"}
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
    email: str = ""
    paper: str = ""  # letter | a4; empty: the locale's paper size
    language: str = ""  # e.g. "en", "es", "fr-CA": the default language (cli.context)
    default_clinician: str = ""
    clinicians: tuple[str, ...] = ()
    # the word patient text uses for the person who treats ("your physiotherapist"), in place
    # of labels.yaml's default ({clinician_word}; checked in handouts/handout.py)
    clinician_word: str = ""
    # every patient-facing output refuses a page a clinician has not approved in its language
    # (``dryneedle review``); clinician views (evidence, review, validate) still work
    require_approval: bool = False
    folder: str = ""  # where the profile lives, to find the logo; set by the loader
    logo_problem: str = ""  # why the logo cannot be used; set by the loader

    @property
    def contact(self) -> list[str]:
        """Address, phone, email and website lines, those given."""
        return [x for x in (self.address, self.phone, self.email, self.website) if x]

    def logo_path(self) -> Path | None:
        """The logo file, or None when there is none or it cannot be used (see ``logo_problem``)."""
        if not self.logo or self.logo_problem:
            return None
        return (Path(self.folder) / self.logo).resolve()

    def paper_size(self, environ=None) -> str:
        """The profile's paper, else the locale's (``environ``: default ``os.environ``)."""
        return self.paper or locale_paper(environ)


# Territories whose paper is US Letter (glibc's LC_PAPER); everywhere else uses A4.
LETTER_TERRITORIES = frozenset(
    ("US", "CA", "MX", "PH", "PR", "CL", "CO", "CR", "GT", "NI", "PA", "SV", "VE", "DO", "BZ")
)


def paper_for(clinic: Clinic | None, environ=None) -> str:
    """The sheet's paper when --paper is not given: the profile's, else the locale's."""
    return clinic.paper_size(environ) if clinic is not None else locale_paper(environ)


def locale_paper(environ=None) -> str:
    """letter or a4 from the locale: LC_ALL, else LC_PAPER, else LANG (as POSIX orders them).

    ``en_US.UTF-8`` -> letter, ``en_AU.UTF-8`` -> a4; no territory (``C``, ``POSIX``, unset)
    -> letter, the size the program has always used.
    """
    import re

    env = os.environ if environ is None else environ
    value = next((env[k] for k in ("LC_ALL", "LC_PAPER", "LANG") if env.get(k)), "")
    match = re.match(r"^[A-Za-z]{2,3}_([A-Za-z]{2})\b", value)
    if not match:
        return "letter"
    return "letter" if match.group(1).upper() in LETTER_TERRITORIES else "a4"


def config_dir() -> Path:
    from dryneedle_cli import env

    return env.user_config_dir()


def find(flag: str | None) -> Path | None:
    """The profile to use: the flag, the environment variable, or the user config file."""
    return locate_profile(flag)[0]


def not_found(path: Path, source: str) -> ContentError:
    """A profile named by --clinic or DRYNEEDLE_CLINIC that is not there."""
    how = "--clinic" if source == "flag" else "DRYNEEDLE_CLINIC"
    return ContentError(
        str(path),
        f"clinic profile not found (named by {how}); check the path, "
        "or write one with 'dryneedle clinic init'",
    )


def load(path: Path, source: str = "flag") -> Clinic:
    """Read and check a profile; every problem is a ContentError naming the file and field.

    A logo that cannot be used is not an error here: it is kept in ``logo_problem`` (a text
    sheet or the screen do without it; a PDF or HTML sheet refuses it, see ``require_logo``).
    """
    from dryneedle_cli.content.yamlfile import convert, locate, parse

    if not path.exists() and not path.is_symlink():
        raise not_found(path, source)
    data = parse(path)
    for key in ("folder", "logo_problem"):
        if data.get(key) is not None:
            raise ContentError(str(path), f"unknown field '{key}'", line=locate(path, f"$.{key}"))
    data = _numbers_as_text(path, data)
    for key in ("name", "phone"):
        if isinstance(data.get(key), str) and not data[key].strip():
            raise ContentError(
                str(path), f"'{key}' is empty; fill it in", line=locate(path, f"$.{key}"), field=key
            )
    if isinstance(data.get("paper"), str):
        data["paper"] = data["paper"].strip().lower()
        if data["paper"] not in ("", *PAPERS):
            raise ContentError(
                str(path),
                f"'paper' must be letter or a4, not '{data['paper'][:20]}'",
                line=locate(path, "$.paper"),
                field="paper",
            )
    clinic = convert(path, {**data, "folder": str(path.resolve().parent)}, Clinic)
    _check_text(path, clinic)
    _check_fields(path, clinic)
    problem = logo_problem(clinic)
    if problem:
        import msgspec.structs

        clinic = msgspec.structs.replace(clinic, logo_problem=problem)
    return clinic


def _numbers_as_text(path: Path, data: dict) -> dict:
    """A text field written as a bare number (``phone: 5550123``, ``emergency_number: 000``)
    is read as the text typed, from the YAML source (so ``000`` stays ``000``, not 0)."""
    numeric = [
        k
        for k in TEXT_FIELDS
        if isinstance(data.get(k), int | float) and not isinstance(data.get(k), bool)
    ]
    if not numeric:
        return data
    import yaml

    from dryneedle_cli.content.yamlfile import read_text

    node = yaml.compose(read_text(path), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    raw = {k.value: v.value for k, v in node.value if isinstance(v, yaml.ScalarNode)}
    return {**data, **{k: str(raw.get(k, data[k])) for k in numeric}}


def _check_fields(path: Path, clinic: Clinic) -> None:
    import re

    from dryneedle_cli.content.yamlfile import locate

    def fail(name: str, message: str) -> None:
        raise ContentError(str(path), message, line=locate(path, f"$.{name}"), field=name)

    if clinic.email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", clinic.email):
        fail("email", f"'email' is not an email address: '{short(clinic.email)}'")
    if clinic.language and not re.fullmatch(
        r"[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*", clinic.language
    ):
        fail("language", "'language' must be a language code such as en, es or fr-CA")
    if clinic.logo and Path(clinic.logo).suffix.lower() not in LOGO_SUFFIXES:
        fail("logo", "the logo must be a .png, .jpg or .svg file")


def logo_problem(clinic: Clinic) -> str:
    """Why the profile's logo cannot be used ('' when it can, or there is none)."""
    if not clinic.logo:
        return ""
    logo = (Path(clinic.folder) / clinic.logo).resolve()
    if not logo.is_file():
        return f"logo file not found: {logo}"
    return check_logo(logo, Path(clinic.folder)) or ""


def require_logo(clinic: Clinic | None, path: Path | None) -> None:
    """A PDF or HTML sheet draws the logo: refuse one that cannot be used, naming file and field."""
    if clinic is not None and clinic.logo_problem:
        from dryneedle_cli.content.yamlfile import locate

        where = str(path) if path else "the clinic profile"
        line = locate(path, "$.logo") if path else None
        raise ContentError(
            where,
            f"{clinic.logo_problem}; fix 'logo' or leave it empty",
            line=line,
            field="logo",
        )


def template_values(template: Path) -> dict[str, str]:
    """The template's own example values (name, phone, address): placeholders to replace."""
    from dryneedle_cli.content.yamlfile import parse

    data = parse(template)
    return {k: v for k, v in data.items() if isinstance(v, str) and v.strip()}


def placeholders(clinic: Clinic, template: Path) -> list[str]:
    """The fields still holding the template's example values."""
    left = template_values(template)
    return [k for k, v in left.items() if getattr(clinic, k, None) == v]


def problems(path: Path, clinic: Clinic, template: Path) -> list[str]:
    """Everything a sheet would refuse or warn about, one line each (empty: ready to print)."""
    out = []
    left = placeholders(clinic, template)
    if left:
        out.append(
            f"{path}: still the template's example text in {', '.join(left)}; "
            "put in the clinic's own details"
        )
    if clinic.logo_problem:
        out.append(f"{path}: {clinic.logo_problem}; fix 'logo' or leave it empty (field 'logo')")
    if clinic.clinicians and clinic.default_clinician not in ("", *clinic.clinicians):
        out.append(
            f"{path}: 'default_clinician' is not in 'clinicians'; add it to the list "
            "(field 'default_clinician')"
        )
    return out


def refuse_template(path: Path | None, clinic: Clinic, template: Path) -> None:
    """A sheet is never made from an unedited template (it would print 'Your Clinic Name')."""
    left = placeholders(clinic, template)
    if left:
        raise template_left(path, left)


def template_left(path: Path | None, left) -> ContentError:
    """The error of a profile whose fields ``left`` still hold the template's example text."""
    return ContentError(
        str(path) if path else "the clinic profile",
        f"still the template's example text in {', '.join(left)}; edit the file, "
        "then run 'dryneedle clinic check'",
        field=left[0],
    )


def _check_text(path: Path, clinic: Clinic) -> None:
    """Refuse control characters and text too long for one page, naming the field."""
    from dryneedle_cli import safe
    from dryneedle_cli.content.yamlfile import locate

    fields = [(f, getattr(clinic, f)) for f in TEXT_FIELDS]
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
    if logo.suffix.lower() in (".jpg", ".jpeg"):
        return _check_raster(data, "JPEG")
    return _check_raster(data, "PNG")


def _check_raster(data: bytes, kind: str) -> str | None:
    """A PNG or JPEG: its size read from the header before decoding, then decoded and verified."""
    import io
    import warnings

    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[kind]) as image:
                width, height = image.size
                if width > MAX_LOGO_SIDE or height > MAX_LOGO_SIDE:
                    return (
                        f"the logo is {width}x{height} pixels; use one at most "
                        f"{MAX_LOGO_SIDE}x{MAX_LOGO_SIDE}"
                    )
                image.verify()
            with Image.open(io.BytesIO(data), formats=[kind]) as image:
                image.load()
    except Exception:  # noqa: BLE001 - any decoding failure means a bad file
        return f"the logo is not a readable {kind} image"
    return None


_XLINK = "{http://www.w3.org/1999/xlink}"
# An SVG logo is a drawing and nothing else. These elements run code, show other documents,
# link or animate (which can change a link): an SVG that has one is refused in every format.
SVG_ACTIVE = frozenset(
    ("script", "foreignObject", "iframe", "embed", "object", "a", "animate", "animateMotion",
     "animateTransform", "set", "handler", "listener")
)  # fmt: skip
# A drawing this large, counting every <use> as the elements it repeats, is refused: a few
# hundred lines can otherwise ask a viewer to draw billions of shapes (a "use" bomb).
MAX_SVG_ELEMENTS = 20_000
MAX_SVG_BYTES = 512 * 1024
_DATA_IMAGES = ("data:image/png", "data:image/jpeg", "data:image/jpg")


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def _check_svg(data: bytes) -> str | None:
    """The one rule for an SVG logo, in every format: valid XML without a DTD or entities; at
    most 512 KB and 20,000 drawn elements (each <use> counting what it repeats, no loops); no
    script, event handler, link, animation or embedded document; no reference to anything
    outside the file (images inside it only as PNG or JPEG data: URIs)."""
    import re

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    if len(data) > MAX_SVG_BYTES:
        return f"the SVG logo is larger than {MAX_SVG_BYTES // 1024} KB; use a simpler drawing"
    try:
        root = fromstring(data, forbid_dtd=True)
    except (DefusedXmlException, ParseError, ValueError, SyntaxError):
        return "the logo is not a valid SVG file (or uses a DTD or entities)"
    if not str(root.tag).endswith("svg"):
        return "the logo is not an SVG image"
    ids = {}
    for element in root.iter():
        tag = _local(str(element.tag))
        if tag in SVG_ACTIVE:
            return f"the SVG logo has a <{tag}> element; use a logo that is only a drawing"
        if any(_local(k).lower().startswith("on") for k in element.attrib):
            return "the SVG logo has an event handler (on...); use a logo that is only a drawing"
        if element.get("id"):
            ids[element.get("id")] = element
        values = [v for k, v in element.attrib.items() if k in ("href", f"{_XLINK}href")]
        for value in values:
            value = value.strip()
            if value.startswith("#"):
                continue
            if value.lower().startswith(_DATA_IMAGES):
                continue
            if value.startswith("data:"):
                return "the SVG logo embeds something other than a PNG or JPEG image"
            if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", value) or value.startswith("//"):
                return "the SVG logo refers to a web address; embed the image in the file"
            # fpdf2 would resolve a file name from the current folder, not the profile's:
            # an SVG logo carries its images inside itself
            return "the SVG logo refers to another file; embed its images as data: URIs"
        # the text after a child counts too: a <style>'s CSS is all the text inside it
        texts = [
            _css_plain(t)
            for t in (*element.attrib.values(), element.text or "", element.tail or "")
        ]
        if any(_CSS_FETCH.search(t) for t in texts):
            return "the SVG logo refers to a resource by url(); embed it in the file"
    return _count_drawn(root, ids)


# What in CSS fetches something: url(), image-set() and the like, @import; a url(#id) points
# inside the file. Checked on ``_css_plain`` text, so an escape (u\72l) or a comment cannot
# hide one, in any case (URL( is url().
_CSS_FETCH = re.compile(
    r"(?:url|src|image|image-set|-webkit-image-set|cross-fade|element)\(\s*['\"]?\s*(?!#)"
    r"|@import",
    re.IGNORECASE,
)
_CSS_ESCAPE = re.compile(r"\\(?:([0-9a-fA-F]{1,6})[ \t\r\n\f]?|(.)|$)", re.DOTALL)


def _css_plain(text: str) -> str:
    """CSS text as a browser reads it: comments removed (``u/**/rl``), escapes decoded
    (``\\72`` is r, ``\\(`` is a parenthesis)."""

    def char(m: re.Match) -> str:
        if m.group(1):
            code = int(m.group(1), 16)
            return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"
        return m.group(2) or ""

    return _CSS_ESCAPE.sub(char, re.sub(r"/\*.*?(?:\*/|$)", "", text, flags=re.DOTALL))


def _count_drawn(root, ids: dict) -> str | None:
    """Refuse a drawing whose <use> elements loop or expand past ``MAX_SVG_ELEMENTS``."""
    sizes: dict[int, int] = {}
    active: set[int] = set()
    too_many = "the SVG logo draws more than 20,000 shapes; use a simpler drawing"

    def size(element) -> int | None:  # None: a loop
        key = id(element)
        if key in sizes:
            return sizes[key]
        if key in active:
            return None
        active.add(key)
        total = 1
        parts = list(element)
        target = element.get("href") or element.get(f"{_XLINK}href") or ""
        if _local(str(element.tag)) == "use" and target[1:] in ids and target[:1] == "#":
            parts.append(ids[target[1:]])
        for child in parts:
            n = size(child)
            if n is None:
                return None
            total += n
            if total > MAX_SVG_ELEMENTS:
                break
        active.discard(key)
        sizes[key] = total
        return total

    import sys

    limit = sys.getrecursionlimit()
    try:
        sys.setrecursionlimit(max(limit, 5000))
        n = size(root)
    except RecursionError:
        return "the SVG logo is nested too deeply; use a simpler drawing"
    finally:
        sys.setrecursionlimit(limit)
    if n is None:
        return "the SVG logo has a <use> that repeats itself; use a simpler drawing"
    return too_many if n > MAX_SVG_ELEMENTS else None


def write_template(dest: Path, template: Path) -> Path:
    """Write the commented template to ``dest``; never over an existing profile."""
    from dryneedle_cli import safeio

    if safeio.exists(dest):
        raise OutputError(f"{dest} already exists; edit it, or remove it first")
    from dryneedle_cli.handouts.files import write_atomic

    write_atomic(dest, template.read_bytes(), force=False)
    return dest
