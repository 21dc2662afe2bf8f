"""What the fast path (cli/fast.py) may answer without Typer: the options of ``dryneedle
explain`` and the text of ``dryneedle --help``. MADE from the Typer app by
tools/fast_table.py (do not edit; tests/test_fast_path.py checks it is current).

Anything else on a command line (an option not here, '--', -h, --x=y) goes to Typer.
"""

COMMAND = "explain"
ARGUMENT = "words"  # the words: every token not starting with '-', and '-'
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
# dryneedle --help (or -h): its text on a terminal at least HELP_COLUMNS wide, and the
# commands it lists (the fast path hands over to Typer if the app has others)
HELP_OPTIONS = ("-h", "--help")
HELP_COLUMNS = 80
HELP_COMMANDS = (
    "explain",
    "prepare",
    "aftercare",
    "conditions",
    "evidence",
    "validate",
    "paths",
    "translations",
    "sheet",
    "teachback",
    "note",
    "screen",
    "clinic",
    "review",
    "serve",
    "export",
)
HELP = (
    "Usage: dryneedle [OPTIONS] COMMAND [ARGS]...\n"
    "\n"
    "  A patient guide to trigger-point dry needling: clinic screen, handouts,\n"
    "  scripts.\n"
    "\n"
    "Options:\n"
    "  --version             Show the version and exit.\n"
    "  --content-dir <path>  A folder of the clinic's own knowledge files\n"
    "                        (repeatable; the first wins). Give it before the\n"
    "                        command.\n"
    "  --install-completion  Install completion for the current shell.\n"
    "  --show-completion     Show completion for the current shell, to copy it or\n"
    "                        customize the installation.\n"
    "  -h, --help            Show this message and exit.\n"
    "\n"
    "Commands:\n"
    "  explain       Explain dry needling, a topic (acupuncture, side effects...\n"
    "  prepare       How to prepare for a visit, and what to tell your...\n"
    "  aftercare     What is normal after dry needling, what helps, and...\n"
    "  conditions    List conditions by body region, or those matching WORDS...\n"
    "  evidence      For clinicians: the sources with full citations; with...\n"
    "  validate      Check knowledge files and report every problem as...\n"
    "  paths         Show the content layers, highest first; with WORDS, which...\n"
    "  translations  The translations in use, file by file, with their review...\n"
    "  sheet         Write a printable sheet or form (PDF, HTML, Markdown or...\n"
    "  teachback     Key points and open teach-back questions for one page, on...\n"
    "  note          One line for the clinical record: what was given, its...\n"
    "  screen        Ask the screening questions before the first needle; list...\n"
    "  clinic        The clinic profile: its voice on screen and on handouts.\n"
    "  review        Clinical sign-off: which pages a clinician of the clinic...\n"
    "  serve         Serve the guide over HTTP: the front desk, pages, search,...\n"
    "  export        Write the guide as files for other systems: a static web...\n"
    "\n"
    "  Exit codes:\n"
    "    0    ok\n"
    "    1    nothing found (close matches on stderr)\n"
    "    2    bad usage\n"
    "    3    invalid content or configuration\n"
    "    4    output could not be written\n"
    "    70   internal error (a bug; DRYNEEDLE_DEBUG=1 shows the details)\n"
    "    129  stopped by SIGHUP: the terminal closed (a batch of sheets)\n"
    "    130  interrupted\n"
    "    143  stopped by SIGTERM (a batch of sheets)\n"
)
