/**
 * The input schemas of the tools AI assistants call (the MCP server, `netpol-scope mcp`, and the VS Code
 * language model tools): one zod schema per tool, from which the MCP server validates its inputs and the
 * JSON Schemas of package.json's `languageModelTools` are derived (test/unit/tools.test.ts keeps them
 * equal).
 */
import { z } from 'zod';

const file = z.object({
  path: z.string().describe('A name for the file, e.g. k8s/policies.yaml (shown in findings).'),
  text: z.string().describe('The YAML (or JSON) text: one or more Kubernetes manifests.'),
});

const workspace = {
  files: z
    .array(file)
    .optional()
    .describe('Manifests given as text (the policies being written, and the workloads they select).'),
  paths: z
    .array(z.string())
    .optional()
    .describe('Files or directories to read (relative to the workspace or the current directory).'),
  cni: z
    .string()
    .optional()
    .describe('The CNI of the cluster (calico, cilium, ...): which policy APIs take part. Default: unknown.'),
};

export const toolSchemas = {
  check: z.object({
    ...workspace,
    rules: z
      .array(z.string())
      .optional()
      .describe('Only report these rule ids (see docs/rules.md); default: every rule.'),
  }),
  reach: z.object({
    ...workspace,
    level: z.enum(['workload', 'pod']).optional().describe('Nodes: workloads (default) or pods.'),
    from: z.string().optional().describe('Only connections from this node id (namespace/name[Kind]).'),
    to: z.string().optional().describe('Only connections to this node id.'),
  }),
  explain: z.object({
    ...workspace,
    from: z.string().describe('Source: namespace/name, namespace/name[Kind], a name, or an IP address.'),
    to: z.string().describe('Destination, as from.'),
    port: z.string().optional().describe('A port to judge: 80, 80/TCP, 53/UDP. Default: all ports.'),
  }),
  diff: z.object({
    before: z.array(file).describe('The manifests before the change.'),
    after: z.array(file).describe('The manifests after the change.'),
    level: z.enum(['workload', 'pod']).optional(),
    cni: workspace.cni,
  }),
  test: z.object({
    ...workspace,
    assertions: z
      .string()
      .describe(
        'The assertions file text: `assertions:` with items {name, from, to, expect: allow|deny, ports, except}; from/to select {namespace, pods, workload, namespaceLabels, cidr, internet, not, any}.',
      ),
  }),
  fix: z.object({
    ...workspace,
    path: z.string().describe('The file to fix: the path of one of `files` (or of a file under `paths`).'),
    rules: z
      .array(z.string())
      .optional()
      .describe('Apply the quick fixes of these rule ids only; default: every fixable rule.'),
  }),
} as const;

export type ToolName = keyof typeof toolSchemas;
export type ToolInput<N extends ToolName> = z.infer<(typeof toolSchemas)[N]>;

export const toolNames = Object.keys(toolSchemas) as ToolName[];

/** What each tool does, for the model that chooses one. */
export const toolDescriptions: Readonly<Record<ToolName, string>> = {
  check:
    'Check Kubernetes NetworkPolicy manifests (and Cilium, Calico, AdminNetworkPolicy, ClusterNetworkPolicy) for mistakes: API errors, namespaceSelector: {} admitting every namespace, missing DNS egress, policyTypes dropping rules, selectors matching nothing. Returns findings with rule ids, lines and messages.',
  reach:
    'Who can talk to whom, on which ports, under the given manifests: the allowed connections between workloads (and address blocks), as the one engine decides them.',
  explain:
    'Explain in plain words why a connection is allowed or denied: which policies isolate each side and which rules open which ports.',
  diff: 'What a change to the manifests does to reachability: connections opened, closed and changed, isolation changes, and the policy changes that cause each.',
  test: 'Check written intent (allow/deny between namespaces, labels, workloads and addresses) against the manifests; failing assertions come with the connection that breaks them and the rules that decide it.',
  fix: "Apply netpol-scope's quick fixes (for the given rule ids, or all fixable ones) to one manifest text and return the fixed text and what was changed. Changes nothing on disk.",
};

/**
 * The editor's inputs beyond the MCP server's: `netpolScope_fix` may write the fixed text into the file
 * (after the user confirms), which the MCP server never does.
 */
export function editorToolSchema(name: ToolName) {
  return name === 'fix'
    ? toolSchemas.fix.extend({
        apply: z
          .boolean()
          .optional()
          .describe(
            'Write the fixed text into the file in the editor (the user confirms first). Default: false, only return it.',
          ),
      })
    : toolSchemas[name];
}

/** What each tool is, for the people who see it in the tool picker. */
const userDescriptions: Readonly<Record<ToolName, string>> = {
  check: 'Check Kubernetes network policies for mistakes',
  reach: 'Who can talk to whom under the network policies',
  explain: 'Explain why a connection is allowed or denied',
  diff: 'What a change to the policies does to reachability',
  test: 'Check the policies against written assertions',
  fix: 'Apply the quick fixes of netpol-scope to a manifest',
};

/** package.json's `contributes.languageModelTools` (scripts/lm-tools.ts writes it; a unit test compares). */
export function languageModelToolsManifest(): unknown[] {
  return toolNames.map((name) => {
    // package.json's schemas carry no `$schema` (VS Code reads them as JSON Schema as they are).
    const inputSchema = { ...(z.toJSONSchema(editorToolSchema(name)) as Record<string, unknown>) };
    delete inputSchema.$schema;
    return {
      name: `netpolScope_${name}`,
      toolReferenceName: `netpolScope${name.charAt(0).toUpperCase()}${name.slice(1)}`,
      displayName: `netpol-scope: ${name}`,
      userDescription: userDescriptions[name],
      modelDescription: toolDescriptions[name],
      canBeReferencedInPrompt: true,
      icon: '$(shield)',
      tags: ['kubernetes', 'networkpolicy', 'netpol-scope'],
      inputSchema,
    };
  });
}
