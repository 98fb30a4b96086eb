/**
 * A real LSP client for tests: starts the built language server (dist/server.js) as a child process
 * and talks JSON-RPC to it over stdio, as an editor does. Waits on conditions (diagnostics published
 * for a URI, a predicate holding), never on fixed sleeps.
 *
 * Besides the protocol plumbing it keeps what the server sent (every diagnostics publication in order,
 * status and analysis-changed notifications, workspace/applyEdit requests), offers typed helpers for the
 * feature requests (hover, completion, code actions, code lenses, the custom netpolScope/* requests),
 * settings changes, files written on disk with watched-file events, and applies WorkspaceEdits to a text.
 */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, cpSync, rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
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
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  ShutdownRequest,
  ExitNotification,
  ConfigurationRequest,
  RegistrationRequest,
  WorkDoneProgressCreateRequest,
  ApplyWorkspaceEditRequest,
  ProgressType,
  LogMessageNotification,
  HoverRequest,
  CompletionRequest,
  CodeActionRequest,
  CodeLensRequest,
  FileChangeType,
  MessageType,
} from 'vscode-languageserver-protocol/node';
import type {
  ProtocolConnection,
  ApplyWorkspaceEditParams,
  CodeAction,
  CodeLens,
  Command,
  CompletionItem,
  CompletionList,
  Diagnostic,
  FileEvent,
  Hover,
  InitializeResult,
  Position,
  PublishDiagnosticsParams,
  Range,
  TextEdit,
  WorkDoneProgressBegin,
  WorkDoneProgressReport,
  WorkDoneProgressEnd,
  WorkspaceEdit,
} from 'vscode-languageserver-protocol/node';
import {
  AnalysisChangedNotification,
  ExplainRequest,
  MemoryRequest,
  NamespacesRequest,
  ReachabilityRequest,
  StatusNotification,
} from '../../shared/protocol.js';
import type {
  ExplainParams,
  ExplainResult,
  MemoryResult,
  NamespacesResult,
  ReachLevel,
  ReachabilityResult,
  StatusParams,
} from '../../shared/protocol.js';
import { repoRoot } from './cli.js';

export const serverPath = join(repoRoot, 'dist', 'server.js');

/** LSP severities by name, as the server maps the core's. */
export const lspSeverity = { error: 1, warning: 2, info: 3, hint: 4 } as const;

export interface LspClientOptions {
  /** Folder copied into a fresh temporary workspace (left untouched). */
  readonly fixture?: string;
  /** Files written into the workspace (relative path -> text) before the server starts. */
  readonly files?: Readonly<Record<string, string>>;
  /** `netpolScope` settings answered to workspace/configuration. */
  readonly settings?: Record<string, unknown>;
  /** Options for the server's node process (e.g. `--expose-gc`). */
  readonly nodeArgs?: readonly string[];
}

export class LspClient {
  readonly connection: ProtocolConnection;
  /** The last diagnostics published per URI. */
  readonly diagnostics = new Map<string, PublishDiagnosticsParams>();
  /** Every publication, in arrival order. */
  readonly publications: PublishDiagnosticsParams[] = [];
  readonly statuses: StatusParams[] = [];
  /** Generations of the netpolScope/analysisChanged notifications, in arrival order. */
  readonly generations: number[] = [];
  /**
   * Arrival numbers of the publications and analysisChanged notifications (one count over both). The
   * server sends an analysis round's publications, then its status, then analysisChanged: a round is
   * over once an analysisChanged arrives after its publications.
   */
  private arrivals = 0;
  private readonly publicationArrivals: number[] = [];
  private readonly generationArrivals: number[] = [];
  private readonly lastArrival = new Map<string, number>();
  /** workspace/applyEdit requests the server sent (all answered `applied: true`). */
  readonly appliedEdits: ApplyWorkspaceEditParams[] = [];
  readonly logs: string[] = [];
  /** Messages the server logged at error level (a failed handler, a failed analysis). */
  readonly errorLogs: string[] = [];
  /** Set when the server process ended: its exit code or signal. */
  exited: { readonly code: number | null; readonly signal: string | null } | undefined;
  readonly progress: Array<WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd> = [];
  readonly workspace: string;
  settings: Record<string, unknown>;
  /** How many workspace/configuration requests were answered. */
  configurationAnswers = 0;
  initializeResult: InitializeResult | undefined;
  private readonly process: ChildProcessWithoutNullStreams;
  /** Set when the server logs the end of indexing: the file count and the analysisChanged count then. */
  private indexed: { readonly files: number; readonly generations: number } | undefined;
  private readonly waiters: Array<() => void> = [];
  private readonly versions = new Map<string, number>();
  private readonly texts = new Map<string, string>();
  private stderr = '';

