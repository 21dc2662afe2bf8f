"""What the EHR tests share: the service's Session over the built-in content (one per test
module), and a tiny Starlette app mounting one module's routes with ``app.state.session``."""

from __future__ import annotations

from pathlib import Path


def make_session(folder: Path):
    """The service's Session over the built-in content, with no clinic profile: its own
    cache and config folders under ``folder`` (a fake Environment: nothing of the machine)."""
    from dryneedle_cli.session import Environment, Session

    (folder / "config").mkdir(parents=True, exist_ok=True)
    env = Environment.fake(
        environ={"LANG": "C.UTF-8"},
        config_dir=folder / "config",
        site_config_dir=folder / "site",
        cache_dir=folder / "cache",
    )
    return Session(env)


def app_with(routes, session):
    from starlette.applications import Starlette

    app = Starlette(routes=routes)
    app.state.session = session
    return app


def client_for(routes, session):
    """A Starlette TestClient over ``routes`` (its httpx deprecation note silenced: the
    service helper chooses the test client the project keeps)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    return TestClient(app_with(routes, session))
