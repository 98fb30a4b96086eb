/**
 * A workspace that changes over time: files are set, edited and removed, and the analysis is redone
 * on demand from cached parts. Each file is parsed once per version, an edit re-parses only the
 * `---` documents it touches (incremental-loader.ts), and per-object results (validation, model) of
 * unchanged documents are reused. Diagnostics, hovers and code actions all read the one analysis.
 */
import { SourceFile } from '../source/source-file.js';
import type { TextChange } from '../source/source-file.js';
import type { LoadLimits, LoadedFile } from '../parse/yaml-loader.js';
import { defaultLoadLimits, failedLoad } from '../parse/yaml-loader.js';
import type { ProductCache } from '../model/build-cluster.js';
import { analyzeLoaded } from '../workspace-analysis.js';
import type { WorkspaceAnalysis } from '../workspace-analysis.js';
import type { Settings } from '../settings.js';
import { defaultSettings } from '../settings.js';
import { IncrementalLoader } from './incremental-loader.js';
import type { FlowDigest } from '../flows/digest.js';

interface FileState {
  loader: IncrementalLoader;
  source: SourceFile;
  loaded: LoadedFile;
}

export interface SessionOptions {
  readonly limits?: LoadLimits;
}

export class WorkspaceSession {
  private readonly files = new Map<string, FileState>();
  private readonly productCache: ProductCache = new WeakMap();
  private current: WorkspaceAnalysis | undefined;
  private settings: Settings = defaultSettings;
  private settingsFor: (file: SourceFile) => Settings = () => this.settings;
  private limits: LoadLimits;
  private flows: readonly FlowDigest[] = [];
  /** Incremented on every change; an analysis is current for one generation. */
  private generation = 0;
  private analysedGeneration = -1;

  constructor(options: SessionOptions = {}) {
    this.limits = options.limits ?? defaultLoadLimits;
  }

  /**
   * Sets or replaces a file's text; returns false (and does nothing) when the text is unchanged. `edit`
   * says where it changed (an editor's change event); it spares comparing the whole text.
   */
  setFile(path: string, text: string, edit?: TextChange): boolean {
    const state = this.files.get(path);
    const hint = state && edit && plausible(edit, state.source.text, text) ? edit : undefined;
    if (state && !hint && state.source.text === text) return false;
    const source = hint && state ? SourceFile.edited(state.source, text, hint) : new SourceFile(path, text);
    // The text and its parse change together, whatever happens: findings, hovers and fixes always read
    // the parse of the text they show or edit.
    const loader = state?.loader ?? new IncrementalLoader(this.limits);
    const next = loadContained(loader, source, this.limits, hint);
    if (state) Object.assign(state, next);
    else this.files.set(path, next);
    this.generation++;
    return true;
  }

  removeFile(path: string): boolean {
    const removed = this.files.delete(path);
    if (removed) this.generation++;
    return removed;
  }

  hasFile(path: string): boolean {
    return this.files.has(path);
  }

  /** The current source of a file (the one findings and the model refer to). */
  source(path: string): SourceFile | undefined {
    return this.files.get(path)?.source;
  }

  get paths(): string[] {
    return [...this.files.keys()];
  }

  /**
   * Replaces the settings; `settingsFor` gives per-file severities (per workspace folder). A new
   * `maxFileSize` reloads every file under the new limit.
   */
  configure(settings: Settings, settingsFor?: (file: SourceFile) => Settings): void {
    this.settings = settings;
    this.settingsFor = settingsFor ?? (() => settings);
    if (settings.maxFileSize !== this.limits.maxFileChars) {
      this.limits = { ...this.limits, maxFileChars: settings.maxFileSize };
      for (const state of this.files.values())
        Object.assign(state, loadContained(new IncrementalLoader(this.limits), state.source, this.limits));
    }
    this.generation++;
  }

  /** Replaces the observed traffic the policies are dry-run against (one digest per flow file). */
  setFlows(flows: readonly FlowDigest[]): void {
    this.flows = flows;
    this.generation++;
  }

  /** Counts changes; the analysis of one generation is reused until the next change. */
  get changes(): number {
    return this.generation;
  }

  /** True when a change happened since the last analysis. */
  get stale(): boolean {
    return this.analysedGeneration !== this.generation;
  }

  /** The analysis of the current files, recomputed only after a change. */
  analysis(): WorkspaceAnalysis {
    if (this.current && !this.stale) return this.current;
    // Path order makes results independent of the order files arrived in (e.g. which duplicate wins).
    const loaded = [...this.files.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, s]) => s.loaded);
    this.current = analyzeLoaded(loaded, {
      settings: this.settings,
      settingsFor: this.settingsFor,
      productCache: this.productCache,
      flows: this.flows,
    });
    this.analysedGeneration = this.generation;
    return this.current;
  }
}

/**
 * A file loaded by its incremental loader; when loading fails the file gets an `analysis-failed`
 * problem and a fresh loader (the old one's cache may be what failed), and no other file is affected.
 */
function loadContained(
  loader: IncrementalLoader,
  source: SourceFile,
  limits: LoadLimits,
  hint?: TextChange,
): FileState {
  try {
    return { loader, source, loaded: loader.load(source, hint) };
  } catch (error) {
    return { loader: new IncrementalLoader(limits), source, loaded: failedLoad(source, error) };
  }
}

/** True when a hint fits the two texts (its ranges exist and the text around it is unchanged at its ends). */
function plausible(edit: TextChange, before: string, after: string): boolean {
  const { start, oldEnd, newEnd } = edit;
  if (!(
    start >= 0 &&
    start <= oldEnd &&
    oldEnd <= before.length &&
    start <= newEnd &&
    newEnd <= after.length
  ))
    return false;
  if (before.length - oldEnd !== after.length - newEnd) return false;
  // The characters just outside the edit are the same in both (a cheap guard against a wrong hint).
  return (
    (start === 0 || before.charCodeAt(start - 1) === after.charCodeAt(start - 1)) &&
    (oldEnd === before.length || before.charCodeAt(oldEnd) === after.charCodeAt(newEnd))
  );
}
