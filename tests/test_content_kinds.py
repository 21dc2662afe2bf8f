"""Issue 11, content half: the kinds table, and the defects the design review found in the
content modules (each test here failed before its fix; see the commit messages)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import msgspec
import pytest
from typer.testing import CliRunner

from dryneedle_cli.cli import app
from dryneedle_cli.content import kinds, layers, yamlfile
from dryneedle_cli.content.build import Layer, build
from dryneedle_cli.model import Condition, Evidence

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
runner = CliRunner()


@pytest.fixture(autouse=True)
def _no_user_layers(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "user-config"))
    monkeypatch.setenv("XDG_CONFIG_DIRS", str(tmp_path / "site-config"))
    monkeypatch.delenv("DRYNEEDLE_CONTENT_DIR", raising=False)


def _strict(clinic: Path):
    return build([Layer("built-in", DATA, True), Layer("--content-dir", clinic)], strict=True)


# ------------------------------------------------------------------------------ the table


def test_every_built_in_file_belongs_to_exactly_one_kind():
    files = sorted(p.relative_to(DATA).as_posix() for p in DATA.rglob("*.yaml"))
    claimed = {rel: [k.name for k in kinds.KINDS if kinds.kind_of(rel)[0] is k] for rel in files}
    knowledge = {rel: names for rel, names in claimed.items() if names}
    assert all(len(names) == 1 for names in knowledge.values()), knowledge
    for kind in kinds.KINDS:
        assert any(names == [kind.name] for names in knowledge.values()), kind.name
    found = [p.relative_to(DATA).as_posix() for p, _, _ in layers.layer_files(DATA)]
    assert sorted(found) == sorted(knowledge)


def test_i18n_folder_is_recognised_not_loaded_not_stray(tmp_path):
    clinic = tmp_path / "clinic"
    (clinic / "i18n" / "es").mkdir(parents=True)
    (clinic / "i18n" / "es" / "neck.yaml").write_text("id: [not, even, valid\n")
    result = _strict(clinic)
    assert result.kb is not None and result.errors == [] and result.warnings == []
    (clinic / "translations").mkdir()
    problems = [Path(e.file).name for e in layers.stray_files(clinic)]
    assert problems == ["translations"]  # a folder beside it is still a stray


def test_a_new_kind_is_one_entry(monkeypatch, tmp_path):
    """A kind added to the table is found in a layer, read, merged, checked and known to
    validate and to the cache's fingerprint, with no other change."""
    extra = kinds.Kind("case-study", Condition, kinds.Merge.REPLACE, "case_studies",
                       folder="case-studies", ids="documents", checks=("document",),
                       pages=True)  # fmt: skip
    monkeypatch.setattr(kinds, "KINDS", (*kinds.KINDS, extra))
    clinic = tmp_path / "clinic"
    folder = clinic / "case-studies"
    folder.mkdir(parents=True)
    text = (DATA / "conditions" / "neck-pain.yaml").read_text()
    (folder / "desk-neck.yaml").write_text(text.replace("id: neck-pain", "id: desk-neck"))
    (folder / "broken.yaml").write_text(text.replace("id: neck-pain", "id: broken"))
    (folder / "broken.yaml").write_text(
        (folder / "broken.yaml").read_text().replace("region: neck", "region: nowhere")
    )
    assert layers.stray_files(clinic) == []
    assert kinds.kind_of("case-studies/desk-neck.yaml")[0] is extra
    assert "case-studies" in kinds.subfolders()  # so the cache's fingerprint lists it
    result = _strict(clinic)
    assert [e.detail for e in result.errors] == ["region 'nowhere' is not in regions.yaml"]
    (folder / "broken.yaml").unlink()
    kb = _strict(clinic).kb
    assert list(kb.case_studies) == ["desk-neck"] and "desk-neck" in kb.sources


# ------------------------------------------------------------------------------ defects


def _hard_prepare_patch(clinic: Path) -> Path:
    sheets = clinic / "sheets"
    sheets.mkdir(parents=True)
    patch = sheets / "prepare.patch.yaml"
    patch.write_text(
        "id: prepare\n"
        "add:\n"
        "  sections:\n"
        "    - heading: Physiological considerations\n"
        "      areas: [neck]\n"
        "      refs: [kearns-2019]\n"
        "      items:\n"
        "        - Comprehensive musculoskeletal evaluation necessitates documentation of "
        "pharmacological anticoagulation, immunosuppressive medication and cardiovascular "
        "implantable electronic devices.\n"
    )
    return patch


def test_validate_blames_the_patch_file_not_a_page_name(tmp_path):
    """BUG: a reading-grade warning for 'prepare (all areas)' named the file 'areas'."""
    pytest.importorskip("textstat")
    clinic = tmp_path / "clinic"
    patch = _hard_prepare_patch(clinic)
    result = runner.invoke(app, ["validate", str(clinic), "--json"])
    report = json.loads(result.stdout)
    grades = [w for w in report["warnings"] if "reads at grade" in w["message"]]
    assert grades, report
    assert {w["file"] for w in grades} == {str(patch)}, grades