  constructor(options: LspClientOptions = {}) {
    this.workspace = mkdtempSync(join(tmpdir(), 'netpol-lsp-'));
    if (options.fixture) cpSync(options.fixture, this.workspace, { recursive: true });
    for (const [relative, text] of Object.entries(options.files ?? {})) this.writeFile(relative, text);
    this.settings = options.settings ?? {};
    this.process = spawn(process.execPath, [...(options.nodeArgs ?? []), serverPath, '--stdio'], {
      stdio: 'pipe',
    });
    this.process.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.process.on('exit', (code, signal) => {
      this.exited = { code, signal };
      this.notify();
    });
    this.connection = createProtocolConnection(
      new StreamMessageReader(this.process.stdout),
      new StreamMessageWriter(this.process.stdin),
    );
    this.connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      this.diagnostics.set(params.uri, params);
      this.publications.push(params);
      this.publicationArrivals.push(++this.arrivals);
      this.lastArrival.set(params.uri, this.arrivals);
      this.notify();
    });
    this.connection.onNotification(StatusNotification, (params) => {
      this.statuses.push(params);
      this.notify();
    });
    this.connection.onNotification(AnalysisChangedNotification, (params) => {
      this.generations.push(params.generation);
      this.generationArrivals.push(++this.arrivals);
      this.notify();
    });
    this.connection.onNotification(LogMessageNotification.type, (params) => {
      this.logs.push(params.message);
      if (params.type === MessageType.Error) this.errorLogs.push(params.message);
      const indexed = /^indexed (\d+) manifest files/.exec(params.message);
      if (indexed) this.indexed = { files: Number(indexed[1]), generations: this.generations.length };
      this.notify();
    });
    this.connection.onRequest(ConfigurationRequest.type, (params) => {
      this.configurationAnswers++;
      this.notify();
      return params.items.map(() => this.settings);
    });
    this.connection.onRequest(RegistrationRequest.type, () => undefined);
    this.connection.onRequest(ApplyWorkspaceEditRequest.type, (params) => {
      this.appliedEdits.push(params);
      this.notify();
      return { applied: true };
    });
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

  /** What the server wrote to standard error. */
  get stderrText(): string {
    return this.stderr;
  }

  /** The server's process id (for measurements). */
  get pid(): number {
    const pid = this.process.pid;
    if (pid === undefined) throw new Error(`the server did not start: ${this.stderr}`);
    return pid;
  }

  uri(relative: string): string {
    return pathToFileURL(join(this.workspace, relative)).toString();
  }

  path(relative: string): string {
    return join(this.workspace, relative);
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

  /** Initializes and waits until the workspace folder has been indexed and the result analysed. */
  async start(): Promise<InitializeResult> {
    const result = await this.initialize();
    const indexed = await this.waitFor(() => this.indexed, 'the workspace to be indexed');
    // The server logs the count, then analyses: with files, the analysis that holds them is announced by
    // the next analysisChanged notification (messages arrive in order).
    if (indexed.files > 0)
      await this.waitFor(() => this.generations.length > indexed.generations, 'the analysis after indexing');
    return result;
  }

  /** Resolves when `predicate` holds, re-checking after every message; rejects after `timeoutMs`. */
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

  /**
   * Waits until the analysis round of a publication is over (its analysisChanged notification arrived),
   * so that the next change starts from a quiet server.
   */
  private async roundOver(arrival: number): Promise<void> {
    await this.waitFor(
      () => this.generationArrivals.some((a) => a > arrival),
      'the end of the analysis round',
    );
  }

  /** Waits for diagnostics of a URI that satisfy a predicate (and for the end of their analysis round). */
  async waitForDiagnostics(
    uri: string,
    predicate: (d: Diagnostic[]) => boolean = () => true,
    description = '',
  ): Promise<Diagnostic[]> {
    const diagnostics = await this.waitFor(() => {
      const params = this.diagnostics.get(uri);
      return params && predicate(params.diagnostics) ? params.diagnostics : undefined;
    }, `diagnostics for ${uri} ${description}`);
    await this.roundOver(this.lastArrival.get(uri)!);
    return diagnostics;
  }

  /** Waits for the diagnostics published for one version of an open document. */
  async waitForVersion(uri: string, version: number): Promise<Diagnostic[]> {
    const diagnostics = await this.waitFor(() => {
      const params = this.diagnostics.get(uri);
      return params?.version === version ? params.diagnostics : undefined;
    }, `diagnostics for ${uri} version ${version}`);
    await this.roundOver(this.lastArrival.get(uri)!);
    return diagnostics;
  }

  /**
   * Runs `action` and waits for a publication for `uri` that arrives after it started and satisfies
   * `predicate`: a condition on what the action causes, free of earlier publications.
   */
  async diagnosticsAfter(
    uri: string,
    action: () => Promise<unknown>,
    predicate: (params: PublishDiagnosticsParams) => boolean = () => true,
    description = '',
  ): Promise<Diagnostic[]> {
    const from = this.publications.length;
    await action();
    const index = await this.waitFor(() => {
      for (let i = from; i < this.publications.length; i++) {
        const p = this.publications[i]!;
        if (p.uri === uri && predicate(p)) return i + 1;
      }
      return undefined;
    }, `a publication for ${uri} ${description}`);
    await this.roundOver(this.publicationArrivals[index - 1]!);
    return this.publications[index - 1]!.diagnostics;
  }

  /** URIs of the documents open in the server. */
  get openDocuments(): string[] {
    return [...this.versions.keys()];
  }

  /**
   * Runs `action` (a change to the workspace) and waits for the analysis that includes it: the next
   * netpolScope/analysisChanged notification with a newer generation. For changes that may leave every
   * file's diagnostics as they were (so nothing is re-published). The server must be quiet before, as
   * it is after the other waits of this client (they wait for the end of the analysis round).
   */
  async analysedAfter(action: () => Promise<unknown>): Promise<void> {
    const seen = Math.max(-1, ...this.generations);
    await action();
    await this.waitFor(() => this.generations.some((g) => g > seen), 'an analysis after the change');
  }

  /** The text last sent for an open document. */
  textOf(uri: string): string {
    const text = this.texts.get(uri);
    if (text === undefined) throw new Error(`${uri} is not open`);
    return text;
  }

  versionOf(uri: string): number {
    const version = this.versions.get(uri);
    if (version === undefined) throw new Error(`${uri} is not open`);
    return version;
  }

  async open(relative: string, text: string, languageId = 'yaml'): Promise<string> {
    const uri = this.uri(relative);
    this.versions.set(uri, 1);
    this.texts.set(uri, text);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId, version: 1, text },
    });
    return uri;
  }

  /** Opens a document (whose text differs from the disk's) and waits for its first diagnostics. */
  async openAndWait(relative: string, text: string): Promise<{ uri: string; diagnostics: Diagnostic[] }> {
    const uri = await this.open(relative, text);
    return { uri, diagnostics: await this.waitForVersion(uri, 1) };
  }

  /** Replaces the whole text (a full-document change), bumping the version. */
  async change(uri: string, text: string): Promise<number> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    this.texts.set(uri, text);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: [{ text }],
    });
    return version;
  }

  /** Sends a change and waits for the diagnostics of the new version. */
  async changeAndWait(uri: string, text: string): Promise<Diagnostic[]> {
    return this.waitForVersion(uri, await this.change(uri, text));
  }

  /** Sends edits as incremental changes (applied one after the other, so in reverse document order). */
  async changeIncremental(uri: string, edits: readonly TextEdit[]): Promise<number> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    const sorted = sortedForApplying(edits);
    this.versions.set(uri, version);
    this.texts.set(uri, applyTextEdits(this.textOf(uri), sorted));
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: sorted.map((e) => ({ range: e.range, text: e.newText })),
    });
    return version;
  }

  async close(uri: string): Promise<void> {
    this.versions.delete(uri);
    this.texts.delete(uri);
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  /** Closes a document that has no file on disk and waits for the server to clear its diagnostics. */
  async closeAndForget(uri: string): Promise<void> {
    // A document the server never analysed (no manifest in it) has nothing to clear.
    if (!this.diagnostics.has(uri)) return this.close(uri);
    await this.diagnosticsAfter(
      uri,
      () => this.close(uri),
      (p) => p.diagnostics.length === 0 && p.version === undefined,
      'cleared after closing',
    );
  }

  /** Replaces the settings and waits until the server has pulled them and analysed with them. */
  async changeSettings(settings: Record<string, unknown>): Promise<void> {
    this.settings = settings;
    const answers = this.configurationAnswers;
    await this.connection.sendNotification(DidChangeConfigurationNotification.type, {
      settings: { netpolScope: settings },
    });
    await this.waitFor(() => this.configurationAnswers > answers, 'the server to pull the settings');
    const generations = this.generations.length;
    await this.waitFor(() => this.generations.length > generations, 'an analysis with the new settings');
  }

  // --- Files on disk and watched-file events ---------------------------------------------------------

  writeFile(relative: string, text: string): string {
    const path = this.path(relative);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    return this.uri(relative);
  }

  deleteFile(relative: string): string {
    rmSync(this.path(relative), { force: true });
    return this.uri(relative);
  }

  async watchedFiles(
    changes: ReadonlyArray<{ readonly relative: string; readonly type: FileChangeType }>,
  ): Promise<void> {
    const events: FileEvent[] = changes.map((c) => ({ uri: this.uri(c.relative), type: c.type }));
    await this.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: events });
  }

  // --- Feature requests --------------------------------------------------------------------------------

  hover(uri: string, position: Position): Promise<Hover | null> {
    return this.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position });
  }

  async completion(uri: string, position: Position): Promise<CompletionItem[]> {
    const result: CompletionItem[] | CompletionList | null = await this.connection.sendRequest(
      CompletionRequest.type,
      { textDocument: { uri }, position },
    );
    if (!result) return [];
    return Array.isArray(result) ? result : result.items;
  }

  /** Code actions (literals only: the server never answers bare commands). */
  async codeActions(
    uri: string,
    range: Range,
    diagnostics: Diagnostic[],
    only?: string[],
  ): Promise<CodeAction[]> {
    const result: Array<Command | CodeAction> | null = await this.connection.sendRequest(
      CodeActionRequest.type,
      { textDocument: { uri }, range, context: { diagnostics, ...(only ? { only } : {}) } },
    );
    return (result ?? []).map((a) => {
      if (typeof a.command === 'string') throw new Error(`a bare command, not a code action: ${a.title}`);
      return a as CodeAction;
    });
  }

  async codeLenses(uri: string): Promise<CodeLens[]> {
    return (await this.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } })) ?? [];
  }

  reachability(level: ReachLevel): Promise<ReachabilityResult> {
    return this.connection.sendRequest(ReachabilityRequest, { level });
  }

  explain(params: ExplainParams): Promise<ExplainResult> {
    return this.connection.sendRequest(ExplainRequest, params);
  }

  namespaces(): Promise<NamespacesResult> {
    return this.connection.sendRequest(NamespacesRequest);
  }

  memory(): Promise<MemoryResult> {
    return this.connection.sendRequest(MemoryRequest);
  }

  async dispose(): Promise<void> {
    try {
      await Promise.race([
        this.connection
          .sendRequest(ShutdownRequest.type)
          .then(() => this.connection.sendNotification(ExitNotification.type)),
        new Promise((resolve) => setTimeout(resolve, 2000)),
      ]);
      // A server that exits by itself after `exit` finishes its work (a CPU profile is written then).
      if (this.exited === undefined)
        await Promise.race([
          new Promise<void>((resolve) => this.process.once('exit', () => resolve())),
          new Promise((resolve) => setTimeout(resolve, 2000)),
        ]);
    } finally {
      this.connection.dispose();
      if (this.exited === undefined) this.process.kill();
      rmSync(this.workspace, { recursive: true, force: true });
    }
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

export { FileChangeType };

// --- Text helpers ----------------------------------------------------------------------------------------

/** Offsets at which the lines of a text start (`\r\n`, `\n` and a lone `\r` end lines, as in LSP). */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') starts.push(i + 1);
    else if (c === '\r') {
      if (text[i + 1] === '\n') i++;
      starts.push(i + 1);
    }
  }
  return starts;
}

