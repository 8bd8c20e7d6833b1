"""The LLM planner: turn a request into a validated plan, or answer it directly in text.

`LLMPlanner` works over any `ChatModel`: it prompts with the registry's tool catalog,
constrains decoding to the registry's plan schema, validates the plan, and when
validation fails feeds the issues back for a bounded number of repairs (instructor's
"reask"). The decoded plan starts with "wants", the modality the user wants back; a valid
plan that stops one text-to-speech step short of it is completed. A plan with no steps
means no tool is needed; `answer` then replies in plain text without the tool prompt, so
plain answers are not bent by tool instructions.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from functools import cached_property
from typing import Any

from modalswitch.agent.plan.inputs import InputSpec, bind_input_names
from modalswitch.agent.plan.model import Plan, Step
from modalswitch.agent.plan.schema import WANTS_KEY, plan_json_schema
from modalswitch.agent.plan.validate import check_plan, output_modalities, validate_plan
from modalswitch.agent.planners.prompting import describe_inputs, load_prompt, tool_signature
from modalswitch.agent.trace.events import PlanAttempt
from modalswitch.agent.trace.tracer import Tracer
from modalswitch.errors import PlanError, PlannerError
from modalswitch.tools.contract.chat import ChatModel, Message
from modalswitch.tools.contract.fields import field_kind
from modalswitch.tools.contract.modality import MEDIA, Modality
from modalswitch.tools.contract.registry import Registry


def complete_wants(raw: str, plan: Plan, registry: Registry,
                   inputs: Sequence[InputSpec]) -> Plan:
    """Finish a valid plan that falls short of its own "wants" by one text converter step.

    A small model often names the goal ("wants": "audio") and then stops at the text that
    should be spoken; asked to repair, it tends to write the same plan again. When the
    registry has a tool that turns text alone into the wanted modality (text_to_speech for
    audio) and the plan outputs text, the missing step is unambiguous, so it is added here
    (like `bind_input_names`) instead of costing another LLM call.
    """
    try:
        wants = json.loads(raw).get(WANTS_KEY)
    except (json.JSONDecodeError, AttributeError):
        return plan
    if wants not in [m.value for m in MEDIA] or wants in output_modalities(plan, registry,
                                                                             inputs):
        return plan
    converter = next((t for t in registry.producing(Modality(wants))
                      if [n for n, f in t.Input.model_fields.items() if f.is_required()]
                      == ["text"] and field_kind(t.Input, "text").modality is Modality.TEXT),
                     None)
    texts = [o for o in plan.outputs
             if output_modalities(Plan(steps=plan.steps, outputs=[o]), registry, inputs)
             == [Modality.TEXT.value]]
    if converter is None or not texts:
        return plan
    ids = {s.id for s in plan.steps}
    step_id = next(f"s{n}" for n in range(len(ids) + 1, len(ids) + 100) if f"s{n}" not in ids)
    step = Step(id=step_id, tool=converter.name, args={"text": texts[-1]})
    completed = plan.model_copy(update={
        "steps": [*plan.steps, step],
        "outputs": [*plan.outputs, f"@{step_id}.{converter.primary_output}"]})
    return completed if not check_plan(completed, registry, inputs) else plan


def default_outputs(plan: Plan) -> Plan:
    """Fill in missing `outputs` with the results of the final steps (nobody consumes them)."""
    if plan.outputs or not plan.steps:
        return plan
    used = {dep for step in plan.steps for dep in step.dependencies()}
    return plan.model_copy(update={"outputs": [f"@{s.id}" for s in plan.steps
                                               if s.id not in used]})


class LLMPlanner:
    """Plans with a chat model, constrained to the registry, with validation and repair."""

    def __init__(self, llm: ChatModel, registry: Registry, *, max_repairs: int = 2,
                 use_examples: bool = True, max_tokens: int = 384,
                 system_template: str | None = None,
                 example_cases: list[dict[str, Any]] | None = None,
                 writer: ChatModel | None = None, require_steps: bool = False) -> None:
        self.llm = llm
        self.require_steps = require_steps
        """Rule out the no-tool plan in decoding (set when a router is sure a tool is needed)."""
        self.writer = writer or llm
        """The model that answers in words and writes for text tools (the planning model
        unless given: a plan-tuned model keeps plans, a general one keeps its prose)."""
        self.registry = registry
        self.max_repairs = max_repairs
        self.use_examples = use_examples
        self.max_tokens = max_tokens
        self.system_template = system_template
        """A replacement for prompts/planner_system.md (with a `{tools}` slot)."""
        self.example_cases = example_cases
        """A replacement for prompts/planner_examples.json (request, inputs, plan)."""
        self.name = f"llm:{llm.name}"
        self._schemas: dict[tuple[tuple[Modality, ...], bool], dict[str, Any]] = {}

    @cached_property
    def schema(self) -> dict[str, Any]:
        """The JSON schema of any plan over the registry."""
        return plan_json_schema(self.registry)

    def schema_for(self, inputs: Sequence[InputSpec]) -> dict[str, Any]:
        """The schema decoding is constrained to for these inputs (cached per modalities)."""
        modalities = tuple(spec.modality for spec in inputs)
        key = (modalities, self.require_steps)
        if key not in self._schemas:
            self._schemas[key] = plan_json_schema(self.registry, list(modalities), wants=True,
                                                  min_steps=int(self.require_steps))
        return self._schemas[key]

    @cached_property
    def system_prompt(self) -> str:
        """The planner's system prompt with this registry's catalog."""
        catalog = "\n".join(tool_signature(t) for t in self.registry)
        template = self.system_template or load_prompt("planner_system.md")
        return template.format(tools=catalog)

    def examples(self) -> list[Message]:
        """Few-shot turns whose tools all exist in this registry."""
        if not self.use_examples:
            return []
        cases = (self.example_cases if self.example_cases is not None
                 else json.loads(load_prompt("planner_examples.json")))
        return [turn for ex in cases
                if all(s["tool"] in self.registry for s in ex["plan"]["steps"])
                for turn in self.example_turns(ex)]

    def example_turns(self, example: dict[str, Any]) -> list[Message]:
        """One example (request, inputs, plan) as a user and an assistant turn; a plan
        without "wants" gets it from its outputs, as decoding always writes it first."""
        specs = [InputSpec(n, Modality(m)) for n, m in example["inputs"]]
        return [{"role": "user", "content": self.user_message(example["request"], specs)},
                {"role": "assistant",
                 "content": json.dumps(self.as_decoded(example["plan"], specs))}]

    def as_decoded(self, plan: dict[str, Any], inputs: Sequence[InputSpec]) -> dict[str, Any]:
        """A plan in the shape decoding writes it: "wants" first (from the plan's outputs
        when it has none)."""
        if WANTS_KEY in plan:
            return dict(plan)
        mods = output_modalities(Plan.parse(plan), self.registry, inputs)
        media = [m for m in mods if m != Modality.TEXT.value]
        return {WANTS_KEY: media[0] if media else Modality.TEXT.value, **plan}

    @staticmethod
    def user_message(request: str, inputs: Sequence[InputSpec]) -> str:
        """How a request and its inputs are put to the model."""
        return f"{describe_inputs(inputs)}\nRequest: {request}"

    def messages(self, request: str, inputs: Sequence[InputSpec]) -> list[Message]:
        """The full prompt for one request."""
        return [{"role": "system", "content": self.system_prompt}, *self.examples(),
                {"role": "user", "content": self.user_message(request, inputs)}]

    def plan(self, request: str, inputs: Sequence[InputSpec],
             tracer: Tracer | None = None) -> Plan:
        """Ask, validate, and feed issues back up to `max_repairs` times."""
        messages = self.messages(request, inputs)
        schema = self.schema_for(inputs)
        last: PlanError | None = None
        for attempt in range(1, self.max_repairs + 2):
            start = time.perf_counter()
            reply = self.llm.chat(messages, json_schema=schema, max_tokens=self.max_tokens)
            try:
                plan = default_outputs(bind_input_names(Plan.parse(reply.text), inputs))
                validate_plan(plan, self.registry, inputs)
                issues: list[str] = []
            except PlanError as exc:
                last, issues = exc, [str(i) for i in exc.issues]
            if tracer is not None:
                tracer.emit(PlanAttempt(span="planner", attempt=attempt, raw=reply.text,
                                        prompt_tokens=reply.prompt_tokens,
                                        completion_tokens=reply.completion_tokens,
                                        duration_s=round(time.perf_counter() - start, 4),
                                        issues=issues))
            if not issues:
                return complete_wants(reply.text, plan, self.registry, inputs)
            messages = [*messages, {"role": "assistant", "content": reply.text},
                        {"role": "user", "content": load_prompt("repair.md").format(
                            issues="\n".join(f"- {i}" for i in issues))}]
        raise PlannerError(f"no valid plan after {self.max_repairs + 1} attempt(s); "
                           f"last problems:\n{last}", last)

    def answer(self, request: str, inputs: Sequence[InputSpec]) -> str:
        """A plain text answer, with no tool prompt."""
        messages: list[Message] = [
            {"role": "system", "content": load_prompt("answer_system.md")},
            {"role": "user", "content": request if not inputs
             else f"{request}\n\n({describe_inputs(inputs)})"},
        ]
        return self.writer.chat(messages, max_tokens=512).text.strip()
