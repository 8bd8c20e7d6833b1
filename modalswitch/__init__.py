"""modalswitch: any-to-any multimodal powers for a text LLM, by planning with typed tools.

    from modalswitch import Agent
    response = Agent().run("read the sign in this photo out loud", inputs=["sign.jpg"])
    print(response.text, [a.path for a in response.artifacts])
"""

from modalswitch.agent.agent import Agent
from modalswitch.agent.chat.scripted import ScriptedChat, ScriptedStepwiseChat
from modalswitch.agent.execution.executor import ExecutionPolicy
from modalswitch.agent.plan.model import Plan, Step
from modalswitch.agent.planners.base import Planner
from modalswitch.agent.planners.llm import LLMPlanner
from modalswitch.agent.planners.scripted import ScriptedPlanner
from modalswitch.agent.response import Response
from modalswitch.errors import (
    InputFileError,
    MissingModelError,
    ModalswitchError,
    PlanError,
    PlannerError,
    ToolError,
    TransientToolError,
    UserError,
)
from modalswitch.tools.contract.fields import (
    AudioArtifact,
    ImageArtifact,
    TextContent,
    VerbatimText,
    VideoArtifact,
)
from modalswitch.tools.contract.modality import Modality
from modalswitch.tools.contract.registry import Registry
from modalswitch.tools.contract.tool import Tool, ToolContext
from modalswitch.tools.runtime.artifacts import Artifact

__all__ = [
    "Agent",
    "Artifact",
    "AudioArtifact",
    "ExecutionPolicy",
    "ImageArtifact",
    "InputFileError",
    "LLMPlanner",
    "MissingModelError",
    "Modality",
    "ModalswitchError",
    "Plan",
    "PlanError",
    "Planner",
    "PlannerError",
    "Registry",
    "Response",
    "ScriptedChat",
    "ScriptedPlanner",
    "ScriptedStepwiseChat",
    "Step",
    "TextContent",
    "Tool",
    "ToolContext",
    "ToolError",
    "TransientToolError",
    "UserError",
    "VerbatimText",
    "VideoArtifact",
]
__version__ = "0.1.0"
