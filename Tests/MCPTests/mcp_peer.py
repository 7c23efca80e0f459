"""The MCP peer for Tests/MCPTests: the official `mcp` Python SDK's client starts `nerve mcp`,
connects in the given mode, lists the tools and calls them, and prints what it saw as one JSON
object on stdout. The Swift test judges it; this script only records (it raises on nothing the
server might do wrong, so every failure is visible in the JSON).

Run with the venv from scripts/lib/mcp-venv:
  python mcp_peer.py NERVE SOCKET MODE QUESTION QUERY FOLDER
MODE is "auto" (the SDK's default: probe server/discover, fall back to initialize) or "legacy"
(the initialize handshake only).
"""

import json
import sys

import anyio
from mcp import StdioServerParameters
from mcp.client import Client
from mcp.shared.exceptions import MCPError


def outcome(result):
    text = "".join(c.text for c in result.content if getattr(c, "type", None) == "text")
    return {"isError": bool(result.is_error), "text": text, "structured": result.structured_content}


async def attempt(coro):
    """The tool result, or the protocol error / exception it raised."""
    try:
        return outcome(await coro)
    except MCPError as e:
        return {"error": {"code": e.code, "message": e.error.message}}
    except Exception as e:  # e.g. the SDK's output-schema validation
        return {"exception": f"{type(e).__name__}: {e}"}


async def main(nerve, socket, mode, question, query, folder):
    server = StdioServerParameters(command=nerve, args=["mcp", "--socket", socket])
    seen = {"mode": mode}
    async with Client(server, mode=mode, read_timeout_seconds=60) as client:
        seen["protocol_version"] = client.protocol_version
        info = client.server_info
        seen["server_info"] = info.model_dump(mode="json", exclude_none=True) if info else None
        seen["capabilities"] = client.server_capabilities.model_dump(mode="json", by_alias=True, exclude_none=True)
        listed = await client.list_tools()
        seen["tools"] = [t.model_dump(mode="json", by_alias=True, exclude_none=True) for t in listed.tools]
        if mode == "legacy":
            try:
                await client.send_ping()
                seen["ping"] = "ok"
            except Exception as e:
                seen["ping"] = f"{type(e).__name__}: {e}"
        seen["status"] = await attempt(client.call_tool("status", {}))
        seen["ask"] = await attempt(client.call_tool("ask", {"question": question}))
        seen["search"] = await attempt(client.call_tool("search", {"query": query, "top": 3, "path": folder}))
        seen["ask_missing_argument"] = await attempt(client.call_tool("ask", {}))
        seen["search_bad_top"] = await attempt(client.call_tool("search", {"query": query, "top": 1000}))
        seen["unknown_tool"] = await attempt(client.call_tool("nonexistent", {}))
        # Still serving after the errors above.
        seen["status_again"] = await attempt(client.call_tool("status", {}))
    print(json.dumps(seen))


if __name__ == "__main__":
    anyio.run(main, *sys.argv[1:7])
