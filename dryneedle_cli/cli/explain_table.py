"""The options of ``dryneedle explain`` its fast path may parse: MADE from the Typer app
by tools/explain_table.py (do not edit; tests/test_explain_fast.py checks it is current).

Anything else on a command line (an option not here, '-', '--', -h, --x=y) goes to Typer.
"""

COMMAND = "explain"
ARGUMENT = "words"  # the words: every token that does not start with '-'
# option -> (parameter, the value it sets)
FLAGS = {
    "--json": ("json_", True),
    "--plain": ("plain", True),
    "--refs": ("refs", True),
    "--no-pager": ("no_pager", True),
}
# option -> (parameter, its choices or None for any text); the value is the next token
VALUES = {
    "--color": ("color", ("auto", "always", "never")),
    "--lang": ("lang", None),
}
DEFAULTS = {
    "json_": False,
    "plain": False,
    "color": "auto",
    "clinic": None,
    "refs": False,
    "no_pager": False,
    "lang": None,
}
# parameter -> the Enum ('module:Name') Typer turns its choice into
ENUMS = {
    "color": "dryneedle_cli.cli.color:Color",
}
