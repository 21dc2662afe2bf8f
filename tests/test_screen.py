"""dryneedle screen: the questions, the answers (typed or from a file) and the result.

What the result must never do is give a verdict: ``test_no_output_says_anyone_is_fit`` reads
every output (terminal, plain, JSON, the sheets) for many answer combinations, all "no"
included. Answers files are hostile input like any other: deep, huge, wrong types, unknown
ids, a FIFO, binary bytes, YAML tricks.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dryneedle_cli.cli import app
from dryneedle_cli.cli.commands import screening as screen_cmd

ROOT = Path(__file__).resolve().parent.parent
EXE = str(Path(sys.executable).parent / "dryneedle")
runner = CliRunner()

# Words that would turn a list of answers into a verdict about the person.
VERDICT = re.compile(
    r"\b(safe|safely|cleared?|clearance|approved?|approval|eligible|eligibility|fit|unfit|"
    r"suitable|unsuitable|ok(ay)?|all clear|good to go|green light|no risk|risk[- ]free|"
    r"go ahead|passed|allowed)\b",
    re.IGNORECASE,
)


def run(args, input=None, **env):
    return runner.invoke(app, args, input=input, env={"COLUMNS": "100", **env})


@pytest.fixture(scope="module")
def ids(kb):
    return [q.id for q in kb.screening.questions]


def answers_file(tmp_path, mapping, name="answers.yaml") -> str:
    path = tmp_path / name
    if name.endswith(".json"):
        path.write_text(json.dumps(mapping))
    else:
        path.write_text("".join(f"{k}: {v}\n" for k, v in mapping.items()))
    return str(path)


# ------------------------------------------------------------------------------ the content


ISSUE_LIST = {  # the issue's list -> the question that covers it
    "blood thinners": "blood-thinners",
    "bleeding disorders": "bleeding-problem",
    "pregnancy": "pregnancy",
    "needle fear": "needle-fear",
    "fainting": "fainting",
    "infection or broken skin near the area": "skin-near-area",
    "lymphoedema": "lymphoedema",
    "weak immune system": "weak-immune-system",
    "metal allergy": "metal-allergy",
    "recent surgery": "recent-surgery",
    "an implant": "implant",
    "a pacemaker or other device": "electrical-device",
    "epilepsy": "seizures",
    "diabetes": "diabetes",
    "heart valve disease": "heart-valve",
    "cancer or radiotherapy near the area": "cancer-or-radiotherapy",
    "a blood-borne infection": "blood-borne-infection",
    "a very slim build near the chest wall": "very-slim",
    "a previous bad reaction to needling": "bad-reaction-before",
}


def test_the_questions_cover_the_issue_list(kb, ids):
    assert len(ids) >= 15
    missing = {k: v for k, v in ISSUE_LIST.items() if v not in ids}
    assert not missing, missing


def test_every_class_names_a_reference_the_question_cites(kb):
    for q in kb.screening.questions:
        assert q.classes, q.id
        for c in q.classes:
            assert c.source in kb.references and c.source in q.refs, (q.id, c.source)


def test_practice_pages_are_opinion_and_only_in_the_clinicians_view(kb, q):
    """A clinic page is evidence of practice: status opinion, never cited on a patient page."""
    practice = {"physioman-dn", "gsbvk-dn", "ictmjc-dn", "leeuwarden-ci", "goldfields-ci",
                "jotform-intake", "advantagehealth-ci", "docsarahb-ci", "ephysioneeds-ci",
                "postureplus-ci"}  # fmt: skip
    assert all(kb.references[k].status == "opinion" for k in practice)
    for form in ("screening", "consent"):
        page = q.form_page(form)
        printed = {k for s in page.sections if s.style != "questions" for k in s.refs}
        printed |= set(page.summary_refs)
        assert not printed & practice, (form, printed & practice)


def test_a_list_that_does_not_say_which_is_absolute_gives_no_class(kb):
    """ICTMJC and the course form say 'absolute and relative' without saying which item is
    which; the Leeuwarden summary list mixes both: such entries are ask-only, never a class
    the source did not give."""
    for q in kb.screening.questions:
        for c in q.classes:
            if c.source in ("ictmjc-dn", "jotform-intake"):
                assert c.class_ == "ask-only", (q.id, c.source)
            if c.source == "leeuwarden-ci" and "summary list" in (c.as_written or ""):
                assert c.class_ == "ask-only", q.id


def test_the_slim_build_question_follows_regions_near_the_lungs(q, kb):
    """Asked exactly for the areas regions.yaml marks near_lungs (no list in the code)."""
    slim = next(x for x in kb.screening.questions if x.id == "very-slim")
    assert slim.near_lungs
    for rid, region in kb.regions.items():
        assert q.asks(slim, [rid]) == region.near_lungs, rid
    assert q.asks(slim, None)  # no area given: asked
    foot = [i.id for i in q.screen_questions(["foot"]).items]
    neck = [i.id for i in q.screen_questions(["neck"]).items]
    assert "very-slim" not in foot and "very-slim" in neck


def test_a_region_marked_near_the_lungs_in_a_clinic_layer_gets_the_question(tmp_path):
    clinic = tmp_path / "clinic"
    clinic.mkdir()
    (clinic / "regions.yaml").write_text(
        "id: regions\nreviewed_on: 2026-11-01\nreviewed_by: Clinic\nregions:\n"
        "  - id: knee\n    name: Knee\n    aliases: [knees]\n    near_lungs: true\n"
    )
    base = run(["screen", "--questions", "--plain", "--area", "knee"])
    result = run(["--content-dir", str(clinic), "screen", "--questions", "--plain", "--area",
                  "knee"])  # fmt: skip
    assert "very-slim" not in base.stdout
    assert result.exit_code == 0 and "very-slim" in result.stdout


# ------------------------------------------------------------------------------ --questions


def test_questions_plain_is_one_record_a_line(ids):
    result = run(["screen", "--questions", "--plain"])
    assert result.exit_code == 0
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert [r[0] for r in rows] == ids
    assert all(len(r) == 5 for r in rows)  # no column of one class for the question
    slim = next(r for r in rows if r[0] == "very-slim")
    assert slim[4] == "near-lungs" and "take care: AHPCSA" in slim[3]
    header = run(["screen", "--questions", "--plain", "--header"]).stdout.splitlines()[0]
    assert header.split("\t")[0] == "id"


def test_questions_json_lists_every_class_per_source(kb):
    doc = json.loads(run(["screen", "--questions", "--json"]).stdout)
    assert doc["count"] == len(kb.screening.questions)
    first = doc["questions"][0]
    assert first["id"] == "blood-thinners"
    classes = {(c["source"], c["class"]) for c in first["classes"]}
    assert ("munoz-2022", "precaution") in classes
    assert ("ahpcsa-bn121", "site-or-mode-only") in classes
    assert ("ephysioneeds-ci", "contraindication") in classes
    assert "strongest" not in first  # each source's class, never one of the tool's own


def test_questions_and_answers_together_is_bad_usage(tmp_path):
    result = run(["screen", "--questions", "--answers", answers_file(tmp_path, {"diabetes": "no"})])
    assert result.exit_code == 2


# ------------------------------------------------------------------------------ the result


def test_result_lists_yes_and_not_sure_under_the_forms_groups_not_a_class(tmp_path):
    path = answers_file(
        tmp_path,
        {"blood-thinners": "yes", "very-slim": "not-sure", "wants-help": "yes", "diabetes": "no"},
    )
    doc = json.loads(run(["screen", "--answers", path, "--json"]).stdout)
    groups = {g["group"]: [i["id"] for i in g["items"]] for g in doc["attention"]}
    assert groups == {
        "medicines": ["blood-thinners"],
        "health": ["very-slim"],
        "today": ["wants-help"],
    }
    assert [g["heading"] for g in doc["attention"]] == [
        "Medicines and bleeding",
        "Other health questions",
        "About today",
    ]
    assert doc["answers"]["diabetes"] == "no"
    assert "diabetes" not in json.dumps(doc["attention"])
    assert doc["message"] is None
    assert "pregnancy" in {u["id"] for u in doc["unanswered"]}
    assert "diabetes" not in {u["id"] for u in doc["unanswered"]}
    plain = run(["screen", "--answers", path, "--plain"]).stdout
    for verdict in ("Some sources say this rules out", "Some sources say take care",
                    "Sources list it without a class",
                    "Some sources call this a relative contraindication"):  # fmt: skip
        assert verdict not in plain  # no heading of one class over a question
    assert "Medicines and bleeding" in plain
    assert "rules out: e-physioneeds blog (uncontrolled anticoagulant use)" in plain
    assert "Muñoz et al. 2022 (should not be considered an absolute contraindication" in plain


def test_result_matches_its_schema(tmp_path, ids):
    from test_scripting import _validator

    validator = _validator("screen-result.schema.json")
    for mapping in ({i: "no" for i in ids}, {i: "yes" for i in ids}, {"pregnancy": "not-sure"}):
        out = run(["screen", "--answers", answers_file(tmp_path, mapping), "--json"])
        assert out.exit_code == 0
        errors = list(validator.iter_errors(json.loads(out.stdout)))
        assert not errors, errors[0].message


@pytest.mark.parametrize("mode", [["--plain"], ["--json"], ["--color", "always"]])
def test_all_no_gives_the_neutral_line_in_every_mode(tmp_path, ids, kb, mode):
    path = answers_file(tmp_path, {i: "no" for i in ids})
    result = run(["screen", "--answers", path, *mode])
    assert result.exit_code == 0
    word = kb.labels.defaults["clinician_word"]  # {clinician_word} as printed (issue 23)
    line = kb.screening.words.nothing_flagged.replace("{clinician_word}", word)
    text = result.stdout if mode != ["--json"] else json.loads(result.stdout)["message"]
    assert line in " ".join(re.sub(r"\x1b\[[0-9;]*m", "", text).split())


def test_an_unanswered_question_is_listed_not_passed_over(tmp_path, ids, kb):
    path = answers_file(tmp_path, {i: "no" for i in ids[1:]})
    doc = json.loads(run(["screen", "--answers", path, "--json"]).stdout)
    assert [u["id"] for u in doc["unanswered"]] == [ids[0]]
    assert doc["message"] is None  # not "nothing needs follow-up" while one is unanswered


def test_area_limits_what_counts_as_unanswered(tmp_path, ids):
    path = answers_file(tmp_path, {i: "no" for i in ids if i != "very-slim"})
    foot = json.loads(run(["screen", "--answers", path, "--json", "--area", "foot"]).stdout)
    neck = json.loads(run(["screen", "--answers", path, "--json", "--area", "neck"]).stdout)
    assert foot["unanswered"] == [] and foot["message"]
    assert [u["id"] for u in neck["unanswered"]] == ["very-slim"]


def _outputs(tmp_path, mapping) -> list[str]:
    path = answers_file(tmp_path, mapping)
    out = []
    for mode in (["--plain"], ["--json"], ["--color", "always"]):
        result = run(["screen", "--answers", path, *mode])
        assert result.exit_code == 0, result.output
        out.append(result.stdout)
    return out


def _combinations(ids):
    rng = random.Random(13)
    yield {i: "no" for i in ids}
    yield {i: "yes" for i in ids}
    yield {i: "not-sure" for i in ids}
    yield {}
    for i in ids:
        yield {**{j: "no" for j in ids}, i: "yes"}
    for _ in range(12):
        yield {i: rng.choice(["yes", "no", "not-sure", None]) for i in ids}


def test_no_output_says_anyone_is_fit(tmp_path, ids, q):
    """Every screen output (terminal, plain, JSON) for all-no, all-yes, all-not-sure, nothing,
    each single yes and random mixes, the questions list, and every form in every format."""
    found = []
    for mapping in _combinations(ids):
        given = {k: v for k, v in mapping.items() if v is not None}
        for text in _outputs(tmp_path, given) if given else _outputs(tmp_path, {ids[0]: ""}):
            found += VERDICT.findall(text)
    for mode in (["--plain"], ["--json"], ["--color", "always"]):
        found += VERDICT.findall(run(["screen", "--questions", *mode]).stdout)
    for form, fmt in itertools.product(("screening", "consent"), ("txt", "md", "html", "pdf")):
        result = run(["sheet", form, "--format", fmt, "-o", "-", "--copies", "1"])
        assert result.exit_code == 0, result.output
        found += VERDICT.findall(_text_of(result.stdout_bytes, fmt))
    assert not found, sorted(set(str(f) for f in found))


def _text_of(data: bytes, fmt: str) -> str:
    if fmt != "pdf":
        return data.decode("utf-8")
    import io

    import pypdf

    return "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_the_verdict_scan_can_fail():
    assert VERDICT.search("You are safe to have dry needling.")
    assert VERDICT.search("Cleared for needling")
    assert VERDICT.search("OK to needle")
    assert VERDICT.search("The patient is fit and eligible.")
    assert not VERDICT.search("No answers need follow-up from this list.")
    assert not VERDICT.search("Safety guidelines; benefits")


# ------------------------------------------------------------------------------ typed answers


@pytest.fixture
def terminal(monkeypatch):
    monkeypatch.setattr(screen_cmd, "_terminal", lambda *env: True)


def test_on_a_terminal_each_question_is_asked(terminal, ids, kb):
    replies = ["y", "maybe", "N", "?", "not sure"] + ["n"] * (len(ids) - 4)
    result = run(["screen", "--json"], input="\n".join(replies) + "\n")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["answers"][ids[0]] == "yes"
    assert doc["answers"][ids[1]] == "no"  # 'maybe' was asked again
    assert doc["answers"][ids[2]] == "not-sure" and doc["answers"][ids[3]] == "not-sure"
    assert kb.screening.words.reply_again in result.stderr
    assert kb.screening.questions[0].question in result.stderr  # questions on stderr
    assert kb.screening.questions[0].question not in result.stdout.split('"answers"')[0]


def test_end_of_input_leaves_with_130_and_nothing_on_stdout(terminal):
    result = run(["screen", "--plain"], input="y\nn\n")
    assert result.exit_code == 130
    assert result.stdout == ""


def test_ctrl_c_leaves_with_130_and_nothing_on_stdout(terminal, monkeypatch):
    calls = []

    def readline(*_):
        calls.append(1)
        if len(calls) > 2:
            raise KeyboardInterrupt
        return "n\n"

    monkeypatch.setattr(sys.stdin, "readline", readline, raising=False)
    result = runner.invoke(app, ["screen", "--plain"])
    assert result.exit_code == 130 and result.stdout == ""


def test_not_a_terminal_and_no_answers_says_what_to_do():
    result = run(["screen"])
    assert result.exit_code == 2
    assert "--answers FILE" in result.stderr and result.stdout == ""


def _pty_run(args, send, signal_after_prompts=None):
    """Run the installed command on a real terminal; answer, or send a signal after the
    given number of prompts. (exit code, everything the terminal showed)."""
    import pty
    import select

    pid, fd = pty.fork()
    if pid == 0:  # the child: the installed entry point on the terminal
        try:
            env = {**os.environ, "COLUMNS": "100", "TERM": "xterm", "NO_COLOR": "1"}
            os.execve(EXE, [EXE, *args], env)
        finally:
            os._exit(127)
    shown, sent, prompts = b"", False, 0
    try:
        while True:
            ready, _, _ = select.select([fd], [], [], 20)
            if not ready:
                break
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
            now = shown.count(b"[y/n/?]")
            if now > prompts:
                prompts = now
                if signal_after_prompts is None:
                    if not sent:
                        os.write(fd, send)
                        sent = True
                elif prompts >= signal_after_prompts:
                    os.kill(pid, signal.SIGINT)
                else:
                    os.write(fd, b"n\n")
    finally:
        done, status = os.waitpid(pid, os.WNOHANG)
        if not done:  # never hang the suite: a child still waiting is a failure
            os.kill(pid, signal.SIGKILL)
            _, status = os.waitpid(pid, 0)
        os.close(fd)
    return os.waitstatus_to_exitcode(status), shown.decode("utf-8", "replace")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs a pseudo-terminal")
def test_ctrl_c_on_a_real_terminal(tmp_path):
    code, shown = _pty_run(["screen"], b"", signal_after_prompts=2)
    assert code == 130
    assert "Screening answers" not in shown and "decide together" not in shown.split("[y/n/?]")[-1]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs a pseudo-terminal")
def test_ctrl_d_on_a_real_terminal():
    code, shown = _pty_run(["screen"], b"y\n\x04")
    assert code == 130
    assert "Screening answers" not in shown


def test_nothing_is_stored(tmp_path, monkeypatch, ids):
    """The answers go nowhere but stdout: no new file in the working folder, the home, the
    config or the cache (which holds the parsed content, not the answers)."""
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    work.mkdir()
    path = answers_file(tmp_path, {ids[0]: "yes", ids[1]: "not-sure"})
    cache = Path(os.environ["DRYNEEDLE_CACHE_DIR"])
    monkeypatch.chdir(work)
    env = {**os.environ, "HOME": str(home), "XDG_DATA_HOME": str(home / "data")}
    subprocess.run([EXE, "screen", "--questions"], env=env, check=True, capture_output=True)
    before = {p: p.stat().st_mtime_ns for p in cache.rglob("*")}  # the content cache, warm
    subprocess.run([EXE, "screen", "--answers", path, "--json"], env=env, check=True,
                   capture_output=True, cwd=work)  # fmt: skip
    subprocess.run([EXE, "screen", "--answers", "-"], input=b"pregnancy: yes\n", env=env,
                   check=True, capture_output=True, cwd=work)  # fmt: skip
    assert list(work.iterdir()) == [] and list(home.rglob("*")) == []
    assert {p: p.stat().st_mtime_ns for p in cache.rglob("*")} == before


# ------------------------------------------------------------------------------ answers files


def test_yaml_json_and_stdin_give_the_same_answers(tmp_path):
    mapping = {"pregnancy": "yes", "diabetes": "no", "very-slim": "not-sure"}
    docs = [
        json.loads(run(["screen", "--answers", answers_file(tmp_path, mapping), "--json"]).stdout),
        json.loads(
            run(["screen", "--json", "--answers", answers_file(tmp_path, mapping, "a.json")]).stdout
        ),  # fmt: skip
        json.loads(
            run(["screen", "--json", "--answers", "-"], input=json.dumps(mapping)).stdout
        ),  # fmt: skip
    ]
    assert docs[0]["answers"] == docs[1]["answers"] == docs[2]["answers"] == mapping


def test_answers_are_read_as_typed(tmp_path):
    """A bare yes/no is the word (not YAML's boolean); JSON true/false mean yes/no; y, n, ?
    and 'not sure' are accepted; an empty answer is 'not answered'."""
    path = tmp_path / "a.yaml"
    path.write_text("pregnancy: yes\ndiabetes: No\nvery-slim: '?'\nseizures: not sure\n"
                    "implant: y\nfainting:\n")  # fmt: skip
    doc = json.loads(run(["screen", "--answers", str(path), "--json"]).stdout)
    assert doc["answers"] == {"pregnancy": "yes", "diabetes": "no", "very-slim": "not-sure",
                              "seizures": "not-sure", "implant": "yes"}  # fmt: skip
    assert "fainting" in {u["id"] for u in doc["unanswered"]}
    js = tmp_path / "a.json"
    js.write_text('{"pregnancy": true, "diabetes": false}')
    doc = json.loads(run(["screen", "--answers", str(js), "--json"]).stdout)
    assert doc["answers"] == {"pregnancy": "yes", "diabetes": "no"}


def test_unknown_id_exit_2_lists_every_valid_id(tmp_path, ids):
    path = tmp_path / "a.yaml"
    path.write_text("pregnancy: no\npregnant: yes\n")
    result = run(["screen", "--answers", str(path)])
    assert result.exit_code == 2 and result.stdout == ""
    assert f"{path}:2: unknown question id 'pregnant'" in result.stderr
    assert all(i in result.stderr for i in ids)


def test_unknown_answer_exit_2_names_the_valid_answers(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_text("pregnancy: no\ndiabetes: on\n")  # YAML 1.1 would read 'on' as true
    result = run(["screen", "--answers", str(path)])
    assert result.exit_code == 2 and result.stdout == ""
    assert f"{path}:2:" in result.stderr and "answer yes, no or not-sure" in result.stderr


HOSTILE = {
    "deep": "pregnancy: " + "[" * 5000 + "]" * 5000 + "\n",
    "deep mapping": "".join("  " * n + f"k{n}:\n" for n in range(200)) + "  " * 200 + "x: yes\n",
    "many values": "a: [" + "1," * 25000 + "1]\n",
    "list": "- pregnancy: yes\n",
    "scalar": "yes\n",
    "nested value": "pregnancy: {a: b}\n",
    "list value": "pregnancy: [yes]\n",
    "list key": "? [a, b]\n: yes\n",
    "alias": "a: &x yes\npregnancy: *x\n",
    "tag": "pregnancy: !!python/object:os.system yes\n",
    "duplicate": "pregnancy: yes\npregnancy: no\n",
    "binary": "pregnancy: yes\x00\n",
    "bad yaml": "pregnancy: [yes\n",
    "empty": "   \n",
    "number id": "12: yes\n",
    "escape": "\x1b]0;owned\x07: yes\n",
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_answers_files_are_exit_2_with_one_clean_line(tmp_path, name):
    path = tmp_path / "answers.yaml"
    path.write_bytes(HOSTILE[name].encode("utf-8"))
    result = run(["screen", "--answers", str(path)])
    assert result.exit_code == 2, (name, result.exit_code, result.output[-300:])
    assert result.stdout == ""
    assert "\x1b" not in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert str(path) in result.stderr


def test_huge_file_and_huge_stdin_are_refused_unread(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_bytes(b"pregnancy: yes\n" + b"#" * (2 * 1024 * 1024))
    result = run(["screen", "--answers", str(path)])
    assert result.exit_code == 2 and "over 64 KiB" in result.stderr
    result = run(["screen", "--answers", "-"], input="pregnancy: yes\n" + "#" * 200_000)
    assert result.exit_code == 2 and "stdin" in result.stderr


def test_not_utf8_and_missing_file(tmp_path):
    path = tmp_path / "latin.yaml"
    path.write_bytes("pregnancy: sí\n".encode("latin-1"))
    assert run(["screen", "--answers", str(path)]).exit_code == 2
    result = run(["screen", "--answers", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2 and "no such file" in result.stderr
    result = run(["screen", "--answers", str(tmp_path)])
    assert result.exit_code == 2 and "folder" in result.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_refused_at_once(tmp_path):
    fifo = tmp_path / "answers.yaml"
    os.mkfifo(fifo)
    proc = subprocess.run([EXE, "screen", "--answers", str(fifo)], capture_output=True,
                          timeout=60)  # fmt: skip
    assert proc.returncode == 2
    assert b"named pipe" in proc.stderr and b"--answers -" in proc.stderr
    assert proc.stdout == b""


def test_answers_from_a_pipe_with_the_installed_command():
    proc = subprocess.run(
        [EXE, "screen", "--answers", "-", "--json"],
        input=b'{"pregnancy": "yes"}',
        capture_output=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["attention"][0]["items"][0]["id"] == "pregnancy"
    proc = subprocess.run([EXE, "screen"], input=b"", capture_output=True, timeout=60)
    assert proc.returncode == 2 and proc.stdout == b""


# ------------------------------------------------------------------------------ classes (W3)


def test_a_source_that_excludes_only_some_sites_or_modes_is_not_rules_out(kb):
    """A class is credited to a source only for what it says: a page that excludes only
    electro-acupuncture, certain points, intracapsular points, or sites where pressure cannot
    be held is 'site-or-mode-only', never 'contraindication'."""
    only = ("only", "certain points", "electro", "where haemostasis", "into varicose veins")
    for q in kb.screening.questions:
        for c in q.classes:
            said = (c.as_written or "").lower()
            if any(w in said for w in only):
                assert c.class_ != "contraindication", (q.id, c.source, said)


def test_web_pages_are_named_as_pages_never_as_guidelines(kb):
    """A blog or clinic page keeps a name that says what it is, wherever its class is shown."""
    for q in kb.screening.questions:
        for c in q.classes:
            ref = kb.references[c.source]
            if ref.status == "opinion":
                assert re.search(r"\b(page|blog|form)\b", ref.short), (c.source, ref.short)


def test_lung_disease_is_asked_near_the_lungs_and_with_no_area(kb):
    question = next(q for q in kb.screening.questions if q.id == "lung-disease")
    assert question.near_lungs and question.classes
    for args, asked in ((["--area", "neck"], True), ([], True), (["--area", "knee"], False),
                        (["--area", "knee", "--area", "upper back"], True)):  # fmt: skip
        out = run(["screen", "--questions", "--plain", *args]).stdout
        assert ("lung-disease" in out) is asked, args


@pytest.mark.parametrize("lang", ["en", "es", "fr"])
def test_no_result_shows_a_class_of_its_own_in_any_language(tmp_path, ids, lang):
    path = answers_file(tmp_path, {i: "yes" for i in ids})
    doc = json.loads(run(["screen", "--answers", path, "--json", "--lang", lang]).stdout)
    assert doc["lang"] == lang
    assert all(set(g) == {"group", "heading", "items"} for g in doc["attention"])
    assert all("strongest" not in i for g in doc["attention"] for i in g["items"])
