"""One cache of loaded models for every tool: lazy, locked per model, evicted by LRU.

Agents share one process-wide cache by default (`ModelCache.shared()`), so twenty agents
hold one copy of a voice, not twenty. A model is loaded the first time a step needs it;
two steps that want the same model at once wait on one lock so it is never loaded twice;
when the estimated memory of loaded models passes the budget, the least recently used ones
are dropped (and GPU memory handed back). The cache also carries the placement (device,
dtype, offload) every loader follows.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from modalswitch.settings import memory_budget_bytes

if TYPE_CHECKING:
    from modalswitch.tools.runtime.devices import Placement

T = TypeVar("T")


@dataclass
class _Entry:
    value: Any
    size_bytes: int
    load_s: float


class ModelCache:
    """Loaded models keyed by (backend, checkpoint, options), within a memory budget."""

    # One load at a time in the whole process: transformers and accelerate patch global torch
    # state while building a model (meta device, init functions, default dtype), so two
    # concurrent loads corrupt each other's weights.
    _load_lock = threading.Lock()
    _shared: ClassVar[ModelCache | None] = None
    _shared_guard = threading.Lock()

    @classmethod
    def shared(cls) -> ModelCache:
        """The process-wide cache every Agent uses unless given its own, so separate agents
        share one copy of each model (budget from the settings when first made)."""
        with cls._shared_guard:
            if cls._shared is None:
                cls._shared = cls()
            return cls._shared

    def __init__(self, budget_bytes: int | None = None,
                 placement: Placement | None = None) -> None:
        if budget_bytes is None:  # [runtime] memory_budget_gb or MODALSWITCH_MEMORY_GB, else 12 GB
            budget_bytes = memory_budget_bytes()
        self.budget_bytes = budget_bytes
        self._placement = placement
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        self.loads = 0

    @property
    def placement(self) -> Placement:
        """Where models go: given, else detected (config, environment, hardware) on first use."""
        if self._placement is None:
            from modalswitch.tools.runtime.devices import detect_placement

            self._placement = detect_placement()
        return self._placement

    def get(self, key: str, loader: Callable[[], T],
            size_bytes: int | Callable[[T], int] = 0) -> T:
        """The model for `key`, loading it with `loader` on first use.

        `size_bytes` may be a function of the loaded model (e.g. devices.module_bytes).
        """
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
            with ModelCache._load_lock:
                value = loader()
            size = size_bytes(value) if callable(size_bytes) else size_bytes
            entry = _Entry(value, size, time.perf_counter() - start)
            with self._guard:
                self._entries[key] = entry
                self.loads += 1
                self._evict(keep=key)
            return value

    def _evict(self, keep: str) -> None:
        dropped = False
        while self.used_bytes > self.budget_bytes and len(self._entries) > 1:
            oldest = next(iter(self._entries))
            if oldest == keep:
                break
            del self._entries[oldest]
            dropped = True
        if dropped:
            from modalswitch.tools.runtime.devices import free_accelerator_memory

            free_accelerator_memory()

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
        from modalswitch.tools.runtime.devices import free_accelerator_memory

        free_accelerator_memory()