def test_patch_type_error_reads_like_the_same_mistake_in_a_plain_file(tmp_path):
    clinic = tmp_path / "clinic"
    (clinic / "conditions").mkdir(parents=True)
    patch = clinic / "conditions" / "neck-pain.patch.yaml"
    patch.write_text("id: neck-pain\nset:\n  icd10: M54.2\n")
    plain = tmp_path / "plain" / "conditions" / "neck-pain.yaml"
    plain.parent.mkdir(parents=True)
    text = (DATA / "conditions" / "neck-pain.yaml").read_text()
    plain.write_text(re.sub(r"(?m)^icd10: .*$", "icd10: M54.2", text))
    (patched,) = _strict(clinic).errors
    (whole,) = _strict(plain.parent.parent).errors
    assert patched.detail == whole.detail == "expected a list, got text"
    assert (patched.line, patched.field) == (3, "set.icd10")


def test_glossary_errors_do_not_reparse_the_file(monkeypatch, tmp_path):
    """Each broken term used to parse glossary.yaml again to find its position."""
    clinic = tmp_path / "clinic"
    clinic.mkdir()
    terms = "".join(
        f"  - id: term-{n}\n    term: Term {n}\n    definition: Text {n}.\n    refs: [nope-{n}]\n"
        for n in range(3)
    )
    glossary = clinic / "glossary.yaml"
    glossary.write_text(
        "id: glossary\nreviewed_on: 2026-11-01\nreviewed_by: Clinic\nterms:\n" + terms
    )
    parsed = []
    real = yamlfile.parse
    monkeypatch.setattr(yamlfile, "parse", lambda p: parsed.append(Path(p)) or real(p))
    monkeypatch.setattr("dryneedle_cli.content.build.parse", yamlfile.parse)
    errors = [e for e in _strict(clinic).errors if e.file == str(glossary)]
    assert [e.line for e in errors] == [5, 9, 13]
    assert parsed.count(glossary) == 1


MSGSPEC_CASES = [
    ({"strength": "low", "text": "x", "refs": [], "extra": 1}, "unknown field 'extra'"),
    ({"strength": "low", "text": "x"}, "missing required field 'refs'"),
    ({"strength": "low", "text": "x", "refs": "a"}, "expected a list, got text"),
    ({"strength": "strong", "text": "x", "refs": []}, "invalid enum value 'strong'"),
]


@pytest.mark.parametrize(("data", "words"), MSGSPEC_CASES)
def test_msgspec_wording(data, words):
    """Our messages are made from msgspec's English; a new msgspec that words them differently
    fails here instead of showing clinicians raw msgspec text."""
    with pytest.raises(msgspec.ValidationError) as raised:
        msgspec.convert(data, type=Evidence, strict=True)
    _, message, _ = yamlfile.explain(raised.value)
    assert message.startswith(words), message


def test_msgspec_is_bounded_to_the_versions_whose_wording_is_tested():
    (spec,) = re.findall(r'"(msgspec[^"]*)"', (ROOT / "pyproject.toml").read_text())
    assert "<" in spec, spec


def test_validate_passes_paths_not_errors_as_paths(monkeypatch):
    """``validate`` used ``ContentError(file, "")`` as a carrier for a path."""
    from dryneedle_cli.checks import validate
    from dryneedle_cli.errors import ContentError

    class NoEmpty(ContentError):
        def __init__(self, file, message, *args, **kwargs):
            assert message, f"a ContentError with no message for {file}"
            super().__init__(file, message, *args, **kwargs)

    monkeypatch.setattr(validate, "ContentError", NoEmpty)
    report = validate.run([], [Layer("built-in", DATA, True)])
    assert report.ok


def test_sheet_labels_come_from_the_kind_not_a_hard_coded_name(monkeypatch, q):
    """``query.sheet`` special-cased 'prepare'; the label swap is now the kind's own."""
    import msgspec

    swapped = msgspec.structs.replace(
        kinds.BY_NAME["aftercare"], label_swaps=(("areas", "related"),)
    )
    monkeypatch.setitem(kinds.BY_NAME, "aftercare", swapped)
    page = q.sheet("aftercare", ["neck"])
    assert page.facts[0][0] == q.labels["related"]
    assert q.sheet("prepare", ["neck"]).facts[0][0] == q.labels["areas_planned"]


# ------------------------------------------------------------------------------ the cache


def test_a_rebuild_parses_only_the_files_that_changed(monkeypatch, tmp_path):
    from dryneedle_cli.content import cache as kb_cache

    clinic = tmp_path / "clinic"
    (clinic / "conditions").mkdir(parents=True)
    text = (DATA / "conditions" / "neck-pain.yaml").read_text()
    for n in range(3):
        (clinic / "conditions" / f"desk-{n}.yaml").write_text(
            text.replace("id: neck-pain", f"id: desk-{n}")
        )
    store = tmp_path / "cache"
    kb_cache.load([str(clinic)], store)
    changed = clinic / "conditions" / "desk-1.yaml"
    changed.write_text(changed.read_text().replace("name: Neck pain", "name: Desk one"))
    parsed = []
    real = yamlfile.parse
    monkeypatch.setattr("dryneedle_cli.content.build.parse", lambda p: parsed.append(p) or real(p))
    kb = kb_cache.load([str(clinic)], store)
    assert parsed == [changed]
    assert kb.conditions["desk-1"].name == "Desk one"
    assert kb.conditions["desk-2"].name == "Neck pain"
    assert kb_cache.load([str(clinic)], store).conditions["desk-1"].name == "Desk one"
