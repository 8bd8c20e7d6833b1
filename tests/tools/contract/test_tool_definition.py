"""A tool class is checked when it is defined; Input and Output come from Tool[In, Out]."""

from __future__ import annotations

import types

import pytest
from pydantic import BaseModel

from modalswitch import TextContent, Tool, ToolContext, UserError
from modalswitch.errors import ToolDefinitionError


class In(BaseModel):
    text: TextContent


class Out(BaseModel):
    text: TextContent


class Settings(BaseModel):
    count: int = 1


def test_input_and_output_come_from_the_generic_parameters() -> None:
    class Echo(Tool[In, Out]):
        name = "echo"
        description = "Say the text back."

        def run(self, args: In, ctx: ToolContext) -> Out:
            return Out(text=args.text)

    assert Echo.Input is In and Echo.Output is Out
    assert Echo().primary_output == "text"


@pytest.mark.parametrize(("attrs", "message"), [
    ({"description": "x"}, "`name` must be"),
    ({"name": "Bad Name", "description": "x"}, "`name` must be"),
    ({"name": "no_words"}, "`description`"),
    ({"name": "blank", "description": "   "}, "`description`"),
])
def test_a_tool_without_a_usable_name_or_description_fails_at_definition(
        attrs: dict[str, str], message: str) -> None:
    def run(self: Tool[In, Out], args: In, ctx: ToolContext) -> Out:
        return Out(text="")

    with pytest.raises(ToolDefinitionError, match=message):
        types.new_class("Broken", (Tool[In, Out],),
                        exec_body=lambda ns: ns.update({"run": run, **attrs}))


def test_an_output_without_content_fails_at_definition() -> None:
    with pytest.raises(ToolDefinitionError, match="no content field"):
        class Counter(Tool[In, Settings]):
            name = "counter"
            description = "Count."

            def run(self, args: In, ctx: ToolContext) -> Settings:
                return Settings()


def test_models_that_are_not_pydantic_fail_at_definition() -> None:
    with pytest.raises(ToolDefinitionError, match="pydantic models"):
        class Raw(Tool):  # type: ignore[type-arg]
            name = "raw"
            description = "No models."

            def run(self, args: object, ctx: ToolContext) -> object:
                return args


def test_abstract_bases_are_not_checked_and_the_error_is_a_user_error() -> None:
    class Base(Tool[In, Out]):
        """No name yet: an abstract base for real tools."""

    assert Base.Input is In
    assert issubclass(ToolDefinitionError, UserError)
