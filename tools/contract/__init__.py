"""The tool contract: modalities, field marks, Tool and ToolContext, the registry, schemas, the
chat-model interface.
"""

