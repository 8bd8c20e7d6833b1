"""`modalswitch chat [--session ID] [--list]`: a conversation in the terminal.

Each line is one turn of an `agent.session()`: later turns see the files earlier turns
were given and made, so "now make it darker" needs no file. `/attach PATH` adds a file to
the next turn, `/files` lists what the next turn will be given, `/quit` (or end of input)
leaves; the session id printed at the start resumes it later.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from modalswitch.cli import common
from modalswitch.cli.common import ERR, OUT, Subparsers, add_planner_options
from modalswitch.errors import ModalswitchError

if TYPE_CHECKING:
    from modalswitch.agent.session import Session

HELP = "/attach PATH · /files · /quit"


def _turn(session: Session, line: str, attached: list[str]) -> None:
    from modalswitch.views.progress import RunProgress

    with RunProgress(ERR) as progress:
        response = session.ask(line, attached, on_event=progress)
    if response.text:
        OUT.print(response.text, markup=False, highlight=False, soft_wrap=True)
    for art in response.artifacts:
        OUT.print(f"[{art.modality}] {art.path}", markup=False, highlight=False,
                  soft_wrap=True)


def converse(session: Session) -> None:
    """Read turns until /quit or the end of input; a failed turn does not end the chat."""
    attached: list[str] = []
    ERR.print(f"[bold]session {session.id}[/bold] ({len(session.turns)} earlier turns) "
              f"· {HELP}", highlight=False)
    while True:
        try:
            line = ERR.input("[bold cyan]you>[/bold cyan] ").strip()
        except EOFError:
            break
        if not line:
            continue
        if line in ("/quit", "/exit"):
            break
        if line.startswith("/attach "):
            attached.append(line.removeprefix("/attach ").strip())
            ERR.print(f"attached {attached[-1]} to the next turn", highlight=False)
            continue
        if line == "/files":
            for path in [*session.carried(), *attached]:
                OUT.print(Path(path).name, markup=False, highlight=False)
            continue
        if line.startswith("/"):
            ERR.print(f"unknown command {line.split()[0]}: {HELP}", highlight=False)
            continue
        try:
            _turn(session, line, attached)
        except ModalswitchError as exc:
            ERR.print(f"[red]{type(exc).__name__}:[/red] {exc}", highlight=False)
        attached = []
    ERR.print(f"resume with: modalswitch chat --session {session.id}", highlight=False)


def cmd_chat(args: argparse.Namespace) -> int:
    """Start or resume a conversation, or list saved ones."""
    agent = common.make_agent(args)
    if args.list:
        from modalswitch.agent.session import list_sessions

        for record in list_sessions(agent.home):
            first = record.turns[0].request if record.turns else ""
            OUT.print(f"{record.id}  {record.created[:19]}  {len(record.turns)} turns  "
                      f"{first[:60]}", markup=False, highlight=False)
        return 0
    converse(agent.session(args.session))
    return 0


def register(sub: Subparsers) -> None:
    """Add `chat`."""
    p = sub.add_parser("chat", help="a conversation: turns remember earlier files")
    p.add_argument("--session", metavar="ID", help="resume a saved conversation")
    p.add_argument("--list", action="store_true", help="list saved conversations")
    add_planner_options(p)
    p.set_defaults(func=cmd_chat)
