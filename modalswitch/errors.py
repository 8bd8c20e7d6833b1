"""Every error modalswitch raises on purpose, so callers can catch by kind.

Two families, after pydantic-ai: `UserError` means the caller must fix something (a bad
input file, a path outside the run's inputs, a missing checkpoint); `PlanError` means the
planner wrote something invalid and may be asked to repair it. `ToolError` is a step that
failed while running. Each class carries the exit code the command line ends with:

    0 ok · 1 a step or the run failed · 2 bad input or usage · 3 no valid plan
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar


class ModalswitchError(Exception):
    """Base class of every error raised on purpose by modalswitch."""

    exit_code: ClassVar[int] = 1


class UserError(ModalswitchError):
    """The caller misused the API or passed bad input; nothing was lost."""

    exit_code = 2


class InputFileError(UserError):
    """An input file is missing, unreadable, corrupt, of an unknown kind or too large."""

    def __init__(self, path: object, reason: str) -> None:
        super().__init__(f"input {path}: {reason}")
        self.path = str(path)
        self.reason = reason


class EmptyRequestError(UserError):
    """The request text is empty or only whitespace."""

    def __init__(self) -> None:
        super().__init__("the request is empty: say what you want, e.g. 'transcribe this'")


class MissingModelError(UserError):
    """A tool's checkpoint is not present locally and cannot be fetched."""

    def __init__(self, tool: str, checkpoint: str, how: str) -> None:
        super().__init__(f"tool {tool!r} needs checkpoint {checkpoint!r}, which is not here. {how}")
        self.tool = tool
        self.checkpoint = checkpoint
        self.how = how


class NoNetworkError(UserError):
    """A download was asked for, and the model hub cannot be reached from this machine."""


class UnknownToolError(UserError):
    """No tool of that name is registered."""

    def __init__(self, name: str, known: list[str]) -> None:
        close = difflib.get_close_matches(name, known, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        super().__init__(f"unknown tool {name!r}{hint}")
        self.name = name
        self.suggestion = close[0] if close else None


class ToolDefinitionError(UserError):
    """A Tool subclass is declared wrongly (caught when the class is defined)."""


class ConfigError(UserError):
    """The config file or a MODALSWITCH_* setting has a value that cannot be used."""


class DatasetError(UserError):
    """An eval dataset file is missing or malformed."""


class EvalDirError(UserError):
    """A folder is not an eval folder (no results.jsonl)."""


class RunFolderError(UserError):
    """A run folder cannot be used: it is a file, cannot be created, or another run holds it."""

    def __init__(self, path: object, reason: str) -> None:
        super().__init__(f"run folder {path}: {reason}")
        self.path = str(path)
        self.reason = reason


class MediaError(ModalswitchError):
    """A media file cannot be used: unknown kind, corrupt, truncated or over a limit.

    At the boundary it becomes an InputFileError (a user's file) or a ToolError (a file a
    tool wrote).
    """


class IssueKind(StrEnum):
    """The kinds of mistakes plan validation reports."""

    MALFORMED = "malformed"
    UNKNOWN_TOOL = "unknown_tool"
    BAD_ARGUMENTS = "bad_arguments"
    DANGLING_REFERENCE = "dangling_reference"
    MODALITY_MISMATCH = "modality_mismatch"
    CYCLE = "cycle"
    DUPLICATE_STEP = "duplicate_step"
    PATH_OUTSIDE_INPUTS = "path_outside_inputs"
    RESERVED_ID = "reserved_id"
    TOO_DEEP = "too_deep"


@dataclass(frozen=True)
class PlanIssue:
    """One thing wrong with a plan, located by step id and argument name where it applies."""

    kind: IssueKind
    message: str
    step: str | None = None
    arg: str | None = None

    def __str__(self) -> str:
        where = ".".join(p for p in (self.step, self.arg) if p)
        return f"[{self.kind}] {where + ': ' if where else ''}{self.message}"


class PlanError(ModalswitchError):
    """A plan failed validation; `issues` says every reason, for the planner to repair.

    When a caller passes the plan (`run --plan`), it is bad input: exit code 2.
    """

    exit_code = 2

    def __init__(self, issues: list[PlanIssue]) -> None:
        self.issues = issues
        lines = "\n".join(f"  - {issue}" for issue in issues)
        super().__init__(f"invalid plan ({len(issues)} issue(s)):\n{lines}")

    @property
    def kinds(self) -> set[IssueKind]:
        """The distinct kinds of issue found."""
        return {issue.kind for issue in self.issues}


class PlannerError(ModalswitchError):
    """The planner could not produce a valid plan within its repair budget."""

    exit_code = 3

    def __init__(self, message: str, last_error: PlanError | None = None) -> None:
        super().__init__(message)
        self.last_error = last_error


class GrammarError(ModalswitchError):
    """A plan schema whose grammar the llama.cpp decoder cannot use."""

    exit_code = 3


class ToolError(ModalswitchError):
    """A tool failed while running a step."""


class TransientToolError(ToolError):
    """A failure worth retrying (a busy resource, a flaky backend)."""


class StepTimeoutError(ToolError):
    """A step ran past its time limit."""


class UpstreamFailed(ToolError):
    """A step was skipped because a step it needs failed."""


class RunCancelled(ModalswitchError):
    """The run was cancelled (`DELETE /v1/runs/{id}`, a cancelled `arun`); steps not yet
    finished were stopped."""


class EndpointError(ModalswitchError):
    """A remote chat endpoint (OpenAI-compatible, Ollama) is down, or kept failing after
    its retries, or answered with an error."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"chat endpoint {url}: {reason}")
        self.url = url
        self.reason = reason


class SessionError(UserError):
    """A conversation id names no saved session, or its record cannot be read."""


class EngineError(UserError):
    """The execution engine cannot start (Ray missing or its cluster unreachable)."""


class ToolCrashError(ToolError):
    """A tool ended its step with an exception that is not an Exception (SystemExit, ...)."""


class StoreIntegrityError(ToolError):
    """A store object no longer matches its hash and no good copy was at hand."""


def exit_code(exc: BaseException) -> int:
    """The command line's exit code for an error (1 for anything unexpected)."""
    return exc.exit_code if isinstance(exc, ModalswitchError) else 1
