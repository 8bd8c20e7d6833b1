"""The data pipeline on a tiny catalog: back-instruct synthesis and LLM paraphrasing keep
only pairs whose plan still holds."""

from __future__ import annotations

import json
import random
import re
from types import SimpleNamespace

from modalswitch import Plan, Registry, ScriptedChat
from modalswitch.agent.plan import InputSpec, check_plan
from modalswitch.tools import Modality, default_registry
from modalswitch.tools.fakes import fake_registry
from modalswitch.training.dataset.backinstruct import sample_skeleton, synthesize
from modalswitch.training.dataset.paraphrase import paraphrase, still_holds


def _small() -> Registry:
    full = fake_registry()
    return full.subset(["fake_caption", "fake_draw", "fake_speak", "fake_transcribe"])


def test_skeletons_connect_their_types() -> None:
    registry = _small()
    rng = random.Random(0)
    for _ in range(200):
        sk = sample_skeleton(registry, rng)
        filled = json.loads(json.dumps(sk.steps))
        for index, name in sk.blanks:
            filled[index]["args"][name] = "words"
        specs = [InputSpec(n, Modality(m)) for n, m in sk.inputs]
        plan = Plan.parse({"steps": filled, "outputs": sk.outputs})
        assert check_plan(plan, registry, specs) == [], sk


def _writer(messages: list[dict[str, str]]) -> str:
    """A "model" that writes a request quoting every blank, and names every file."""
    prompt = messages[-1]["content"]
    keys = re.findall(r'"(s\d+\.\w+)"', prompt)
    files = re.findall(r"(\S+\.\w{3}) \(\w+\)", prompt)
    words = {k: f"the tale of a red fox {n}" for n, k in enumerate(keys)}
    request = " and ".join(["please work on " + ", ".join(files) if files else "please",
                            *words.values()])
    return json.dumps({"request": request, **words})


def test_synthesis_keeps_only_pairs_that_hold() -> None:
    registry = _small()
    cases = list(synthesize(registry, ScriptedChat(_writer), 25, seed=1))
    assert len(cases) == 25
    for case in cases:
        specs = [InputSpec(n, Modality(m)) for n, m in case["inputs"]]
        assert check_plan(Plan.parse(case["plan"]), registry, specs) == []
        assert all(name in case["request"] for name, _ in case["inputs"])
    liar = ScriptedChat(lambda m: json.dumps({"request": "something else entirely",
                                              **dict.fromkeys(re.findall(
                                                  r'"(s\d+\.\w+)"', m[-1]["content"]),
                                                  "a blue whale")}))
    assert list(synthesize(registry, liar, 5, seed=1, attempts=2)) == []


def test_paraphrases_must_keep_the_plan_s_words_and_files() -> None:
    registry = _small()
    case = {"id": "c1", "request": "Draw 'a red fox' from photo.png please",
            "inputs": [["photo.png", "image"]],
            "plan": {"steps": [{"id": "s1", "tool": "fake_draw", "args": {"text": "a red fox"}}],
                     "outputs": ["@s1.image"]}}
    assert still_holds(case, "could u sketch a red fox for me, using photo.png", registry)
    assert not still_holds(case, "could u sketch a fox for me, using photo.png", registry)
    assert not still_holds(case, "sketch a red fox for me", registry)  # the file is gone
    assert not still_holds(case, case["request"], registry)  # an echo is no rewrite
    chat = ScriptedChat(["Rewritten request: a red fox, drawn, from photo.png — pls",
                         "a wolf instead"])
    kept = list(paraphrase([case, {**case, "id": "c2"}], chat, registry))
    assert [k["id"] for k in kept] == ["c1-p"]
    assert kept[0]["request"] == "a red fox, drawn, from photo.png — pls"
    assert kept[0]["plan"] == case["plan"] and "paraphrased" in kept[0]["tags"]


