"""RoutedPlanner: a router in front of a planner.

Only a confident text-only verdict skips the planner: below `skip_below` (a P(needs a
tool) that no tool request of the natural dev set scores), the request is answered in
text without the tool prompt. Above the head's tool threshold the planner is offered only
the likely tools (plus any the head has never seen); in between it decides with every tool
offered. When the router is sure a tool is needed (P >= `sure`, the head's tuned
`sure_threshold` unless given), the plan must have a step: small models otherwise often
answer "speak the words: ..." in text. Not when the plan wants words alone and there is no
file to work on: then the only steps left are text tools over the request's own words,
and "give me ideas for a party theme" became a prompt rewrite (plan_writer.py). If the
narrowed plan fails, the planner tries again with every tool. The decision goes into the
trace as a `route` event, so a trace says why the planner saw the tools it saw.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from modalswitch.agent.plan.inputs import InputSpec
from modalswitch.agent.plan.model import Plan
from modalswitch.agent.planners.base import Planner
from modalswitch.agent.planners.router import Route, Router
from modalswitch.agent.trace.events import RouteDecision
from modalswitch.agent.trace.tracer import Tracer
from modalswitch.errors import PlannerError
from modalswitch.tools.contract.registry import Registry


class NarrowablePlanner(Planner, Protocol):
    """A planner that can be limited to some tools and told a step is required."""

    def plan(self, request: str, inputs: Sequence[InputSpec], tracer: Tracer | None = None,
             *, tools: Sequence[str] | None = None,
             require_steps: bool | None = None) -> Plan:
        """A valid plan using only `tools` (all when None)."""
        ...


class RoutedPlanner:
    """Routes each request, then plans with the routed tools (or answers in text)."""

    def __init__(self, planner: NarrowablePlanner, registry: Registry,
                 router: Router | None = None, *, narrow: bool = True,
                 skip_below: float | None = None, sure: float | None = None) -> None:
        self.planner = planner
        self.registry = registry
        self.router = router or Router()
        self.narrow = narrow
        self.skip_below = (self.router.head.skip_threshold if skip_below is None
                           else skip_below)
        """Below this P(needs tool) the request is answered in text, without planning."""
        self.sure = self.router.head.sure_threshold if sure is None else sure
        """P(needs tool) from which a plan must have a step."""
        self.writer = planner.writer
        """The model that writes text answers and text-tool output."""
        self.name = f"routed:{planner.name}"
        self.last_route: Route | None = None

    def tools_for(self, route: Route) -> list[str] | None:
        """The tools to offer: the routed ones (plus registry tools the head has never
        seen) when the router is confident a tool is needed, else all (None)."""
        if not self.narrow or route.p_tool < self.router.head.tool_threshold:
            return None
        known = set(self.router.head.tool_names)
        chosen = set(route.tools) | {n for n in self.registry.names if n not in known}
        names = [n for n in self.registry.names if n in chosen]
        return names if len(names) < len(self.registry) else None

    def plan(self, request: str, inputs: Sequence[InputSpec],
             tracer: Tracer | None = None) -> Plan:
        """The empty plan for confident text-only requests, else a plan."""
        route = self.router.route(request, inputs, available=self.registry.names)
        self.last_route = route
        skip = route.p_tool < self.skip_below
        tools = None if skip else self.tools_for(route)
        sure = route.p_tool >= self.sure
        if tracer is not None:
            top = sorted(route.tool_scores.items(), key=lambda kv: -kv[1])[:8]
            tracer.emit(RouteDecision(
                span="planner", p_tool=round(route.p_tool, 4), threshold=self.skip_below,
                needs_tool=not skip, tools=[] if skip else (tools or self.registry.names),
                modalities=route.modalities,
                scores={name: round(p, 4) for name, p in top}, require_steps=sure,
                seconds=round(route.seconds, 4)))
        if skip:
            return Plan()
        try:
            return self.planner.plan(request, inputs, tracer, tools=tools, require_steps=sure)
        except PlannerError:
            if tools is None:
                raise
            return self.planner.plan(request, inputs, tracer, require_steps=sure)

    def answer(self, request: str, inputs: Sequence[InputSpec]) -> str:
        """A plain text answer (no tool prompt)."""
        return self.planner.answer(request, inputs)
