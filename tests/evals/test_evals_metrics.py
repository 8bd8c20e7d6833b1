"""Every eval metric on hand-made cases whose answers are worked out by hand."""

from __future__ import annotations

from typing import Any

import pytest

from modalswitch import Modality, Plan, Registry
from modalswitch.agent.plan import InputSpec
from modalswitch.evals.datasets import Case
from modalswitch.evals.datasets.catalog import ToolSpec, spec_registry
from modalswitch.evals.datasets.model import plan_shape
from modalswitch.evals.runner.results import CaseResult
from modalswitch.evals.scoring.counts import Counts, mean, multiset_counts, percentile, set_counts
from modalswitch.evals.scoring.metrics import (
    aggregate,
    native_counts,
    plan_labels,
    score_plan,
    summarize,
)

IMG, AUD, TXT = Modality.IMAGE, Modality.AUDIO, Modality.TEXT


@pytest.fixture
def reg() -> Registry:
    """The default tools' signatures, plan-only."""
    return spec_registry([
        ToolSpec("describe_image", "", (("image", IMG),), (("text", TXT),)),
        ToolSpec("classify_image", "", (("image", IMG),), (("text", TXT),)),
        ToolSpec("read_text", "", (("image", IMG),), (("text", TXT),)),
        ToolSpec("speech_to_text", "", (("audio", AUD),), (("text", TXT),)),
        ToolSpec("text_to_speech", "", (("text", TXT),), (("audio", AUD),)),
    ])


def plan(*steps: tuple[str, str, dict[str, Any]], outputs: list[str] | None = None) -> Plan:
    data = {"steps": [{"id": i, "tool": t, "args": a} for i, t, a in steps]}
    data["outputs"] = outputs if outputs is not None else (
        [f"@{steps[-1][0]}"] if steps else [])
    return Plan.parse(data)


def case(gold: Plan, inputs: list[InputSpec] | None = None) -> Case:
    return Case(id="c", request="r", inputs=inputs or [], gold=gold, shape=plan_shape(gold),
                n_tools=len(gold.steps))


OCR_TTS = plan(("s1", "read_text", {"image": "@input0"}),
               ("s2", "text_to_speech", {"text": "@s1.text"}), outputs=["@s1", "@s2"])
PHOTO = [InputSpec("sign.png", IMG)]


def test_counts_f1_precision_recall_and_empty_pools() -> None:
    c = Counts(tp=2, fp=1, fn=3)
    assert c.precision == pytest.approx(2 / 3)
    assert c.recall == pytest.approx(2 / 5)
    assert c.f1 == pytest.approx(4 / 8)
    assert Counts().f1 is None and Counts().precision is None
    assert Counts(0, 2, 0).f1 == 0.0 and Counts(0, 2, 0).recall is None
    assert (Counts(1, 0, 0) + Counts(0, 1, 2)).as_list() == [1, 1, 2]


def test_multiset_counts_duplicates_must_match_twice_but_sets_collapse() -> None:
    assert multiset_counts(["a", "a", "b"], ["a", "b", "b"]) == Counts(2, 1, 1)
    assert set_counts(["a", "a", "b"], ["a", "b", "b"]) == Counts(2, 0, 0)


def test_mean_and_percentile() -> None:
    assert mean([True, False, None, 1.0]) == pytest.approx(2 / 3)
    assert mean([None]) is None
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == pytest.approx(2.5)
    assert percentile([5.0], 95) == 5.0
    assert percentile([], 50) is None
    assert percentile([0.0, 10.0], 95) == pytest.approx(9.5)


def test_plan_shapes() -> None:
    assert plan_shape(Plan()) == "none"
    assert plan_shape(plan(("s1", "read_text", {"image": "@input0"}))) == "single"
    assert plan_shape(OCR_TTS) == "chain"
    parallel = plan(("s1", "read_text", {"image": "@input0"}),
                    ("s2", "describe_image", {"image": "@input0"}))
    assert plan_shape(parallel) == "dag"  # two roots: not one path
    fan_out = plan(("s1", "read_text", {"image": "@input0"}),
                   ("s2", "text_to_speech", {"text": "@s1"}),
                   ("s3", "text_to_speech", {"text": "@s1"}))
    assert plan_shape(fan_out) == "dag"


