"""An MCP server (the official Python SDK) whose tools change: calling
`unlock` adds the tool `secret` and sends notifications/tools/list_changed."""

from mcp.server.mcpserver import Context, MCPServer

server = MCPServer("changing")


def secret() -> str:
    """The secret, offered once unlocked."""
    return "the secret is 42"


@server.tool()
async def unlock(ctx: Context) -> str:
    """Offers the tool `secret`."""
    server.add_tool(secret)
    await ctx.session.send_tool_list_changed()
    return "unlocked"


if __name__ == "__main__":
    server.run()
