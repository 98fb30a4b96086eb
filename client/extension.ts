/**
 * The netpol-scope VS Code extension: starts the language server, registers the commands, the status
 * bar item and the reachability view. Everything it shows is computed by the server.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { AnalysisChangedNotification, StatusNotification } from '../shared/protocol.js';
import { createLanguageClient } from './language-client.js';
import { registerCommands } from './commands.js';
import { StatusBar } from './status-bar.js';
import { ReachabilityPanel } from './reachability-panel.js';
import { ExplanationDocuments, EXPLANATION_SCHEME } from './explanation-document.js';
import { trackPolicyFiles } from './policy-context.js';
import { registerLanguageModelTools } from './lm-tools.js';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('netpol-scope');
  const statusBar = new StatusBar();
  const explanations = new ExplanationDocuments();

  const start = async () => {
    client = createLanguageClient(context, output);
    client.onNotification(StatusNotification, (status) => statusBar.update(status));
    client.onNotification(AnalysisChangedNotification, () => ReachabilityPanel.analysisChanged());
    await client.start();
  };

  context.subscriptions.push(
    output,
    statusBar,
    vscode.workspace.registerTextDocumentContentProvider(EXPLANATION_SCHEME, explanations),
    ...trackPolicyFiles(),
    ...registerCommands({
      extensionUri: context.extensionUri,
      client: () => {
        if (!client) throw new Error('the netpol-scope language server is not running');
        return client;
      },
      output,
      explanations,
      restart: async () => {
        if (client) await client.stop().catch(() => undefined);
        await start();
      },
    }),
    vscode.window.registerWebviewPanelSerializer(ReachabilityPanel.viewType, {
      deserializeWebviewPanel: async (panel) => {
        if (client) ReachabilityPanel.revive(panel, context.extensionUri, client);
      },
    }),
    ...registerLanguageModelTools(() => {
      if (!client) throw new Error('the netpol-scope language server is not running');
      return client;
    }),
    { dispose: () => void client?.stop() },
  );
  await start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
