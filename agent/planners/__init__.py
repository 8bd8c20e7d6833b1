"""Planners: the LLM planner, the router in front of it, the embedded presets, a scripted fake."""

from modalswitch.agent.planners.base import Planner
from modalswitch.agent.planners.llm import LLMPlanner
from modalswitch.agent.planners.presets import CONFIGS, DEFAULT_CONFIG, embedded_planner
from modalswitch.agent.planners.routed import RoutedPlanner
from modalswitch.agent.planners.router import Route, Router
from modalswitch.agent.planners.scripted import ScriptedPlanner

__all__ = [
    "CONFIGS", "DEFAULT_CONFIG", "LLMPlanner", "Planner", "Route", "RoutedPlanner", "Router",
    "ScriptedPlanner", "embedded_planner",
]
