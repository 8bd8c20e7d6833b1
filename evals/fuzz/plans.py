"""Hypothesis strategies for hostile plans over a registry: random tools, arguments,
references, nesting, ids, cycles, huge and odd strings, and paths to bait files.

Most plans are wrong on purpose; enough are right (real tools, real fields, references that
resolve) that execution is exercised too. Strings are drawn from a pool that a hostile
planner would try: absolute and relative paths to files the user never passed, option-like
names (`-report`), protocol names (`concat:`), escapes (`@@`), inline artifact objects.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from modalswitch.agent.plan.model import too_deep
from modalswitch.tools.contract.fields import field_kind
from modalswitch.tools.contract.modality import Modality
from modalswitch.tools.contract.registry import Registry

MAX_INPUTS = 4


def hostile_strings(bait: list[Path], input_names: list[str]) -> st.SearchStrategy[str]:
    """Strings a hostile plan writes: bait paths, input names inside text, options, junk."""
    paths = [str(p) for p in bait] + [f"../{p.parent.name}/{p.name}" for p in bait]
    fixed = [*paths, *input_names, *(f"read {n} aloud" for n in input_names),
             "-report", "--help", "concat:/etc/passwd|/etc/hosts", "file:/etc/passwd",
             "/etc/passwd", "/etc/shadow.png", "/etc/hosts",
             "~/.ssh/id_rsa", "/dev/zero", "/proc/self/environ", "@@input0", "@@",
             "@input0", "@input9", "@s1", "@s1.text", "@s1.image", "@s1.nope", "@", "@1x",
             "en-us", "en_US-joe-medium", "fr", "", " ", "\x00", "a\nb", "ünïcødé ✓"]
    return st.one_of(
        st.sampled_from(fixed),
        st.text(max_size=40),
        st.builds(lambda n: "x" * n, st.integers(1000, 20_000)),
    )


def _inline_artifact(bait: list[Path]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({
        "sha256": st.just("0" * 64),
        "modality": st.sampled_from(["image", "image", "audio", "video", "text"]),
        "mime": st.sampled_from(["image/png", "audio/wav", "text/plain"]),
        "path": st.sampled_from([str(p) for p in bait]),
        "provenance": st.just({"source": "input"}),
    })


def _deep(depth: int) -> Any:
    value: Any = "@input0"
    for _ in range(depth):
        value = [value]
    return value


def values(strings: st.SearchStrategy[str], bait: list[Path]) -> st.SearchStrategy[Any]:
    """An argument value: a string, number, list, inline object or deep nesting."""
    scalar = st.one_of(strings, st.integers(-10, 10**12), st.floats(allow_nan=True),
                       st.booleans(), st.none())
    nested = st.recursive(scalar, lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
        max_leaves=12)
    deep = st.builds(_deep, st.sampled_from([40, 300, 3000]))
    return st.one_of(
        scalar, scalar, scalar,
        st.lists(st.one_of(scalar, _inline_artifact(bait)), max_size=5),
        _inline_artifact(bait),
        nested,
        st.integers(0, 19).flatmap(lambda n: deep if n == 0 else scalar),
    )


@functools.lru_cache(maxsize=8)
def _pools(bait: tuple[Path, ...], names: tuple[str, ...]) -> tuple[
        st.SearchStrategy[str], st.SearchStrategy[Any], st.SearchStrategy[dict[str, Any]]]:
    """The string, value and inline-artifact strategies, built once (building is slow)."""
    strings = hostile_strings(list(bait), list(names))
    return strings, values(strings, list(bait)), _inline_artifact(list(bait))


def _step_ids() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from([f"s{i}" for i in range(1, 9)]),
                     st.sampled_from(["input0", "input1", "a", "a-b", "_x", "", "s1.text",
                                      "@s1", "x" * 300]),
                     st.text(max_size=10))


@st.composite
def sane_plans(draw: st.DrawFn, registry: Registry, inputs: list[Modality],
               bait: list[Path]) -> dict[str, Any]:
    """A plan that should run: real tools, required arguments of the right kind, references
    to inputs and earlier steps of the right modality (settings: small literals, or now and
    then an inline artifact object naming a bait file)."""
    _, _, inline = _pools(tuple(bait), ())
    setting = st.one_of(st.sampled_from([0, 0.01, 1, "en"]), inline)
    steps: list[dict[str, Any]] = []
    made: list[tuple[str, Modality]] = []  # (reference, modality) of outputs so far
    for i in range(draw(st.integers(1, 5))):
        tool = registry.get(draw(st.sampled_from(registry.names)))
        args: dict[str, Any] = {}
        for name, info in tool.Input.model_fields.items():
            kind = field_kind(tool.Input, name)
            if not info.is_required() and draw(st.integers(0, 3)):
                continue
            wanted = kind.modality or Modality.TEXT
            refs = [f"@input{j}" for j, m in enumerate(inputs) if m is wanted]
            refs += [ref for ref, m in made if m is wanted]
            if kind.modality is None:
                value: Any = draw(setting)
            elif wanted is Modality.TEXT and (not refs or draw(st.booleans())):
                value = draw(st.text(min_size=1, max_size=30))
            elif refs:
                value = draw(st.sampled_from(refs))
            else:
                break  # nothing of that kind to hand: leave it out (an invalid plan)
            args[name] = [value] if kind.is_list else value
        sid = f"s{i + 1}"
        steps.append({"id": sid, "tool": tool.name, "args": args})
        made += [(f"@{sid}.{f}", m) for f in tool.Output.model_fields
                 if (m := field_kind(tool.Output, f).modality) is not None]
    outputs = draw(st.lists(st.sampled_from([r for r, _ in made]), min_size=1, max_size=3))
    return {"steps": steps, "outputs": outputs}


@st.composite
def tampered(draw: st.DrawFn, plan: dict[str, Any], bait: list[Path],
             names: list[str]) -> dict[str, Any]:
    """A sane plan with one hostile change: a value, a list's tail, an id, an output."""
    strings, any_value, inline = _pools(tuple(bait), tuple(names))
    steps = plan["steps"]
    step = draw(st.sampled_from(steps))
    change = draw(st.sampled_from(["value", "value", "tail", "tail", "tail", "id", "output",
                                   "none"]))
    if change == "value" and step["args"]:
        name = draw(st.sampled_from(sorted(step["args"])))
        step["args"][name] = draw(any_value)
    elif change == "tail" and step["args"]:
        name = draw(st.sampled_from(sorted(step["args"])))
        head = step["args"][name] if isinstance(step["args"][name], list) else [
            step["args"][name]]
        step["args"][name] = [*head, draw(st.one_of(strings, inline))]
    elif change == "id":
        step["id"] = draw(_step_ids())
    elif change == "output":
        plan["outputs"].append(draw(strings))
    return plan