def test_identical_plans_score_one_everywhere(reg: Registry) -> None:
    out = score_plan(case(OCR_TTS, PHOTO), OCR_TTS.model_copy(deep=True), reg)
    assert out["valid"] and out["modality_ok"]
    assert out["gold_modalities"] == ["audio", "text"]
    assert out["counts"] == {"node": [2, 0, 0], "edge": [1, 0, 0], "arg_name": [2, 0, 0],
                             "arg_value": [2, 0, 0]}
    assert set(out["scores"].values()) == {1.0}


def test_step_ids_and_bare_references_do_not_matter(reg: Registry) -> None:
    renamed = plan(("a", "read_text", {"image": "@input0"}),
                   ("b", "text_to_speech", {"text": "@a"}), outputs=["@a.text", "@b.audio"])
    counts = native_counts(OCR_TTS, renamed, reg)
    assert all(c.fp == 0 and c.fn == 0 for c in counts.values())
    assert plan_labels(renamed, reg)["arg_value"] == ["read_text.image=@input0",
                                                      "text_to_speech.text=@read_text.text"]


def test_empty_gold_and_empty_prediction(reg: Registry) -> None:
    no_tool = case(Plan())
    both_empty = score_plan(no_tool, Plan(), reg)
    assert both_empty["valid"] and both_empty["modality_ok"]
    assert both_empty["gold_no_tool"] and both_empty["pred_no_tool"]
    assert both_empty["counts"]["node"] == [0, 0, 0]
    assert both_empty["scores"]["node_f1"] is None  # nothing to score either way

    extra = score_plan(no_tool, plan(("s1", "text_to_speech", {"text": "hi"})), reg)
    assert not extra["pred_no_tool"] and not extra["modality_ok"]
    assert extra["counts"]["node"] == [0, 1, 0] and extra["scores"]["node_f1"] == 0.0
    assert extra["counts"]["arg_value"] == [0, 1, 0]

    missed = score_plan(case(OCR_TTS, PHOTO), Plan(), reg)
    assert missed["valid"] and missed["pred_no_tool"] and not missed["modality_ok"]
    assert missed["counts"] == {"node": [0, 0, 2], "edge": [0, 0, 1], "arg_name": [0, 0, 2],
                                "arg_value": [0, 0, 2]}


def test_planner_failure_scores_as_invalid_empty_prediction(reg: Registry) -> None:
    out = score_plan(case(OCR_TTS, PHOTO), None, reg)
    assert not out["valid"] and not out["pred_no_tool"] and not out["modality_ok"]
    assert out["counts"]["node"] == [0, 0, 2]


def test_duplicate_tools(reg: Registry) -> None:
    two_pages = [InputSpec("p1.png", IMG), InputSpec("p2.png", IMG)]
    gold = plan(("s1", "read_text", {"image": "@input0"}),
                ("s2", "read_text", {"image": "@input1"}), outputs=["@s1", "@s2"])
    once = plan(("s1", "read_text", {"image": "@input0"}))
    out = score_plan(case(gold, two_pages), once, reg)
    assert out["counts"]["node"] == [1, 0, 1]  # the second read_text is missed
    assert out["scores"]["node_f1"] == pytest.approx(2 / 3)
    assert out["counts"]["arg_value"] == [1, 0, 1]  # read_text.image=@input1 missed
    thrice = plan(*[(f"s{i}", "read_text", {"image": "@input0"}) for i in (1, 2, 3)],
                  outputs=["@s1"])
    out = score_plan(case(gold, two_pages), thrice, reg)
    assert out["counts"]["node"] == [2, 1, 0]
    assert out["counts"]["arg_value"] == [1, 2, 1]


def test_dangling_reference_is_invalid_and_never_matches(reg: Registry) -> None:
    dangling = plan(("s1", "read_text", {"image": "@input0"}),
                    ("s2", "text_to_speech", {"text": "@s9.text"}), outputs=["@s2"])
    out = score_plan(case(OCR_TTS, PHOTO), dangling, reg)
    assert not out["valid"]
    assert any("dangling_reference" in issue for issue in out["issues"])
    assert out["pred_modalities"] == [] and not out["modality_ok"]
    assert out["counts"]["node"] == [2, 0, 0]
    assert out["counts"]["edge"] == [0, 0, 1]  # no edge from a step that does not exist
    assert out["counts"]["arg_name"] == [2, 0, 0]
    assert out["counts"]["arg_value"] == [1, 1, 1]
    assert "text_to_speech.text=@?s9" in plan_labels(dangling, reg)["arg_value"]


