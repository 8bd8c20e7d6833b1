"""Tools that write text with the chat model: summaries, translations, generator prompts."""

from modalswitch.tools.text.writing import RewritePrompt, SummarizeText, TranslateText

__all__ = ["RewritePrompt", "SummarizeText", "TranslateText"]
