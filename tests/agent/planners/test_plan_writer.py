"""Whatever the model chooses, the plan writer can only write a valid plan.

A property test over random registries and inputs: every choice a model could make at
every point (drawn by hypothesis) yields a plan that parses, validates, and produces the
modality it says it wants.
"""

from __future__ import annotations

import json
import re
import types
from typing import Any, Literal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import Field, create_model
from random_decoder import RandomDecoder, RecordingDecoder

from modalswitch import Modality, Plan, Registry, Tool, ToolContext
from modalswitch.agent.chat.constrained import JsonString, to_regex
from modalswitch.agent.plan import InputSpec, check_plan, output_modalities
from modalswitch.agent.plan.schema import (
    honours,
    parse_wants,
    plan_json_schema,
    spell_wants,
    wants_options,
)
from modalswitch.agent.planners.plan_writer import PlanWriter, close_json
from modalswitch.agent.planners.settings_schema import clean_settings
from modalswitch.evals.datasets.catalog import spec_registry, specs_from_json
from modalswitch.tools import (
    AudioArtifact,
    ImageArtifact,
    TextContent,
    VerbatimText,
    VideoArtifact,
)
from modalswitch.tools.contract.fields import field_kind

MEDIA_TYPE = {Modality.IMAGE: ImageArtifact, Modality.AUDIO: AudioArtifact,
              Modality.VIDEO: VideoArtifact, Modality.TEXT: TextContent}
SETTINGS: dict[str, Any] = {
    "int": (int, Field(3, ge=1, le=10)),
    "float": (float, Field(0.5, gt=0, le=1)),
    "flag": (bool, False),
    "mode": (Literal["fast", "slow"], "fast"),
    "label": (str | None, None),
}


@st.composite
def tools(draw: st.DrawFn, index: int) -> Tool[Any, Any]:
    """A random tool: media/text arguments (maybe lists, maybe optional), settings, outputs."""
    fields: dict[str, Any] = {}
    for n in range(draw(st.integers(0, 3))):
        modality = draw(st.sampled_from(list(Modality)))
        annotation: Any = MEDIA_TYPE[modality]
        if modality is Modality.TEXT and draw(st.booleans()):
            annotation = VerbatimText  # a URL: only copied
        if draw(st.booleans()) and modality is not Modality.TEXT:
            annotation = list[annotation]  # type: ignore[valid-type]
        if draw(st.booleans()):
            fields[f"in{n}"] = (annotation, ...)
        else:
            fields[f"in{n}"] = (annotation | None, None)
    for name in draw(st.lists(st.sampled_from(sorted(SETTINGS)), unique=True, max_size=3)):
        fields[name] = SETTINGS[name]
    outs = {f"out{n}": (VerbatimText if m is Modality.TEXT and draw(st.booleans())
                        else MEDIA_TYPE[m], ...) for n, m in enumerate(
        draw(st.lists(st.sampled_from(list(Modality)), min_size=1, max_size=2)))}
    model_in = create_model(f"In{index}", **fields)
    model_out = create_model(f"Out{index}", **outs)

    def run(self: Any, args: Any, ctx: ToolContext) -> Any:
        raise NotImplementedError

    cls = types.new_class(f"Random{index}", (Tool[model_in, model_out],),  # type: ignore[valid-type]
                          exec_body=lambda ns: ns.update(
                              {"name": f"tool{index}", "description": "A random tool.",
                               "run": run}))
    tool: Tool[Any, Any] = cls()
    return tool


@st.composite
def setups(draw: st.DrawFn) -> tuple[Registry, list[InputSpec], bool]:
    """A random registry, random inputs, and whether steps are required."""
    n = draw(st.integers(1, 5))
    registry = Registry([draw(tools(i)) for i in range(n)])
    inputs = [InputSpec(f"file{i}", m) for i, m in
              enumerate(draw(st.lists(st.sampled_from(list(Modality)), max_size=3)))]
    return registry, inputs, draw(st.booleans())


QUOTES = st.lists(st.sampled_from(["https://example.com/a.jpg", "www.example.org/b"]),
                  unique=True, max_size=2)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(setup=setups(), quotes=QUOTES, data=st.data())
