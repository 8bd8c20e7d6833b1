"""The `modalswitch` command line: one module per command."""

from modalswitch.cli.main import main

__all__ = ["main"]
