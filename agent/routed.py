"""RoutedPlanner: a router in front of any planner.

Text-only requests (the router's P(needs a tool) below its threshold) get the empty plan
at once, so they are answered without the planner's tool prompt; the rest are planned
over only the tools the router finds likely (Registry.subset), a shorter prompt and a
smaller schema. When the router is sure a tool is needed (P >= `sure`), the narrowed
planner's decoding rules out the empty plan (a planner with a `require_steps` attribute,
like LLMPlanner): small models otherwise often answer "speak the words: ..." in text.
If the narrowed planner finds no valid plan, the full planner tries.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence

from ..errors import PlannerError
from ..tools.registry import Registry
from .plan import Plan
from .planner import Planner
from .router import Route, Router
from .trace import Tracer
from .validate import InputSpec


class RoutedPlanner:
    """Routes each request, then plans over the routed tools (or answers in text)."""

    MAX_PLANNERS = 16

    def __init__(self, make_planner: Callable[[Registry], Planner], registry: Registry,
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
        self.full = make_planner(registry)
        self.writer = getattr(self.full, "writer", None)
        """The model that writes text answers and text-tool output (lent by the Agent)."""
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
            planner = self.make_planner(self.registry.subset(names))
            if require_steps and hasattr(planner, "require_steps"):
                planner.require_steps = True
            self._planners[key] = planner
            while len(self._planners) > self.MAX_PLANNERS:
                self._planners.popitem(last=False)
        self._planners.move_to_end(key)
        return self._planners[key]

    def plan(self, request: str, inputs: Sequence[InputSpec],
             tracer: Tracer | None = None) -> Plan:
        """The empty plan for text-only requests, else a plan over the routed tools."""
        route = self.router.route(request, inputs, available=self.registry.names)
        self.last_route = route
        if self.skip_text and not route.needs_tool:
            return Plan()
        names = self.tools_for(route)
        if not self.narrow or len(names) >= len(self.registry):
            return self.full.plan(request, inputs, tracer)
        try:
            sure = route.p_tool >= self.sure
            return self.planner_for(names, require_steps=sure).plan(request, inputs, tracer)
        except PlannerError:
            return self.full.plan(request, inputs, tracer)

    def answer(self, request: str, inputs: Sequence[InputSpec]) -> str:
        """A plain text answer (no tool prompt)."""
        return self.full.answer(request, inputs)