def test_every_plan_the_writer_admits_is_valid(setup: tuple[Registry, list[InputSpec], bool],
                                               quotes: list[str], data: st.DataObject) -> None:
    registry, inputs, require_steps = setup
    named = data.draw(st.lists(st.sampled_from(registry.names), unique=True, max_size=2))
    writer = PlanWriter(registry, inputs, require_steps=require_steps, quotes=quotes,
                        max_steps=4, named=named)
    text = writer.write(RandomDecoder(data))
    raw = json.loads(text)
    plan = clean_settings(Plan.parse(raw), registry)
    assert check_plan(plan, registry, inputs) == [], text
    targets, _ = parse_wants(raw["wants"])
    if plan.steps:
        delivered = set(output_modalities(plan, registry, inputs))
        assert {t.value for t in targets} <= delivered, text  # everything it says it wants
        by_name = {m.value for n in named for m in registry.get(n).output_modalities}
        assert delivered <= {"text", *(t.value for t in targets), *by_name}, text  # no more
        assert [s.id for s in plan.steps] == [f"s{i}" for i in range(1, len(plan.steps) + 1)]
    else:
        assert raw["wants"] == "text" and not writer.steps_required, text
    if require_steps and writer.steps_required:
        assert plan.steps, text
    names = tuple(spec.name for spec in inputs)
    literals = [v for s in plan.steps for v in s.args.values() if isinstance(v, str)]
    assert not [v for v in literals if names and v.startswith(names)], text
    allowed = {"text", *(t.value for t in targets)}
    for step in plan.steps:  # a step's results are taken by a later step or delivered
        made = {m.value for m in registry.get(step.tool).output_modalities}
        if made & allowed:
            assert f'"@{step.id}' in json.dumps([s.args for s in plan.steps] + plan.outputs), text
    for step in plan.steps:  # a verbatim value is quoted or an earlier verbatim result
        tool = registry.get(step.tool)
        for name, value in step.args.items():
            if field_kind(tool.Input, name).verbatim:
                for v in value if isinstance(value, list) else [value]:
                    assert v in quotes or verbatim_result(v, plan, registry), text


def verbatim_result(value: str, plan: Plan, registry: Registry) -> bool:
    """Whether `value` is a reference to a verbatim output field of one of the plan's steps."""
    if not value.startswith("@s") or "." not in value:
        return False
    step_id, out = value[1:].split(".", 1)
    step = next(s for s in plan.steps if s.id == step_id)
    return field_kind(registry.get(step.tool).Output, out).verbatim


