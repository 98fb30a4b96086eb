/**
 * The netpol-scope language server: keeps a WorkspaceSession (shared/session) current from open
 * documents, the workspace folders on disk and watched-file events, and answers LSP requests from its
 * one cached analysis. It computes nothing itself: features live in shared/ and handlers/ only convert.
 */
import {
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  TextDocumentContentChangeEvent,
  TextDocuments,
  TextDocumentSyncKind,
} from 'vscode-languageserver';
import type {
  Connection,
  InitializeParams,
  InitializeResult,
  ServerCapabilities,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { WorkspaceSession } from '../shared/session/workspace-session.js';
import { isAssertionsPath } from '../shared/assertions/parse.js';
import type { WorkspaceAnalysis } from '../shared/workspace-analysis.js';
import type { SourceFile, TextChange } from '../shared/source/source-file.js';
import { toDiagnostic } from './diagnostics.js';
import { looksLikeManifest, readIndexedFile, relativePath, scanFolder } from './indexer.js';
import { FlowStore, findFlowFiles, flowMatcher } from './flow-store.js';
import { folderFromUri, PathMap, pathToUri, uriToPath } from './uris.js';
import type { Folder } from './uris.js';
import { SettingsService } from './settings-service.js';
import { HeadBaseline } from './baseline.js';
import { featureCapabilities, registerFeatureHandlers } from './handlers/index.js';
import { statusOf } from './handlers/custom.js';
import { AnalysisChangedNotification, StatusNotification } from '../shared/protocol.js';
import type { FlowFileJson } from '../shared/protocol.js';
import { defaultSettings } from '../shared/settings.js';
import type { Settings } from '../shared/settings.js';

/** Coalesces bursts of edits; small enough to keep edit-to-diagnostics latency low. */
const ANALYSIS_DELAY_MS = 8;

export interface ClientCapabilitiesSummary {
  configuration: boolean;
  workDoneProgress: boolean;
  relatedInformation: boolean;
  watchedFilesDynamic: boolean;
  configurationDynamic: boolean;
  documentChanges: boolean;
  workspaceFolders: boolean;
  /** File watchers may be patterns relative to a folder (LSP 3.17). */
  relativePatterns: boolean;
}

/** What the feature handlers need from the server. */
export interface ServerState {
  readonly connection: Connection;
  readonly documents: TextDocuments<TextDocument>;
  readonly paths: PathMap;
  readonly capabilities: ClientCapabilitiesSummary;
  /** The current analysis (computed now if edits are pending). */
  analysis(): WorkspaceAnalysis;
  /** The source the analysis holds for a document URI, if the document is analysed. */
  sourceOf(uri: string): SourceFile | undefined;
  /** Identifies the current analysis: it changes whenever a file or setting changes. */
  generation(): number;
  /** Observed traffic: the flow files held, and loading or clearing them. */
  readonly flows: ServerFlows;
  /** The workspace folders. */
  folders(): readonly Folder[];
  /** The workspace at git HEAD, and the semantic diff from it to the current analysis. */
  readonly baseline: HeadBaseline;
}

export interface ServerFlows {
  files(): FlowFileJson[];
  /** Reads flow files by URI (kept until cleared) and re-analyses. */
  load(uris: readonly string[]): Promise<FlowFileJson[]>;
  /** Forgets the files loaded by command. */
  clear(): void;
}

export function startServer(connection: Connection): void {
  /** Where the last change of each document was, for incremental re-parsing (consumed by updateFromText). */
  const lastEdit = new Map<string, TextChange>();
  const documents = new TextDocuments<TextDocument>({
    create: (uri, languageId, version, content) => TextDocument.create(uri, languageId, version, content),
    update: (document, changes, version) => {
      // One ranged change (a keystroke, a fix) says exactly where the text changed; otherwise none.
      const change = changes.length === 1 ? changes[0] : undefined;
      if (change && TextDocumentContentChangeEvent.isIncremental(change)) {
        const start = document.offsetAt(change.range.start);
        const oldEnd = document.offsetAt(change.range.end);
        lastEdit.set(document.uri, { start, oldEnd, newEnd: start + change.text.length });
      } else lastEdit.delete(document.uri);
      return TextDocument.update(document, changes, version);
    },
  });
  const paths = new PathMap();
  const session = new WorkspaceSession();
  const capabilities: ClientCapabilitiesSummary = {
    configuration: false,
    workDoneProgress: false,
    relatedInformation: false,
    watchedFilesDynamic: false,
    configurationDynamic: false,
    documentChanges: false,
    workspaceFolders: false,
    relativePatterns: false,
  };
  let folders: Folder[] = [];
  const settings = new SettingsService(connection, capabilities, () => folders);
  const flowStore = new FlowStore();
  let currentSettings: Settings | undefined;
  const baseline = new HeadBaseline(
    () => folders,
    (folder) => settings.forFolder(folder),
    () => currentSettings ?? defaultSettings,
    (path) => paths.display(pathToUri(path)),
  );
  /** Diagnostics last sent per URI, as a signature, to send only what changed. */
  const published = new Map<string, string>();
  let timer: NodeJS.Timeout | undefined;
  let indexing: Promise<void> | undefined;
  let indexingNow = false;

  const log = (message: string) => connection.console.log(message);
  const logError = (context: string, error: unknown) =>
    connection.console.error(
      `${context}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );

  function analysis(): WorkspaceAnalysis {
    return session.analysis();
  }

  function scheduleAnalysis(delay = ANALYSIS_DELAY_MS): void {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      try {
        publishDiagnostics();
      } catch (error) {
        logError('analysis failed', error);
      }
    }, delay);
  }

  function publishDiagnostics(): void {
    const result = analysis();
    const seen = new Set<string>();
    for (const path of session.paths) {
      const uri = paths.uri(path);
      if (!uri) continue;
      seen.add(uri);
      const diagnostics = result.findingsOf(path).map((f) =>
        toDiagnostic(f, {
          relatedInformation: capabilities.relatedInformation,
          uriOf: (p) => paths.uri(p),
        }),
      );
      // The signature is what the client would show: an edit that keeps every finding's offsets can still
      // move their lines and columns (a character replaced by a line break), and then they are re-sent.
      const signature = JSON.stringify(diagnostics);
      if (published.get(uri) === signature) continue;
      published.set(uri, signature);
      const version = documents.get(uri)?.version;
      void connection.sendDiagnostics({ uri, version, diagnostics });
    }
    for (const uri of [...published.keys()]) {
      if (seen.has(uri)) continue;
      published.delete(uri);
      void connection.sendDiagnostics({ uri, diagnostics: [] });
    }
    sendStatus(result);
  }

  let lastStatus = '';
  let lastGeneration = -1;
  function sendStatus(result: WorkspaceAnalysis): void {
    const status = statusOf(result, session.paths.length, indexingNow);
    const text = JSON.stringify(status);
    if (text !== lastStatus) {
      lastStatus = text;
      void connection.sendNotification(StatusNotification, status);
    }
    if (session.changes !== lastGeneration) {
      lastGeneration = session.changes;
      void connection.sendNotification(AnalysisChangedNotification, { generation: lastGeneration });
    }
  }

  /** Puts a document's text into the session when it holds manifests (or already did). */
  function updateFromText(uri: string, text: string, edit?: TextChange): boolean {
    const path = paths.display(uri);
    if (!session.hasFile(path) && !looksLikeManifest(text) && !isAssertionsPath(path)) return false;
    return session.setFile(path, text, edit);
  }

  function removeUri(uri: string): void {
    const path = paths.display(uri);
    if (session.removeFile(path)) scheduleAnalysis();
    paths.forget(uri);
  }

  /**
   * Work that reads the disk for a URI (watched-file events, closed buffers) runs one task after the
   * other, in the order the notifications arrived: a file changed and then deleted ends up deleted even
   * when the read of the change completes after the deletion was seen.
   */
  let diskWork: Promise<void> = Promise.resolve();
  function onDisk(context: string, task: () => Promise<void>): void {
    diskWork = diskWork.then(task).catch((error: unknown) => logError(context, error));
  }

  /** Brings a file without an open buffer back to what indexing would make of it (its disk text, or nothing). */
  async function syncFromDisk(uri: string): Promise<void> {
    const folder = uri.startsWith('file:') ? paths.folderOf(uri) : undefined;
    const text = folder
      ? await readIndexedFile(folder.path, uriToPath(uri), await settings.forFolder(folder))
      : undefined;
    if (documents.get(uri)) return; // opened meanwhile: the buffer is the truth
    if (text === undefined) removeUri(uri);
    else if (updateFromText(uri, text)) scheduleAnalysis();
  }

  async function indexWorkspace(): Promise<void> {
    const progress = capabilities.workDoneProgress
      ? await connection.window.createWorkDoneProgress()
      : undefined;
    progress?.begin('netpol-scope: indexing Kubernetes manifests', 0, 'scanning folders', false);
    const started = Date.now();
    let count = 0;
    indexingNow = true;
    try {
      for (const folder of folders) {
        const folderSettings = await settings.forFolder(folder);
        let directories = 0;
        const files = await scanFolder(folder.path, {
          settings: folderSettings,
          onDirectory: () => {
            if (++directories % 50 === 0) progress?.report(`${folder.name}: ${directories} folders scanned`);
          },
        });
        files.forEach((file, i) => {
          const uri = pathToUri(file.path);
          if (!documents.get(uri)) session.setFile(paths.display(uri), file.text);
          if (i % 100 === 0)
            progress?.report(
              Math.round(((i + 1) / files.length) * 100),
              `${folder.name}: ${i + 1}/${files.length} manifests read`,
            );
        });
        count += files.length;
      }
      log(`indexed ${count} manifest files in ${Date.now() - started} ms`);
    } catch (error) {
      logError('indexing failed', error);
    } finally {
      indexingNow = false;
      progress?.done();
    }
    scheduleAnalysis(0);
  }

  async function reconfigure(): Promise<void> {
    const { analysisSettings, settingsFor } = await settings.resolve(paths);
    session.configure(analysisSettings, settingsFor);
    currentSettings = analysisSettings;
    baseline.reset();
    scheduleAnalysis(0);
    onDisk('loading flow files', syncFlowFiles);
  }

  function flowsChanged(): void {
    session.setFlows(flowStore.digests());
    scheduleAnalysis(0);
  }

  /**
   * Holds the flow files the `netpolScope.flows` globs match in each folder (reading those not held yet;
   * watched-file events re-read changed ones), drops those no longer matched, and watches the globs.
   */
  async function syncFlowFiles(): Promise<void> {
    const found = new Set<string>();
    const patterns: Array<{ folder: Folder; glob: string }> = [];
    for (const folder of folders) {
      const globs = (await settings.forFolder(folder)).flows;
      patterns.push(...globs.map((glob) => ({ folder, glob })));
      for (const path of await findFlowFiles(folder.path, globs)) {
        found.add(path);
        if (!flowStore.has(path)) {
          const summary = await flowStore.load(path, pathToUri(path), 'setting');
          log(
            summary.error
              ? `flow file ${path}: ${summary.error}`
              : `flow file ${path}: ${summary.format}, ${summary.records} records`,
          );
        }
      }
    }
    flowStore.retain('setting', found);
    flowsChanged();
    watchFlowFiles(patterns);
  }

  let flowWatcher: { dispose(): void } | undefined;
  let watchedFlowGlobs = '';
  function watchFlowFiles(patterns: ReadonlyArray<{ folder: Folder; glob: string }>): void {
    if (!capabilities.watchedFilesDynamic) return;
    const key = JSON.stringify(patterns.map((p) => [p.folder.uri, p.glob]));
    if (key === watchedFlowGlobs) return;
    watchedFlowGlobs = key;
    flowWatcher?.dispose();
    flowWatcher = undefined;
    if (patterns.length === 0) return;
    void connection.client
      .register(DidChangeWatchedFilesNotification.type, {
        watchers: patterns.map((p) => ({
          globPattern: capabilities.relativePatterns
            ? { baseUri: p.folder.uri, pattern: p.glob }
            : `**/${p.glob.replace(/^(\*\*\/)+/, '')}`,
        })),
      })
      .then((d) => (flowWatcher = d));
  }

  /** True when a file is a flow file of its folder (matched by the folder's `netpolScope.flows`). */
  async function isFlowFile(uri: string): Promise<boolean> {
    const folder = uri.startsWith('file:') ? paths.folderOf(uri) : undefined;
    if (!folder) return false;
    const matches = flowMatcher((await settings.forFolder(folder)).flows);
    return matches !== undefined && matches(relativePath(folder.path, uriToPath(uri)));
  }

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const c = params.capabilities;
    capabilities.configuration = c.workspace?.configuration === true;
    capabilities.workDoneProgress = c.window?.workDoneProgress === true;
    capabilities.relatedInformation = c.textDocument?.publishDiagnostics?.relatedInformation === true;
    capabilities.watchedFilesDynamic = c.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    capabilities.configurationDynamic = c.workspace?.didChangeConfiguration?.dynamicRegistration === true;
    capabilities.documentChanges = c.workspace?.workspaceEdit?.documentChanges === true;
    capabilities.workspaceFolders = c.workspace?.workspaceFolders === true;
    capabilities.relativePatterns = c.workspace?.didChangeWatchedFiles?.relativePatternSupport === true;
    settings.setInitializationOptions(params.initializationOptions);

    if (params.workspaceFolders?.length)
      folders = params.workspaceFolders.map((f) => folderFromUri(f.uri, f.name));
    else if (params.rootUri) folders = [folderFromUri(params.rootUri)];
    paths.setFolders(folders);

    const serverCapabilities: ServerCapabilities = {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: false },
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      ...featureCapabilities,
    };
    return { capabilities: serverCapabilities, serverInfo: { name: 'netpol-scope', version: serverVersion } };
  });

  connection.onInitialized(() => {
    if (capabilities.watchedFilesDynamic) {
      void connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [{ globPattern: '**/*.{yaml,yml,json}' }],
      });
    }
    if (capabilities.configurationDynamic) {
      void connection.client.register(DidChangeConfigurationNotification.type, { section: 'netpolScope' });
    }
    if (capabilities.workspaceFolders) {
      connection.workspace.onDidChangeWorkspaceFolders((event) => {
        folders = folders.filter((f) => !event.removed.some((r) => r.uri === f.uri));
        folders.push(...event.added.map((f) => folderFromUri(f.uri, f.name)));
        paths.setFolders(folders);
        settings.clear();
        indexing = reconfigure().then(indexWorkspace);
      });
    }
    indexing = reconfigure().then(indexWorkspace);
  });

  connection.onDidChangeConfiguration((change) => {
    settings.clear();
    settings.setPushed(change.settings);
    void reconfigure();
  });

  documents.onDidOpen((event) => {
    if (updateFromText(event.document.uri, event.document.getText())) scheduleAnalysis(0);
  });
  documents.onDidChangeContent((event) => {
    const uri = event.document.uri;
    const edit = lastEdit.get(uri);
    lastEdit.delete(uri);
    if (updateFromText(uri, event.document.getText(), edit)) scheduleAnalysis();
  });
  documents.onDidClose((event) => {
    // The editor's buffer is gone: go back to the file on disk as indexing takes it (a file outside the
    // include globs, in node_modules or above maxFileSize is dropped), or drop it if it has none.
    const uri = event.document.uri;
    onDisk('closing a document', () => syncFromDisk(uri));
  });

  connection.onDidChangeWatchedFiles((params) => {
    // The same filters as indexing apply: the client watches every YAML/JSON file.
    onDisk('watched files', async () => {
      for (const change of params.changes) {
        const path = change.uri.startsWith('file:') ? uriToPath(change.uri) : undefined;
        if (path && (flowStore.has(path) || (await isFlowFile(change.uri)))) {
          if (change.type === FileChangeType.Deleted) flowStore.drop(path);
          else await flowStore.load(path, change.uri, 'setting');
          flowsChanged();
          continue;
        }
        if (documents.get(change.uri)) continue; // the open buffer is the truth
        if (change.type === FileChangeType.Deleted) removeUri(change.uri);
        else await syncFromDisk(change.uri);
      }
    });
  });

  const state: ServerState = {
    connection,
    documents,
    paths,
    capabilities,
    analysis,
    sourceOf(uri) {
      return session.source(paths.display(uri));
    },
    generation: () => session.changes,
    folders: () => folders,
    baseline,
    flows: {
      files: () => flowStore.summaries(),
      async load(uris) {
        const out: FlowFileJson[] = [];
        for (const uri of uris) {
          if (!uri.startsWith('file:')) {
            out.push({ uri, records: 0, skipped: 0, origin: 'command', error: 'not a file on disk' });
            continue;
          }
          out.push(await flowStore.load(uriToPath(uri), uri, 'command'));
        }
        flowsChanged();
        return out;
      },
      clear() {
        if (flowStore.retain('command')) flowsChanged();
      },
    },
  };
  registerFeatureHandlers(state, logError);

  documents.listen(connection);
  connection.listen();
  void indexing;
}

declare const NETPOL_SCOPE_VERSION: string | undefined;
const serverVersion = typeof NETPOL_SCOPE_VERSION === 'string' ? NETPOL_SCOPE_VERSION : '0.0.0-dev';
