"""Tools: the contract (contract/), what they run on (runtime/, helpers/), and the shipped
tools by what they do (understand/, generate/, transform/, text/); catalog.py assembles
the default registry, fakes.py fast honest fakes for tests."""

from modalswitch.tools.catalog import default_registry, media_tools
from modalswitch.tools.contract.fields import (
    AudioArtifact,
    ImageArtifact,
    SpokenText,
    TextContent,
    VerbatimText,
    VideoArtifact,
)
from modalswitch.tools.contract.modality import Modality
from modalswitch.tools.contract.registry import Registry
from modalswitch.tools.contract.tool import Tool, ToolContext
from modalswitch.tools.runtime.artifacts import Artifact, ArtifactStore
from modalswitch.tools.runtime.model_cache import ModelCache

__all__ = [
    "Artifact",
    "ArtifactStore",
    "AudioArtifact",
    "ImageArtifact",
    "Modality",
    "ModelCache",
    "Registry",
    "SpokenText",
    "TextContent",
    "Tool",
    "ToolContext",
    "VerbatimText",
    "VideoArtifact",
    "default_registry",
    "media_tools",
]
