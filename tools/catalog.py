"""The default registry: every tool that ships with modalswitch."""

from __future__ import annotations

from .registry import Registry


def default_registry() -> Registry:
    """The registry `Agent()` uses when none is given."""
    return Registry([])
