"""Fault-injecting fake tools: each breaks in one way a real backend can, for reliability tests.

`Explode` raises whatever it is told (a ToolError, a bug, SystemExit, KeyboardInterrupt);
`Hang` ignores cancellation until released; `Partial` stops early when cancelled and returns
what it has; `DieInSubprocess` runs a child that dies with `os._exit`; `Allocate` asks for
more memory than exists (a bounded request: it fails at once, it does not grow). None of
them is in the default registry.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from typing import Any, Literal

from pydantic import BaseModel, Field

from modalswitch.errors import ToolError
from modalswitch.tools.contract.fields import TextContent
from modalswitch.tools.contract.registry import Registry
from modalswitch.tools.contract.tool import Tool, ToolContext
from modalswitch.tools.fakes import TextIn, TextOut

Failure = Literal["tool_error", "runtime_error", "system_exit", "keyboard_interrupt",
                  "base_exception"]


class _Bare(BaseException):
    """A BaseException that is neither an Exception nor one of Python's own."""


class ExplodeIn(BaseModel):
    """How to fail."""

    text: TextContent = "boom"
    failure: Failure = "runtime_error"


class Explode(Tool[ExplodeIn, TextOut]):
    """Raises the exception it is asked for."""

    name = "explode"
    description = "A tool that raises an exception."

    def run(self, args: ExplodeIn, ctx: ToolContext) -> TextOut:
        raise {"tool_error": ToolError("failed on purpose"),
               "runtime_error": RuntimeError("a bug in the tool"),
               "system_exit": SystemExit(3),
               "keyboard_interrupt": KeyboardInterrupt(),
               "base_exception": _Bare("an odd exception")}[args.failure]


class Hang(Tool[TextIn, TextOut]):
    """Waits until `release` is set, ignoring cancellation (a tool stuck in native code)."""

    name = "hang"
    description = "A tool that hangs."

    def __init__(self, limit_s: float = 30.0) -> None:
        self.release = threading.Event()
        self.limit_s = limit_s

    def run(self, args: TextIn, ctx: ToolContext) -> TextOut:
        self.release.wait(self.limit_s)
        return TextOut(text=args.text)


class PartialIn(BaseModel):
    """How many pieces to produce, and how long each takes."""

    pieces: int = Field(20, ge=1, le=1000)
    seconds_each: float = 0.05


class Partial(Tool[PartialIn, TextOut]):
    """Counts pieces; when cancelled it stops and returns the pieces so far (incomplete)."""

    name = "partial"
    description = "A tool that returns a partial result when it is stopped."

    def run(self, args: PartialIn, ctx: ToolContext) -> TextOut:
        done = 0
        while done < args.pieces and not ctx.cancelled.wait(args.seconds_each):
            done += 1
        return TextOut(text=f"{done} of {args.pieces} pieces")


class DieInSubprocess(Tool[TextIn, TextOut]):
    """Runs its work in a child process that dies with `os._exit`."""

    name = "die_in_subprocess"
    description = "A tool whose worker process dies."

    def run(self, args: TextIn, ctx: ToolContext) -> TextOut:
        proc = subprocess.run([sys.executable, "-c", "import os; os._exit(7)"],
                              capture_output=True, timeout=60, check=False)
        if proc.returncode != 0:
            raise ToolError(f"the worker process died (exit code {proc.returncode})")
        return TextOut(text=args.text)


class Allocate(Tool[TextIn, TextOut]):
    """Asks for an impossible amount of memory in one bounded request."""

    name = "allocate"
    description = "A tool that runs out of memory."

    def run(self, args: TextIn, ctx: ToolContext) -> TextOut:
        buffer = bytearray(1 << 62)  # MemoryError at once: far beyond any machine
        return TextOut(text=f"{len(buffer)} bytes")


def fault_registry(extra: Registry | None = None) -> Registry:
    """The fault tools, plus the tools of `extra` (e.g. `fake_registry()`)."""
    tools: list[Tool[Any, Any]] = [Explode(), Hang(), Partial(), DieInSubprocess(), Allocate()]
    return Registry([*tools, *(extra or [])])
