/**
 * `netpol-scope mcp`: a Model Context Protocol server over stdio (the official SDK, McpServer and
 * StdioServerTransport) whose tools are shared/tools/: check, reach, explain, diff, test and fix, with
 * the input schemas of shared/tools/schemas.ts. Results are JSON text, small enough for a model's
 * context; a mistake in the input is a tool error the model can read and correct.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { toolDescriptions, toolNames, toolSchemas } from '../shared/tools/schemas.js';
import type { ToolInput, ToolName } from '../shared/tools/schemas.js';
import { runTool, ToolInputError } from '../shared/tools/run.js';
import type { ToolHost } from '../shared/tools/run.js';
import { collectSources, InputError } from '../node/inputs.js';
import { version } from './common.js';

const host: ToolHost = {
  readPaths: (paths) => collectSources(paths, () => ''),
};

export function mcpServer(): McpServer {
  const server = new McpServer(
    { name: 'netpol-scope', version },
    {
      instructions:
        'netpol-scope analyses Kubernetes network policies with the semantics of the Kubernetes API and of Cilium, Calico and the network-policy-api. Call check on every policy you write or change, explain when unsure why a connection is allowed, diff to see what a change opens, test to hold the policies to written intent, fix to apply the quick fixes.',
    },
  );
  for (const name of toolNames) {
    server.registerTool(
      name,
      {
        title: `netpol-scope ${name}`,
        description: toolDescriptions[name],
        inputSchema: toolSchemas[name].shape,
        annotations: { readOnlyHint: true, openWorldHint: false },
      },
      (input: unknown) => call(name, input),
    );
  }
  return server;
}

function call(name: ToolName, input: unknown) {
  try {
    const result = runTool(name, input as ToolInput<typeof name>, host);
    return { content: [{ type: 'text' as const, text: JSON.stringify(result) }] };
  } catch (error) {
    const expected = error instanceof ToolInputError || error instanceof InputError;
    const message = error instanceof Error ? error.message : String(error);
    return {
      isError: true,
      content: [
        { type: 'text' as const, text: expected ? message : `internal error (please report it): ${message}` },
      ],
    };
  }
}

export async function serveMcp(): Promise<void> {
  const server = mcpServer();
  await server.connect(new StdioServerTransport());
  // Until the client closes standard input.
  await new Promise<void>((resolve) => (server.server.onclose = resolve));
}
