"""Gold against predicted plans, step by step: what the studio and the report mark."""

from __future__ import annotations

from modalswitch.evals.scoring.plan_diff import (
    DIFFERS,
    EXTRA,
    MISSING,
    SAME,
    WRONG_EDGE,
    WRONG_VALUE,
    diff_plans,
)

GOLD = {"steps": [{"id": "s1", "tool": "transcribe", "args": {"audio": "@input0"}},
                  {"id": "s2", "tool": "speak", "args": {"text": "@s1.text", "voice": "joe"}}],
        "outputs": ["@s1", "@s2"]}


def test_the_same_plan_under_other_step_ids_matches() -> None:
    pred = {"steps": [{"id": "a", "tool": "transcribe", "args": {"audio": "@input0"}},
                      {"id": "b", "tool": "speak", "args": {"text": "@a", "voice": " JOE "}}],
            "outputs": ["@a.text", "@b"]}
    diff = diff_plans(GOLD, pred)
    assert diff.same and diff.notes(GOLD, pred) == []
    assert diff.gold["s2"].partner == "b" and diff.pred["b"].status == SAME


def test_missing_and_extra_tools_and_their_edges() -> None:
    pred = {"steps": [{"id": "s1", "tool": "transcribe", "args": {"audio": "@input0"}},
                      {"id": "s2", "tool": "draw", "args": {"text": "@s1"}}],
            "outputs": ["@s1", "@s2"]}
    diff = diff_plans(GOLD, pred)
    assert not diff.same
    assert diff.gold["s2"].status == MISSING and diff.pred["s2"].status == EXTRA
    assert diff.missing_edges == [("transcribe", "speak")]
    assert diff.extra_edges == [("transcribe", "draw")]
    assert diff.notes(GOLD, pred) == [
        "missing tool speak (gold s2)", "extra tool draw (s2)",
        "missing edge transcribe → speak", "extra edge transcribe → draw",
        "different outputs"]


def test_wrong_value_wrong_edge_and_missing_or_extra_arguments() -> None:
    pred = {"steps": [{"id": "s1", "tool": "transcribe", "args": {"audio": "@input1",
                                                                  "lang": "en"}},
                      {"id": "s2", "tool": "speak", "args": {"text": "@s1", "voice": "amy"}}],
            "outputs": ["@s1", "@s2"]}
    diff = diff_plans(GOLD, pred)
    assert diff.pred["s1"].status == DIFFERS
    assert diff.pred["s1"].args == {"audio": WRONG_EDGE, "lang": EXTRA}
    assert diff.pred["s2"].args == {"voice": WRONG_VALUE}
    assert not diff.missing_edges and not diff.outputs_differ
    dropped = {"steps": [GOLD["steps"][0], {"id": "s2", "tool": "speak",
                                            "args": {"text": "@s1"}}],
               "outputs": GOLD["outputs"]}
    assert diff_plans(GOLD, dropped).pred["s2"].args == {"voice": MISSING}


def test_a_reference_where_gold_has_a_literal_is_a_wrong_edge() -> None:
    gold = {"steps": [{"id": "s1", "tool": "draw", "args": {"text": "a cat"}}],
            "outputs": ["@s1"]}
    pred = {"steps": [{"id": "s1", "tool": "draw", "args": {"text": "@input0"}}],
            "outputs": ["@s1"]}
    assert diff_plans(gold, pred).pred["s1"].args == {"text": WRONG_EDGE}


def test_repeated_tools_pair_by_agreeing_arguments() -> None:
    gold = {"steps": [{"id": "g1", "tool": "draw", "args": {"text": "cat"}},
                      {"id": "g2", "tool": "draw", "args": {"text": "dog"}}], "outputs": []}
    pred = {"steps": [{"id": "p1", "tool": "draw", "args": {"text": "dog"}},
                      {"id": "p2", "tool": "draw", "args": {"text": "cat"}}], "outputs": []}
    diff = diff_plans(gold, pred)
    assert diff.same
    assert diff.gold["g1"].partner == "p2" and diff.gold["g2"].partner == "p1"


def test_no_prediction_and_a_text_answer() -> None:
    failed = diff_plans(GOLD, None)
    assert failed.no_prediction and not failed.same
    assert failed.notes(GOLD, None) == ["no prediction (the planner failed)"]
    text = diff_plans(GOLD, {"steps": [], "outputs": []})
    assert {m.status for m in text.gold.values()} == {MISSING} and text.outputs_differ
    assert diff_plans({"steps": [], "outputs": []}, {"steps": [], "outputs": []}).same


def test_answering_in_words_too_is_compared() -> None:
    pred = {**GOLD, "answer": True}
    diff = diff_plans(GOLD, pred)
    assert diff.answer_differs and not diff.same
    assert diff.notes(GOLD, pred) == ["answers in words: gold no, predicted yes"]
