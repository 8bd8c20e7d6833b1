"""Text helpers through the executor with a scripted chat model, and without one."""

from __future__ import annotations

from pathlib import Path

from media_checks import run_plan

from modalswitch import Registry, ScriptedChat
from modalswitch.tools import media_tools
from modalswitch.tools.text import RewritePrompt, SummarizeText, TranslateText


def test_helpers_ask_the_chat_model(home: Path) -> None:
    def reply(messages: list[dict[str, str]]) -> str:
        system, user = messages[0]["content"], messages[-1]["content"]
        if "translator" in system:
            return "Bonjour le monde"
        if "prompts for a text-to-image" in system:
            return '"a monarch butterfly on a purple thistle, macro photo, soft light"'
        return "Butterflies migrate." if "at most 20 words" in user else "?"

    chat = ScriptedChat(reply)
    # one tool brings its own chat model; the others get the run's (the planner's writer)
    registry = Registry([SummarizeText(chat), TranslateText(), RewritePrompt()])
    steps = [{"id": "s", "tool": "summarize_text",
              "args": {"text": "Monarch butterflies fly thousands of miles.", "max_words": 20}},
             {"id": "t", "tool": "translate_text",
              "args": {"text": "Hello world", "target_language": "French"}},
             {"id": "r", "tool": "rewrite_prompt",
              "args": {"text": "butterfly", "target": "image"}}]
    response = run_plan(registry, home, steps, ["@s", "@t", "@r"], writer=chat)
    assert response.ok, response.text
    assert response.text.split("\n\n") == [
        "Butterflies migrate.", "Bonjour le monde",
        "a monarch butterfly on a purple thistle, macro photo, soft light"]
    assert len(chat.calls) == 3


def test_without_a_chat_model_the_error_says_what_to_do(home: Path) -> None:
    response = run_plan(Registry([SummarizeText()]), home,
                        [{"id": "s", "tool": "summarize_text", "args": {"text": "x y z"}}], ["@s"])
    (failure,) = response.failures
    assert failure.error_type == "ToolError"
    assert "needs a chat model" in failure.message and "llm=" in failure.message


def test_the_tools_that_write_say_so() -> None:
    registry = Registry(media_tools())
    assert {t.name for t in registry if t.uses_chat} == {
        "answer_image_question", "summarize_video", "summarize_text", "translate_text",
        "rewrite_prompt"}


def test_tools_write_with_the_writer_not_the_plan_model(tmp_path: Path) -> None:
    """A plan-tuned planner keeps its model for plans; words come from its writer."""
    from modalswitch import Agent, LLMPlanner

    plan = {"wants": "text", "steps": [{"id": "s1", "tool": "summarize_text",
                                        "args": {"text": "Monarchs fly far."}}],
            "outputs": ["@s1.text"]}
    planning = ScriptedChat([plan, {"wants": "text", "steps": [], "outputs": []}])
    writer = ScriptedChat(["Monarchs migrate.", "Paris."])
    registry = Registry([SummarizeText()])
    agent = Agent(LLMPlanner(planning, registry, writer=writer, use_examples=False), registry,
                  home=tmp_path)
    response = agent.run("summarize: Monarchs fly far.")
    assert response.ok and response.text == "Monarchs migrate."
    assert agent.run("What is the capital of France?").text == "Paris."
    assert len(planning.calls) == 2 and len(writer.calls) == 2
    assert all(call["json_schema"] is None for call in writer.calls)  # prose, not plans


def test_words_for_a_voice_are_the_piece_itself_cleaned_of_markup(home: Path) -> None:
    """"a joke" for speech is a joke, not a prompt describing one; tags, stage directions
    and a greedy loop never reach the voice."""
    chat = ScriptedChat(["<voice>\nWhy did the owl stay in? (pause) Too hoot outside.\n"
                         "Owls hoot.\nAt night.\nOwls hoot.\nAt night.\nOwls hoot.\n</voice>"])
    response = run_plan(Registry([RewritePrompt()]), home,
                        [{"id": "r", "tool": "rewrite_prompt",
                          "args": {"text": "a joke about owls", "target": "speech"}}],
                        ["@r"], writer=chat)
    assert response.ok, response.text
    assert response.text == "Why did the owl stay in? Too hoot outside.\nOwls hoot.\nAt night."
    system = chat.calls[0]["messages"][0]["content"]
    assert "exact words a voice will say" in system and "prompts for" not in system
