"""Tools a request names: clauses set against tool descriptions (the packaged MiniLM), with
thresholds calibrated on the catalog's own solved examples, or none when those examples
show that mentions cannot be trusted."""

from __future__ import annotations

from typing import Any

from modalswitch.agent.planners.retrieval import ToolIndex
from modalswitch.agent.planners.tool_mentions import ToolMentions, clauses
from modalswitch.evals.datasets.catalog import spec_registry, specs_from_json

CATALOG = spec_registry(specs_from_json([
    {"name": "text_translator", "description": "Translates text from one language into another.",
     "inputs": {"text": "text"}, "outputs": {"text": "text"}},
    {"name": "text_summarizer", "description": "Summarizes a long text into a short summary.",
     "inputs": {"text": "text"}, "outputs": {"text": "text"}},
    {"name": "text_to_audio", "description": "Reads text aloud as speech audio.",
     "inputs": {"text": "text"}, "outputs": {"audio": "audio"}},
    {"name": "image_generator", "description": "Generates an image from a text description.",
     "inputs": {"text": "text"}, "outputs": {"image": "image"}},
]))


def solved(request: str, *tools: str) -> dict[str, Any]:
    steps = [{"id": f"s{i}", "tool": t, "args": {"text": "x"}} for i, t in enumerate(tools, 1)]
    return {"request": request, "inputs": [], "plan": {"steps": steps, "outputs": []}}


EXAMPLES = [
    solved("Translate this letter into Spanish, then summarize it", "text_translator",
           "text_summarizer"),
    solved("Please summarize my notes and read the summary aloud", "text_summarizer",
           "text_to_audio"),
    solved("Draw a picture of a fox in the snow", "image_generator"),
    solved("Could you translate 'good morning' into German?", "text_translator"),
    solved("Generate an image of a castle, and read a poem about it aloud",
           "image_generator", "text_to_audio"),
]


def test_a_request_splits_into_clauses_at_punctuation_and_joining_words() -> None:
    assert clauses("Translate this, then summarize it and read it aloud. Thanks!") == [
        "translate this", "summarize it", "read it aloud"]
    assert clauses("ok") == []


def test_calibrated_mentions_name_what_each_clause_asks_for() -> None:
    mentions = ToolMentions.calibrated(ToolIndex(CATALOG), EXAMPLES)
    assert mentions is not None
    named = mentions.named("I need this German article translated into English, and after "
                           "that give me a short summary of it")
    assert named == ["text_translator", "text_summarizer"]
    # in the order the request asks for them
    assert mentions.named("Give me a short summary of this German article, and after that "
                          "translate it into English") == ["text_summarizer", "text_translator"]
    assert mentions.named("What is the capital of France?") == []


def test_examples_whose_plans_disagree_with_their_words_turn_mentions_off() -> None:
    # every plan uses a tool its request does not ask for: no threshold is reliable
    misleading = [solved(e["request"], "image_generator") if i % 2 else
                  solved(e["request"], "text_to_audio") for i, e in enumerate(EXAMPLES)]
    assert ToolMentions.calibrated(ToolIndex(CATALOG), misleading) is None
    assert ToolMentions.calibrated(ToolIndex(CATALOG), []) is None