def _case(request: str, *tools: str) -> dict[str, object]:
    return {"request": request, "inputs": [],
            "plan": {"steps": [{"id": f"s{i}", "tool": t, "args": {}}
                               for i, t in enumerate(tools, 1)]}}


def test_a_request_must_ask_for_every_step_of_its_plan() -> None:
    from modalswitch.agent.planners.retrieval import ToolIndex
    from modalswitch.training.dataset.backinstruct import asks_for_every_step

    tools = ToolIndex(default_registry())  # ranks mean something among 25 tools
    request = "Write a caption for photo.png, then read that caption aloud to me"
    assert asks_for_every_step(_case(request, "caption_image", "text_to_speech"), tools)
    # a plan whose steps the request never asks for (the small writer's usual slip)
    assert not asks_for_every_step(_case(request, "caption_image", "speech_to_text"), tools)
    assert not asks_for_every_step(_case("Please paint a lighthouse at dusk for me",
                                         "text_to_speech"), tools)


def test_synthesis_drops_requests_about_other_steps_or_other_files() -> None:
    registry = _small()

    def stray(messages: list[dict[str, str]]) -> str:
        """Names the files it was given, and also one it was not."""
        reply = json.loads(_writer(messages))
        return json.dumps(reply | {"request": reply["request"] + " like meeting.wav"})

    assert list(synthesize(registry, ScriptedChat(stray), 3, seed=1, attempts=2)) == []
    # with a tool index, a request that asks for no step of its plan is dropped
    asks_nothing = SimpleNamespace(mention_ranks=lambda request: dict.fromkeys(
        registry.names, len(registry.names)))
    assert list(synthesize(registry, ScriptedChat(_writer), 3, seed=1, attempts=2,
                           tools=asks_nothing)) == []  # type: ignore[arg-type]
    assert len(list(synthesize(registry, ScriptedChat(_writer), 3, seed=1))) == 3


def test_a_synthesized_url_must_be_one_the_request_quotes() -> None:
    from modalswitch.evals.datasets.catalog import spec_registry, specs_from_json
    from modalswitch.training.dataset.backinstruct import Skeleton, fill

    registry = spec_registry(specs_from_json([
        {"name": "fetch_page", "description": "Download the text at a URL.",
         "inputs": {"url": "url"}, "outputs": {"text": "text"}}]))
    sk = Skeleton(steps=[{"id": "s1", "tool": "fetch_page", "args": {"url": None}}],
                  blanks=[(0, "url")], outputs=["@s1.text"])
    quoted = fill(sk, {"request": "grab the page at https://example.com/a please",
                       "s1.url": "https://example.com/a"}, registry)
    assert quoted is not None and quoted["plan"]["steps"][0]["args"]["url"] == \
        "https://example.com/a"
    # words of the request, but not a URL the planner could copy from it
    assert fill(sk, {"request": "grab the page called garden tips please",
                     "s1.url": "garden tips"}, registry) is None


def test_skeletons_feed_a_url_argument_only_a_url() -> None:
    from modalswitch.evals.datasets.catalog import spec_registry, specs_from_json

    registry = spec_registry(specs_from_json([
        {"name": "find_link", "inputs": {"text": "text"}, "outputs": {"url": "url"}},
        {"name": "search", "inputs": {"text": "text"}, "outputs": {"text": "text"}},
        {"name": "fetch_page", "inputs": {"url": "url"}, "outputs": {"text": "text"}}]))
    rng = random.Random(0)
    fed = 0
    for _ in range(300):
        sk = sample_skeleton(registry, rng)
        for step in sk.steps:
            if step["tool"] == "fetch_page" and step["args"]["url"] is not None:
                ref = step["args"]["url"]
                source = next(s for s in sk.steps if ref.startswith(f"@{s['id']}."))
                assert source["tool"] == "find_link", sk
                fed += 1
    assert fed  # the chain find_link -> fetch_page was sampled
