"""What a plan knows of the user's inputs (name and modality), and binding their names.

The planner never sees input files, only these specs: `@input0` is the first one. URLs the
request quotes are inputs of another kind: a verbatim argument (a URL to fetch) may only
take one of them or an earlier step's verbatim result.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from modalswitch.agent.plan.model import Plan
from modalswitch.tools.contract.fields import field_kind
from modalswitch.tools.contract.modality import MEDIA, Modality
from modalswitch.tools.contract.registry import Registry
from modalswitch.tools.runtime.artifacts import Artifact

_TLD = r"(?:com|org|net|edu|gov|io|co|ai|app|dev|info|me|tv|uk|de|fr|es|it|nl|ca|au|jp)"
_URL = re.compile(r"(?:https?://|www\.)[^\s'\"<>()\[\]{}]+"
                  # a bare host with a path, as people paste them: example.com/audio.wav
                  rf"|(?<![\w@./-])(?:[a-z0-9-]+\.)+{_TLD}/[^\s'\"<>()\[\]{{}}]*",
                  re.IGNORECASE)


def quoted_urls(text: str) -> list[str]:
    """The URLs a request quotes, in order, each once; a trailing full stop or comma is
    the sentence's, not the URL's."""
    urls = (m.group().rstrip(".,;:!?") for m in _URL.finditer(text))
    return list(dict.fromkeys(u for u in urls if "." in u.split("//", 1)[-1]))


@dataclass(frozen=True)
class InputSpec:
    """What validation needs to know of a user input: its name and modality."""

    name: str
    modality: Modality

    @classmethod
    def of(cls, artifact: Artifact) -> InputSpec:
        """The spec of an imported input artifact."""
        return cls(artifact.provenance.original_name or artifact.sha256[:12], artifact.modality)


def bind_input_names(plan: Plan, inputs: Sequence[InputSpec],
                     registry: Registry | None = None) -> Plan:
    """Turn literal file names of the user's inputs into `@inputN` references.

    Small models often write "photo.jpg" where they mean the input; in a media argument that
    is unambiguous, so it is fixed here rather than bounced back as an error. Only media
    arguments (and outputs) are bound: text that happens to mention a file name stays text.
    Without a registry to tell media from text, only a value that is exactly a file name is.
    """
    by_name = {spec.name: i for i, spec in enumerate(inputs)}

    def bind(value: Any, media: bool) -> Any:
        if not isinstance(value, str) or not value:
            return value
        name = PurePath(value).name if media else value
        return f"@input{by_name[name]}" if name in by_name else value

    def bind_arg(tool: str, arg: str, value: Any) -> Any:
        media = registry is not None and _is_media(registry, tool, arg)
        if registry is not None and not media:
            return value
        if isinstance(value, list):  # an argument is a value or a flat list of them
            return [bind(v, media) for v in value]
        return bind(value, media)

    steps = [s.model_copy(update={"args": {k: bind_arg(s.tool, k, v) for k, v in s.args.items()}})
             for s in plan.steps]
    outputs = [bind(o, True) for o in plan.outputs]
    return plan.model_copy(update={"steps": steps, "outputs": outputs})


def _is_media(registry: Registry, tool: str, arg: str) -> bool:
    if tool not in registry or arg not in registry.get(tool).Input.model_fields:
        return False
    return field_kind(registry.get(tool).Input, arg).modality in MEDIA
