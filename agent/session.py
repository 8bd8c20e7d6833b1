"""Conversations: turns that remember their files, so a follow-up can point back at them.

    session = agent.session()                       # or agent.session("3f9c...") to resume
    session.ask("draw a red square")
    session.ask("now make it darker")               # the square is an input of this turn

Each turn is one ordinary run. What earlier turns were given and made (media files, and
text answers as .txt files) is carried into the next turn as inputs named after their
turn (`turn1-s1-image.png`, `turn1-answer.txt`), so the planner sees and references them
like any attached file (`@inputN`), and the request is prefixed with a one-line recap of
the turns. Sessions live under `$MODALSWITCH_HOME/sessions/<id>/`: session.json, one run
folder per turn, and the carried files.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from modalswitch.agent.response import Response
from modalswitch.errors import SessionError

_ID = re.compile(r"^[a-z0-9][a-z0-9-]{2,63}$")


RunFn = Callable[..., Response]
"""Agent.run: request, inputs, keyword options (out_dir, on_event, cancel...)."""


class Turn(BaseModel):
    """One request of a conversation and what it gave back."""

    request: str
    run_dir: str
    text: str = ""
    inputs: list[str] = Field(default_factory=list)
    """The files the user attached to this turn (kept in the session folder)."""
    made: list[str] = Field(default_factory=list)
    """Carried files this turn made: its media artifacts and its text answer."""
    ok: bool = True


class SessionRecord(BaseModel):
    """A saved conversation."""

    id: str
    created: str
    turns: list[Turn] = Field(default_factory=list)


class Session:
    """A conversation with an agent; every turn is saved as soon as it ends."""

    MAX_CARRIED = 8
    """How many of the latest earlier files a turn is given (a planner prompt stays short)."""

    def __init__(self, run: RunFn, home: Path, session_id: str | None = None, *,
                 create: bool = False) -> None:
        self.run = run
        self.root = Path(home) / "sessions"
        if session_id is not None and not create:
            self.record = load_session(home, session_id)
            return
        if session_id is not None and not _ID.match(session_id):
            raise SessionError(f"{session_id!r} is not a session id")
        self.record = SessionRecord(id=session_id or new_session_id(),
                                    created=datetime.now(UTC).isoformat())

    @property
    def id(self) -> str:
        """The id to resume this conversation by."""
        return self.record.id

    @property
    def turns(self) -> list[Turn]:
        """The turns so far, oldest first."""
        return self.record.turns

    @property
    def folder(self) -> Path:
        """Where this session's record, runs and carried files live."""
        return self.root / self.id

    def carried(self) -> list[str]:
        """The earlier files the next turn is given, oldest first."""
        files = [f for turn in self.turns for f in [*turn.inputs, *turn.made]]
        unique = list(dict.fromkeys(f for f in files if Path(f).exists()))
        return unique[-self.MAX_CARRIED:]

    def recap(self) -> str:
        """One line on the earlier turns, put before the next request."""
        if not self.turns:
            return ""
        parts = []
        for n, turn in enumerate(self.turns, 1):
            made = ", ".join(Path(f).name for f in turn.made) or "nothing"
            parts.append(f"turn {n}: {turn.request!r} gave {made}")
        return f"(Earlier in this conversation, {'; '.join(parts)}.) "

    def ask(self, request: str, inputs: Sequence[str | os.PathLike[str]] = (),
            **options: Any) -> Response:
        """Run the next turn: earlier files are inputs too; returns its response. Options
        go to Agent.run (`out_dir` defaults to the session's own turn folder)."""
        n = len(self.turns) + 1
        files = self.folder / "files"
        files.mkdir(parents=True, exist_ok=True)
        given = self.carried() + [str(p) for p in inputs]
        run_dir = Path(options.pop("out_dir", None) or self.folder / f"turn{n}")
        try:
            response = self.run(self.recap() + request, given, out_dir=run_dir,
                                       **options)
        except Exception:
            self._save_turn(Turn(request=request, run_dir=str(run_dir), ok=False))
            raise
        kept = [str(_carry(Path(p), files / f"turn{n}-{Path(p).name}")) for p in inputs]
        made = [str(_carry(Path(a.path), files / f"turn{n}-{Path(a.path).name}"))
                for a in response.artifacts]
        if answer_text := response.answer_text():  # notes on placeholder or failed steps
            answer = files / f"turn{n}-answer.txt"  # are not an answer to plan with
            answer.write_text(answer_text, encoding="utf-8")
            made.append(str(answer))
        self._save_turn(Turn(request=request, run_dir=str(run_dir), text=response.text,
                             inputs=kept, made=made, ok=response.ok))
        return response

    def _save_turn(self, turn: Turn) -> None:
        self.record.turns.append(turn)
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / "session.json"
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(self.record.model_dump_json(indent=2), encoding="utf-8")
        os.replace(tmp, path)


def new_session_id() -> str:
    """A fresh session id."""
    return uuid.uuid4().hex[:12]


def _carry(source: Path, dest: Path) -> Path:
    """A session's own name for a file a turn made (a hard link when the disk allows)."""
    if not dest.exists():
        try:
            os.link(source, dest)
        except OSError:
            dest.write_bytes(source.read_bytes())
    return dest


def load_session(home: Path, session_id: str) -> SessionRecord:
    """A saved session by id (SessionError when there is none or it cannot be read)."""
    if not _ID.match(session_id):
        raise SessionError(f"{session_id!r} is not a session id")
    path = Path(home) / "sessions" / session_id / "session.json"
    if not path.is_file():
        raise SessionError(f"no session {session_id!r} under {path.parent.parent}")
    try:
        return SessionRecord.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValidationError) as exc:
        raise SessionError(f"session {session_id!r} cannot be read: {exc}") from exc


def list_sessions(home: Path) -> list[SessionRecord]:
    """Every saved session, newest first."""
    found = []
    for path in (Path(home) / "sessions").glob("*/session.json"):
        try:
            found.append(load_session(home, path.parent.name))
        except SessionError:
            continue
    return sorted(found, key=lambda r: r.created, reverse=True)