def test_wrong_edge_direction_and_wrong_tool(reg: Registry) -> None:
    gold = OCR_TTS
    pred = plan(("s1", "describe_image", {"image": "@input0"}),
                ("s2", "text_to_speech", {"text": "@s1"}), outputs=["@s1", "@s2"])
    out = score_plan(case(gold, PHOTO), pred, reg)
    assert out["valid"] and out["modality_ok"]  # same outputs, wrong route
    assert out["counts"]["node"] == [1, 1, 1]
    assert out["counts"]["edge"] == [0, 1, 1]
    assert out["counts"]["arg_name"] == [1, 1, 1]
    assert out["counts"]["arg_value"] == [0, 2, 2]


def test_literal_values_compare_case_and_space_insensitively(reg: Registry) -> None:
    gold = plan(("s1", "text_to_speech", {"text": "good  morning everyone"}))
    pred = plan(("s1", "text_to_speech", {"text": "Good morning Everyone"}))
    assert score_plan(case(gold), pred, reg)["counts"]["arg_value"] == [1, 0, 0]
    other = plan(("s1", "text_to_speech", {"text": "good night"}))
    assert score_plan(case(gold), other, reg)["counts"]["arg_value"] == [0, 1, 1]


def test_modalities_are_compared_as_sets(reg: Registry) -> None:
    only_audio = plan(("s1", "read_text", {"image": "@input0"}),
                      ("s2", "text_to_speech", {"text": "@s1"}), outputs=["@s2"])
    out = score_plan(case(OCR_TTS, PHOTO), only_audio, reg)
    assert out["pred_modalities"] == ["audio"] and not out["modality_ok"]


def _result(**kw: Any) -> CaseResult:
    base: dict[str, Any] = {"id": "x", "request": "r", "shape": "single", "n_tools": 1,
                            "gold": {}, "case_s": 1.0}
    return CaseResult(**(base | kw))


def test_aggregate_pools_counts_and_splits() -> None:
    results = [
        _result(id="a", valid=True, modality_ok=True, counts={"node": [1, 0, 0]},
                case_s=1.0, plan_s=0.5, prompt_tokens=10, completion_tokens=5, attempts=1),
        _result(id="b", valid=False, counts={"node": [0, 1, 1]}, status="invalid",
                case_s=3.0, plan_s=2.5, prompt_tokens=30, completion_tokens=5, attempts=3),
        _result(id="c", shape="none", n_tools=0, valid=True, modality_ok=True,
                gold_no_tool=True, pred_no_tool=True, case_s=2.0, plan_s=1.0),
        _result(id="d", shape="none", n_tools=0, valid=True, gold_no_tool=True,
                pred_no_tool=False, counts={"node": [0, 2, 0]}, case_s=4.0, plan_s=1.0,
                status="planner_error", error="PlannerError: x"),
    ]
    m = aggregate(results)
    assert m["n"] == 4
    assert m["validity"] == pytest.approx(0.75)
    assert m["modality_accuracy"] == pytest.approx(0.5)
    assert m["no_tool_accuracy"] == pytest.approx(0.5)
    assert m["routing_accuracy"] == pytest.approx(0.75)  # a, b (invalid, but tools) and c
    assert m["node_f1"] == pytest.approx(2 * 1 / (2 * 1 + 3 + 1))
    assert m["node_precision"] == pytest.approx(1 / 4)
    assert m["edge_f1"] is None  # no edge anywhere
    assert m["latency_p50_s"] == pytest.approx(2.5)
    assert m["plan_latency_p50_s"] == pytest.approx(1.0)
    assert m["tokens_per_case"] == pytest.approx(50 / 4)
    assert m["planner_failures"] == 1
    assert m["executed"] == 0 and m["executable_rate"] is None and m["e2e_success"] is None
    s = summarize(results)
    assert list(s["by_shape"]) == ["none", "single"]
    assert s["by_shape"]["single"]["node_f1"] == pytest.approx(2 / 4)
    assert s["by_n_tools"]["0"]["n"] == 2


def test_execution_rates() -> None:
    results = [_result(executed=True, exec_status="ok", e2e_ok=True),
               _result(executed=True, exec_status="ok", e2e_ok=False),
               _result(executed=True, exec_status="failed", e2e_ok=False)]
    m = aggregate(results)
    assert m["executed"] == 3
    assert m["executable_rate"] == pytest.approx(2 / 3)
    assert m["e2e_success"] == pytest.approx(1 / 3)
