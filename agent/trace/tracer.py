"""The run trace writer and reader: events stamped, appended to trace.jsonl, told to listeners."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Callable
from pathlib import Path

from modalswitch.agent.trace.events import EVENT_ADAPTER, Event

Listener = Callable[[Event], None]
"""Called with every event as it is emitted."""


class Tracer:
    """Stamps events with the run id, appends them to trace.jsonl and tells listeners."""

    def __init__(self, path: Path | None = None, run_id: str | None = None) -> None:
        self.run_id = run_id or uuid.uuid4().hex[:12]
        self.path = path
        self.events: list[Event] = []
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)

    def subscribe(self, listener: Listener) -> None:
        """Call `listener(event)` for every later event."""
        self._listeners.append(listener)

    def emit(self, event: Event) -> None:
        """Record one event."""
        event.run_id = self.run_id
        line = event.model_dump_json()
        with self._lock:
            self.events.append(event)
            if self.path is not None:
                # Never through a link: a trace planted as a symlink is an error, not a write.
                fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW,
                             0o644)
                with os.fdopen(fd, "a", encoding="utf-8") as fh:
                    fh.write(line + "\n")
        for listener in self._listeners:
            listener(event)


def complete_lines(path: Path) -> str:
    """The whole lines of a trace.jsonl that may still be growing (a line being written is
    left for the next read)."""
    text = Path(path).read_text(encoding="utf-8")
    return text[: text.rfind("\n") + 1]


def read_trace(path: Path) -> list[Event]:
    """Parse a trace.jsonl back into typed events."""
    events: list[Event] = []
    with Path(path).open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                events.append(EVENT_ADAPTER.validate_json(line))
    return events
