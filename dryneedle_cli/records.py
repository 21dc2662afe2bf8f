"""Where a clinic keeps its approvals and what an approval status is: shared by ``status``
(the light check on every page) and ``approvals`` (reading and writing the records), below both
so that neither imports the other back."""

from __future__ import annotations

from typing import NamedTuple

RECORDS = "approvals.yaml"  # in the clinic's content folder


class Status(NamedTuple):
    state: str = "draft"  # draft | approved | changed
    by: str | None = None  # who approved it (approved or changed)
    on: str | None = None  # when, YYYY-MM-DD
    hash: str | None = None  # the hash of the words approved
    current: str | None = None  # the hash of the words now (None when not worked out)


def clinic_folder(content_dirs) -> str | None:
    """Where the clinic keeps its approvals: the first --content-dir, else the first folder of
    DRYNEEDLE_CONTENT_DIR; None when neither is given."""
    from dryneedle_cli import env

    for folder in [*(content_dirs or ()), *env.content_dirs()]:
        if folder:
            return str(folder)
    return None