/** The UTF-16 offset of an LSP position; throws on a position outside the text. */
export function offsetAt(text: string, position: Position): number {
  const starts = lineStarts(text);
  const start = starts[position.line];
  if (start === undefined) throw new Error(`line ${position.line} is past the end of the text`);
  const next = starts[position.line + 1] ?? text.length;
  let end = next;
  while (end > start && (text[end - 1] === '\n' || text[end - 1] === '\r')) end--;
  if (position.character > end - start)
    throw new Error(`character ${position.character} is past the line end`);
  return start + position.character;
}

/** The LSP position of a UTF-16 offset. */
export function positionAt(text: string, offset: number): Position {
  const starts = lineStarts(text);
  let line = 0;
  while (line + 1 < starts.length && starts[line + 1]! <= offset) line++;
  return { line, character: offset - starts[line]! };
}

/** The text a range covers. */
export function textInRange(text: string, range: Range): string {
  return text.slice(offsetAt(text, range.start), offsetAt(text, range.end));
}

/**
 * The position of the `|` in `snippet` (which holds one), searched in `text` after the first occurrence
 * of `after` when given.
 */
export function cursor(text: string, snippet: string, after = ''): Position {
  const bar = snippet.indexOf('|');
  if (bar < 0) throw new Error(`snippet ${snippet} has no | cursor`);
  const plain = snippet.slice(0, bar) + snippet.slice(bar + 1);
  const from = after ? text.indexOf(after) : 0;
  if (from < 0) throw new Error(`${after} not found`);
  const at = text.indexOf(plain, from);
  if (at < 0) throw new Error(`${JSON.stringify(plain)} not found after ${JSON.stringify(after)}`);
  return positionAt(text, at + bar);
}

