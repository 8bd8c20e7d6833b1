"""How many steps a plan needs, over a set of tools, to make what it still lacks.

The plan writer asks this before every choice, so that no choice leads where the wanted
media can no longer be made in the steps left. What a plan has is a set of modalities
(and `VERBATIM` once a verbatim value exists: a URL the request quotes or a step found);
a tool needs the media (and verbatim values) of its required arguments and makes what
its results hold.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from modalswitch.tools.contract.fields import field_kind
from modalswitch.tools.contract.modality import MEDIA, Modality
from modalswitch.tools.contract.tool import Tool

VERBATIM: Literal["verbatim"] = "verbatim"
"""The name for "a verbatim value exists" (a quoted URL), beside the modalities."""
Need = Modality | Literal["verbatim"]


def needs(tool: Tool[Any, Any]) -> set[Need]:
    """What a tool's required arguments take: media, and a verbatim value."""
    kinds = [field_kind(tool.Input, n)
             for n, info in tool.Input.model_fields.items() if info.is_required()]
    found: set[Need] = {k.modality for k in kinds
                        if k.modality is not None and k.modality in MEDIA}
    return found | ({VERBATIM} if any(k.verbatim for k in kinds) else set())


def makes(tool: Tool[Any, Any]) -> set[Need]:
    """What a tool's results hold: modalities, and a verbatim value."""
    verbatim = any(field_kind(tool.Output, n).verbatim for n in tool.Output.model_fields)
    return set(tool.output_modalities) | ({VERBATIM} if verbatim else set())


def takes(tool: Tool[Any, Any]) -> set[Modality]:
    """The modalities any of a tool's arguments (required or not) can take from a file or
    a step (a verbatim argument takes only a URL)."""
    kinds = (field_kind(tool.Input, n) for n in tool.Input.model_fields)
    return {k.modality for k in kinds if k.modality is not None and not k.verbatim}


class Reachability:
    """Step counts over a fixed set of tools."""

    def __init__(self, tools: Sequence[Tool[Any, Any]]) -> None:
        self.tools = list(tools)
        self._needs = {t.name: needs(t) for t in self.tools}
        self._makes = {t.name: makes(t) for t in self.tools}
        self._takes = {t.name: takes(t) for t in self.tools}
        self._leads: dict[frozenset[Modality], frozenset[Need]] = {}

    def leading_to(self, allowed: frozenset[Modality]) -> frozenset[Need]:
        """What can end up as one of `allowed`: those modalities themselves, and what some
        tool takes to make something that can (so a picture leads to text where a tool
        describes pictures)."""
        if allowed not in self._leads:
            leads: set[Need] = set(allowed)
            changed = True
            while changed:
                changed = False
                for tool in self.tools:
                    if self._makes[tool.name] & leads and not self._takes[tool.name] <= leads:
                        leads |= self._takes[tool.name]
                        changed = True
            self._leads[allowed] = frozenset(leads)
        return self._leads[allowed]

    def needs_of(self, tool: Tool[Any, Any]) -> set[Need]:
        """What one of these tools needs (computed once)."""
        return self._needs[tool.name]

    def makes_of(self, tool: Tool[Any, Any]) -> set[Need]:
        """What one of these tools makes (computed once)."""
        return self._makes[tool.name]

    def takes_of(self, tool: Tool[Any, Any]) -> set[Modality]:
        """What one of these tools can take (computed once)."""
        return self._takes[tool.name]

    def costs(self, have: set[Need]) -> dict[Need, float]:
        """Steps each modality (and a verbatim value) costs from what is had (0 for what
        is), counting the making of each input a step needs separately."""
        cost: dict[Need, float] = {m: 0.0 if m in have else float("inf")
                                   for m in [*Modality, VERBATIM]}
        changed = True
        while changed:  # costs only fall, and are whole numbers: this ends
            changed = False
            for tool in self.tools:
                price = 1 + sum(cost[m] for m in self._needs[tool.name])
                for m in self._makes[tool.name]:
                    if price < cost[m]:
                        cost[m], changed = price, True
        return cost

    def reachable(self, have: set[Need], targets: Sequence[Modality], steps_left: int) -> bool:
        """Whether steps can make every target within `steps_left` more steps.

        A target's count is a step that makes it plus the cost of that step's needs: never
        fewer than the fewest, so a target judged within reach always is (taking the first
        step of that count's plan lowers it by one)."""
        if not targets:
            return steps_left >= 0
        cost = self.costs(have)
        steps = sum(min((1 + sum(cost[m] for m in self._needs[t.name]) for t in self.tools
                         if target in self._makes[t.name]), default=float("inf"))
                    for target in targets)
        return steps <= steps_left
