"""Eval folders for the studio's tests: an oracle eval and a scripted LLM that plans wrong
(a repair, a wrong tool, a wrong value), on the fake tools."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from modalswitch import LLMPlanner, ScriptedChat
from modalswitch.evals.datasets import load_dataset
from modalswitch.evals.runner import run_eval
from modalswitch.evals.runner.planners import OraclePlanner, PlannerAdapter
from modalswitch.tools.fakes import fake_registry

CASES = [
    {"id": "speak", "request": "transcribe this and say it back", "inputs": [["memo.wav", "audio"]],
     "plan": {"steps": [{"id": "s1", "tool": "fake_transcribe", "args": {"audio": "@input0"}},
                        {"id": "s2", "tool": "fake_speak", "args": {"text": "@s1"}}],
              "outputs": ["@s2"]}},
    {"id": "draw", "request": "draw a cat", "inputs": [],
     "plan": {"steps": [{"id": "s1", "tool": "fake_draw", "args": {"text": "a cat"}}],
              "outputs": ["@s1"]}},
]
REPLIES = [  # in case order: the LLM planner plans one case at a time
    {"steps": [{"id": "s1", "tool": "fake_transcribe", "args": {"audio": "@input0"}},
               {"id": "s2", "tool": "fake_speek", "args": {"text": "@s1"}}], "outputs": ["@s2"]},
    {"steps": [{"id": "s1", "tool": "fake_transcribe", "args": {"audio": "@input0"}},
               {"id": "s2", "tool": "fake_draw", "args": {"text": "@s1"}}], "outputs": ["@s2"]},
    {"steps": [{"id": "s1", "tool": "fake_draw", "args": {"text": "a dog"}}], "outputs": ["@s1"]},
]


@pytest.fixture(scope="session")
def two_evals(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(oracle eval, scripted-LLM eval) of the same two cases, plan only."""
    root = tmp_path_factory.mktemp("studio-evals")
    data = root / "cases.jsonl"
    data.write_text("".join(json.dumps(c) + "\n" for c in CASES))
    dataset = load_dataset(data)
    llm = PlannerAdapter(LLMPlanner(ScriptedChat(REPLIES), fake_registry()))
    run_eval(dataset, OraclePlanner(), root / "oracle", registry=fake_registry(), workers=1)
    run_eval(dataset, llm, root / "llm", registry=fake_registry(), workers=1)
    return root / "oracle", root / "llm"
