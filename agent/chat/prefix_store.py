"""The KV state of a prompt's fixed opening, kept on disk for the next process.

Every plan prompt opens with the same system message: instructions and the tool catalog,
about 1,100 tokens. A warm process keeps their KV state in memory; a fresh one (each
`modalswitch run` or `plan`) would read them again, about 10 s on two cores before the
first plan token. The state of those tokens is saved once under the home
(`$MODALSWITCH_HOME/cache/llm-prefix/`) and loaded in milliseconds. Only the system
message's tokens are saved, never a user's request. Files are keyed by the model file,
adapter, context size, llama.cpp version and the exact tokens, written under a temporary
name and renamed, and checked against the tokens when read; the newest few are kept.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

MIN_TOKENS = 256
"""Openings shorter than this are cheap to read again: not worth a file."""


def _file_identity(path: str | os.PathLike[str] | None) -> str:
    if path is None:
        return "-"
    resolved = Path(path).resolve()
    stat = resolved.stat()
    return f"{resolved}:{stat.st_size}:{stat.st_mtime_ns}"


class PrefixStore:
    """Saved KV states of one model's prompt openings."""

    def __init__(self, root: Path, model_path: str | os.PathLike[str],
                 lora_path: str | os.PathLike[str] | None, n_ctx: int, keep: int = 8) -> None:
        import llama_cpp

        self.root = Path(root)
        self.keep = keep
        self.loads = 0
        """Openings this store put back (each saved reading them again)."""
        self.saves = 0
        self._identity = "|".join([_file_identity(model_path), _file_identity(lora_path),
                                   str(n_ctx), llama_cpp.__version__])

    def path(self, tokens: Sequence[int]) -> Path:
        """Where the state of these tokens is kept."""
        digest = hashlib.sha256(self._identity.encode())
        digest.update(",".join(map(str, tokens)).encode())
        return self.root / f"{digest.hexdigest()[:32]}.kv"

    def load(self, llm: Any, tokens: list[int]) -> bool:
        """Put the saved state of exactly `tokens` in the context; False if there is none
        (or it does not match), with the context left empty."""
        import llama_cpp

        path = self.path(tokens)
        if not path.is_file():
            return False
        llm.reset()
        llm._ctx.kv_cache_seq_rm(-1, 0, -1)
        read = (llama_cpp.llama_token * len(tokens))()
        count = ctypes.c_size_t(0)
        loaded = llama_cpp.llama_state_seq_load_file(llm._ctx.ctx, str(path).encode(), 0, read,
                                                     len(tokens), ctypes.byref(count))
        if not loaded or list(read[:count.value]) != tokens:
            llm._ctx.kv_cache_seq_rm(-1, 0, -1)  # a torn or foreign file: read the prompt
            return False
        llm.input_ids[:len(tokens)] = tokens
        llm.n_tokens = len(tokens)
        self.loads += 1
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used: kept longest
        return True

    def save(self, llm: Any, tokens: list[int]) -> None:
        """Save the context's state, which holds exactly `tokens` (best effort: a full disk
        costs the next process time, never a wrong answer)."""
        import llama_cpp

        path = self.path(tokens)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            written = (llama_cpp.llama_token * len(tokens))(*tokens)
            if llama_cpp.llama_state_seq_save_file(llm._ctx.ctx, str(temporary).encode(), 0,
                                                   written, len(tokens)):
                os.replace(temporary, path)
                self.saves += 1
            self._prune()
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)

    def _prune(self) -> None:
        states = sorted(self.root.glob("*.kv"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in states[self.keep:]:
            with contextlib.suppress(OSError):
                old.unlink()
