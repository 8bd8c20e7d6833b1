"""Examples the planner learns from are held apart from the sets it is measured on."""

from __future__ import annotations

import json
from pathlib import Path

from modalswitch.agent.plan import InputSpec, check_plan
from modalswitch.agent.plan.model import Plan
from modalswitch.agent.planners.retrieval import ExampleIndex
from modalswitch.agent.planners.shipped import EXAMPLE_INDEX, trained_file
from modalswitch.cli import main
from modalswitch.tools import default_registry
from modalswitch.tools.contract.modality import Modality
from modalswitch.training.held_out import MAX_COSINE, MAX_JACCARD, closest, held_apart

ROOT = Path(__file__).resolve().parents[2]
HELD_OUT = [ROOT / "evals" / "data" / f"natural-{split}.jsonl" for split in ("dev", "test")]
POOL = ROOT / "training" / "data" / "natural_pool.jsonl"


def rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def test_a_near_copy_is_held_apart_and_a_different_request_is_not() -> None:
    held_out = ["can you type out whats on this whiteboard before someone wipes it"]
    keep = held_apart(["can you type up whatever's on this whiteboard before someone wipes it",
                       "OCR PLS",  # the same words in capitals
                       "paint me a lighthouse in a storm"], [*held_out, "ocr pls"])
    assert keep == [False, False, True]


def test_train_examples_leaves_out_cases_close_to_the_held_out_files(tmp_path: Path) -> None:
    cases = tmp_path / "cases.jsonl"
    held = tmp_path / "held.jsonl"
    plan = {"steps": [], "outputs": []}
    cases.write_text("\n".join(json.dumps({"request": r, "inputs": [], "plan": plan}) for r in (
        "what is the capital of australia?", "tell me a joke about penguins")) + "\n")
    held.write_text(json.dumps({"request": "What is the capital of Australia?", "inputs": [],
                                "plan": plan}) + "\n")
    out = tmp_path / "index.npz"
    assert main(["train", "examples", str(cases), "--held-out", str(held),
                 "--out", str(out)]) == 0
    assert [e.request for e in ExampleIndex.load(out).examples] == [
        "tell me a joke about penguins"]


def test_the_shipped_index_holds_nothing_close_to_the_natural_sets() -> None:
    index = ExampleIndex.load(trained_file(EXAMPLE_INDEX))
    held_out = [r["request"] for path in HELD_OUT for r in rows(path)]
    found = closest([e.request for e in index.examples], held_out, index.vectors)
    close = [(e.request, held_out[j])
             for e, (cos, jac, j) in zip(index.examples, found, strict=True)
             if cos >= MAX_COSINE or jac >= MAX_JACCARD]
    assert close == []
    pool = {r["request"] for r in rows(POOL)}
    assert pool <= {e.request for e in index.examples}  # the natural pool is in it


def test_every_natural_pool_plan_is_valid() -> None:
    registry = default_registry()
    cases = rows(POOL)
    assert len(cases) >= 200 and len({c["id"] for c in cases}) == len(cases)
    for case in cases:
        inputs = [InputSpec(name, Modality(kind)) for name, kind in case["inputs"]]
        assert check_plan(Plan.parse(case["plan"]), registry, inputs) == [], case["id"]


def test_train_examples_refuses_bad_files_plainly(tmp_path: Path, capsys) -> None:
    out = tmp_path / "index.npz"
    cases = tmp_path / "cases.jsonl"
    cases.write_text('{"request": "hi"}\n')
    assert main(["train", "examples", str(cases), "--out", str(out)]) == 2
    assert f"{cases}:1: a case needs request, inputs, plan" in capsys.readouterr().err
    cases.write_text('{"request": "hi", "inputs": [], "plan": {"steps": [], "outputs": []}}\n')
    assert main(["train", "examples", str(cases), "--held-out", str(tmp_path / "nope.jsonl"),
                 "--out", str(out)]) == 2
    assert "nope.jsonl: no such file" in capsys.readouterr().err
    assert not out.exists()
