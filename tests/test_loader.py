"""The loader turns every content problem into one ContentError naming file, line and field."""

from __future__ import annotations

import re

import pytest

from dryneedle_cli.content import cache as kb_cache
from dryneedle_cli.content.build import Layer
from dryneedle_cli.content.build import build as build_layers
from dryneedle_cli.content.build import build_dir as build
from dryneedle_cli.errors import ContentError
from dryneedle_cli.model import Condition, Topic


def test_built_in_content_loads(kb):
    assert kb.labels.overview_topic in kb.topics
    assert isinstance(kb.conditions["neck-pain"], Condition)
    assert isinstance(kb.topics["acupuncture"], Topic)
    assert kb.conditions["neck-pain"].region == "neck"


def test_model_is_immutable(kb):
    with pytest.raises(AttributeError):
        kb.conditions["neck-pain"].name = "x"


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text not found in {path.name}: {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path, needle):
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return n
    raise AssertionError(needle)


def _error(root) -> ContentError:
    with pytest.raises(ContentError) as info:
        build(root)
    return info.value


def test_unknown_key_names_file_line_and_field(data_copy):
    f = data_copy / "conditions" / "neck-pain.yaml"
    _edit(f, "region: neck\n", "region: neck\ncolour: blue\n")
    err = _error(data_copy)
    assert err.file == str(f)
    assert err.line == _line_of(f, "colour: blue")
    assert err.field == "colour"
    assert "unknown field 'colour'" in str(err)


def test_wrong_type_names_field(data_copy):
    f = data_copy / "conditions" / "tennis-elbow.yaml"
    _edit(f, "icd10: [M77.1]", "icd10: M77.1")
    err = _error(data_copy)
    assert err.field == "icd10" and err.line == _line_of(f, "icd10: M77.1")
    assert "expected a list" in str(err)


def test_nested_wrong_type_points_at_the_item(data_copy):
    f = data_copy / "topics" / "safety.yaml"
    _edit(
        f,
        "  - heading: Sterile needles\n    refs: [dvs-2014]",
        "  - heading: Sterile needles\n    refs: dvs-2014",
    )
    err = _error(data_copy)
    assert err.field == "sections[0].refs"
    assert err.line == _line_of(f, "refs: dvs-2014")


def test_missing_field(data_copy):
    f = data_copy / "topics" / "ims.yaml"
    f.write_text("id: ims\nreviewed_on: 2026-01-01\nreviewed_by: x\ntitle: IMS\nsections: []\n")
    err = _error(data_copy)
    assert "missing required field 'summary'" in str(err) and err.file == str(f)


def test_duplicate_mapping_key(data_copy):
    f = data_copy / "conditions" / "whiplash.yaml"
    _edit(f, "region: neck\n", "region: neck\nregion: upper-back\n")
    err = _error(data_copy)
    assert "duplicate key 'region'" in str(err)
    assert err.line == _line_of(f, "region: upper-back")


def test_duplicate_id_across_folders(data_copy):
    src = data_copy / "conditions" / "whiplash.yaml"
    (data_copy / "topics" / "whiplash.yaml").write_text(src.read_text())
    err = _error(data_copy)
    assert "whiplash" in str(err)


def test_reference_to_missing_key(data_copy):
    f = data_copy / "conditions" / "tmd.yaml"
    _edit(f, "refs: [vier-2019, tmd-nma-2023]", "refs: [vier-2019, tmd-nma-2032]")
    err = _error(data_copy)
    assert "reference 'tmd-nma-2032' is not in references.yaml" in str(err)
    assert err.line == _line_of(f, "tmd-nma-2032")


def test_reference_to_missing_region(data_copy):
    f = data_copy / "conditions" / "tmd.yaml"
    _edit(f, "region: head-jaw", "region: mouth")
    assert "region 'mouth' is not in regions.yaml" in str(_error(data_copy))


def _warnings(root) -> list[str]:
    result = build_layers([Layer("built-in", root, builtin=True)], strict=True)
    assert not result.errors, result.errors
    return [str(w) for w in result.warnings]


def test_built_in_content_has_no_warnings(data_copy):
    assert _warnings(data_copy) == []


def test_statement_without_reference_is_a_warning(data_copy):
    f = data_copy / "topics" / "trigger-points.yaml"
    _edit(
        f,
        "  - heading: What is not known\n    refs: [dunning-2014]\n",
        "  - heading: What is not known\n",
    )
    _edit(
        f,
        "references: [apta-2012, mayo-myofascial, dunning-2014]",
        "references: [apta-2012, mayo-myofascial]",
    )
    # the key point that repeats that statement goes too (it would cite dunning-2014 alone)
    _edit(
        f,
        "  - text: Experts still argue about what trigger points are.\n    refs: [dunning-2014]\n",
        "",
    )
    warnings = _warnings(data_copy)
    assert len(warnings) == 1
    assert "trigger-points.yaml:" in warnings[0] and "no reference key" in warnings[0]
    assert "sections[1].text" in warnings[0]


def test_old_review_is_a_warning(data_copy):
    f = data_copy / "topics" / "trigger-points.yaml"
    _edit(f, "reviewed_on: 2026-11-23", "reviewed_on: 2020-01-01")
    assert any("over 24 months ago" in w for w in _warnings(data_copy))


