"""The switching dataset generator: splits, coverage, valid gold plans, shipped files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from modalswitch import Modality, Plan, Registry
from modalswitch.agent.plan import InputSpec, check_plan
from modalswitch.cli import main
from modalswitch.evals.datasets.native import load_native
from modalswitch.evals.runner.run import check_gold_tools
from modalswitch.tools import default_registry
from modalswitch.tools.fakes import FakeCaption, FakeDraw
from modalswitch.training.dataset.generate import DEFAULT_OUT, generate, split_templates


@pytest.fixture(scope="module")
def splits() -> dict[str, list[dict]]:
    return generate(default_registry(), seed=3, per_task=6, eval_per_task=2)


def _specs(row: dict) -> list[InputSpec]:
    return [InputSpec(n, Modality(m)) for n, m in row["inputs"]]


def test_every_gold_plan_is_valid_against_the_registry(splits: dict[str, list[dict]]) -> None:
    registry = default_registry()
    for rows in splits.values():
        for row in rows:
            assert check_plan(Plan.parse(row["plan"]), registry, _specs(row)) == [], row


def test_splits_share_no_template_and_no_request(splits: dict[str, list[dict]]) -> None:
    templates = {s: {(r["task"], r["template"]) for r in rows} for s, rows in splits.items()}
    requests = {s: {r["request"].lower() for r in rows} for s, rows in splits.items()}
    for a, b in (("train", "dev"), ("train", "test"), ("dev", "test")):
        assert not templates[a] & templates[b]
        assert not requests[a] & requests[b]
    ids = [r["id"] for rows in splits.values() for r in rows]
    assert len(ids) == len(set(ids))


def test_every_registry_tool_is_covered_in_every_split(splits: dict[str, list[dict]]) -> None:
    names = set(default_registry().names)
    for split, rows in splits.items():
        used = {s["tool"] for r in rows for s in r["plan"]["steps"]}
        assert names <= used, (split, names - used)


def test_mix_of_no_tool_chains_and_request_kinds(splits: dict[str, list[dict]]) -> None:
    train = splits["train"]
    no_tool = sum(not r["plan"]["steps"] for r in train) / len(train)
    assert 0.25 < no_tool < 0.5
    assert sum(len(r["plan"]["steps"]) > 1 for r in train) > 0.2 * len(train)
    tags = {t for r in train for t in r["tags"]}
    assert {"implicit", "followup", "multi_input", "media_words", "typo", "polite"} <= tags
    # the literal arguments of a gold plan are spelled in its request
    for row in train:
        for step in row["plan"]["steps"]:
            prompt = step["args"].get("prompt")
            if isinstance(prompt, str) and not prompt.startswith("@"):
                assert prompt.lower() in row["request"].lower()


def test_composed_chains_keep_fragments_in_one_split() -> None:
    from modalswitch.training.dataset.chains import composed_tasks

    task = next(t for t in composed_tasks() if t.key == "ocr>tts")
    parts = split_templates(task)
    assert parts["train"] and parts["dev"] and parts["test"]
    first = {s: {t.split(" and ")[0].split(",")[0] for t, _ in p} for s, p in parts.items()}
    assert not first["train"] & first["test"]


def test_generic_tasks_cover_tools_without_hand_written_ones() -> None:
    registry = Registry([FakeCaption(), FakeDraw()])
    splits = generate(registry, per_task=4, eval_per_task=2)
    used = {s["tool"] for r in splits["train"] for s in r["plan"]["steps"]}
    assert used == {"fake_caption", "fake_draw"}
    assert any(not r["plan"]["steps"] for r in splits["train"])


def test_cli_writes_loadable_splits(tmp_path: Path) -> None:
    assert main(["train", "data", "--out", str(tmp_path), "--per-task", "3",
                 "--eval-per-task", "1"]) == 0
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert set(manifest["splits"]) == {"train", "dev", "test"}
    dev = load_native(tmp_path / "dev.jsonl")
    check_gold_tools(dev, default_registry())
    assert {c.shape for c in dev.cases} >= {"none", "single", "chain", "dag"}


def test_shipped_splits_match_the_current_registry() -> None:
    registry = default_registry()
    for split in ("train", "dev", "test"):
        data = load_native(DEFAULT_OUT / f"{split}.jsonl")
        check_gold_tools(data, registry)
        used = {s.tool for c in data.cases for s in c.gold.steps}
        assert used == set(registry.names), "re-run modalswitch train data"


def _saved_report(out: Path, split: str, planner: str, limit: int, n: int,
                  modality: float) -> None:
    """An OUT/report.json holding one planner row, as an earlier run leaves it."""
    row = {"n": n, "modality_accuracy": modality, "no_tool_accuracy": 1.0, "node_f1": 0.5,
           "edge_f1": 0.25, "arg_value_f1": 0.5, "validity": 1.0, "plan_latency_p50_s": 1.5,
           "plan_latency_p95_s": 3.0}
    out.mkdir()
    (out / "report.json").write_text(json.dumps(
        {"splits": [split], "limit": limit, "planners": {split: {planner: row}}}))


def test_switch_report_resumes_and_writes_the_doc_table(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Rows already in OUT/report.json are kept (no planner is built) and land in the doc."""
    from modalswitch.evals.reports.switching import BEGIN, END

    out, doc = tmp_path / "out", tmp_path / "switching.md"
    _saved_report(out, "dev", "tuned-routed", limit=24, n=24, modality=0.75)
    doc.write_text(f"# Switching\n\n{BEGIN}\nold table\n{END}\n\nmore text\n")
    args = ["eval", "switching", "--resume", "--no-router", "--splits", "dev",
            "--planners", "tuned-routed", "--limit", "24", "--out", str(out), "--doc", str(doc)]
    assert main(args) == 0
    text = doc.read_text()
    assert "old table" not in text and text.endswith("more text\n")
    assert "| dev | tuned-routed | 24 | 0.750 | 1.000 | 0.500 | 0.250 |" in text
    assert main([*args[:-6], "--limit", "40", "--out", str(out), "--doc", str(doc)]) == 2
    assert "--limit 24, not 40" in capsys.readouterr().err


def test_switch_report_reads_the_natural_sets_into_a_named_block(tmp_path: Path) -> None:
    """A natural split's rows land between its own markers; the unnamed block stays."""
    from modalswitch.evals.reports.switching import BEGIN, END, markers, split_path

    assert split_path("natural-test").name == "natural-test.jsonl"
    assert split_path("dev").parent.name == "switch"
    with pytest.raises(Exception, match="natural-dev"):
        split_path("natural")
    out, doc = tmp_path / "out", tmp_path / "switching.md"
    _saved_report(out, "natural-test", "base", limit=0, n=241, modality=0.9)
    begin, end = markers("natural")
    doc.write_text(f"{BEGIN}\ngenerated\n{END}\n{begin}\nold\n{end}\n")
    assert main(["eval", "switching", "--resume", "--no-router", "--splits", "natural-test",
                 "--planners", "base", "--limit", "0", "--out", str(out), "--doc", str(doc),
                 "--block", "natural"]) == 0
    text = doc.read_text()
    assert "generated" in text and "old" not in text
    assert "| natural-test | base | 241 | 0.900 |" in text.split(begin)[1]
