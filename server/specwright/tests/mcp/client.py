"""Drives `specwright mcp` with the official MCP Python SDK (mcp on PyPI) and
prints one JSON object of what it saw, for server/specwright/tests/mcp_server.rs.

usage: client.py stdio SPECWRIGHT_BIN WORKSPACE
       client.py http URL
"""

import asyncio
import json
import os
import subprocess
import sys

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp import MCPError


def result(res):
    """A tool result as plain JSON."""
    text = "".join(c.text for c in res.content if getattr(c, "type", "") == "text")
    return {"isError": bool(res.is_error), "text": text, "structured": res.structured_content}


async def call(session, name, args):
    try:
        return result(await session.call_tool(name, args))
    except MCPError as e:
        return {"protocolError": e.error.code, "message": e.error.message}


async def walk(session, specwright, workspace):
    out = {}
    init = await session.initialize()
    out["server"] = init.server_info.name
    out["protocol"] = init.protocol_version
    out["tools"] = sorted(t.name for t in (await session.list_tools()).tools)
    out["resources"] = sorted(str(r.uri) for r in (await session.list_resources()).resources)
    out["tasksDoc"] = (await session.read_resource("spec://calc/tasks")).contents[0].text
    out["designDoc"] = (await session.read_resource("spec://calc/design")).contents[0].text
    try:
        await session.read_resource("spec://..%2Fetc/passwd")
        out["badResource"] = "read"
    except MCPError as e:
        out["badResource"] = e.error.code
    out["prompts"] = sorted(p.name for p in (await session.list_prompts()).prompts)
    prompt = await session.get_prompt("implement-next-task", {"spec": "calc"})
    out["prompt"] = prompt.messages[0].content.text

    out["listSpecs"] = await call(session, "list_specs", {})
    out["next1"] = await call(session, "next_task", {"spec": "calc"})
    out["task1"] = await call(session, "get_task", {"spec": "calc", "id": "1"})
    out["inProgress"] = await call(session, "set_task_status", {"spec": "calc", "id": "1", "status": "in-progress"})
    out["doneUntrusted"] = await call(session, "set_task_status", {"spec": "calc", "id": "1", "status": "done"})

    # The user trusts the folder, as the refusal says how to.
    trust = subprocess.run([specwright, "hooks", "trust", workspace], capture_output=True, text=True)
    out["trustExit"] = trust.returncode

    out["doneFailing"] = await call(session, "set_task_status", {"spec": "calc", "id": "2", "status": "done"})
    out["donePassing"] = await call(session, "set_task_status", {"spec": "calc", "id": "1", "status": "done"})
    out["next2"] = await call(session, "next_task", {"spec": "calc"})
    out["check"] = await call(session, "check", {"path": ".kiro/specs/calc"})
    out["checkAll"] = await call(session, "check", {})
    out["checkOutside"] = await call(session, "check", {"path": "../"})
    out["escape"] = await call(session, "get_task", {"spec": "../../etc", "id": "1"})
    out["steering"] = await call(session, "steering_for", {"files": ["calc.py"]})
    out["repoMap"] = await call(session, "repo_map", {"focus": ["calc.py"], "tokens": 400})
    out["createSpec"] = await call(session, "create_spec", {"name": "new-one", "prompt": "a feature"})
    out["unknownTool"] = await call(session, "no_such_tool", {})
    return out


async def over_stdio(specwright, workspace):
    params = StdioServerParameters(
        command=specwright, args=["mcp", "--dir", workspace], env=dict(os.environ), cwd=workspace
    )
    async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
        return await walk(session, specwright, workspace)


async def over_http(url):
    out = {}
    async with streamable_http_client(url) as streams, ClientSession(streams[0], streams[1]) as session:
        init = await session.initialize()
        out["server"] = init.server_info.name
        out["tools"] = sorted(t.name for t in (await session.list_tools()).tools)
        out["tasksDoc"] = (await session.read_resource("spec://calc/tasks")).contents[0].text
        out["next"] = await call(session, "next_task", {"spec": "calc"})
    return out


def main(argv):
    if argv[0] == "stdio":
        out = asyncio.run(over_stdio(argv[1], argv[2]))
    else:
        out = asyncio.run(over_http(argv[1]))
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])
