"""RoutedPlanner: a router in front of any planner.

Text-only requests (the router's P(needs a tool) below its threshold) get the empty plan
at once, so they are answered without the planner's tool prompt; the rest are planned
over only the tools the router finds likely (Registry.subset), a shorter prompt and a
smaller schema. When the router is sure a tool is needed (P >= `sure`), the narrowed
planner is made with `require_steps=True`, so its decoding rules out the empty plan: small
models otherwise often answer "speak the words: ..." in text. If the narrowed planner
finds no valid plan, the full planner tries. The decision goes into the trace as a
`route` event, so a trace says why the planner saw the tools it saw.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence

from modalswitch.agent.plan.inputs import InputSpec
from modalswitch.agent.plan.model import Plan
from modalswitch.agent.planners.base import Planner
from modalswitch.agent.planners.router import Route, Router
from modalswitch.agent.trace.events import RouteDecision
from modalswitch.agent.trace.tracer import Tracer
from modalswitch.errors import PlannerError
from modalswitch.tools.contract.registry import Registry

PlannerFactory = Callable[[Registry, bool], Planner]
"""Makes a planner over a registry; the flag asks it to rule out the no-tool plan."""


class RoutedPlanner:
    """Routes each request, then plans over the routed tools (or answers in text)."""

    MAX_PLANNERS = 16

    def __init__(self, make_planner: PlannerFactory, registry: Registry,
                 router: Router | None = None, *, narrow: bool = True,
                 skip_text: bool = True, sure: float = 0.7) -> None:
        self.make_planner = make_planner
        self.registry = registry
        self.router = router or Router()
        self.narrow = narrow
        self.skip_text = skip_text
        self.sure = sure
        """P(needs tool) from which a plan must have a step (0.7: no dev or test no-tool
        request of the switching dataset scores that high; 93-96 % of tool requests do)."""
        self.full = make_planner(registry, False)
        self.writer = self.full.writer
        """The model that writes text answers and text-tool output."""
        self.name = f"routed:{self.full.name}"
        self.last_route: Route | None = None
        self._planners: OrderedDict[tuple[str, ...], Planner] = OrderedDict()

    def tools_for(self, route: Route) -> list[str]:
        """The routed tools, plus registry tools the head has never seen (always offered)."""
        known = set(self.router.head.tool_names)
        chosen = set(route.tools) | {n for n in self.registry.names if n not in known}
        return [n for n in self.registry.names if n in chosen]

    def planner_for(self, names: Sequence[str], require_steps: bool = False) -> Planner:
        """A planner over a subset of tools (kept for reuse)."""
        key = (*names, "+steps") if require_steps else tuple(names)
        if key not in self._planners:
            self._planners[key] = self.make_planner(self.registry.subset(names), require_steps)
            while len(self._planners) > self.MAX_PLANNERS:
                self._planners.popitem(last=False)
        self._planners.move_to_end(key)
        return self._planners[key]

    def plan(self, request: str, inputs: Sequence[InputSpec],
             tracer: Tracer | None = None) -> Plan:
        """The empty plan for text-only requests, else a plan over the routed tools."""
        route = self.router.route(request, inputs, available=self.registry.names)
        self.last_route = route
        names = self.tools_for(route) if route.needs_tool or not self.skip_text else []
        sure = route.p_tool >= self.sure
        if tracer is not None:
            top = sorted(route.tool_scores.items(), key=lambda kv: -kv[1])[:8]
            tracer.emit(RouteDecision(
                span="planner", p_tool=round(route.p_tool, 4),
                threshold=self.router.head.tool_threshold, needs_tool=route.needs_tool,
                tools=names, modalities=route.modalities,
                scores={name: round(p, 4) for name, p in top}, require_steps=sure,
                seconds=round(route.seconds, 4)))
        if self.skip_text and not route.needs_tool:
            return Plan()
        if not self.narrow or len(names) >= len(self.registry):
            return self.full.plan(request, inputs, tracer)
        try:
            return self.planner_for(names, require_steps=sure).plan(request, inputs, tracer)
        except PlannerError:
            return self.full.plan(request, inputs, tracer)

    def answer(self, request: str, inputs: Sequence[InputSpec]) -> str:
        """A plain text answer (no tool prompt)."""
        return self.full.answer(request, inputs)
