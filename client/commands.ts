/** The extension's commands: reachability, explain, default deny, observed flows, restart, output. */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  ClearFlowsRequest,
  CreateDefaultDenyRequest,
  DryRunRequest,
  ExplainRequest,
  GenerateFromFlowsRequest,
  LoadFlowsRequest,
  NamespacesRequest,
  ReachabilityRequest,
} from '../shared/protocol.js';
import type {
  DryRunResult,
  ExplainResult,
  FlowsResult,
  GenerateFromFlowsResult,
  ReachNodeJson,
} from '../shared/protocol.js';
import { ReachabilityPanel } from './reachability-panel.js';
import type { ExplanationDocuments } from './explanation-document.js';

export interface CommandContext {
  readonly extensionUri: vscode.Uri;
  readonly client: () => LanguageClient;
  readonly output: vscode.OutputChannel;
  readonly explanations: ExplanationDocuments;
  readonly restart: () => Promise<void>;
}

interface NodePick extends vscode.QuickPickItem {
  readonly node: ReachNodeJson;
}

function nodePicks(nodes: readonly ReachNodeJson[]): NodePick[] {
  return nodes.map((node) => ({
    label:
      node.kind === 'External' ? `$(globe) ${node.name}` : `$(symbol-class) ${node.namespace}/${node.name}`,
    description: node.kind,
    detail: node.location?.label,
    node,
  }));
}

/** Parses `80`, `80/TCP`, `53/udp`; undefined for empty input; throws on anything else. */
export function parsePortInput(text: string): { protocol: 'TCP' | 'UDP' | 'SCTP'; port: number } | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const m = /^(\d{1,5})(?:\/(tcp|udp|sctp))?$/i.exec(trimmed);
  const port = m ? Number(m[1]) : NaN;
  if (!m || port < 1 || port > 65535) throw new Error('a port looks like 80, 80/TCP, 53/UDP or 2905/SCTP');
  return { protocol: (m[2]?.toUpperCase() ?? 'TCP') as 'TCP' | 'UDP' | 'SCTP', port };
}

/** A node given by id (`shop/db[StatefulSet]`) or by `namespace/name`; throws when there is none. */
function findPick(picks: readonly NodePick[], wanted: string): NodePick {
  const pick =
    picks.find((p) => p.node.id === wanted) ??
    picks.find((p) => `${p.node.namespace}/${p.node.name}` === wanted);
  if (!pick) throw new Error(`netpol-scope: no workload or address block ${wanted} in the workspace`);
  return pick;
}

