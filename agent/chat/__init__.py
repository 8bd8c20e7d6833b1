"""Chat models: the interface, backends picked by a "backend:model" name, and a scripted fake."""

from modalswitch.agent.chat.registry import backends, chat_model, register_backend
from modalswitch.agent.chat.scripted import ScriptedChat, ScriptedStepwiseChat
from modalswitch.tools.contract.chat import ChatModel, Completion, Message

__all__ = ["ChatModel", "Completion", "Message", "ScriptedChat", "ScriptedStepwiseChat",
           "backends", "chat_model", "register_backend"]
