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
    import platformdirs

    return Path(platformdirs.user_config_dir("dryneedle", appauthor=False))


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
    from dryneedle_cli.loader import convert, locate, parse

    data = parse(path)
    for key in ("name", "phone"):
        if isinstance(data.get(key), str) and not data[key].strip():
            raise ContentError(
                str(path), f"'{key}' is empty; fill it in", line=locate(path, f"$.{key}"), field=key
            )
    if data.get("folder") is not None:
        raise ContentError(str(path), "unknown field 'folder'", line=locate(path, "$.folder"))
    clinic = convert(path, {**data, "folder": str(path.resolve().parent)}, Clinic)
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
    return clinic


def write_template(dest: Path, template: Path) -> Path:
    """Write the commented template to ``dest``; never over an existing profile."""
    if dest.exists():
        raise OutputError(f"{dest} already exists; edit it, or remove it first")
    from dryneedle_cli.output import write_atomic

    write_atomic(dest, template.read_bytes(), force=False)
    return dest
