"""The agent over the Model Context Protocol, on the official `mcp` SDK (extra: `serve`).

stdio (`modalswitch mcp`) and streamable HTTP (mounted at /mcp by `modalswitch serve`).
"""

from modalswitch.interfaces.mcp.server import build_server, mcp_http_app, serve_stdio

__all__ = ["build_server", "mcp_http_app", "serve_stdio"]
