"""Requests for any tool catalog, written backwards from plans (TaskBench's back-instruct).

1. Sample a plan skeleton from the catalog's type graph: a first tool fed by user files of
   the modalities it needs, then tools that take what earlier steps made (a chain), now and
   then two earlier results at once (a DAG); text arguments are either an earlier step's
   text or a literal left blank.
2. Ask the chat model, under a JSON schema, for a request a user would type that needs
   exactly those steps, and for each blank literal the words of the request it copies.
3. Keep the pair only if the filled plan validates, every literal is in the request,
   every attached file is named in it and no other file is, and (with a `ToolIndex`)
   every step is asked for: some run of the request's words is nearer that tool's
   description than all but `MENTION_RANK` other tools. A small model writing requests
   often describes other steps than it was given (or copies the prompt's example): such a
   pair would teach the planner the wrong tools.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from modalswitch.agent.plan.inputs import InputSpec, quoted_urls
from modalswitch.agent.plan.model import Plan
from modalswitch.agent.plan.validate import check_plan
from modalswitch.agent.planners.prompting import tool_summary
from modalswitch.agent.planners.retrieval import ToolIndex
from modalswitch.evals.datasets.taskbench import extract_inputs
from modalswitch.tools.contract.chat import ChatModel
from modalswitch.tools.contract.fields import content_fields, field_kind
from modalswitch.tools.contract.modality import MEDIA, Modality
from modalswitch.tools.contract.registry import Registry
from modalswitch.tools.contract.tool import Tool

FILE_NAMES = {
    Modality.IMAGE: ["example.jpg", "photo.png", "scan.jpg", "picture.png", "IMG_0412.jpg"],
    Modality.AUDIO: ["example.wav", "recording.mp3", "voice_note.m4a", "clip.wav"],
    Modality.VIDEO: ["example.mp4", "video.mov", "clip.mp4", "footage.mp4"],
    Modality.TEXT: ["notes.txt", "example.txt", "article.txt"],
}
MENTION_RANK = 2
"""A step counts as asked for when its tool is among this many nearest tools of a phrase
of the request: every step of 203 of the 209 hand-written TaskBench demos is, against 54
of 209 demo requests paired with another demo's plan (docs/evals.md)."""
STEP_WEIGHTS = {1: 0.35, 2: 0.2, 3: 0.25, 4: 0.15, 5: 0.05}
SYSTEM = ("You write realistic requests that people type to a multimedia assistant: what they "
          "want, in their own words, as one or two sentences. Never name tools or steps; "
          "mention every attached file by its name. Reply in JSON.")
EXAMPLE = ('For the steps "1. Transcribe speech in an audio file. 2. Translate text into '
           'another language." with the file meeting.wav attached, a good reply is '
           '{"request": "Could you write down what is said in meeting.wav and put it into '
           'Spanish for my colleague?"}.')


@dataclass
class Skeleton:
    """A plan with blanks: steps, the user's files, and the literal text arguments to fill."""

    inputs: list[tuple[str, str]] = field(default_factory=list)
    steps: list[dict[str, Any]] = field(default_factory=list)
    blanks: list[tuple[int, str]] = field(default_factory=list)
    """(step index, argument name) of each literal to be written."""
    outputs: list[str] = field(default_factory=list)

    def key(self, blank: tuple[int, str]) -> str:
        """The JSON key a blank is asked for by."""
        return f"s{blank[0] + 1}.{blank[1]}"


def _required_content(tool: Tool[Any, Any]) -> list[tuple[str, Modality, bool]]:
    return [(n, m, field_kind(tool.Input, n).is_list) for n, info in tool.Input.model_fields.items()
            if info.is_required() and (m := field_kind(tool.Input, n).modality) is not None]


def sample_skeleton(registry: Registry, rng: random.Random) -> Skeleton:
    """A random plan skeleton whose types connect."""
    n_steps = rng.choices(list(STEP_WEIGHTS), weights=list(STEP_WEIGHTS.values()))[0]
    sk = Skeleton()
    made: list[tuple[str, Modality, bool]] = []  # (reference, modality, verbatim) of results
    for index in range(n_steps):
        tools = list(registry)
        if made:  # prefer tools that take something already made: a chain
            takers = [t for t in tools if any(m in {mm for _, mm, _ in made}
                                              for _, m, _ in _required_content(t))
                      and t.name != sk.steps[-1]["tool"]]
            tools = takers or tools
        tool = rng.choice(tools)
        args: dict[str, Any] = {}
        for name, modality, is_list in _required_content(tool):
            verbatim = field_kind(tool.Input, name).verbatim  # a URL: only a URL result
            sources = [ref for ref, m, v in made if m is modality and (v or not verbatim)]
            if modality is Modality.TEXT and (not sources or rng.random() < 0.4):
                sk.blanks.append((index, name))
                args[name] = None
                continue
            if not sources or (modality in MEDIA and index == 0):
                fname = rng.choice([f for f in FILE_NAMES[modality]
                                    if f not in {n for n, _ in sk.inputs}] or ["file.bin"])
                sk.inputs.append((fname, modality.value))
                sources = [f"@input{len(sk.inputs) - 1}"]
            pick = sources[-1] if rng.random() < 0.8 else rng.choice(sources)
            args[name] = [pick] if is_list else pick
        step_id = f"s{index + 1}"
        sk.steps.append({"id": step_id, "tool": tool.name, "args": args})
        for out in content_fields(tool.Output):
            kind = field_kind(tool.Output, out)
            if kind.modality is not None:
                made.append((f"@{step_id}.{out}", kind.modality, kind.verbatim))
    used = {v for s in sk.steps for a in s["args"].values()
            for v in (a if isinstance(a, list) else [a])}
    sk.outputs = [ref for ref, _, _ in made if ref not in used] or [made[-1][0]]
    return sk


