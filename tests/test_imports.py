"""Imports run one way: an AST scan of the package (every ``import``, at the top of a file or
inside a function; not those under ``if TYPE_CHECKING:``, which are annotations only) that fails
on any import cycle between modules and on any import from a lower layer to a higher one.

The layers, lowest first, are written once here (and described in docs/architecture.md). A
module belongs to the layer of the longest name in ``LAYERS`` that it starts with; a module
that none names fails the test (put it in its layer). ``KNOWN`` lists the arrows that still run
the wrong way, each with why: the list can only shrink (an arrow listed that no longer exists
fails too, so it is taken off when it is fixed)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "dryneedle_cli"

# Lowest first. A module may import its own layer's modules and any lower layer's.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    (
        "base",  # words about errors, the text sanitiser, the model, view and wire types, folders
        (
            "dryneedle_cli",
            "dryneedle_cli.errors",
            "dryneedle_cli.safe",
            "dryneedle_cli.safeio",
            "dryneedle_cli.languages",
            "dryneedle_cli.model",
            "dryneedle_cli.views",
            "dryneedle_cli.wire",  # the JSON contract: the --json documents as structs
            "dryneedle_cli.env",
            "dryneedle_cli.dates",
            "dryneedle_cli.deferred",  # stand-ins for modules a dependency imports unused
        ),
    ),
    ("content", ("dryneedle_cli.content",)),  # files -> validated KnowledgeBase (+ cache)
    (
        "query",  # KnowledgeBase -> views (pages, lists, forms, notes, review status)
        (
            "dryneedle_cli.query",
            "dryneedle_cli.answers",
            "dryneedle_cli.records",
            "dryneedle_cli.status",
            "dryneedle_cli.approvals",
        ),
    ),
    # checks that build every page to judge it (validate, reading grades): over the query
    ("checks", ("dryneedle_cli.checks",)),
    ("render", ("dryneedle_cli.render",)),  # views -> text, JSON, Rich, HTML, Markdown, PDF
    ("handouts", ("dryneedle_cli.handouts",)),  # sheets and forms for a patient, clinic profile
    # the environment and session under every face; a batch of sheets, each made by the session
    ("session", ("dryneedle_cli.session", "dryneedle_cli.batch")),
    # what EHRs ask for (Infobutton feeds, CDS cards, the documents given), over the session
    ("integrate", ("dryneedle_cli.integrate",)),
    (
        "faces",  # the command line (and any other face): parse -> session -> render -> write
        (
            "dryneedle_cli.cli",
            "dryneedle_cli.entry",
            "dryneedle_cli.__main__",
            "dryneedle_cli.serve",
        ),
    ),
]

# Arrows that still run the wrong way (importer, imported), and why. Only ever shrinks.
KNOWN: dict[tuple[str, str], str] = {}


def _modules(root: Path = PACKAGE) -> dict[str, Path]:
    out = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _type_checking(node: ast.AST) -> bool:
    test = getattr(node, "test", None)
    return isinstance(node, ast.If) and (
        (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
        or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")
    )


def _imports(module: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The package's modules that ``module`` imports (a name imported from a package counts as
    that submodule when it is one, else the package)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if _type_checking(node):
            for child in getattr(node, "orelse", []):
                visit(child)
            return
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, *([base] if base else [])])
            for alias in node.names:
                full = f"{base}.{alias.name}"
                if full in known:
                    found.add(full)
                elif base in known:
                    found.add(base)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in known)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    found.discard(module)
    return found


def graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    mods = _modules(root)
    return {m: _imports(m, p, mods) for m, p in mods.items()}


def layer_of(module: str) -> int | None:
    best, rank = -1, None
    for i, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            fits = module == prefix or (
                prefix != "dryneedle_cli" and module.startswith(prefix + ".")
            )
            if fits and len(prefix) > best:
                best, rank = len(prefix), i
    return rank


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of two or more modules (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def upward(edges: dict[str, set[str]]) -> set[tuple[str, str]]:
    return {
        (a, b)
        for a, targets in edges.items()
        for b in targets
        if layer_of(a) is not None and layer_of(b) is not None and layer_of(b) > layer_of(a)
    }


def problems(edges: dict[str, set[str]]) -> list[str]:
    out = [f"{m}: in no layer; add it to LAYERS in tests/test_imports.py" for m in edges
           if layer_of(m) is None]  # fmt: skip
    up = upward(edges)
    for a, b in sorted(up - set(KNOWN)):
        out.append(f"{a} imports {b}, a higher layer ({LAYERS[layer_of(b)][0]})")
    # a cycle counts unless taking the KNOWN arrows out breaks it
    unlisted = {a: {b for b in bs if (a, b) not in KNOWN} for a, bs in edges.items()}
    for group in cycles(unlisted):
        out.append(f"import cycle: {' <-> '.join(group)}")
    cyclic = {(a, b) for group in cycles(edges) for a in group for b in edges[a] if b in group}
    for arrow in sorted(set(KNOWN) - (up | cyclic)):
        out.append(f"{arrow[0]} -> {arrow[1]} is in KNOWN but no longer wrong: take it off")
    return out


def test_imports_run_one_way():
    assert problems(graph()) == []


def test_the_scan_sees_an_arrow_up_and_a_cycle():
    edges = graph()
    edges["dryneedle_cli.model"] = {*edges["dryneedle_cli.model"], "dryneedle_cli.render.json"}
    assert any(
        "dryneedle_cli.model imports dryneedle_cli.render.json" in p for p in problems(edges)
    )
    edges = graph()
    edges["dryneedle_cli.content.kinds"] = {*edges["dryneedle_cli.content.kinds"],
                                            "dryneedle_cli.content.build"}  # fmt: skip
    assert any(p.startswith("import cycle") for p in problems(edges))


def test_every_layer_is_written_in_the_architecture_page():
    page = (PACKAGE.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    for name, _ in LAYERS:
        assert f"**{name}**" in page, name