def test_a_url_is_only_ever_copied_from_the_request() -> None:
    registry = _catalog({"name": "fetch", "inputs": {"url": "url"}, "outputs": {"text": "text"}})
    writer = PlanWriter(registry, [])
    assert writer.usable_tools(writer_state([]), [Modality.TEXT]) == []  # nothing to fetch
    quoted = PlanWriter(registry, [], quotes=["https://example.com/a"])
    state = writer_state([])
    state.quotes = ("https://example.com/a",)
    assert [t.name for t in quoted.usable_tools(state, [Modality.TEXT])] == ["fetch"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(setup=setups(), asked=st.lists(st.sampled_from([Modality.IMAGE, Modality.AUDIO,
                                                       Modality.VIDEO]), max_size=2),
       data=st.data())
def test_a_plan_delivers_the_media_asked_for_by_name_when_the_tools_can_make_them(
        setup: tuple[Registry, list[InputSpec], bool], asked: list[Modality],
        data: st.DataObject) -> None:
    registry, inputs, require_steps = setup
    writer = PlanWriter(registry, inputs, require_steps=require_steps, asked=asked,
                        max_steps=4)
    text = writer.write(RandomDecoder(data))
    plan = clean_settings(Plan.parse(json.loads(text)), registry)
    assert check_plan(plan, registry, inputs) == [], text  # still valid, whatever was asked
    feasible = [w for w in wants_options(list(Modality))
                if honours(w, asked) and writer.can_make(parse_wants(w)[0])]
    if asked and feasible:
        assert honours(json.loads(text)["wants"], asked), text
        delivered = {Modality(m) for m in output_modalities(plan, registry, inputs)}
        assert honours("+".join(m.value for m in delivered), asked), text


def test_honours_counts_a_video_as_delivering_sound() -> None:
    assert honours("video", [Modality.AUDIO])
    assert honours("text+image+audio", [Modality.AUDIO, Modality.IMAGE])
    assert not honours("text", [Modality.AUDIO])
    assert not honours("audio", [Modality.VIDEO])  # a sound is no video
    assert honours("text", [])


def test_the_json_schema_path_also_names_the_media_asked_for() -> None:
    registry = Registry([])
    options = plan_json_schema(registry, [], wants=True, asked=[Modality.AUDIO])[
        "properties"]["wants"]["enum"]
    assert options and all(honours(w, [Modality.AUDIO]) for w in options)
    assert "text" not in options and "video" in options
    unasked = plan_json_schema(registry, [], wants=True)["properties"]["wants"]["enum"]
    assert unasked == wants_options(list(Modality))


@given(st.lists(st.text(min_size=1, max_size=6), max_size=3), st.text(max_size=10),
       st.text(alphabet="ab.", max_size=8))
def test_a_string_grammar_bans_exactly_the_strings_starting_with_a_file_name(
        names: list[str], tail: str, head: str) -> None:
    grammar = JsonString(exclude="@", not_prefixes=tuple(names))
    pattern = re.compile(to_regex(grammar), re.DOTALL)
    for body in (tail, head + tail, *(n + tail for n in names), *(n[:-1] for n in names)):
        allowed = not any(c in '"\\@' or ord(c) < 0x20 for c in body)
        expected = allowed and not any(body.startswith(n) for n in names
                                       if not any(c in '"\\@' or ord(c) < 0x20 for c in n))
        assert bool(pattern.fullmatch(json.dumps(body, ensure_ascii=False))) == expected, body


@given(st.text(st.characters(blacklist_characters='"\\', blacklist_categories=("Cc", "Cs"))),
       st.integers(0, 3))
def test_close_json_closes_any_cut_string_or_list(body: str, depth: int) -> None:
    for partial in ("[" * depth + '"' + body, "[" * depth + '"a",' if depth else '"' + body):
        assert json.loads(partial + close_json(partial)) is not None


def test_a_writer_never_offers_a_tool_whose_inputs_cannot_exist() -> None:
    registry = _catalog(CAPTION)
    writer = PlanWriter(registry, [])
    assert writer.usable_tools(writer_state([]), [Modality.TEXT]) == []
    with_photo = PlanWriter(registry, [InputSpec("a.png", Modality.IMAGE)])
    assert [t.name for t in with_photo.usable_tools(
        writer_state([("@input0", Modality.IMAGE)]), [Modality.TEXT])] == ["caption"]


def test_a_step_whose_results_nothing_can_use_is_never_offered() -> None:
    # seen: wants text, a router sure a tool is needed, and seven text_to_speech steps
    # (dropped unseen afterwards) before the one step that summarised the file
    summarize = {"name": "summarize", "inputs": {"text": "text"}, "outputs": {"text": "text"}}
    hear = {"name": "hear", "inputs": {"audio": "audio"}, "outputs": {"text": "text"}}
    notes = writer_state([("@input0", Modality.TEXT)])
    writer = PlanWriter(_catalog(SPEAK, summarize), [InputSpec("notes.txt", Modality.TEXT)])
    assert [t.name for t in writer.usable_tools(notes, [Modality.TEXT])] == ["summarize"]
    assert [t.name for t in writer.usable_tools(notes, [Modality.AUDIO])] == ["speak",
                                                                               "summarize"]
    # a sound that a tool can turn back into words may still be made on the way
    hearing = PlanWriter(_catalog(SPEAK, summarize, hear), [])
    assert {t.name for t in hearing.usable_tools(notes, [Modality.TEXT])} == {"speak",
                                                                              "summarize"}


CAPTION = {"name": "caption", "inputs": {"image": "image"}, "outputs": {"text": "text"}}
SPEAK = {"name": "speak", "inputs": {"text": "text"}, "outputs": {"audio": "audio"}}


def _catalog(*entries: dict[str, Any]) -> Registry:
    """A registry of plan-only tools described as a dataset's tools.json describes them."""
    return spec_registry(specs_from_json(entries))


def writer_state(sources: list[tuple[str, Modality]]) -> Any:
    from modalswitch.agent.planners.plan_writer import _Source, _State

    return _State([_Source(ref, m) for ref, m in sources])


def test_every_wants_option_spells_back_from_what_it_parses_to() -> None:
    options = wants_options(list(Modality))
    assert len(options) == len(set(options)) == 15
    assert [spell_wants(*parse_wants(w)) for w in options] == options


def test_quoted_urls_are_the_request_urls_without_the_sentence_around_them() -> None:
    from modalswitch.agent.plan.inputs import quoted_urls

    request = ("Get https://example.com/a.wav, then www.example.org/page. "
               "Not 'http://localhost' or example.jpg; again https://example.com/a.wav!")
    assert quoted_urls(request) == ["https://example.com/a.wav", "www.example.org/page"]
    assert quoted_urls("no links here.") == []
    assert quoted_urls("the audio at example.com/audio.wav, or me@mail.com/x, or a.b") == [
        "example.com/audio.wav"]  # a bare host with a path is one; an e-mail is not


class _ClosesFirst(RecordingDecoder):
    """A decoder that ends the steps as soon as it may, takes options that start with one of
    `prefer` (a wanted medium, a kind of reference), and otherwise the first option: a
    model that would rather stop."""

    def __init__(self, prefer: tuple[str, ...] = ("audio",)) -> None:
        super().__init__()
        self.prefer = ("]", *prefer)

    def generate(self, grammar: Any, max_tokens: int) -> tuple[str, bool]:
        text = self._first(grammar)
        self.parts.append(text)
        return text, True

    def _first(self, g: Any) -> str:
        from modalswitch.agent.chat.constrained import Choice, Lit, Seq

        if isinstance(g, Lit):
            return g.text
        if isinstance(g, Choice):
            texts = [self._first(o) for o in g.options]
            return next((t for t in texts if t.lstrip(',:"').startswith(self.prefer)),
                        texts[0])
        if isinstance(g, Seq):
            return "".join(self._first(part) for part in g.parts)
        return '"words"' if isinstance(g, JsonString) else "1"


def test_a_plan_uses_the_file_the_user_attached_before_it_ends() -> None:
    photo = [InputSpec("cat.png", Modality.IMAGE)]
    writer = PlanWriter(_catalog(SPEAK, CAPTION), photo, require_steps=True)
    plan = json.loads(writer.write(_ClosesFirst()))
    assert [s["tool"] for s in plan["steps"]] == ["speak", "caption"], plan
    assert plan["steps"][1]["args"] == {"image": "@input0"}
    assert "@s2.text" in plan["outputs"]  # the caption nothing else takes is delivered
    # with no tool that takes a photo, nothing is owed
    alone = PlanWriter(_catalog(SPEAK), photo, require_steps=True)
    assert [s["tool"] for s in json.loads(alone.write(_ClosesFirst()))["steps"]] == ["speak"]


def test_a_plan_does_not_end_without_a_tool_the_request_names() -> None:
    summarize = {"name": "summarize", "inputs": {"text": "text"}, "outputs": {"text": "text"}}
    photo = [InputSpec("page.png", Modality.IMAGE)]
    writer = PlanWriter(_catalog(CAPTION, summarize, SPEAK), photo, named=["summarize"])
    plan = json.loads(writer.write(_ClosesFirst(prefer=("text", "@s"))))
    assert [s["tool"] for s in plan["steps"]] == ["caption", "summarize"], plan
    assert plan["steps"][1]["args"] == {"text": "@s1.text"}
    # a named tool the plan cannot use (its result would reach nothing wanted) is not forced
    plan = json.loads(PlanWriter(_catalog(CAPTION, SPEAK), photo, named=["speak"],
                                 require_steps=True).write(
        _ClosesFirst(prefer=("text", "@s"))))
    assert [s["tool"] for s in plan["steps"]] == ["caption"], plan
    # once a sound can lead somewhere, the named voice is written, and what it makes is
    # delivered though the plan wants words (it was asked for by name)
    transcribe = {"name": "transcribe", "inputs": {"audio": "audio"},
                  "outputs": {"text": "text"}}
    plan = json.loads(PlanWriter(_catalog(CAPTION, SPEAK, transcribe), photo,
                                 named=["speak"], require_steps=True).write(
        _ClosesFirst(prefer=("text", "@s"))))
    assert (plan["wants"], [s["tool"] for s in plan["steps"]]) == ("text", ["caption", "speak"])
    assert "@s2.audio" in plan["outputs"], plan
    # and with no file, a named tool alone makes the plan act
    plan = json.loads(PlanWriter(_catalog(summarize), [], named=["summarize"]).write(
        _ClosesFirst(prefer=("text",))))
    assert [s["tool"] for s in plan["steps"]] == ["summarize"], plan


def test_named_steps_a_model_did_not_write_come_in_the_order_the_request_names_them() -> None:
    summarize = {"name": "summarize", "inputs": {"text": "text"}, "outputs": {"text": "text"}}
    translate = {"name": "translate", "inputs": {"text": "text"}, "outputs": {"text": "text"}}
    catalog = _catalog(CAPTION, translate, summarize)
    photo = [InputSpec("page.png", Modality.IMAGE)]
    # "read the page, summarize it, then translate the summary": a model that would stop
    # after reading it, and would rather translate than summarize
    reluctant = _ClosesFirst(prefer=("caption", "translate", "text", "@s"))
    plan = json.loads(PlanWriter(catalog, photo, named=["summarize", "translate"]).write(
        reluctant))
    assert [s["tool"] for s in plan["steps"]] == ["caption", "summarize", "translate"], plan
    assert plan["steps"][1]["args"] == {"text": "@s1.text"}
    # the other way round when the request asks the other way round
    plan = json.loads(PlanWriter(catalog, photo, named=["translate", "summarize"]).write(
        _ClosesFirst(prefer=("caption", "summarize", "text", "@s"))))
    assert [s["tool"] for s in plan["steps"]] == ["caption", "translate", "summarize"], plan


def test_a_model_that_ignores_the_file_is_asked_to_use_it_once_not_forever() -> None:
    draw = {"name": "draw", "inputs": {"prompt": "text"}, "outputs": {"image": "image"}}
    stitch = {"name": "stitch", "inputs": {"image": "image", "image2": "image"},
              "outputs": {"image": "image"}}
    writer = PlanWriter(_catalog(draw, stitch), [InputSpec("me.png", Modality.IMAGE)],
                        require_steps=True)
    # wants a picture, draws one, is made to go on, then stitches its own drawing twice
    plan = json.loads(writer.write(_ClosesFirst(prefer=("image", "@s"))))
    assert [s["tool"] for s in plan["steps"]] == ["draw", "stitch"], plan


def test_a_model_that_repeats_a_step_is_stopped_and_the_repeat_removed() -> None:
    from modalswitch.agent.planners.llm import finish_plan

    class Loops(_ClosesFirst):
        """Never ends the steps by choice; writes the same words every time."""

        def __init__(self) -> None:
            super().__init__()
            self.prefer = ('{"id"', "audio", "speak")

    registry = _catalog(SPEAK)
    text = PlanWriter(registry, []).write(Loops())
    plan = json.loads(text)
    assert [s["tool"] for s in plan["steps"]] == ["speak", "speak"], plan  # then it must end
    assert [s.id for s in finish_plan(text, registry, []).steps] == ["s1"]
    # still missing a medium: only a tool that makes it is offered after the repeat
    draw = {"name": "draw", "inputs": {"prompt": "text"}, "outputs": {"image": "image"}}
    both = PlanWriter(_catalog(SPEAK, draw), [], asked=[Modality.AUDIO, Modality.IMAGE])
    steps = [s["tool"] for s in json.loads(both.write(Loops()))["steps"]]
    assert steps == ["speak", "speak", "draw"], steps


def test_repeated_steps_are_removed_and_their_references_moved() -> None:
    from modalswitch.agent.planners.llm import without_repeated_steps

    plan = Plan.parse({"steps": [
        {"id": "s1", "tool": "draw", "args": {"prompt": "a cat"}},
        {"id": "s2", "tool": "draw", "args": {"prompt": "a cat"}},
        {"id": "s3", "tool": "caption", "args": {"image": "@s1.image"}},
        {"id": "s4", "tool": "caption", "args": {"image": "@s2.image"}},  # = s3, once moved
        {"id": "s5", "tool": "stitch", "args": {"images": ["@s2", "@s1.image"]}}],
        "outputs": ["@s4.text", "@s3.text", "@s5.image"]})
    kept = without_repeated_steps(plan)
    assert [s.id for s in kept.steps] == ["s1", "s3", "s5"]
    assert kept.steps[2].args == {"images": ["@s1", "@s1.image"]}
    assert kept.outputs == ["@s3.text", "@s5.image"]
    assert without_repeated_steps(kept) == kept


def test_a_sure_router_does_not_hold_a_words_only_plan_without_files_to_a_step() -> None:
    """"Give me ideas for a party theme": the router was sure of a tool, the model wanted
    words, and held to a step it rewrote the request with a text tool. With no file to
    work on, the words are the model's (or its writer's) own; a file or a wanted medium
    still holds the plan to a step."""
    rewrite = {"name": "rewrite", "inputs": {"text": "text"}, "outputs": {"text": "text"}}
    catalog = _catalog(rewrite, CAPTION, SPEAK)
    words = PlanWriter(catalog, [], require_steps=True)
    plan = json.loads(words.write(_ClosesFirst(prefer=("text",))))
    assert (plan["wants"], plan["steps"]) == ("text", []) and not words.steps_required
    photo = [InputSpec("cat.png", Modality.IMAGE)]
    held = PlanWriter(catalog, photo, require_steps=True)
    plan = json.loads(held.write(_ClosesFirst(prefer=("text", "@"))))
    assert plan["wants"] == "text" and plan["steps"] and held.steps_required, plan
    voice = PlanWriter(catalog, [], require_steps=True)
    plan = json.loads(voice.write(_ClosesFirst(prefer=("audio",))))
    assert plan["wants"] == "audio" and "@s4.audio" in plan["outputs"], plan
    assert voice.steps_required
