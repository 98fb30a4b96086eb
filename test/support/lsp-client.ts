/**
 * A real LSP client for tests: starts the built language server (dist/server.js) as a child process
 * and talks JSON-RPC to it over stdio, as an editor does. Waits on conditions (diagnostics published
 * for a URI, a predicate holding), never on fixed sleeps.
 */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, cpSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  InitializeRequest,
  InitializedNotification,
  PublishDiagnosticsNotification,
  DidOpenTextDocumentNotification,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  ShutdownRequest,
  ExitNotification,
  ConfigurationRequest,
  RegistrationRequest,
  WorkDoneProgressCreateRequest,
  ProgressType,
  LogMessageNotification,
} from 'vscode-languageserver-protocol/node';
import type {
  ProtocolConnection,
  Diagnostic,
  InitializeResult,
  PublishDiagnosticsParams,
  WorkDoneProgressBegin,
  WorkDoneProgressReport,
  WorkDoneProgressEnd,
} from 'vscode-languageserver-protocol/node';
import { repoRoot } from './cli.js';

export const serverPath = join(repoRoot, 'dist', 'server.js');

export interface LspClientOptions {
  /** Folder copied into a fresh temporary workspace (left untouched). */
  readonly fixture?: string;
  /** `netpolScope` settings answered to workspace/configuration. */
  readonly settings?: Record<string, unknown>;
}

export class LspClient {
  readonly connection: ProtocolConnection;
  readonly diagnostics = new Map<string, PublishDiagnosticsParams>();
  readonly logs: string[] = [];
  readonly progress: Array<WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd> = [];
  readonly workspace: string;
  settings: Record<string, unknown>;
  initializeResult: InitializeResult | undefined;
  private readonly process: ChildProcessWithoutNullStreams;
  private readonly waiters: Array<() => void> = [];
  private versions = new Map<string, number>();
  private stderr = '';

  constructor(options: LspClientOptions = {}) {
    this.workspace = mkdtempSync(join(tmpdir(), 'netpol-lsp-'));
    if (options.fixture) cpSync(options.fixture, this.workspace, { recursive: true });
    this.settings = options.settings ?? {};
    this.process = spawn(process.execPath, [serverPath, '--stdio'], { stdio: 'pipe' });
    this.process.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.connection = createProtocolConnection(
      new StreamMessageReader(this.process.stdout),
      new StreamMessageWriter(this.process.stdin),
    );
    this.connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      this.diagnostics.set(params.uri, params);
      this.notify();
    });
    this.connection.onNotification(LogMessageNotification.type, (params) => {
      this.logs.push(params.message);
      this.notify();
    });
    this.connection.onRequest(ConfigurationRequest.type, (params) => params.items.map(() => this.settings));
    this.connection.onRequest(RegistrationRequest.type, () => undefined);
    this.connection.onRequest(WorkDoneProgressCreateRequest.type, (params) => {
      this.connection.onProgress(
        new ProgressType<WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd>(),
        params.token,
        (value) => {
          this.progress.push(value);
          this.notify();
        },
      );
    });
    this.connection.listen();
  }

  uri(relative: string): string {
    return pathToFileURL(join(this.workspace, relative)).toString();
  }

  async initialize(): Promise<InitializeResult> {
    this.initializeResult = await this.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: pathToFileURL(this.workspace).toString(),
      workspaceFolders: [{ uri: pathToFileURL(this.workspace).toString(), name: 'ws' }],
      capabilities: {
        workspace: {
          configuration: true,
          workspaceFolders: true,
          didChangeWatchedFiles: { dynamicRegistration: true },
          didChangeConfiguration: { dynamicRegistration: true },
          workspaceEdit: { documentChanges: true },
        },
        window: { workDoneProgress: true },
        textDocument: {
          publishDiagnostics: { relatedInformation: true },
          hover: { contentFormat: ['markdown', 'plaintext'] },
          codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source'] } } },
          completion: { completionItem: { snippetSupport: false } },
        },
      },
    });
    await this.connection.sendNotification(InitializedNotification.type, {});
    return this.initializeResult;
  }

  /** Resolves when `predicate` holds, re-checking after every notification; rejects after `timeoutMs`. */
  waitFor<T>(predicate: () => T | undefined | false, description: string, timeoutMs = 20_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const value = predicate();
        if (value) {
          clearTimeout(timer);
          resolve(value);
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        const index = this.waiters.indexOf(listener);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(
          new Error(
            `timed out waiting for ${description}\nserver stderr:\n${this.stderr}\nlogs:\n${this.logs.join('\n')}`,
          ),
        );
      }, timeoutMs);
      const listener = () => {
        if (check()) this.waiters.splice(this.waiters.indexOf(listener), 1);
      };
      if (!check()) this.waiters.push(listener);
    });
  }

  /** Waits for diagnostics of a URI that satisfy a predicate (published for the given version when set). */
  waitForDiagnostics(
    uri: string,
    predicate: (d: Diagnostic[]) => boolean = () => true,
    description = '',
  ): Promise<Diagnostic[]> {
    return this.waitFor(() => {
      const params = this.diagnostics.get(uri);
      return params && predicate(params.diagnostics) ? params.diagnostics : undefined;
    }, `diagnostics for ${uri} ${description}`);
  }

  async open(relative: string, text: string, languageId = 'yaml'): Promise<string> {
    const uri = this.uri(relative);
    this.versions.set(uri, 1);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId, version: 1, text },
    });
    return uri;
  }

  /** Replaces the whole text (a full-document change), bumping the version. */
  async change(uri: string, text: string): Promise<number> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: [{ text }],
    });
    return version;
  }

  async close(uri: string): Promise<void> {
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  async dispose(): Promise<void> {
    try {
      await Promise.race([
        this.connection
          .sendRequest(ShutdownRequest.type)
          .then(() => this.connection.sendNotification(ExitNotification.type)),
        new Promise((resolve) => setTimeout(resolve, 2000)),
      ]);
    } finally {
      this.connection.dispose();
      this.process.kill();
      rmSync(this.workspace, { recursive: true, force: true });
    }
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
