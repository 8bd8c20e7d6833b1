"""modalswitch: any-to-any multimodal powers for a text LLM, by planning with typed tools.

    from modalswitch import Agent
    response = Agent().run("read the sign in this photo out loud", inputs=["sign.jpg"])
    print(response.text, [a.path for a in response.artifacts])
"""

from .agent.agent import Agent
from .agent.executor import ExecutionPolicy
from .agent.fakes import ScriptedChat, ScriptedPlanner
from .agent.plan import Plan, Step
from .agent.planner import LLMPlanner, Planner
from .agent.response import Response
from .errors import (
    InputFileError,
    MissingModelError,
    ModalswitchError,
    PlanError,
    PlannerError,
    ToolError,
    TransientToolError,
    UserError,
)
from .tools.artifacts import Artifact
from .tools.base import AudioArtifact, ImageArtifact, TextContent, Tool, ToolContext, VideoArtifact
from .tools.modality import Modality
from .tools.registry import Registry

__all__ = [
    "Agent", "Artifact", "AudioArtifact", "ExecutionPolicy", "ImageArtifact", "InputFileError",
    "LLMPlanner", "MissingModelError", "Modality", "ModalswitchError", "Plan", "PlanError",
    "Planner", "PlannerError", "Registry", "Response", "ScriptedChat", "ScriptedPlanner", "Step",
    "TextContent", "Tool", "ToolContext", "ToolError", "TransientToolError", "UserError",
    "VideoArtifact",
]
__version__ = "0.1.0"
