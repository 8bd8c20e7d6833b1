"""Shared diffusers plumbing: load any pipeline on the chosen device, call it safely.

Pipelines differ in which arguments they take (Flux has no negative prompt, SD-Turbo wants
guidance 0), so calls pass only what a pipeline's `__call__` accepts. Every call reports
progress per denoising step and stops early when the step is cancelled.
"""

from __future__ import annotations

import inspect
import random
from pathlib import Path
from typing import Any

from modalswitch.errors import ToolError
from modalswitch.tools.contract.tool import ToolContext
from modalswitch.tools.runtime.devices import Placement, place_pipeline


def pipeline_loader(auto_class: str | None) -> Any:
    """A ModelTool loader that opens a diffusers pipeline with an Auto class (or the generic)."""

    def load(local: Path, placement: Placement) -> Any:
        import diffusers

        kwargs = dtype_kwargs(placement)
        pipe = None
        if auto_class is not None:
            try:
                pipe = getattr(diffusers, auto_class).from_pretrained(str(local), **kwargs)
            except ValueError as exc:
                # Auto classes only map known families; a custom pipeline still loads generically.
                if "AutoPipeline" not in str(exc) and "not supported" not in str(exc):
                    raise
        if pipe is None:
            pipe = diffusers.DiffusionPipeline.from_pretrained(str(local), **kwargs)
        return place_pipeline(pipe, placement)

    return load


def dtype_kwargs(placement: Placement) -> dict[str, Any]:
    """The dtype argument of from_pretrained: `dtype` in new diffusers, `torch_dtype` before."""
    import diffusers.utils.deprecation_utils as deprecation

    name = "dtype" if hasattr(deprecation, "_resolve_dtype") else "torch_dtype"
    return {name: placement.torch_dtype()}


def pick_seed(seed: int | None) -> int:
    """The given seed, or a fresh one to report so the result can be repeated."""
    return seed if seed is not None else random.randrange(2**31)


def round8(value: int | None) -> int | None:
    """A size rounded down to a multiple of 8 (latent grids need it)."""
    return None if value is None else max(8, value - value % 8)


def call_pipeline(pipe: Any, ctx: ToolContext, seed: int, steps: int | None,
                  **kwargs: Any) -> Any:
    """Call a pipeline with the arguments it accepts, a seeded generator and progress."""
    import torch

    params = inspect.signature(pipe.__call__).parameters
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    call: dict[str, Any] = {k: v for k, v in kwargs.items()
                            if v is not None and (k in params or takes_any)}
    if steps is not None:
        call["num_inference_steps"] = steps
    call["generator"] = torch.Generator(device="cpu").manual_seed(seed)
    total = steps or 1
    if "callback_on_step_end" in params:
        def on_step(p: Any, step: int, timestep: Any, tensors: dict[str, Any]) -> dict[str, Any]:
            ctx.progress(min((step + 1) / total, 1.0), f"denoising step {step + 1}/{total}")
            if ctx.cancelled.is_set():
                p._interrupt = True  # diffusers pipelines check this flag between steps
            return tensors

        call["callback_on_step_end"] = on_step
    from modalswitch.tools.helpers.model_tool import first_line, inference_lock

    try:
        with inference_lock(pipe), torch.inference_mode():
            return pipe(**call)
    except ToolError:
        raise
    except Exception as exc:
        raise ToolError(f"{type(pipe).__name__} failed: {first_line(exc)}") from None