def test_file_reference_list_must_match_use(data_copy):
    f = data_copy / "topics" / "trigger-points.yaml"
    _edit(
        f,
        "references: [apta-2012, mayo-myofascial, dunning-2014]",
        "references: [apta-2012, dunning-2014, brady-2014]",
    )
    msg = str(_error(data_copy))
    assert "add mayo-myofascial" in msg and "remove brady-2014" in msg


def test_unknown_placeholder(data_copy):
    f = data_copy / "sheets" / "aftercare.yaml"
    _edit(f, "Call {emergency_number}", "Call {emergency_phone}")
    assert "unknown placeholder '{emergency_phone}'" in str(_error(data_copy))


def test_aftercare_without_warning_section_is_refused(data_copy):
    f = data_copy / "sheets" / "aftercare.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("    style: warning\n", ""), "utf-8")
    assert "style: warning" in str(_error(data_copy))


def test_shared_alias_is_a_warning_and_first_wins(data_copy):
    f = data_copy / "conditions" / "whiplash.yaml"
    _edit(f, "aliases: [whiplash injury,", "aliases: [stiff neck, whiplash injury,")
    assert any(
        "'stiff neck' is used by both 'neck-pain' and 'whiplash'" in w for w in _warnings(data_copy)
    )


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"id: [unclosed\n", "YAML syntax error"),
        (b"!!python/object/apply:os.system ['echo hi']\n", "no !! tags"),
        (b"a: &x [1, 2]\nb: *x\n", "anchors and aliases"),
        (b"- just\n- a list\n", "top level must be a mapping"),
        (b"", "is empty"),
        (b"\x00\x01\x02binary", "binary"),
        (b"id: caf\xe9\n", "not UTF-8"),
    ],
)
def test_hostile_files(data_copy, content, expected):
    f = data_copy / "topics" / "acupuncture.yaml"
    f.write_bytes(content)
    err = _error(data_copy)
    assert err.file == str(f)
    assert expected in str(err)


def test_file_too_large(data_copy):
    f = data_copy / "topics" / "acupuncture.yaml"
    f.write_text("id: acupuncture\n" + "# padding\n" * 40_000)
    assert "KiB limit" in str(_error(data_copy))


def test_bad_id(data_copy):
    f = data_copy / "topics" / "acupuncture.yaml"
    _edit(f, "id: acupuncture", "id: ../../x")
    err = _error(data_copy)
    assert err.field == "id"


def test_error_message_is_one_line(data_copy):
    f = data_copy / "conditions" / "neck-pain.yaml"
    _edit(f, "region: neck\n", "region: neck\ncolour: blue\n")
    msg = str(_error(data_copy))
    assert "\n" not in msg
    assert re.match(r".*neck-pain\.yaml:\d+:\d+: ", msg)


class TestCache:
    @pytest.fixture(autouse=True)
    def _data(self, data_copy, monkeypatch):
        monkeypatch.setenv("DRYNEEDLE_DATA_DIR", str(data_copy))
        monkeypatch.setenv("XDG_CONFIG_HOME", str(data_copy.parent / "no-config"))

    def test_second_load_comes_from_cache(self, tmp_path, monkeypatch):
        cache = tmp_path / "cache"
        first = kb_cache.load([], cache)
        assert list(cache.glob("kb-*.msgpack"))

        def fail(*_, **__):
            raise AssertionError("the cache should have been used")

        monkeypatch.setattr("dryneedle_cli.content.build.build", fail)
        again = kb_cache.load([], cache)
        assert again.index == first.index
        assert again.conditions["neck-pain"] == first.conditions["neck-pain"]
        assert sorted(again.conditions) == sorted(first.conditions)

    def test_any_edit_invalidates_the_cache(self, data_copy, tmp_path):
        cache = tmp_path / "cache"
        kb_cache.load([], cache)
        f = data_copy / "conditions" / "neck-pain.yaml"
        _edit(f, "name: Neck pain", "name: Sore neck")
        assert kb_cache.load([], cache).conditions["neck-pain"].name == "Sore neck"

    def test_a_new_file_invalidates_the_cache(self, data_copy, tmp_path):
        cache = tmp_path / "cache"
        kb_cache.load([], cache)
        src = data_copy / "conditions" / "whiplash.yaml"
        (data_copy / "conditions" / "neck-sprain.yaml").write_text(
            src.read_text()
            .replace("id: whiplash", "id: neck-sprain")
            .replace("name: Whiplash\n", "name: Neck sprain\n")
            .replace(
                "aliases: [whiplash injury, neck sprain, car accident neck pain]", "aliases: []"
            )
            .replace("clinical_name: Whiplash-associated disorder", "clinical_name: Sprain")
        )
        assert "neck-sprain" in kb_cache.load([], cache).conditions

    def test_invalid_content_is_never_cached(self, data_copy, tmp_path):
        cache = tmp_path / "cache"
        f = data_copy / "conditions" / "neck-pain.yaml"
        _edit(f, "region: neck\n", "region: neck\ncolour: blue\n")
        for _ in range(2):
            with pytest.raises(ContentError):
                kb_cache.load([], cache)

    def test_corrupt_cache_is_rebuilt(self, tmp_path):
        cache = tmp_path / "cache"
        kb_cache.load([], cache)
        for f in cache.glob("kb-*.msgpack"):
            f.write_bytes(b"garbage")
        assert "neck-pain" in kb_cache.load([], cache).conditions

    def test_unwritable_cache_is_ignored(self, tmp_path):
        blocker = tmp_path / "file"
        blocker.write_text("not a folder")
        assert "neck-pain" in kb_cache.load([], blocker / "cache").conditions
