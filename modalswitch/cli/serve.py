"""`modalswitch serve [--host 127.0.0.1] [--port 8000] [--engine local|ray] [--evals DIR]`.

FastAPI on uvicorn: the web studio at / (docs/studio-web.md), the run API under /v1
(docs/http.md), the OpenAPI spec at /openapi.json, and the MCP server over streamable HTTP
at /mcp; `--evals DIR` lists the eval folders under DIR with their reports, read-only.
Limits, workers, the API key and the job store come from the settings (docs/settings.md).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from modalswitch.cli.common import ERR, Subparsers, add_planner_options


def serve_config(args: argparse.Namespace) -> Any:
    """The service's configuration: flags, then settings."""
    from modalswitch import settings
    from modalswitch.interfaces.http.app import ServeConfig
    from modalswitch.interfaces.http.eval_reports import check_roots

    store = settings.setting("MODALSWITCH_JOB_STORE")
    return ServeConfig(
        workers=args.workers or int(settings.number("MODALSWITCH_SERVE_WORKERS")),
        queue=int(settings.number("MODALSWITCH_SERVE_QUEUE")),
        max_upload_bytes=int(settings.number("MODALSWITCH_SERVE_MAX_UPLOAD_MB") * 1024**2),
        max_files=int(settings.number("MODALSWITCH_SERVE_MAX_FILES")),
        api_key=settings.setting("MODALSWITCH_API_KEY"),
        job_store=Path(store).expanduser() if store else None,
        eval_roots=check_roots([Path(d) for d in args.evals or ()]))


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the agent over HTTP until interrupted."""
    import uvicorn

    from modalswitch.agent.agent import Agent
    from modalswitch.agent.execution.executor import ExecutionPolicy
    from modalswitch.interfaces.http.app import create_app
    from modalswitch.interfaces.mcp import mcp_http_app

    config = serve_config(args)  # first: a wrong flag fails before any model loads
    agent = Agent(args.planner, home=Path(args.home) if args.home else None,
                  writer=args.writer,
                  policy=ExecutionPolicy(engine=args.engine, ray_address=args.ray_address))
    extra = [] if args.no_mcp else [mcp_http_app(agent, args.host)]
    app = create_app(agent, config, extra_apps=extra)
    ERR.print(f"serving on http://{args.host}:{args.port} (studio: /, OpenAPI: /openapi.json"
              f"{'' if args.no_mcp else ', MCP: /mcp'})", highlight=False)
    uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    return 0


def register(sub: Subparsers) -> None:
    """Add `serve`."""
    p = sub.add_parser("serve", help="the HTTP service (runs API, events, MCP at /mcp)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, help="runs at once (default "
                   "$MODALSWITCH_SERVE_WORKERS)")
    p.add_argument("--engine", choices=["local", "ray"], help="where steps run (default "
                   "$MODALSWITCH_ENGINE)")
    p.add_argument("--ray-address", metavar="ADDR", help="the Ray cluster, e.g. auto")
    p.add_argument("--no-mcp", action="store_true", help="do not mount MCP at /mcp")
    p.add_argument("--evals", action="append", metavar="DIR", help="show the reports of "
                   "the eval folders under DIR in the studio, read-only (repeatable)")
    add_planner_options(p)
    p.set_defaults(func=cmd_serve)
