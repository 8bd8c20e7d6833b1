"""The switching router: head training, thresholds, save/load, RoutedPlanner behaviour."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from rich.console import Console

from modalswitch import Modality, Plan, Registry, ScriptedPlanner
from modalswitch.agent.plan import InputSpec
from modalswitch.agent.planners import Route, RoutedPlanner, Router
from modalswitch.agent.planners.router import RouterHead, input_features
from modalswitch.evals.scoring.routing import label_names
from modalswitch.training.router import fit_logistic, tune

TOOLS = ["fake_caption", "fake_draw", "fake_speak", "fake_transcribe"]


def _head(tool_p: float, tools: dict[str, float]) -> RouterHead:
    """A head whose (single, constant) feature yields the given probabilities."""
    labels = label_names(TOOLS)
    logit = {"needs_tool": tool_p, **{f"tool:{k}": v for k, v in tools.items()}}
    bias = np.array([np.log(p / (1 - p)) for p in
                     (logit.get(label, 0.01) for label in labels)], dtype=np.float32)
    return RouterHead(labels, np.zeros((1, len(labels)), np.float32), bias, tool_threshold=0.5,
                      keep_threshold=0.2, min_tools=1)


class _FixedRouter(Router):
    """A Router with a fixed head and no embedding model (route() predicts from the bias)."""

    def route(self, request: str, inputs: object, available: object = None) -> Route:
        probs = self.head.predict(np.zeros((1, 1), np.float32))[0]
        return self.decide(probs, available)  # type: ignore[arg-type]


def test_logistic_head_learns_separable_labels() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 8)).astype(np.float32)
    y = np.stack([(x[:, 0] > 0), (x[:, 1] > 0.5)], axis=1).astype(np.float32)
    w, b = fit_logistic(x, y, epochs=300, lr=0.1)
    pred = 1 / (1 + np.exp(-(x @ w + b))) >= 0.5
    assert (pred == (y > 0)).mean() > 0.95


def test_head_round_trips_and_tune_keeps_tool_recall(tmp_path: Path) -> None:
    head = _head(0.9, {"fake_draw": 0.8})
    labels = head.labels
    probs = np.full((4, len(labels)), 0.01, np.float32)
    y = np.zeros_like(probs)
    probs[:2, 0], y[:2, 0] = [0.55, 0.95], 1  # two tool requests
    probs[2:, 0] = [0.75, 0.05]  # two text requests, one about an attached file
    draw = labels.index("tool:fake_draw")
    speak = labels.index("tool:fake_speak")
    probs[:2, draw], y[:2, draw] = 0.3, 1
    probs[:2, speak], y[:2, speak] = 0.25, 1  # the second gold tool is not in the top 1
    tuned = tune(head, probs, y)
    assert tuned.tool_threshold <= 0.55 and tuned.tool_threshold > 0.2
    assert tuned.keep_threshold == 0.2
    assert tuned.sure_threshold == 0.8  # the text request at 0.75 may still plan no step
    tuned.save(tmp_path / "head.npz")
    back = RouterHead.load(tmp_path / "head.npz")
    assert back.labels == labels and back.tool_threshold == tuned.tool_threshold
    assert back.sure_threshold == 0.8
    assert np.allclose(back.bias, tuned.bias)


def test_input_features_count_modalities() -> None:
    feats = input_features([InputSpec("a.png", Modality.IMAGE), InputSpec("b.png", Modality.IMAGE)])
    assert feats[1] == 1.0 and feats[0] == 0.0 and feats[5] == 0.5 and feats[-1] == 0.0
    assert input_features([])[-1] == 1.0


def test_only_a_confident_text_verdict_skips_the_planner(registry: Registry) -> None:
    planner = ScriptedPlanner([Plan()])
    confident = RoutedPlanner(planner, registry, _FixedRouter(_head(0.05, {})), skip_below=0.1)
    assert confident.plan("why is the sky blue?", []).is_text_answer
    assert planner.requests == []  # skipped: the planner was never asked
    unsure = RoutedPlanner(planner, registry, _FixedRouter(_head(0.3, {})), skip_below=0.1)
    unsure.plan("show me an owl at night", [])
    assert planner.requests == ["show me an owl at night"]
    assert planner.narrowing == [(None, False)]  # unsure: every tool offered, none required


def test_a_sure_route_narrows_the_tools_and_falls_back_to_all(registry: Registry) -> None:
    from modalswitch import PlannerError

    plan = Plan.parse({"steps": [{"id": "s1", "tool": "fake_draw", "args": {"text": "a cat"}}],
                       "outputs": ["@s1.image"]})
    calls: list[tuple[list[str] | None, bool | None]] = []

    class FailsWhenNarrowed(ScriptedPlanner):
        def plan(self, request: str, inputs: object, tracer: object = None, *,
                 tools: object = None, require_steps: object = None) -> Plan:
            calls.append((tools, require_steps))  # type: ignore[arg-type]
            if tools is not None:
                raise PlannerError("no plan with these tools")
            return plan

    routed = RoutedPlanner(FailsWhenNarrowed([plan]), registry,
                           _FixedRouter(_head(0.9, {"fake_draw": 0.9})), skip_below=0.1)
    assert routed.plan("draw a cat", []) == plan
    (narrowed, sure), (everything, still_sure) = calls
    assert narrowed is not None and "fake_draw" in narrowed and "fake_caption" not in narrowed
    assert set(narrowed) - {"fake_draw"} == set(registry.names) - set(TOOLS)  # unseen tools
    assert sure is True and everything is None and still_sure is True


@pytest.mark.parametrize(("p_tool", "required"), [(0.9, True), (0.6, False)])
def test_a_sure_route_rules_out_the_empty_plan(registry: Registry, p_tool: float,
                                               required: bool) -> None:
    from modalswitch import LLMPlanner, ScriptedChat

    draw = {"wants": "image", "steps": [{"id": "s1", "tool": "fake_draw",
                                         "args": {"text": "a cat"}}], "outputs": ["@s1.image"]}
    chat = ScriptedChat([draw])
    routed = RoutedPlanner(LLMPlanner(chat, registry, use_examples=False), registry,
                           _FixedRouter(_head(p_tool, {"fake_draw": 0.9})), skip_below=0.1)
    assert [s.tool for s in routed.plan("speak: a cat", []).steps] == ["fake_draw"]
    steps_schema = chat.calls[0]["json_schema"]["properties"]["steps"]
    assert steps_schema["minItems"] == (1 if required else 0)


@pytest.mark.real
def test_shipped_router_separates_tool_and_text_requests() -> None:
    pytest.importorskip("sentence_transformers")
    from modalswitch.tools import default_registry

    router = Router()
    names = default_registry().names
    draw = router.route("please draw a lighthouse in a storm", [], names)
    assert draw.needs_tool and "generate_image" in draw.tools and "image" in draw.modalities
    assert draw.p_tool >= 0.7  # sure: the plan must have a step
    text = router.route("write a haiku about the sound of rain", [], names)
    assert text.p_tool < 0.2 < draw.p_tool  # not sure of a tool: the planner decides
    chat = router.route("what is the capital of France?", [], names)
    assert not chat.needs_tool and chat.tools == []  # sure it is text: no planning
    speak = router.route("read the sign out loud", [InputSpec("sign.png", Modality.IMAGE)],
                         names)
    assert speak.needs_tool and {"read_text", "text_to_speech"} <= set(speak.tools)


def test_embedded_configurations_are_named_and_checked() -> None:
    from modalswitch import UserError
    from modalswitch.agent.planners import embedded_planner
    from modalswitch.agent.planners.presets import CONFIGS, DEFAULT_CONFIG
    from modalswitch.tools import default_registry

    assert DEFAULT_CONFIG in CONFIGS
    with pytest.raises(UserError, match="choose from base, routed, tuned, tuned-routed"):
        embedded_planner(default_registry(), "fastest")


def test_the_route_is_in_the_trace(registry: Registry, home: Path, tmp_path: Path) -> None:
    """A trace explains why the planner saw the tools it saw."""
    from modalswitch import Agent
    from modalswitch.agent.trace import RouteDecision, read_trace, summarize_trace
    from modalswitch.views.trace_tree import trace_tree

    draw = Plan.parse({"steps": [{"id": "s1", "tool": "fake_draw", "args": {"text": "a cat"}}],
                       "outputs": ["@s1.image"]})
    routed = RoutedPlanner(ScriptedPlanner([draw]), registry,
                           _FixedRouter(_head(0.9, {"fake_draw": 0.9})), skip_below=0.1)
    Agent(routed, registry, home=home).run("draw a cat", out_dir=tmp_path / "run")
    (route,) = [e for e in read_trace(tmp_path / "run" / "trace.jsonl")
                if isinstance(e, RouteDecision)]
    assert route.needs_tool and route.require_steps and route.threshold == 0.1
    assert route.p_tool == pytest.approx(0.9, abs=1e-3)
    assert "fake_draw" in route.tools and "fake_caption" not in route.tools
    assert route.scores["fake_draw"] == pytest.approx(0.9, abs=1e-3)
    console = Console(record=True, width=120)
    console.print(trace_tree(summarize_trace(tmp_path / "run")))
    assert "route: tools  P(tool) 0.90 (threshold 0.10)" in console.export_text()
