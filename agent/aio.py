"""asyncio over the one synchronous run: `arun` awaits it, `astream` yields its events live.

The run itself (planning, the executor's thread pool) stays where it is, on a worker
thread; events cross to the event loop through a queue as they are emitted. Cancelling
the awaiting task, or leaving the stream early, sets the run's cancel flag: the executor
stops the steps not yet finished, and the coroutine returns once the run has wound down.
"""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

from modalswitch.agent.response import Response
from modalswitch.agent.trace.events import Event

RunFn = Callable[..., Response]
"""Agent.run (request, inputs, keyword options incl. on_event and cancel)."""
_DONE = object()


async def _settle(future: asyncio.Future[Response], cancel: threading.Event) -> None:
    """Stop the run and wait until its thread has finished."""
    cancel.set()
    await asyncio.wait([future])


async def arun(run: RunFn, request: str, inputs: Sequence[Any] = (), **options: Any
               ) -> Response:
    """Await a run; cancelling this coroutine cancels the run."""
    cancel = threading.Event()
    loop = asyncio.get_running_loop()
    future = loop.run_in_executor(None, functools.partial(run, request, inputs,
                                                          cancel=cancel, **options))
    try:
        return await asyncio.shield(future)
    except asyncio.CancelledError:
        await _settle(future, cancel)
        raise


async def astream(run: RunFn, request: str, inputs: Sequence[Any] = (), **options: Any
                  ) -> AsyncIterator[Event]:
    """Yield each trace event of a run as it happens; the run's error, if any, is raised
    after its last event."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[Any] = asyncio.Queue()
    cancel = threading.Event()
    listener = options.pop("on_event", None)

    def on_event(event: Event) -> None:
        if listener is not None:
            listener(event)
        loop.call_soon_threadsafe(queue.put_nowait, event)

    future = loop.run_in_executor(None, functools.partial(
        run, request, inputs, on_event=on_event, cancel=cancel, **options))
    future.add_done_callback(lambda _: queue.put_nowait(_DONE))
    try:
        while (item := await queue.get()) is not _DONE:
            yield item
        while not queue.empty():  # events scheduled just before the run returned
            if (item := queue.get_nowait()) is not _DONE:
                yield item
        future.result()
    finally:
        if not future.done():
            await _settle(future, cancel)
