"""Words a voice should say are written before they are spoken.

A speech tool says exactly the text it is given (`SpokenText`). Asked "tell me a joke out
loud", a small planner writes `text_to_speech("a joke")` and the user hears the two words
"a joke"; asked "I'd like to hear a story about pirates", it hands "a story about pirates"
to the sound generator, which makes noise, not a story. Both name words still to be written.

So after a plan is written: a speech step whose literal text names words to write (a joke,
a short poem about the sea, a toast for my sister's wedding, something nice for mum, or the
whole request) and does not quote them from the request, gets a writing step first (the
registry's tool with `writes_speech`, e.g. `rewrite_prompt` with target "speech") and
speaks its result; a sound step whose prompt names spoken words (a story, a haiku, a pep
talk; not a song or a jingle, which are music) becomes the same writing step and a voice.
The written words are delivered beside the audio. Words the user gave ("say 'the kettle
is on'", "tts this: welcome back") are spoken as they stand.

And words a voice says are shown too: when a delivered voice says a step's text (a
transcript, a translation, a description), that text goes out just before the audio, as
in 128 of the 131 hand-written plans that speak a step's text (the other 3 narrate a video,
whose voice is not delivered on its own); the 1.5B often delivered the audio alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from modalswitch.agent.plan.inputs import InputSpec
from modalswitch.agent.plan.model import Plan, Step, StepRef, parse_ref, renamed_refs
from modalswitch.agent.plan.validate import check_plan
from modalswitch.tools.contract.fields import field_kind
from modalswitch.tools.contract.modality import Modality
from modalswitch.tools.contract.registry import Registry
from modalswitch.tools.contract.tool import Tool

SPOKEN_FORMS = (
    "poem", "story", "stories", "tale", "fable", "fairy tale", "joke", "limerick", "haiku",
    "speech", "toast", "riddle", "tongue twister", "fact", "summary", "explanation",
    "description", "message", "greeting", "announcement", "introduction", "intro",
    "monologue", "pep talk", "prayer", "eulogy", "verse", "ode", "sonnet", "pitch",
    "anecdote", "quote", "affirmation", "rhyme", "compliment", "pun", "dialogue", "narration",
    "biography", "bio", "recap", "overview", "definition", "horoscope", "blessing", "wish",
    "wishes", "note", "letter", "script", "voiceover", "voice-over", "commentary", "lecture",
    "sermon", "advert", "commercial", "tribute", "shout-out", "shoutout",
)
"""Kinds of words someone writes and then says."""
SUNG_FORMS = ("song", "lullaby", "rap", "jingle", "chant", "cheer", "anthem", "serenade",
              "ballad", "lyrics", "lyric")
"""Kinds of words that are sung: written first for a voice, but music for a sound model."""

_DETERMINER = (r"(?:(?:a|an|one|two|three|four|five|some|a few|few|my|our|your|his|her|their"
               r"|the|another|this|that|any)\s+)")
_MODIFIERS = r"(?:[\w'’-]+\s+){0,4}?"
_TAIL = (r"(?:\s+(?:about|of|on|for|to|that|which|where|in|with|from|telling|explaining|"
         r"describing|celebrating|wishing|thanking|saying|inspired|featuring|starring|"
         r"like)\b.*)?")


def _names(forms: Sequence[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in forms)
    return re.compile(rf"^{_DETERMINER}?{_MODIFIERS}(?:{alternatives})(?:e?s)?{_TAIL}$",
                      re.IGNORECASE | re.DOTALL)


_SPOKEN = _names(SPOKEN_FORMS)
_SPOKEN_OR_SUNG = _names(SPOKEN_FORMS + SUNG_FORMS)
_UNSPECIFIED = re.compile(r"^(?:something|anything)\b", re.IGNORECASE)
_QUOTES = "'\"‘’“”«»„`"


def _plain(text: str) -> str:
    return " ".join(re.findall(r"[\w'’-]+", text.lower()))


def quoted_in(text: str, request: str) -> bool:
    """Whether the request gives these words in quotes (or after a colon): words to say."""
    core = text.strip().strip(_QUOTES).strip()
    at = request.lower().find(core.lower()) if core else -1
    while at >= 0:
        before = request[:at].rstrip()
        if before and (before[-1] in _QUOTES or before[-1] == ":"):
            return True
        at = request.lower().find(core.lower(), at + 1)
    return False


def names_words(text: str, request: str, *, sung: bool = True) -> bool:
    """Whether a text a voice would say names words still to be written ("a joke", "a
    short poem about the sea", "something nice for mum", the request itself) rather than
    being them. `sung=False` leaves songs and jingles out (music to a sound model)."""
    core = text.strip().strip(_QUOTES).strip().rstrip(".!?,;").strip()
    if not core or quoted_in(core, request):
        return False
    if _plain(core) == _plain(request):
        return True  # the whole request handed to the voice: nothing of it is the words
    pattern = _SPOKEN_OR_SUNG if sung else _SPOKEN
    return bool(pattern.match(core)) or (sung and bool(_UNSPECIFIED.match(core)))


def _spoken_field(tool: Tool[Any, Any]) -> str | None:
    """The field holding the words, for a tool that says them; else None."""
    for name in tool.Input.model_fields:
        if field_kind(tool.Input, name).spoken:
            return name
    return None


def _sound_prompt(tool: Tool[Any, Any]) -> str | None:
    """The prompt field of a tool that makes audio from a description alone; else None."""
    if Modality.AUDIO not in tool.output_modalities or _spoken_field(tool) is not None:
        return None
    required = [n for n, f in tool.Input.model_fields.items() if f.is_required()]
    if len(required) != 1:
        return None
    kind = field_kind(tool.Input, required[0])
    return required[0] if kind.modality is Modality.TEXT and not kind.verbatim else None


def _voice(registry: Registry) -> Tool[Any, Any] | None:
    """The first tool that says words and needs nothing else."""
    for tool in registry:
        field = _spoken_field(tool)
        required = [n for n, f in tool.Input.model_fields.items() if f.is_required()]
        if field is not None and required == [field]:
            return tool
    return None


def _tool(registry: Registry, step: Step) -> Tool[Any, Any] | None:
    return registry.get(step.tool) if step.tool in registry else None


def _writer(registry: Registry) -> Tool[Any, Any] | None:
    return next((t for t in registry if t.writes_speech is not None
                 and "text" in t.Input.model_fields), None)


def with_spoken_words(plan: Plan, request: str, registry: Registry,
                      inputs: Sequence[InputSpec]) -> Plan:
    """Both rules of this module: words to be written are written before a voice says
    them, and what a delivered voice says is shown too."""
    return show_spoken_words(compose_spoken_words(plan, request, registry, inputs), registry)


def compose_spoken_words(plan: Plan, request: str, registry: Registry,
                         inputs: Sequence[InputSpec]) -> Plan:
    """The plan with words written before a voice says them (see the module's docstring);
    the plan itself when nothing names words to write, or when the registry has no tool
    that writes them, or the result would not be a valid plan."""
    writer = _writer(registry)
    voice = _voice(registry)
    if writer is None or not plan.steps:
        return plan
    steps: list[Step] = []
    outputs = list(plan.outputs)
    written: list[tuple[str, str]] = []  # (the words' reference, the step saying them)
    for step in plan.steps:
        tool = _tool(registry, step)
        field = _spoken_field(tool) if tool is not None else None
        prompt = _sound_prompt(tool) if tool is not None and field is None else None
        idea = step.args.get(field or prompt or "")
        if (not isinstance(idea, str) or parse_ref(idea) is not None
                or not names_words(idea, request, sung=field is not None)
                or (prompt is not None and voice is None)):
            steps.append(step)
            continue
        write = Step(id=f"{step.id}_words", tool=writer.name,
                     args={"text": idea, **(writer.writes_speech or {})})
        words = str(StepRef(write.id, writer.primary_output))
        if field is not None:
            spoken = step.model_copy(update={"args": {**step.args, field: words}})
        else:  # a sound model asked for spoken words: a voice says them instead
            assert voice is not None
            spoken = Step(id=step.id, tool=voice.name, args={_spoken_field(voice) or "": words})
            outputs = [_moved(o, step.id, voice.primary_output) for o in outputs]
        steps += [write, spoken]
        written.append((words, step.id))
    if not written:
        return plan
    for words, said_by in written:  # the words go out just before what says them
        at = next((i for i, o in enumerate(outputs) if _reads(o, said_by)), len(outputs))
        outputs.insert(at, words)
    composed = renumbered(plan.model_copy(update={"steps": steps, "outputs": outputs,
                                                  "answer": False}))
    return composed if not check_plan(composed, registry, inputs) else plan


def _reads(output: str, step_id: str) -> bool:
    ref = parse_ref(output)
    return isinstance(ref, StepRef) and ref.step == step_id


def show_spoken_words(plan: Plan, registry: Registry) -> Plan:
    """The plan with the text each delivered voice says delivered too, just before it."""
    outputs = list(plan.outputs)
    for step in plan.steps:
        tool = _tool(registry, step)
        field = _spoken_field(tool) if tool is not None else None
        words = parse_ref(step.args.get(field)) if field is not None else None
        at = next((i for i, o in enumerate(outputs) if _reads(o, step.id)), None)
        if (not isinstance(words, StepRef) or at is None
                or any(_reads(o, words.step) for o in outputs)):
            continue
        source = registry.get(plan.step(words.step).tool)
        outputs.insert(at, str(StepRef(words.step, words.field or source.primary_output)))
    return plan if outputs == plan.outputs else plan.model_copy(update={"outputs": outputs})


def _moved(output: str, step_id: str, field: str) -> str:
    """An output reference to a replaced step, pointed at its new tool's primary field."""
    return str(StepRef(step_id, field)) if _reads(output, step_id) else output


def renumbered(plan: Plan) -> Plan:
    """The plan with its steps named s1, s2, ... in order, references following."""
    names = {step.id: f"s{n}" for n, step in enumerate(plan.steps, start=1)}
    steps = [Step(id=names[s.id], tool=s.tool,
                  args={k: renamed_refs(v, names) for k, v in s.args.items()})
             for s in plan.steps]
    return plan.model_copy(update={"steps": steps,
                                   "outputs": [renamed_refs(o, names) for o in plan.outputs]})