/** Edits in the order to apply them one by one: last in the document first. */
function sortedForApplying(edits: readonly TextEdit[]): TextEdit[] {
  const key = (p: Position) => p.line * 1e7 + p.character;
  return [...edits].sort(
    (a, b) => key(b.range.start) - key(a.range.start) || key(b.range.end) - key(a.range.end),
  );
}

/** Applies non-overlapping LSP text edits (all relative to the original text) to a text. */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  const spans = edits
    .map((e) => ({
      start: offsetAt(text, e.range.start),
      end: offsetAt(text, e.range.end),
      newText: e.newText,
    }))
    .sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  let limit = Infinity;
  for (const span of spans) {
    if (span.end > limit || span.start > span.end) throw new Error('overlapping or reversed edits');
    out = out.slice(0, span.start) + span.newText + out.slice(span.end);
    limit = span.start;
  }
  return out;
}

/** The edits of a WorkspaceEdit for one document, checking the version it was computed for. */
export function editsFor(edit: WorkspaceEdit, uri: string, version: number | null): TextEdit[] {
  if (!edit.documentChanges) throw new Error('expected documentChanges (the client supports them)');
  const out: TextEdit[] = [];
  for (const change of edit.documentChanges) {
    if (!('textDocument' in change)) throw new Error(`unexpected resource operation ${change.kind}`);
    if (change.textDocument.uri !== uri)
      throw new Error(`an edit of another document: ${change.textDocument.uri}`);
    if (change.textDocument.version !== version)
      throw new Error(`edit for version ${change.textDocument.version}, the document is at ${version}`);
    for (const e of change.edits) {
      if (!('range' in e) || !('newText' in e) || 'annotationId' in e)
        throw new Error('unexpected edit kind');
      out.push(e);
    }
  }
  return out;
}
