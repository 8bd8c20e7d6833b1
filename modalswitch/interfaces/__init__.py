"""The agent for other frameworks: LangChain tools, an MCP server, one shared tool-call path."""

