"""What the EHR tests share: a Session-like object over the built-in content in en, es and fr
(one build per test module), and a tiny Starlette app mounting one module's routes."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"


class FakeSession:
    """What the EHR routes use of the service's Session: ``query(lang)`` and ``profile``."""

    profile = None

    def __init__(self):
        from dryneedle_cli.content.build import Layer, build
        from dryneedle_cli.query.pages import Query

        result = build([Layer("built-in", DATA, True)], langs=("es", "fr"))
        kbs = {"en": result.kb, **result.translated}
        self._queries = {lang: Query(kb) for lang, kb in kbs.items()}

    def query(self, lang: str = "en"):
        return self._queries[lang]


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
