"""Building the app of one process from the service's settings (``dryneedle serve``).

With ``--workers N`` uvicorn starts each worker afresh and calls ``from_environment``, which
reads the settings the command put in ``DRYNEEDLE_SERVE_CONFIG``; each worker loads the content
once, for itself.
"""

from __future__ import annotations

import json
import os

# The workers' settings travel from `dryneedle serve` to each worker in this variable.
CONFIG_ENV = "DRYNEEDLE_SERVE_CONFIG"


def build(config: dict):
    from dryneedle_cli.serve.app import create_app
    from dryneedle_cli.serve.state import Service

    service = Service(config.get("content_dirs") or (), config.get("clinic"))
    return create_app(service, config.get("frame_ancestors") or "'none'")


def from_environment():
    return build(json.loads(os.environ.get(CONFIG_ENV) or "{}"))
