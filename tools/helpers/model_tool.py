"""The base of every tool that loads a checkpoint: config lookup, resolution, cached loading.

A model tool names its config slot; its checkpoint is the constructor's, else the slot's
(environment, config file, default). Loading goes through the shared ModelCache under a key
of (backend, what, local path, placement), and any library failure while loading becomes a
MissingModelError or ToolError that names the tool and checkpoint, never a raw traceback.
"""

from __future__ import annotations

import logging
import os
import threading
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel

from modalswitch.errors import MissingModelError, ModalswitchError, ToolError
from modalswitch.tools.contract.degraded import Degraded
from modalswitch.tools.contract.tool import Tool, ToolContext
from modalswitch.tools.runtime.checkpoints import how_to_pull, not_configured, resolve
from modalswitch.tools.runtime.devices import Placement, module_bytes
from modalswitch.tools.runtime.slots import (
    SLOTS,
    Slot,
    allow_download,
    checkpoint_for,
    checkpoint_source,
    options_for,
)

InT = TypeVar("InT", bound=BaseModel)
OutT = TypeVar("OutT", bound=BaseModel)
M = TypeVar("M")


def quiet_libraries() -> None:
    """Silence progress bars and advisory warnings from transformers and diffusers.

    modalswitch reports its own progress; library bars on stderr would garble it.
    """
    import sys

    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("DIFFUSERS_VERBOSITY", "error")
    for name in ("transformers", "diffusers", "huggingface_hub", "accelerate"):
        logging.getLogger(name).setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", module=r"(transformers|diffusers|torch|whisper)\b.*")
    for name in ("diffusers", "transformers"):  # only those already imported: stay lazy
        module = sys.modules.get(name)
        utils = getattr(module, "utils", None)
        disable = getattr(getattr(utils, "logging", None), "disable_progress_bar", None)
        if callable(disable):
            disable()


_lock_guard = threading.Lock()
SEED_LOCK = threading.Lock()
"""Held while a tool seeds torch's global generator and samples, so parallel steps using
the global generator (Bark, MusicGen) cannot interleave and break repeatability."""


def inference_lock(model: Any, share_with: Any = None) -> threading.Lock:
    """The lock that serialises calls into one loaded model.

    A loaded model is shared by every step that wants it, and pipelines keep per-call state
    (scheduler timesteps, whisper's key/value hooks), so two steps must not run it at once.
    `share_with` gives a derived pipeline (img2img from text2img) its parent's lock, as they
    share components.
    """
    with _lock_guard:
        lock = _lock_of(share_with if share_with is not None else model)
        if share_with is not None:
            object.__setattr__(model, "_modalswitch_lock", lock)
        return lock


def _lock_of(model: Any) -> threading.Lock:
    lock = getattr(model, "_modalswitch_lock", None)
    if lock is None:
        lock = threading.Lock()
        object.__setattr__(model, "_modalswitch_lock", lock)  # pipelines override __setattr__
    return lock


def first_line(exc: BaseException, limit: int = 300) -> str:
    """A library exception reduced to one readable line."""
    text = str(exc).strip().splitlines()
    line = text[0] if text else type(exc).__name__
    return f"{type(exc).__name__}: {line[:limit]}"


class ModelTool(Tool[InT, OutT]):
    """A tool whose backend loads a configurable checkpoint through the model cache."""

    slot: ClassVar[str]
    placeholder: ClassVar[str | None] = None
    """What the tool makes when its slot's model is not here; None: it fails and says why."""

    def __init__(self, checkpoint: str | None = None) -> None:
        self._checkpoint = checkpoint

    def stand_in(self) -> Degraded | None:
        """The placeholder note when no model is configured, or the slot's default is not on
        this machine; None when the real model will run. A checkpoint the user chose is never
        replaced: if it is missing, loading it fails with how to get it."""
        if self.placeholder is None:
            return None
        checkpoint, source = ((self._checkpoint, "given") if self._checkpoint
                              else checkpoint_source(self.slot))
        kind = self.slot.replace("_", "-")
        if not checkpoint:
            missing = f"no {kind} model is configured"
        elif source != "default" or allow_download():
            return None
        else:
            try:
                resolve(self.name, self.slot, checkpoint, download=False)
                return None
            except MissingModelError:
                missing = f"the {kind} model {checkpoint} is not on this machine"
        return Degraded(placeholder=self.placeholder, missing=missing,
                        fix=how_to_pull(self.slot_spec))

    @property
    def slot_spec(self) -> Slot:
        """The config slot this tool reads."""
        return SLOTS[self.slot]

    @property
    def checkpoint(self) -> str | None:
        """The model id or path this tool will load (None: its offline fallback runs)."""
        return self._checkpoint or checkpoint_for(self.slot)

    def options(self) -> dict[str, Any]:
        """Default arguments from `[options.<slot>]` in the config file."""
        return options_for(self.slot)

    @property
    def settings(self) -> dict[str, Any]:
        """The config's options change outputs (steps, temperature, ...): a changed
        `[options.<slot>]` must not be served results made under the old one."""
        return self.options()

    def setting(self, given: Any, name: str, default: Any) -> Any:
        """An argument: the step's value, else the config's option, else the default."""
        if given is not None:
            return given
        return self.options().get(name, default)

    def require_checkpoint(self) -> str:
        """The checkpoint, or MissingModelError when none is configured."""
        checkpoint = self.checkpoint
        if not checkpoint:
            raise not_configured(self.name, self.slot_spec)
        return checkpoint

    def load(self, ctx: ToolContext, what: str, loader: Callable[[Path, Placement], M],
             checkpoint: str | None = None) -> M:
        """The loaded model: resolved locally, loaded once, shared through the cache."""
        name = checkpoint or self.require_checkpoint()
        local = resolve(self.name, self.slot, name)
        placement = ctx.models.placement
        key = f"{self.backend}:{what}:{local}:{placement.key}"

        def load() -> M:
            quiet_libraries()
            try:
                model = loader(local, placement)
                quiet_libraries()  # the loader imported the libraries: now their bars go too
                return model
            except ModalswitchError:
                raise
            except ImportError as exc:
                raise ToolError(f"tool {self.name!r} needs a library that is not installed "
                                f"({first_line(exc)}): pip install 'modalswitch[full]' "
                                f"(and for openai-whisper: pip install --no-deps "
                                f"openai-whisper)") from None
            except (OSError, ValueError, KeyError, TypeError, AttributeError, RuntimeError) as exc:
                raise MissingModelError(
                    self.name, name,
                    f"{local} could not be loaded as a {self.slot_spec.what} checkpoint "
                    f"({first_line(exc)}). Check that it is complete with `modalswitch models "
                    f"verify`, or point {self.slot_spec.env_var} at another one.") from None

        loaded = ctx.models.keys()
        if key not in loaded:
            ctx.progress(0.0, f"loading {name}")
        return ctx.models.get(key, load, size_bytes=module_bytes)

    def failed(self, action: str, exc: BaseException) -> ToolError:
        """A running-model failure as one clear ToolError."""
        return ToolError(f"{self.name} ({self.checkpoint}) failed while {action}: "
                         f"{first_line(exc)}")
