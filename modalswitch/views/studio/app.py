"""The studio app: what each folder given is, and the screen it opens on.

    one eval folder          the eval view (metrics, splits, the case table)
    two eval folders         the comparison of A and B
    an eval being written    the live eval view, until its results land
    a run folder or trace    the case view, following the trace while the run writes it
    a folder of run folders  the list of runs
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Literal

from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen

from modalswitch.agent.trace.fold import TraceFollower, trace_file
from modalswitch.errors import UserError
from modalswitch.views.studio.case_parts import Side
from modalswitch.views.studio.case_screen import CaseScreen
from modalswitch.views.studio.compare_screen import CompareScreen
from modalswitch.views.studio.data import EvalData
from modalswitch.views.studio.eval_screen import EvalScreen
from modalswitch.views.studio.live_eval import LiveEvalScreen, eval_running
from modalswitch.views.studio.opener import Opener, launch
from modalswitch.views.studio.runs_screen import RunsScreen, run_folders

Kind = Literal["eval", "live-eval", "run", "runs"]


@dataclass(frozen=True)
class Target:
    """A folder given to `modalswitch view`, and what it holds."""

    kind: Kind
    path: Path


def resolve(path: Path, follow: bool = False) -> Target:
    """What a path is (UserError when it is none of the things the studio shows); with
    `follow`, a run folder that does not exist yet is awaited."""
    path = Path(path)
    if path.is_file() and path.suffix == ".jsonl":
        return Target("run", path)
    if not path.is_dir():
        if follow and not path.exists():
            return Target("run", path)
        raise UserError(f"{path} does not exist" if not path.exists()
                        else f"{path} is a file, not a run's trace.jsonl or a folder")
    if (path / "results.jsonl").exists() and not eval_running(path):
        return Target("eval", path)
    if eval_running(path):
        return Target("live-eval", path)
    if trace_file(path).is_file() or follow:
        return Target("run", path)
    if run_folders(path):
        return Target("runs", path)
    raise UserError(f"{path} holds no eval (results.jsonl), no run (trace.jsonl) and no run "
                    "folders; pass --follow to wait for a run to start writing there")


def first_screen(targets: list[Target], opener: Opener) -> Screen[None]:
    """The screen the studio opens on."""
    if len(targets) == 2:
        if any(t.kind != "eval" for t in targets):
            raise UserError("`view A B` compares two finished eval folders; got "
                            + " and ".join(f"{t.path} ({t.kind})" for t in targets))
        return CompareScreen(EvalData.load(targets[0].path), EvalData.load(targets[1].path),
                             opener)
    if len(targets) != 1:
        raise UserError("view takes one folder, or two eval folders to compare")
    target = targets[0]
    if target.kind == "eval":
        return EvalScreen(EvalData.load(target.path), opener)
    if target.kind == "live-eval":
        return LiveEvalScreen(target.path, opener)
    if target.kind == "runs":
        return RunsScreen(target.path, opener)
    trace = target.path if target.path.suffix == ".jsonl" else target.path / "trace.jsonl"
    follower = TraceFollower(trace)  # a folder that does not exist yet will be a run folder
    return CaseScreen([Side("", follower.summary, follower.path.parent)], None, opener,
                      follower=follower)


class StudioApp(App[None]):
    """`modalswitch view`: keys in the footer, mouse optional, 80×24 and ssh friendly."""

    TITLE = "modalswitch studio"
    ENABLE_COMMAND_PALETTE = False  # its footer slot is worth more to the keys in 80 columns
    BINDINGS: ClassVar[list[BindingType]] = [Binding("q", "quit", "quit")]

    def __init__(self, screen: Screen[None]) -> None:
        super().__init__()
        self.first = screen

    def on_mount(self) -> None:
        """Open the first screen."""
        self.push_screen(self.first)


def studio(paths: list[Path], follow: bool = False, opener: Opener = launch) -> StudioApp:
    """The app for the folders given (errors about them are raised here, before it runs)."""
    return StudioApp(first_screen([resolve(p, follow) for p in paths], opener))
