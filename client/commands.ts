/** The extension's commands: reachability, explain, default deny, restart, output. */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  CreateDefaultDenyRequest,
  ExplainRequest,
  NamespacesRequest,
  ReachabilityRequest,
} from '../shared/protocol.js';
import type { ReachNodeJson } from '../shared/protocol.js';
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

export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('netpolScope.showReachability', () => {
      ReachabilityPanel.createOrShow(ctx.extensionUri, ctx.client());
    }),

    vscode.commands.registerCommand('netpolScope.explainConnection', async () => {
      const graph = await ctx.client().sendRequest(ReachabilityRequest, { level: 'workload' });
      const picks = nodePicks(graph.nodes);
      if (picks.length === 0) {
        void vscode.window.showInformationMessage('netpol-scope: no workloads found in the workspace.');
        return;
      }
      const from = await vscode.window.showQuickPick(picks, {
        title: 'Explain Connection (1/3)',
        placeHolder: 'Source',
      });
      if (!from) return;
      const to = await vscode.window.showQuickPick(
        picks.filter((p) => p.node.id !== from.node.id),
        { title: 'Explain Connection (2/3)', placeHolder: `Destination of ${from.node.id}` },
      );
      if (!to) return;
      const portText = await vscode.window.showInputBox({
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
      if (portText === undefined) return;
      const port = parsePortInput(portText);
      const result = await ctx
        .client()
        .sendRequest(ExplainRequest, {
          level: 'workload',
          from: from.node.id,
          to: to.node.id,
          ...(port ? { port } : {}),
        });
      await ctx.explanations.show(`${from.node.name} to ${to.node.name}`, result.text);
    }),

    vscode.commands.registerCommand('netpolScope.createDefaultDeny', async (namespaceArg?: unknown) => {
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
        if (!pick) return;
        namespace = pick.label;
      }
      const editor = vscode.window.activeTextEditor;
      const folder = vscode.workspace.workspaceFolders?.[0];
      let targetUri: string | undefined;
      if (editor && editor.document.languageId === 'yaml' && editor.document.uri.scheme === 'file') {
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
      if (!targetUri) return;
      const { uri } = await ctx.client().sendRequest(CreateDefaultDenyRequest, { namespace, targetUri });
      await vscode.window.showTextDocument(vscode.Uri.parse(uri));
    }),

    vscode.commands.registerCommand('netpolScope.restartServer', async () => {
      ctx.output.appendLine('Restarting the language server.');
      await ctx.restart();
    }),

    vscode.commands.registerCommand('netpolScope.showOutput', () => ctx.output.show(true)),
  ];
}
