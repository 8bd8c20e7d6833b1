"""The registry: the tools a planner may call, and their exports (JSON Schema, OpenAI)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from modalswitch.errors import UnknownToolError
from modalswitch.tools.contract.modality import Modality
from modalswitch.tools.contract.schemas import input_schema
from modalswitch.tools.contract.tool import Tool


class Registry:
    """An ordered set of tools, looked up by name."""

    def __init__(self, tools: Iterable[Tool[Any, Any]] = ()) -> None:
        self._tools: dict[str, Tool[Any, Any]] = {}
        for tool in tools:
            self.add(tool)

    def add(self, tool: Tool[Any, Any]) -> None:
        """Register a tool; names are unique."""
        if tool.name in self._tools:
            raise ValueError(f"a tool named {tool.name!r} is already registered")
        self._tools[tool.name] = tool

    def get(self, name: str) -> Tool[Any, Any]:
        """The tool called `name`, or UnknownToolError with the closest name."""
        try:
            return self._tools[name]
        except KeyError:
            raise UnknownToolError(name, list(self._tools)) from None

    def __contains__(self, name: object) -> bool:
        return name in self._tools

    def __iter__(self) -> Iterator[Tool[Any, Any]]:
        return iter(self._tools.values())

    def __len__(self) -> int:
        return len(self._tools)

    @property
    def names(self) -> list[str]:
        """Tool names in registration order."""
        return list(self._tools)

    def subset(self, names: Iterable[str]) -> Registry:
        """A registry with only the named tools (e.g. the ones a router picked)."""
        return Registry(self.get(n) for n in names)

    def producing(self, modality: Modality) -> list[Tool[Any, Any]]:
        """The tools that output a modality."""
        return [t for t in self if modality in t.output_modalities]

    def describe(self) -> list[dict[str, Any]]:
        """Every tool's name, description, modalities, backend and JSON schemas."""
        return [tool.describe() for tool in self]

    def openai_tools(self) -> list[dict[str, Any]]:
        """The registry as OpenAI chat-completions tool definitions."""
        return [
            {
                "type": "function",
                "function": {
                    "name": tool.name,
                    "description": tool.description,
                    "parameters": input_schema(tool.Input),
                },
            }
            for tool in self
        ]
