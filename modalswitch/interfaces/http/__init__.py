"""The HTTP service (`modalswitch serve`): FastAPI, a SQLite job store, SSE events.

Needs the `serve` extra (fastapi, uvicorn, sse-starlette, python-multipart).
"""