@st.composite
def plans(draw: st.DrawFn, registry: Registry, bait: list[Path],
          input_names: list[str], inputs: list[Modality] | None = None) -> dict[str, Any]:
    """A plan as a JSON-able dict: half of them sane plans with at most one hostile change,
    half anything at all over real and made-up tools."""
    if draw(st.booleans()):
        return draw(tampered(draw(sane_plans(registry, inputs or [], bait)), bait,
                             input_names))
    strings, any_value, inline = _pools(tuple(bait), tuple(input_names))
    tools = registry.names
    count = draw(st.integers(0, 8))
    ids = [draw(_step_ids()) if draw(st.booleans()) else f"s{i + 1}" for i in range(count)]
    steps = []
    for sid in ids:
        name = draw(st.sampled_from(tools) if draw(st.integers(0, 9)) else st.text(max_size=12))
        fields = list(registry.get(name).Input.model_fields) if name in registry else ["x"]
        arg_names = draw(st.lists(st.one_of(st.sampled_from(fields), st.text(max_size=6)),
                                  max_size=4, unique=True))
        refs = st.sampled_from([f"@input{i}" for i in range(MAX_INPUTS)]
                               + [f"@{i}" for i in ids if i]
                               + [f"@{i}.{f}" for i in ids if i for f in
                                  ("text", "image", "audio", "nope")])
        # a list that starts with good references and goes on with anything
        mixed = st.tuples(st.lists(refs, max_size=3), st.lists(
            st.one_of(strings, inline), max_size=2)).map(lambda t: [*t[0], *t[1]])
        args = {arg: draw(st.one_of(refs, refs, any_value, mixed)) for arg in arg_names}
        steps.append({"id": sid, "tool": name, "args": args})
    outputs = draw(st.lists(st.one_of(
        st.sampled_from([f"@{i}" for i in ids if i] + [f"@{i}.text" for i in ids if i]
                        + ["@input0"]) if any(ids) else st.just("@input0"), strings),
        max_size=4))
    plan: dict[str, Any] = {"steps": steps, "outputs": outputs}
    if draw(st.integers(0, 9)) == 0:
        plan["message"] = draw(strings)
    return plan


def long_chain(length: int) -> dict[str, Any]:
    """`length` echo steps, each reading the next one, listed first to last (so every step
    depends on one listed after it)."""
    steps = [{"id": f"s{i}", "tool": "sleep",
              "args": {"text": f"@s{i + 1}.text" if i < length else "end", "seconds": 0}}
             for i in range(1, length + 1)]
    return {"steps": steps, "outputs": ["@s1.text"]}


@st.composite
def plan_texts(draw: st.DrawFn, registry: Registry, bait: list[Path],
               input_names: list[str], inputs: list[Modality] | None = None
               ) -> str | dict[str, Any]:
    """A plan as a dict, or as JSON text that may be cut, padded or deeply nested."""
    plan = draw(plans(registry, bait, input_names, inputs))
    kind = draw(st.integers(0, 19))
    if kind < 14 or too_deep(plan, 500):
        return plan
    text = json.dumps(plan)
    if kind == 14:
        return text[: draw(st.integers(0, len(text)))]
    if kind == 15:
        depth = draw(st.sampled_from([50, 5000, 100_000]))
        return '{"steps": [{"id": "s1", "tool": "fake_draw", "args": {"text": ' + \
            "[" * depth + "]" * depth + "}}]}"
    if kind == 16:
        return draw(st.sampled_from(["[]", "null", "1", '"plan"', "{}", '{"steps": {}}',
                                     '{"steps": [null]}', '{"outputs": 3}']))
    if kind == 17 and "sleep" in registry and draw(st.integers(0, 4)) == 0:
        return long_chain(draw(st.sampled_from([50, 300, 1000])))
    return text