def _prompt(sk: Skeleton, registry: Registry) -> str:
    lines = []
    for n, step in enumerate(sk.steps, 1):
        tool = registry.get(step["tool"])
        lines.append(f"{n}. {tool_summary(tool.description)}")
    files = ", ".join(f"{name} ({kind})" for name, kind in sk.inputs) or "none"
    keys = ", ".join(f'"{sk.key(b)}"' for b in sk.blanks)
    ask = (f" and, as {keys}, the exact words of your request that the step works on "
           "(a subject, a sentence to say, a phrase to search)" if sk.blanks else "")
    return (f"{EXAMPLE}\n\nThe assistant will do these steps, in this order:\n"
            + "\n".join(lines) + f"\nThe user attaches: {files}.\nWrite what the user "
            f"types to get exactly this done, as \"request\"{ask}.")


def _schema(sk: Skeleton) -> dict[str, Any]:
    keys = ["request", *(sk.key(b) for b in sk.blanks)]
    return {"type": "object", "properties": {k: {"type": "string"} for k in keys},
            "required": keys, "additionalProperties": False}


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.casefold()).strip(" .,!?\"'")


def _names_the_machinery(request: str, sk: Skeleton, registry: Registry) -> bool:
    """A request that speaks of tools or steps is not one a user would write."""
    low = request.casefold()
    names = {registry.get(s["tool"]).name for s in sk.steps}
    return (re.search(r"\b(tools?|step \d|s\d+\.\w+|s\d)\b", low) is not None
            or any(n.casefold() in low or n.replace("_", " ").casefold() in low
                   for n in names))


def fill(sk: Skeleton, reply: dict[str, Any], registry: Registry) -> dict[str, Any] | None:
    """The case a reply makes of a skeleton, or None when the pair does not hold."""
    request = str(reply.get("request", "")).strip()
    if len(request) < 8 or "@" in request or _names_the_machinery(request, sk, registry):
        return None
    steps = json.loads(json.dumps(sk.steps))
    for blank in sk.blanks:
        value = str(reply.get(sk.key(blank), "")).strip()
        if (not value or "@" in value or _norm(value) not in _norm(request)
                or any(_norm(name) in _norm(value) for name, _ in sk.inputs)):
            return None
        tool = registry.get(steps[blank[0]]["tool"])
        if field_kind(tool.Input, blank[1]).verbatim and value not in quoted_urls(request):
            return None  # a URL the planner could not copy from the request
        steps[blank[0]]["args"][blank[1]] = value
    if any(_norm(name) not in _norm(request) for name, _ in sk.inputs):
        return None
    attached = {_norm(name) for name, _ in sk.inputs}
    if any(_norm(spec.name) not in attached for spec in extract_inputs(request)):
        return None  # a file nobody attached: the request is about something else
    plan = {"steps": steps, "outputs": sk.outputs}
    specs = [InputSpec(name, Modality(kind)) for name, kind in sk.inputs]
    if check_plan(Plan.parse(plan), registry, specs):
        return None
    return {"request": request, "inputs": [list(i) for i in sk.inputs], "plan": plan}


def asks_for_every_step(case: dict[str, Any], tools: ToolIndex,
                        rank: int = MENTION_RANK) -> bool:
    """Whether each tool of the case's plan is asked for by some phrase of its request."""
    ranks = tools.mention_ranks(case["request"])
    return all(ranks[step["tool"]] < rank for step in case["plan"]["steps"])


def synthesize(registry: Registry, chat: ChatModel, count: int, *, seed: int = 0,
               attempts: int = 4, tools: ToolIndex | None = None,
               on_case: Callable[[int, bool], None] | None = None) -> Iterator[dict[str, Any]]:
    """Up to `count` valid (request, plan) cases for the catalog; at most `attempts`
    skeletons are tried per case kept. With `tools` (an index of this registry), a case
    whose request does not ask for every step is dropped."""
    rng = random.Random(seed)
    kept = 0
    for n in range(count * attempts):
        if kept >= count:
            return
        sk = sample_skeleton(registry, rng)
        reply = chat.chat([{"role": "system", "content": SYSTEM},
                           {"role": "user", "content": _prompt(sk, registry)}],
                          json_schema=_schema(sk), max_tokens=200, temperature=0.7)
        try:
            data = json.loads(reply.text)
        except json.JSONDecodeError:
            data = {}
        case = fill(sk, data, registry) if isinstance(data, dict) else None
        if case is not None and tools is not None and not asks_for_every_step(case, tools):
            case = None
        if on_case is not None:
            on_case(n, case is not None)
        if case is not None:
            kept += 1
            yield {"id": f"bi-{seed}-{n}", **case, "tags": ["backinstruct"]}
