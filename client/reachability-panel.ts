/**
 * The reachability panel: a single webview beside the editor that renders what the server computes.
 * The panel forwards the webview's requests to the language server (shared/protocol.ts), posts the
 * answers back (shared/webview-messages.ts), refreshes on analysis changes (debounced), reveals rule
 * ranges in the editor and saves exports. View state lives in the webview (getState/setState).
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ExplainRequest, ReachabilityRequest } from '../shared/protocol.js';
import type { ReachLevel } from '../shared/protocol.js';
import type { HostMessage, ViewMessage } from '../shared/webview-messages.js';
import { isViewMessage } from '../shared/webview-messages.js';
import { makeNonce, webviewHtml } from './webview-html.js';

const REFRESH_DELAY_MS = 300;

export class ReachabilityPanel implements vscode.Disposable {
  static readonly viewType = 'netpolScope.reachability';
  private static current: ReachabilityPanel | undefined;

  private level: ReachLevel = 'workload';
  /** Diff mode: the base version compared with ("Compare Reachability with HEAD"). */
  private compare: 'HEAD' | undefined;
  /** Group nodes the view shows expanded (kept by the webview, sent with each request). */
  private expand: readonly string[] = [];
  /** The reachability request in flight: a newer one cancels it. */
  private inFlight: vscode.CancellationTokenSource | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;
  private dirty = false;
  private readonly disposables: vscode.Disposable[] = [];

  /**
   * Shows the view; `compare: 'HEAD'` shows it in diff mode (what changed since HEAD drawn over the
   * graph), and without it the view leaves diff mode.
   */
  static createOrShow(extensionUri: vscode.Uri, client: LanguageClient, compare?: 'HEAD'): ReachabilityPanel {
    let current = ReachabilityPanel.current;
    if (current) current.panel.reveal(vscode.ViewColumn.Beside);
    else {
      const panel = vscode.window.createWebviewPanel(
        ReachabilityPanel.viewType,
        'Reachability',
        vscode.ViewColumn.Beside,
        webviewOptions(extensionUri),
      );
      current = ReachabilityPanel.current = new ReachabilityPanel(panel, extensionUri, client);
    }
    if (current.compare !== compare) {
      current.compare = compare;
      current.panel.title = compare ? `Reachability since ${compare}` : 'Reachability';
      current.scheduleRefresh();
    }
    return current;
  }

  /** Restores a panel after a window reload (registered as a webview panel serializer). */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, client: LanguageClient): void {
    panel.webview.options = webviewOptions(extensionUri);
    ReachabilityPanel.current = new ReachabilityPanel(panel, extensionUri, client);
  }

  /** The server's analysis changed: refresh the view (debounced; deferred while hidden). */
  static analysisChanged(): void {
    ReachabilityPanel.current?.scheduleRefresh();
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly client: LanguageClient,
  ) {
    const media = vscode.Uri.joinPath(extensionUri, 'dist', 'media');
    panel.webview.html = webviewHtml({
      cspSource: panel.webview.cspSource,
      nonce: makeNonce(),
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(media, 'reachability.js')).toString(),
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(media, 'reachability.css')).toString(),
    });
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.onDidChangeViewState(() => {
        if (panel.visible && this.dirty) this.scheduleRefresh();
      }),
      panel.webview.onDidReceiveMessage((message: unknown) => {
        if (isViewMessage(message)) void this.handle(message);
      }),
    );
  }

  private post(message: HostMessage): void {
    void this.panel.webview.postMessage(message);
  }

  private scheduleRefresh(): void {
    if (!this.panel.visible) {
      this.dirty = true;
      return;
    }
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.refresh(), REFRESH_DELAY_MS);
  }

  private async refresh(): Promise<void> {
    this.dirty = false;
    this.inFlight?.cancel();
    const request = new vscode.CancellationTokenSource();
    this.inFlight = request;
    try {
      const graph = await this.client.sendRequest(
        ReachabilityRequest,
        { level: this.level, expand: this.expand, ...(this.compare ? { compare: this.compare } : {}) },
        request.token,
      );
      if (!request.token.isCancellationRequested) this.post({ type: 'graph', graph });
    } catch (error) {
      // A request cancelled or replaced by a newer one is not an error: the newer one answers.
      if (request.token.isCancellationRequested || isCancellation(error)) return;
      this.post({ type: 'error', message: `Could not compute reachability: ${errorText(error)}` });
    } finally {
      if (this.inFlight === request) this.inFlight = undefined;
      request.dispose();
    }
  }

  private async handle(message: ViewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        return this.refresh();
      case 'setLevel':
        this.level = message.level === 'pod' ? 'pod' : 'workload';
        return this.refresh();
      case 'setExpanded':
        this.expand = Array.isArray(message.expand)
          ? message.expand.filter((id): id is string => typeof id === 'string')
          : [];
        return this.refresh();
      case 'explain': {
        const { from, to, port } = message;
        try {
          const result = await this.client.sendRequest(ExplainRequest, {
            level: this.level,
            from,
            to,
            ...(port ? { port } : {}),
          });
          this.post({ type: 'explanation', from, to, result });
        } catch (error) {
          // Replaced by a newer explanation request (the server keeps the newest): that one answers.
          if (isCancellation(error)) return;
          this.post({ type: 'explanation', from, to, error: errorText(error) });
        }
        return;
      }
      case 'reveal': {
        const { uri, range } = message.location;
        if (!uri) return;
        const target = new vscode.Range(
          range.start.line,
          range.start.character,
          range.end.line,
          range.end.character,
        );
        const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
        await vscode.window.showTextDocument(document, {
          viewColumn: vscode.ViewColumn.One,
          selection: target,
        });
        return;
      }
      case 'export': {
        const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
        const name = message.suggestedName.replace(/[^\w.-]/g, '_');
        const target = await vscode.window.showSaveDialog({
          defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
          filters: message.format === 'csv' ? { CSV: ['csv'] } : { SVG: ['svg'] },
        });
        if (!target) return;
        await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(message.content));
        void vscode.window.showInformationMessage(
          `netpol-scope: saved ${vscode.workspace.asRelativePath(target)}`,
        );
        return;
      }
    }
  }

  dispose(): void {
    if (ReachabilityPanel.current === this) ReachabilityPanel.current = undefined;
    this.inFlight?.cancel();
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.panel.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    // Only the bundled media may load: the script, the stylesheet.
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'media')],
    retainContextWhenHidden: false,
  };
}

/** LSP's RequestCancelled (-32800) and ServerCancelled (-32802): the request was dropped, not failed. */
function isCancellation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === -32800 || code === -32802;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
