"""llama.cpp's log, routed into Python logging ("modalswitch.llama_cpp").

llama-cpp-python prints llama.cpp's error-level lines to stderr even with verbose=False, and
llama.cpp logs a harmless fallback at error level: loading a LoRA adapter onto a model
whose weights it repacked (the fast CPU layout) prints "lora for 'blk.9.attn_q.weight'
cannot use buft 'CPU_REPACK', fallback to CPU" once per adapted tensor, 98 lines before the
first plan of `modalswitch run`. Those go to debug; every other error is still logged
as an error (and shown on stderr when logging is not configured), the rest at debug.
"""

from __future__ import annotations

import ctypes
import logging
from typing import Any

logger = logging.getLogger("modalswitch.llama_cpp")

HARMLESS = ("cannot use buft",)
"""Fragments of error-level lines that report a working fallback, not a failure."""

_LEVELS = {0: logging.CRITICAL, 1: logging.DEBUG, 2: logging.DEBUG, 3: logging.ERROR,
           4: logging.DEBUG}
_CONTINUE = 5  # GGML_LOG_LEVEL_CONT: more of the previous line
_callback: Any = None  # the ctypes callback must outlive every call llama.cpp makes to it
_previous = logging.DEBUG


def level_of(level: int, text: str) -> int:
    """The Python logging level a llama.cpp log line is given."""
    global _previous
    if level == _CONTINUE:
        return _previous
    python_level = _LEVELS.get(level, logging.DEBUG)
    if python_level >= logging.ERROR and any(part in text for part in HARMLESS):
        python_level = logging.DEBUG
    _previous = python_level
    return python_level


def route_llama_log() -> None:
    """Send llama.cpp's log to `logger` from now on (idempotent; llama_cpp must import)."""
    global _callback
    import llama_cpp

    if _callback is None:
        @llama_cpp.llama_log_callback
        def _log(level: int, text: bytes, user_data: ctypes.c_void_p) -> None:
            line = text.decode("utf-8", errors="replace").rstrip("\n")
            python_level = level_of(level, line)
            if line and logger.isEnabledFor(python_level):
                logger.log(python_level, "%s", line)

        _callback = _log
    llama_cpp.llama_log_set(_callback, ctypes.c_void_p(0))
