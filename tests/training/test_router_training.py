"""Router training: thresholds are tuned on the hand-written cases it is given."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from modalswitch.agent.planners.router import Router, RouterHead
from modalswitch.cli import main
from modalswitch.evals.datasets.native import native_case
from modalswitch.tools.fakes import fake_registry
from modalswitch.training.router import train_router

DRAW = {"steps": [{"id": "s1", "tool": "fake_draw", "args": {"text": "x"}}],
        "outputs": ["@s1.image"]}
TEXT = {"steps": [], "outputs": []}


def cases(prefix: str, rows: list[tuple[str, dict]]) -> list:
    return [native_case({"id": f"{prefix}{i}", "request": r, "inputs": [], "plan": p}, prefix)
            for i, (r, p) in enumerate(rows)]


@pytest.mark.real  # the packaged MiniLM embeds the requests
def test_thresholds_come_from_the_hand_written_cases(tmp_path: Path) -> None:
    templated = cases("t", [(f"draw a {thing}", DRAW) for thing in (
        "cat", "dog", "house", "tree", "car", "boat", "bird", "horse")] + [
        (f"what is the capital of {place}?", TEXT) for place in (
            "France", "Peru", "Japan", "Kenya", "Chile", "Spain", "Egypt", "India")])
    natural = cases("n", [
        ("honestly i just wanna see what a snowy owl looks like at night", DRAW),
        ("my kid keeps asking what a narwhal looks like, can you show us one", DRAW),
        ("why do onions make you cry?", TEXT)])
    out = tmp_path / "head.npz"
    train_router(templated, templated, fake_registry(), out, tune_on=natural, epochs=200,
                 log=lambda _: None)
    head = RouterHead.load(out)
    assert head.meta["tune_cases"] == len(natural)
    for case in natural[:2]:  # each hand-written tool request is planned with narrowed tools
        route = Router(head).route(case.request, [], fake_registry().names)
        assert head.skip_threshold <= head.tool_threshold <= route.p_tool
        assert "fake_draw" in route.tools

    on_dev = tmp_path / "dev-tuned.npz"
    train_router(templated, templated, fake_registry(), on_dev, epochs=200, log=lambda _: None)
    templated_head = RouterHead.load(on_dev)  # surer on its templates than on people
    assert templated_head.meta["tune_cases"] == len(templated)
    assert templated_head.tool_threshold > head.tool_threshold


def test_a_missing_tuning_set_is_refused_before_training(tmp_path: Path, capsys) -> None:
    out = tmp_path / "head.npz"
    assert main(["train", "router", "--tune-on", "no-such-set", "--out", str(out)]) == 2
    assert "no-such-set: no such file or folder, nor a dataset shipped by that name" in (
        capsys.readouterr().err)
    assert not out.exists()


@pytest.mark.real  # the packaged MiniLM embeds the requests
def test_retune_sets_new_thresholds_and_keeps_the_weights(tmp_path: Path, capsys) -> None:
    templated = cases("t", [(f"draw a {thing}", DRAW) for thing in ("cat", "dog", "tree")] + [
        (f"what is the capital of {place}?", TEXT) for place in ("France", "Peru", "Chile")])
    out = tmp_path / "head.npz"
    train_router(templated, templated, fake_registry(), out, epochs=200, log=lambda _: None)
    old = RouterHead.load(out)
    old.sure_threshold = 0.01  # as saved before the sure threshold was tuned
    old.save(out)
    # a text request about a drawing scores high: the tuned "sure" must stay above it
    natural = [{"id": f"n{i}", "request": r, "inputs": [], "plan": p} for i, (r, p) in
               enumerate([("draw me a cat", DRAW), ("what is a drawing of a cat called?", TEXT)])]
    tune_file = tmp_path / "natural.jsonl"
    tune_file.write_text("\n".join(json.dumps(c) for c in natural), "utf-8")

    assert main(["train", "router", "--retune", "--out", str(out), "--tune-on", str(tune_file),
                 "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    new = RouterHead.load(out)
    assert report["before"]["sure"] == 0.01 and report["after"] == new.thresholds()
    assert np.array_equal(new.weights, old.weights) and np.array_equal(new.bias, old.bias)
    route = Router(new).route(natural[1]["request"], [], fake_registry().names)
    assert new.sure_threshold > route.p_tool  # the text request is no longer forced to a step
    assert new.meta["retuned_on_cases"] == 2


def test_retune_without_cases_to_tune_on_is_refused(tmp_path: Path, capsys) -> None:
    assert main(["train", "router", "--retune", "--out", str(tmp_path / "h.npz"),
                 "--tune-on"]) == 2
    assert "--retune needs hand-written cases" in capsys.readouterr().err
