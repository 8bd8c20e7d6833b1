"""The runtime: a request is planned, the plan checked and executed, the outputs merged.

plan/ (model, validation, decoding schema) · planners/ (LLM, router, presets) · chat/ (LLM
backends) · execution/ (executor, step cache) · trace/ (events, writer, fold) · agent.py,
response.py."""

from modalswitch.agent.agent import Agent
from modalswitch.agent.response import Response

__all__ = ["Agent", "Response"]
