"""One cache of loaded models for every tool: lazy, locked per model, evicted by LRU.

A model is loaded the first time a step needs it; two steps that want the same model at
once wait on one lock so it is never loaded twice; when the estimated memory of loaded
models passes the budget, the least recently used ones are dropped.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass
class _Entry:
    value: Any
    size_bytes: int
    load_s: float


class ModelCache:
    """Loaded models keyed by (backend, checkpoint, options), within a memory budget."""

    def __init__(self, budget_bytes: int = 12 * 1024**3) -> None:
        self.budget_bytes = budget_bytes
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        self.loads = 0

    def get(self, key: str, loader: Callable[[], T], size_bytes: int = 0) -> T:
        """The model for `key`, loading it with `loader` on first use."""
        with self._guard:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key].value
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            with self._guard:
                if key in self._entries:  # another step loaded it while we waited
                    self._entries.move_to_end(key)
                    return self._entries[key].value
            start = time.perf_counter()
            value = loader()
            entry = _Entry(value, size_bytes, time.perf_counter() - start)
            with self._guard:
                self._entries[key] = entry
                self.loads += 1
                self._evict(keep=key)
            return value

    def _evict(self, keep: str) -> None:
        while self.used_bytes > self.budget_bytes and len(self._entries) > 1:
            oldest = next(iter(self._entries))
            if oldest == keep:
                break
            del self._entries[oldest]

    @property
    def used_bytes(self) -> int:
        """Estimated memory of the models held now."""
        return sum(e.size_bytes for e in self._entries.values())

    def keys(self) -> list[str]:
        """The keys of loaded models, least recently used first."""
        with self._guard:
            return list(self._entries)

    def clear(self) -> None:
        """Drop every loaded model."""
        with self._guard:
            self._entries.clear()
