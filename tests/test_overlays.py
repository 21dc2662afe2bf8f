"""Clinic content: layers, replace and patch rules, validate, and hostile files."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from dryneedle_cli.cli import app
from dryneedle_cli.content.build import Layer, build
from dryneedle_cli.content.yamlfile import convert, parse
from dryneedle_cli.errors import ContentError
from dryneedle_cli.model import Topic

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
EXE = str(Path(sys.executable).parent / "dryneedle")
runner = CliRunner()

NEW_CONDITION = """\
id: {id}
reviewed_on: 2026-11-01
reviewed_by: Riverside Physiotherapy
references: [{ref}]
name: {name}
clinical_name: {name}
aliases: [{alias}]
icd10: [M79.1]
region: neck
summary: This page tells you about {name}.
description: {{refs: [{ref}], text: "{text}"}}
how_it_may_help: {{refs: [{ref}], text: The needle aims at tight spots.}}
risks: {{refs: [{ref}], text: Mild soreness is common.}}
evidence: {{strength: limited, refs: [{ref}], text: Evidence is limited.}}
"""


def condition(folder: Path, ident="desk-neck", name="Desk neck", alias="office neck",
              ref="chys-2023", text="Neck pain from long hours at a desk.") -> Path:  # fmt: skip
    path = folder / "conditions" / f"{ident}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(NEW_CONDITION.format(id=ident, name=name, alias=alias, ref=ref, text=text))
    return path


@pytest.fixture(autouse=True)
def _no_user_layers(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "user-config"))
    monkeypatch.setenv("XDG_CONFIG_DIRS", str(tmp_path / "site-config"))
    monkeypatch.delenv("DRYNEEDLE_CONTENT_DIR", raising=False)


def run(args, **env):
    return runner.invoke(app, args, env={"COLUMNS": "100", **env})


def explain_json(*args, **env) -> dict:
    result = run([*args, "--json"], **env)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


class TestLayers:
    def test_content_dir_adds_a_condition(self, tmp_path):
        condition(tmp_path / "clinic")
        doc = explain_json("--content-dir", str(tmp_path / "clinic"), "explain", "office neck")
        assert doc["id"] == "desk-neck"
        assert "desk-neck" in run(["--content-dir", str(tmp_path / "clinic"), "conditions"]).stdout

    def test_same_id_replaces_the_built_in_one(self, tmp_path):
        condition(tmp_path / "clinic", ident="neck-pain", name="Neck pain", alias="neck",
                  text="Our own words about neck pain.")  # fmt: skip
        doc = explain_json("--content-dir", str(tmp_path / "clinic"), "explain", "neck")
        assert doc["sections"][0]["text"] == "Our own words about neck pain."
        assert doc["evidence_strength"] == "limited"

    def test_patch_changes_named_fields(self, tmp_path):
        patch = tmp_path / "clinic" / "conditions" / "neck-pain.patch.yaml"
        patch.parent.mkdir(parents=True)
        patch.write_text(
            "id: neck-pain\n"
            "set:\n  summary: This page is our clinic's guide to neck pain.\n"
            "add:\n  aliases: [crick]\n"
        )
        args = ["--content-dir", str(tmp_path / "clinic")]
        doc = explain_json(*args, "explain", "crick")
        assert (
            doc["id"] == "neck-pain"
            and doc["summary"] == "This page is our clinic's guide to neck pain."
        )
        assert "crick" in doc["aliases"] and "stiff neck" in doc["aliases"]
        where = run([*args, "paths", "neck"]).stdout
        assert "defined by built-in" in where and "patched by --content-dir" in where

    def test_patch_adds_an_aftercare_section_and_labels_change_the_number(self, tmp_path):
        clinic = tmp_path / "clinic"
        (clinic / "sheets").mkdir(parents=True)
        (clinic / "sheets" / "aftercare.patch.yaml").write_text(
            "id: aftercare\nadd:\n  sections:\n"
            "    - heading: Our clinic's advice\n      refs: [clinic-advice]\n"
            "      text: Bring this sheet to your next visit.\n"
        )
        (clinic / "labels.yaml").write_text(
            "id: labels\nreviewed_on: 2026-11-01\nreviewed_by: Riverside\n"
            "overview_topic: what-is-dry-needling\nlabels: {}\n"
            "defaults: {emergency_number: '000'}\n"
        )
        doc = explain_json("--content-dir", str(clinic), "aftercare")
        headings = [s["heading"] for s in doc["sections"]]
        assert "Our clinic's advice" in headings
        warning = next(s for s in doc["sections"] if s["style"] == "warning")
        assert warning["text"].startswith("Call 000 right away")

    def test_clinic_references_add_to_the_built_in_ones(self, tmp_path):
        clinic = tmp_path / "clinic"
        condition(clinic, ref="our-audit")
        (clinic / "references.yaml").write_text(
            "id: references\nreviewed_on: 2026-11-01\nreviewed_by: Riverside\nitems:\n"
            "  - key: our-audit\n    short: Riverside audit 2025\n"
            "    citation: Riverside Physiotherapy. Internal audit of dry needling visits, 2025.\n"
            "    status: opinion\n    supports: How our patients fared.\n"
        )
        refs = explain_json("--content-dir", str(clinic), "evidence", "desk neck")
        assert [r["key"] for r in refs["references"]] == ["our-audit"]
        assert len(explain_json("--content-dir", str(clinic), "evidence")["references"]) > 30

    def test_order_of_layers(self, tmp_path):
        def layer(name):
            condition(
                tmp_path / name,
                ident="neck-pain",
                name="Neck pain",
                alias="neck",
                text=f"From {name}.",
            )  # noqa: E501
            return str(tmp_path / name)

        site, user, env1, env2, flag1, flag2 = (
            layer(n) for n in ("site", "user", "e1", "e2", "f1", "f2")
        )
        (tmp_path / "site-config" / "dryneedle").mkdir(parents=True)
        os.symlink(site, tmp_path / "site-config" / "dryneedle" / "content")
        (tmp_path / "user-config" / "dryneedle").mkdir(parents=True)
        os.symlink(user, tmp_path / "user-config" / "dryneedle" / "content")

        def text(*args, **env):
            return explain_json(*args, "explain", "neck", **env)["sections"][0]["text"]

        assert text() == "From user."
        os.unlink(tmp_path / "user-config" / "dryneedle" / "content")
        assert text() == "From site."
        path_list = os.pathsep.join([env1, env2])
        assert text(DRYNEEDLE_CONTENT_DIR=path_list) == "From e1."
        assert (
            text("--content-dir", flag2, "--content-dir", flag1, DRYNEEDLE_CONTENT_DIR=path_list)
            == "From f2."
        )

    def test_missing_content_folder_is_a_warning(self, tmp_path):
        result = run(["--content-dir", str(tmp_path / "nope"), "explain", "neck"])
        assert result.exit_code == 0 and result.stdout.startswith("Neck pain")
        assert "nope: skipped: content folder not found" in result.stderr
        assert run(["validate", str(tmp_path / "nope")]).exit_code == 3

    def test_paths_lists_the_layers_highest_first(self, tmp_path):
        out = run(
            ["--content-dir", str(tmp_path / "clinic"), "paths"],
            DRYNEEDLE_CONTENT_DIR=str(tmp_path / "e"),
        )
        names = [line.split("\t")[0] for line in out.stdout.splitlines()]
        assert names == ["--content-dir", "DRYNEEDLE_CONTENT_DIR", "user", "site", "built-in"]


HOSTILE = {
    "syntax": b"id: [unclosed\n",
    "python tag": b"!!python/object/apply:os.system ['touch /tmp/dryneedle-pwned']\n",
    "alias bomb": b"a: &a ['x','x','x','x','x','x','x','x','x']\n"
    + b"".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n".encode()
        for i in range(8)
    ),
    "binary": bytes(range(256)) * 4,
    "empty": b"",
    "not utf-8": "id: caf\u00e9\n".encode("latin-1"),
    "list": b"- a\n- b\n",
    "duplicate key": b"id: desk-neck\nid: other\n",
    "bad id": NEW_CONDITION.format(
        id="../../x", name="X", alias="x", ref="chys-2023", text="t"
    ).encode(),
    "huge": b"id: desk-neck\n" + b"# " + b"x" * 400_000 + b"\n",
}


def hostile_clinic(tmp_path: Path, name: str) -> Path:
    """A clinic folder whose conditions/desk-neck.yaml holds the hostile content ``name``."""
    clinic = tmp_path / "clinic"
    bad = clinic / "conditions" / "desk-neck.yaml"
    bad.parent.mkdir(parents=True)
    bad.write_bytes(HOSTILE[name])
    return clinic


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_file_validate_exit_3(tmp_path, name):
    clinic = hostile_clinic(tmp_path, name)
    # the environment (no user or site layers) comes from conftest; a hang fails at the timeout
    result = subprocess.run(
        [EXE, "validate", str(clinic)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 3, result.stdout + result.stderr
    assert "desk-neck.yaml" in result.stdout and ": error: " in result.stdout
    assert "Traceback" not in result.stderr + result.stdout
    assert not Path("/tmp/dryneedle-pwned").exists()


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_overlay_is_skipped_during_a_consult(tmp_path, name):
    clinic = hostile_clinic(tmp_path, name)
    condition(clinic, ident="good-one", name="Good one", alias="good one")
    result = run(["--content-dir", str(clinic), "explain", "neck"])
    assert result.exit_code == 0
    assert result.stdout.startswith("Neck pain\n")
    warnings = [line for line in result.stderr.splitlines() if line]
    assert len(warnings) == 1 and "desk-neck.yaml" in warnings[0] and "skipped" in warnings[0]
    assert run(["--content-dir", str(clinic), "explain", "good one"]).exit_code == 0


def test_validate_reports_every_problem_with_line_and_column(tmp_path):
    clinic = tmp_path / "clinic"
    one = condition(clinic, ident="one", name="One", alias="one")
    one.write_text(one.read_text().replace("region: neck", "region: neck\ncolour: red"))
    two = condition(clinic, ident="two", name="Two", alias="two", ref="no-such-ref")
    result = run(["validate", str(clinic)])
    assert result.exit_code == 3
    lines = result.stdout.splitlines()
    assert any(line.startswith(f"{one}:10:1: error: unknown field 'colour'") for line in lines)
    assert any(f"{two}:" in line and "reference 'no-such-ref'" in line for line in lines)
    assert "2 errors" in result.stderr


def test_validate_json_and_warnings_do_not_fail(tmp_path):
    clinic = tmp_path / "clinic"
    f = condition(clinic)
    f.write_text(f.read_text().replace("reviewed_on: 2026-11-01", "reviewed_on: 2020-01-01"))
    result = run(["validate", str(clinic), "--json"])
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["ok"] is True and report["errors"] == []
    assert any("over 24 months ago" in w["message"] for w in report["warnings"])


def test_validate_warns_about_hard_reading(tmp_path):
    clinic = tmp_path / "clinic"
    condition(clinic, text="Cervicogenic musculoskeletal dysfunction necessitates "
              "comprehensive biopsychosocial multidisciplinary rehabilitation.")  # fmt: skip
    result = run(["validate", str(clinic)])
    assert result.exit_code == 0
    assert "reads at grade" in result.stdout


def test_validate_single_file_and_unknown_place(tmp_path):
    clinic = tmp_path / "clinic"
    good = condition(clinic)
    assert run(["validate", str(good)]).exit_code == 0
    stray = tmp_path / "stray.yaml"
    stray.write_text("id: x\n")
    result = run(["validate", str(stray)])
    assert result.exit_code == 3 and "cannot tell what kind" in result.stdout


def test_validate_built_in_is_clean():
    result = run(["validate"])
    assert result.exit_code == 0
    assert result.stdout == ""


# --------------------------------------------------------------- property-based


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=2048))
def test_arbitrary_bytes_only_ever_give_content_errors(tmp_path, data):
    path = tmp_path / "topics" / "x.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    with contextlib.suppress(ContentError):
        convert(path, parse(path), Topic)


_scalars = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
)
_keys = st.sampled_from(
    [
        "id",
        "title",
        "summary",
        "sections",
        "heading",
        "text",
        "refs",
        "items",
        "aliases",
        "reviewed_on",
        "reviewed_by",
        "references",
        "related",
    ]
) | st.text(max_size=8)  # noqa: E501
_docs = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_keys, inner, max_size=6),
    max_leaves=30,
)  # noqa: E501


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.dictionaries(_keys, _docs, max_size=8))
def test_arbitrary_yaml_documents_only_ever_give_content_errors(tmp_path, builtin_files, doc):
    clinic = tmp_path / "clinic"
    path = clinic / "topics" / "x.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True))
    layers = [Layer("built-in", DATA, True), Layer("clinic", clinic)]
    # the built-in files are parsed once a session (builtin_files); only x.yaml is parsed here
    result = build(layers, strict=True, reuse=builtin_files)
    assert all(isinstance(e, ContentError) for e in result.errors + result.warnings)
    lenient = build(layers, reuse=builtin_files)
    assert lenient.kb is not None  # a broken clinic file never breaks the built-in content


def test_clinic_labels_may_set_only_the_emergency_number(tmp_path):
    """The content guide's example: a clinic's labels.yaml with only `defaults` is used, not
    skipped."""
    clinic = tmp_path / "clinic"
    clinic.mkdir()
    (clinic / "labels.yaml").write_text(
        "id: labels\nreviewed_on: 2026-11-01\nreviewed_by: Riverside\n"
        "defaults: {emergency_number: '000'}\n"
    )
    result = CliRunner().invoke(app, ["--content-dir", str(clinic), "aftercare", "--plain"])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.stderr
    assert "Call 000 right away" in result.stdout


def test_built_in_labels_must_name_the_overview_topic(tmp_path):
    import shutil

    from dryneedle_cli import env

    data = tmp_path / "data"
    shutil.copytree(env.data_dir(), data)
    labels = data / "labels.yaml"
    labels.write_text(labels.read_text().replace("overview_topic: what-is-dry-needling\n", ""))
    result = CliRunner().invoke(
        app, ["explain"], env={"DRYNEEDLE_DATA_DIR": str(data), "DRYNEEDLE_CACHE_DIR": ""}
    )
    assert result.exit_code == 3
    assert "overview_topic" in result.stderr