export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('netpolScope.showReachability', () => {
      ReachabilityPanel.createOrShow(ctx.extensionUri, ctx.client());
    }),
    // The view in diff mode: what the working tree (unsaved edits included) changes since git HEAD.
    vscode.commands.registerCommand('netpolScope.compareWithHead', () => {
      ReachabilityPanel.createOrShow(ctx.extensionUri, ctx.client(), 'HEAD');
    }),

    // Without arguments it asks with quick picks; `(from, to, port?)` (node ids or `namespace/name`, and
    // `80/TCP`) skips them, for keybindings and tests. Resolves to the explanation shown, if any.
    vscode.commands.registerCommand(
      'netpolScope.explainConnection',
      async (fromArg?: unknown, toArg?: unknown, portArg?: unknown): Promise<ExplainResult | undefined> => {
        // Every workload as a pick, however large the workspace (no edges, no aggregation).
        const graph = await ctx
          .client()
          .sendRequest(ReachabilityRequest, { level: 'workload', nodesOnly: true });
        const picks = nodePicks(graph.nodes);
        if (picks.length === 0) {
          void vscode.window.showInformationMessage('netpol-scope: no workloads found in the workspace.');
          return undefined;
        }
        const from =
          typeof fromArg === 'string'
            ? findPick(picks, fromArg)
            : await vscode.window.showQuickPick(picks, {
                title: 'Explain Connection (1/3)',
                placeHolder: 'Source',
              });
        if (!from) return undefined;
        const to =
          typeof toArg === 'string'
            ? findPick(picks, toArg)
            : await vscode.window.showQuickPick(
                picks.filter((p) => p.node.id !== from.node.id),
                { title: 'Explain Connection (2/3)', placeHolder: `Destination of ${from.node.id}` },
              );
        if (!to) return undefined;
        const portText =
          typeof fromArg === 'string' && typeof toArg === 'string'
            ? typeof portArg === 'string'
              ? portArg
              : ''
            : await vscode.window.showInputBox({
                title: 'Explain Connection (3/3)',
                prompt: 'Port to judge (empty for all ports)',
                placeHolder: '5432/TCP',
                validateInput: (value) => {
                  try {
                    parsePortInput(value);
                    return undefined;
                  } catch (error) {
                    return error instanceof Error ? error.message : String(error);
                  }
                },
              });
        if (portText === undefined) return undefined;
        const port = parsePortInput(portText);
        const result = await ctx.client().sendRequest(ExplainRequest, {
          level: 'workload',
          from: from.node.id,
          to: to.node.id,
          ...(port ? { port } : {}),
        });
        await ctx.explanations.show(`${from.node.name} to ${to.node.name}`, result.text);
        return result;
      },
    ),

    // Without arguments it asks for the namespace and, with a YAML editor open, where to write;
    // `(namespace, target?)` (a document or folder URI, as a string or Uri) skips the questions.
    // Resolves to the URI written to, if any.
    vscode.commands.registerCommand(
      'netpolScope.createDefaultDeny',
      async (namespaceArg?: unknown, targetArg?: unknown): Promise<string | undefined> => {
        let namespace = typeof namespaceArg === 'string' ? namespaceArg : undefined;
        if (!namespace) {
          const { namespaces } = await ctx.client().sendRequest(NamespacesRequest);
          const pick = await vscode.window.showQuickPick(
            namespaces.map((n) => ({
              label: n.name,
              description: `${n.workloads} workloads · ${n.policies} policies`,
            })),
            { title: 'Create Default-Deny Policy for Namespace', placeHolder: 'Namespace' },
          );
          if (!pick) return undefined;
          namespace = pick.label;
        }
        const editor = vscode.window.activeTextEditor;
        const folder = vscode.workspace.workspaceFolders?.[0];
        let targetUri: string | undefined;
        if (targetArg instanceof vscode.Uri) targetUri = targetArg.toString();
        else if (typeof targetArg === 'string') targetUri = targetArg;
        else if (editor && editor.document.languageId === 'yaml' && editor.document.uri.scheme === 'file') {
          const where = await vscode.window.showQuickPick(
            [
              {
                label: `Append to ${vscode.workspace.asRelativePath(editor.document.uri)}`,
                target: editor.document.uri.toString(),
              },
              ...(folder
                ? [{ label: `New file default-deny-${namespace}.yaml`, target: folder.uri.toString() }]
                : []),
            ],
            { title: `Default deny for ${namespace}` },
          );
          targetUri = where?.target;
        } else targetUri = folder?.uri.toString();
        if (!targetUri) return undefined;
        const { uri } = await ctx.client().sendRequest(CreateDefaultDenyRequest, { namespace, targetUri });
        await vscode.window.showTextDocument(vscode.Uri.parse(uri));
        return uri;
      },
    ),

    // Without arguments it asks for the files; `(uris)` (Uris or URI strings) skips the dialog. Resolves
    // to the flow files the server holds.
    vscode.commands.registerCommand(
      'netpolScope.loadFlows',
      async (urisArg?: unknown): Promise<FlowsResult | undefined> => {
        const uris = Array.isArray(urisArg)
          ? urisArg.flatMap((u) =>
              u instanceof vscode.Uri ? [u] : typeof u === 'string' ? [vscode.Uri.parse(u)] : [],
            )
          : await vscode.window.showOpenDialog({
              title: 'Load Observed Flows',
              canSelectMany: true,
              openLabel: 'Load Flows',
              filters: {
                'Flow files': ['json', 'jsonl', 'ndjson', 'csv', 'log', 'txt', 'yaml', 'yml'],
                'All files': ['*'],
              },
            });
        if (!uris || uris.length === 0) return undefined;
        const result = await ctx
          .client()
          .sendRequest(LoadFlowsRequest, { uris: uris.map((u) => u.toString()) });
        const wanted = new Set(uris.map((u) => u.toString()));
        const failed = result.files.filter((f) => wanted.has(f.uri) && f.error !== undefined);
        const read = result.files.filter((f) => f.error === undefined);
        const records = read.reduce((n, f) => n + f.records, 0);
        void vscode.window.showInformationMessage(
          `netpol-scope: ${records.toLocaleString('en-US')} flow records from ${read.length} file${read.length === 1 ? '' : 's'} (${[...new Set(read.map((f) => f.format))].join(', ')}); the policies are checked against them.`,
        );
        for (const f of failed)
          void vscode.window.showWarningMessage(
            `netpol-scope: ${vscode.workspace.asRelativePath(vscode.Uri.parse(f.uri))}: ${f.error}`,
          );
        return result;
      },
    ),

    vscode.commands.registerCommand('netpolScope.clearFlows', async (): Promise<FlowsResult> => {
      const result = await ctx.client().sendRequest(ClearFlowsRequest);
      void vscode.window.showInformationMessage(
        result.files.length > 0
          ? `netpol-scope: flows loaded by command cleared; ${result.files.length} file${result.files.length === 1 ? '' : 's'} of netpolScope.flows stay.`
          : 'netpol-scope: no observed flows are loaded.',
      );
      return result;
    }),

    // The report of `flows verify --format markdown`, in a new editor. Resolves to the result.
    vscode.commands.registerCommand('netpolScope.dryRunFlows', async (): Promise<DryRunResult> => {
      const result = await ctx.client().sendRequest(DryRunRequest);
      const document = await vscode.workspace.openTextDocument({
        language: 'markdown',
        content: result.markdown,
      });
      await vscode.window.showTextDocument(document, { preview: false });
      return result;
    }),

    // Policies from the loaded flows (asking for flow files first when none are loaded), opened in an
    // untitled YAML editor; the check against the same flows is shown as a message.
    vscode.commands.registerCommand(
      'netpolScope.generateFromFlows',
      async (): Promise<GenerateFromFlowsResult | undefined> => {
        const held = await ctx.client().sendRequest(DryRunRequest);
        if (!held.report) {
          const loaded = await vscode.commands.executeCommand<FlowsResult | undefined>(
            'netpolScope.loadFlows',
          );
          if (!loaded) return undefined;
        }
        const result = await ctx.client().sendRequest(GenerateFromFlowsRequest);
        if (result.yaml === '') {
          void vscode.window.showInformationMessage(`netpol-scope: ${result.check}`);
          return result;
        }
        const document = await vscode.workspace.openTextDocument({ language: 'yaml', content: result.yaml });
        await vscode.window.showTextDocument(document, { preview: false });
        void vscode.window.showInformationMessage(`netpol-scope: ${result.check}.`);
        return result;
      },
    ),

    vscode.commands.registerCommand('netpolScope.restartServer', async () => {
      ctx.output.appendLine('Restarting the language server.');
      await ctx.restart();
    }),

    vscode.commands.registerCommand('netpolScope.showOutput', () => ctx.output.show(true)),
  ];
}
