"""The data pipeline on a tiny catalog: back-instruct synthesis and LLM paraphrasing keep
only pairs whose plan still holds."""

from __future__ import annotations

import json
import random
import re

from modalswitch import Plan, Registry, ScriptedChat
from modalswitch.agent.plan import InputSpec, check_plan
from modalswitch.tools import Modality
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
