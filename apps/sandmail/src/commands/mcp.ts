import { parseArgs } from "node:util";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import manifest from "../../package.json" with { type: "json" };
import { registerTools } from "../mcp/tools.js";
import { clientFrom } from "./client.js";

export const mcpHelp = `Usage: sandmail mcp [--url <url>] [--api-key <key>]

A Model Context Protocol server on stdin/stdout for coding agents, talking to a running sandmail
server. Tools: create_run, wait_for_message, get_message, get_code, get_link, assert_message,
delete_run. stdout carries only the protocol; diagnostics go to stderr.

  --url <url>            server API URL         SANDMAIL_URL, else http://127.0.0.1:$SANDMAIL_API_PORT
                                                (http://127.0.0.1:8025)
  --api-key <key>        to create runs         SANDMAIL_API_KEY`;

export async function mcpCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: "string" },
      "api-key": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    // Asked for by a person at a terminal, not by an MCP client: stdout is fine here.
    console.log(mcpHelp);
    return 0;
  }
  const server = new McpServer({ name: "sandmail", version: manifest.version });
  registerTools(server, clientFrom(values));
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = resolve;
    // The client ending stdin is the end of the session.
    process.stdin.once("end", resolve);
  });
  await server.connect(transport);
  process.stderr.write(`sandmail mcp ${manifest.version}: serving on stdio\n`);
  await closed;
  await server.close();
  return 0;
}
