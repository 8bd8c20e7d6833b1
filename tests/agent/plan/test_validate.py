"""Plan parsing and validation: every kind of mistake gets its own typed issue."""

from __future__ import annotations

import pytest

from modalswitch import Modality, Plan, PlanError, Registry
from modalswitch.agent.plan import (
    InputRef,
    InputSpec,
    StepRef,
    bind_input_names,
    check_plan,
    output_modalities,
    parse_ref,
    validate_plan,
)
from modalswitch.errors import IssueKind

AUDIO_IN = [InputSpec("call.wav", Modality.AUDIO)]
IMAGE_IN = [InputSpec("photo.png", Modality.IMAGE)]


def kinds(plan: dict, registry: Registry, inputs=()) -> set[IssueKind]:
    return {i.kind for i in check_plan(Plan.parse(plan), registry, list(inputs))}


def test_references_parse_and_print_back():
    assert parse_ref("@input2") == InputRef(2)
    assert parse_ref("@s1.text") == StepRef("s1", "text")
    assert parse_ref("@s1") == StepRef("s1", None)
    assert parse_ref("@@literal") is None
    assert parse_ref("plain") is None
    assert str(StepRef("s3", "audio")) == "@s3.audio"


def test_valid_chain_passes_and_reports_output_modalities(registry):
    plan = Plan.parse({"steps": [
        {"id": "s1", "tool": "fake_transcribe", "args": {"audio": "@input0"}},
        {"id": "s2", "tool": "fake_draw", "args": {"text": "@s1.text"}}],
        "outputs": ["@s1.text", "@s2.image"]})
    assert validate_plan(plan, registry, AUDIO_IN) is plan
    assert output_modalities(plan, registry, AUDIO_IN) == ["text", "image"]


def test_empty_plan_is_a_text_answer(registry):
    plan = Plan.parse('{"steps": [], "outputs": []}')
    assert plan.is_text_answer
    assert check_plan(plan, registry, []) == []
    assert output_modalities(plan, registry, []) == ["text"]


@pytest.mark.parametrize("raw", ['{"steps": [', "[1, 2]", '{"steps": [{"tool": "x"}]}'])
def test_malformed_plans(raw):
    with pytest.raises(PlanError) as err:
        Plan.parse(raw)
    assert err.value.kinds == {IssueKind.MALFORMED}


def test_unknown_tool_suggests_the_closest_name(registry):
    issues = check_plan(Plan.parse({"steps": [
        {"id": "s1", "tool": "fake_drawing", "args": {"text": "cat"}}]}), registry, [])
    assert [i.kind for i in issues] == [IssueKind.UNKNOWN_TOOL]
    assert "fake_draw" in issues[0].message


def test_bad_arguments(registry):
    assert kinds({"steps": [{"id": "s1", "tool": "fake_draw", "args": {}}]},
                 registry) == {IssueKind.BAD_ARGUMENTS}  # missing required
    assert kinds({"steps": [{"id": "s1", "tool": "fake_draw",
                             "args": {"text": "x", "colour": "red"}}]},
                 registry) == {IssueKind.BAD_ARGUMENTS}  # unknown name
    assert kinds({"steps": [{"id": "s1", "tool": "sleep", "args": {"seconds": "soon"}}]},
                 registry) == {IssueKind.BAD_ARGUMENTS}  # wrong type


def test_dangling_references(registry):
    assert kinds({"steps": [{"id": "s1", "tool": "fake_transcribe",
                             "args": {"audio": "@input1"}}]},
                 registry, AUDIO_IN) == {IssueKind.DANGLING_REFERENCE}
    assert kinds({"steps": [{"id": "s1", "tool": "fake_draw", "args": {"text": "@s9.text"}}]},
                 registry) == {IssueKind.DANGLING_REFERENCE}
    assert kinds({"steps": [{"id": "s1", "tool": "fake_transcribe",
                             "args": {"audio": "@input0"}},
                            {"id": "s2", "tool": "fake_draw", "args": {"text": "@s1.words"}}]},
                 registry, AUDIO_IN) == {IssueKind.DANGLING_REFERENCE}
    assert kinds({"steps": [], "outputs": ["@s1.image"]}, registry) == {
        IssueKind.DANGLING_REFERENCE}


def test_modality_mismatch_names_both_sides(registry):
    issues = check_plan(Plan.parse({"steps": [
        {"id": "s1", "tool": "fake_transcribe", "args": {"audio": "@input0"}}]}),
        registry, IMAGE_IN)
    assert [i.kind for i in issues] == [IssueKind.MODALITY_MISMATCH]
    assert "needs audio" in issues[0].message and "image" in issues[0].message


def test_cycle_is_reported(registry):
    found = kinds({"steps": [
        {"id": "s1", "tool": "fake_draw", "args": {"text": "@s2.text"}},
        {"id": "s2", "tool": "fake_caption", "args": {"image": "@s1.image"}}]}, registry)
    assert found == {IssueKind.CYCLE}


def test_duplicate_step_ids(registry):
    assert IssueKind.DUPLICATE_STEP in kinds({"steps": [
        {"id": "s1", "tool": "fake_draw", "args": {"text": "a"}},
        {"id": "s1", "tool": "fake_draw", "args": {"text": "b"}}]}, registry)


def test_literal_paths_outside_the_inputs_are_refused(registry):
    plan = {"steps": [{"id": "s1", "tool": "fake_caption",
                       "args": {"image": "/etc/passwd.png"}}]}
    assert kinds(plan, registry, IMAGE_IN) == {IssueKind.PATH_OUTSIDE_INPUTS}


def test_input_file_names_bind_to_references(registry):
    plan = bind_input_names(Plan.parse({"steps": [
        {"id": "s1", "tool": "fake_caption", "args": {"image": "photo.png"}}]}), IMAGE_IN)
    assert plan.steps[0].args["image"] == "@input0"
    assert check_plan(plan, registry, IMAGE_IN) == []


def test_every_issue_is_collected_at_once(registry):
    with pytest.raises(PlanError) as err:
        validate_plan(Plan.parse({"steps": [
            {"id": "s1", "tool": "nope", "args": {}},
            {"id": "s2", "tool": "fake_transcribe", "args": {"audio": "@input0"}}],
            "outputs": ["@s7"]}), registry, IMAGE_IN)
    assert err.value.kinds == {IssueKind.UNKNOWN_TOOL, IssueKind.MODALITY_MISMATCH,
                               IssueKind.DANGLING_REFERENCE}
    assert "s2.audio" in str(err.value)
