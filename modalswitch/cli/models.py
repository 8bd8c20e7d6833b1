"""`modalswitch models list | pull ID | verify | path ID`: see and fetch the tools' checkpoints.

An ID is a config slot (its configured checkpoint), a Hugging Face id, a local path, or
`openai-whisper:SIZE`. Pulling needs a network; without one it says so and exits 2.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict, dataclass

from modalswitch.cli.common import Subparsers
from modalswitch.errors import MissingModelError, NoNetworkError, UserError
from modalswitch.settings import config_path
from modalswitch.tools.runtime.checkpoints import (
    pull_hub,
    pull_whisper,
    resolve,
    verify,
)
from modalswitch.tools.runtime.slots import SLOTS, checkpoint_source

WHISPER_PREFIX = "openai-whisper:"


@dataclass
class SlotStatus:
    """What `models list` and `verify` report for one slot."""

    slot: str
    backend: str
    checkpoint: str | None
    source: str
    status: str
    """ok | broken | missing | not-downloaded | fallback"""
    detail: str
    path: str | None = None


def slot_status(slot: str, check: bool = False) -> SlotStatus:
    """Where a slot's checkpoint stands: present, missing, broken, or a fallback in use."""
    spec = SLOTS[slot]
    checkpoint, source = checkpoint_source(slot)
    if not checkpoint:
        return SlotStatus(slot, spec.backend, None, source, "fallback",
                          f"none configured: uses {spec.fallback}")
    try:
        path = resolve(f"models:{slot}", slot, checkpoint, download=False)
    except MissingModelError as exc:
        state = "not-downloaded" if source == "default" else "missing"
        return SlotStatus(slot, spec.backend, checkpoint, source, state, exc.how)
    if not check:
        return SlotStatus(slot, spec.backend, checkpoint, source, "ok", "present", str(path))
    verdict = verify(path, checkpoint if spec.kind == "whisper" else None)
    return SlotStatus(slot, spec.backend, checkpoint, source, "ok" if verdict.ok else "broken",
                      verdict.message, str(path))


def _target(ident: str) -> tuple[str, str]:
    """(slot, checkpoint) for an ID given on the command line."""
    if ident in SLOTS:
        checkpoint, _ = checkpoint_source(ident)
        if not checkpoint:
            raise UserError(f"slot {ident!r} has no checkpoint configured "
                            f"(set {SLOTS[ident].env_var}); it uses {SLOTS[ident].fallback}")
        return ident, checkpoint
    if ident.startswith(WHISPER_PREFIX):
        return "openai_whisper", ident[len(WHISPER_PREFIX):]
    return "text_to_image", ident  # any hub repo or folder resolves the same way


def cmd_list(args: argparse.Namespace) -> int:
    """Print every slot's checkpoint, where it was configured, and whether it is here."""
    rows = [slot_status(s) for s in SLOTS]
    if args.json:
        print(json.dumps([asdict(r) for r in rows], indent=2))
        return 0
    print(f"config: {config_path()}")
    width = max(len(s) for s in SLOTS)
    for r in rows:
        shown = r.checkpoint or "-"
        print(f"{r.slot:<{width}}  {r.backend:<22} {shown:<40} {r.status:<14} {r.source}")
        if r.status in ("fallback",):
            print(f"{'':<{width}}  {r.detail}")
    return 0


def cmd_pull(args: argparse.Namespace) -> int:
    """Download a checkpoint into the local cache (needs a network)."""
    try:
        slot, checkpoint = _target(args.id)
        path = pull_whisper(checkpoint) if SLOTS[slot].kind == "whisper" else pull_hub(checkpoint)
    except NoNetworkError as exc:
        print(f"no network: {exc}. Download {args.id} on a machine that has one "
              f"(`modalswitch models pull {args.id}`), copy the folder here and point "
              f"config.toml's [models] at it.")
        return 2
    except UserError as exc:
        print(f"error: {exc}")
        return 1
    except Exception as exc:  # hub errors: unknown repo, gated, disk full
        print(f"could not download {args.id}: {type(exc).__name__}: {exc}")
        return 1
    print(path)
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    """Check configured checkpoints are present and complete; exit 1 when one is not."""
    slots = args.slots or list(SLOTS)
    unknown = [s for s in slots if s not in SLOTS]
    if unknown:
        print(f"error: unknown slot(s) {', '.join(unknown)}; known: {', '.join(SLOTS)}")
        return 1
    rows = [slot_status(s, check=True) for s in slots]
    if args.json:
        print(json.dumps([asdict(r) for r in rows], indent=2))
    else:
        for r in rows:
            print(f"{r.status:<14} {r.slot}: {r.checkpoint or '-'} - {r.detail}")
    return 1 if any(r.status in ("broken", "missing") for r in rows) else 0


def cmd_path(args: argparse.Namespace) -> int:
    """Print the local path a checkpoint resolves to; exit 1 with the reason if it is absent."""
    try:
        slot, checkpoint = _target(args.id)
        print(resolve("models", slot, checkpoint, download=False))
    except UserError as exc:
        print(f"error: {exc}")
        return 1
    return 0


def register(subparsers: Subparsers) -> None:
    """Register `models` and its subcommands; each handler is `args.func(args) -> exit code`."""
    models = subparsers.add_parser("models", help="list, download and check model checkpoints")
    sub = models.add_subparsers(dest="models_command", required=True)
    p = sub.add_parser("list", help="each tool slot's checkpoint and whether it is here")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_list)
    p = sub.add_parser("pull", help="download a checkpoint (needs a network)")
    p.add_argument("id", help="a slot, a Hugging Face id, or openai-whisper:SIZE")
    p.set_defaults(func=cmd_pull)
    p = sub.add_parser("verify", help="check configured checkpoints are present and whole")
    p.add_argument("slots", nargs="*", help="slots to check (default: all)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_verify)
    p = sub.add_parser("path", help="print where a checkpoint is on disk")
    p.add_argument("id", help="a slot, a Hugging Face id, a path, or openai-whisper:SIZE")
    p.set_defaults(func=cmd_path)
