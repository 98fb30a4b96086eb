/**
 * The workspace as it is at git HEAD, for "since HEAD" code lenses and "Compare Reachability with HEAD":
 * the manifests (and assertions files) each workspace folder's repository holds at HEAD, read with the
 * repository's own git (node/git.ts) and filtered as indexing filters the working tree, analysed with the
 * current settings. Re-read when HEAD moves (checked at most every few seconds), and the semantic diff
 * against the current analysis is kept per analysis generation.
 */
import { join, relative, sep } from 'node:path';
import { analyze } from '../shared/analysis.js';
import type { WorkspaceAnalysis } from '../shared/workspace-analysis.js';
import type { Settings } from '../shared/settings.js';
import { reachDiff } from '../shared/diff/reach-diff.js';
import type { ReachDiff } from '../shared/diff/reach-diff.js';
import type { Level } from '../shared/reach/graph.js';
import { isAssertionsPath } from '../shared/assertions/parse.js';
import { SourceFile } from '../shared/source/source-file.js';
import { headCommit, revisionSources } from '../node/git.js';
import { isIndexedPath, looksLikeManifest } from './indexer.js';
import type { Folder } from './uris.js';

/** How long a HEAD check is trusted before git is asked again. */
const HEAD_CHECK_MS = 2_000;

/** Above this many workloads the lenses are not computed on every edit (the command still compares). */
export const LENS_WORKLOAD_LIMIT = 3_000;

export interface Baseline {
  /** The commits (one per folder in a repository), joined: identifies the baseline. */
  readonly key: string;
  readonly analysis: WorkspaceAnalysis;
}

export class HeadBaseline {
  private checkedAt = 0;
  private pending: Promise<Baseline | undefined> | undefined;
  private heads = '';
  private baseline: Baseline | undefined;
  private diffs = new Map<string, ReachDiff>();

  constructor(
    private readonly folders: () => readonly Folder[],
    private readonly settingsOf: (folder: Folder) => Promise<Settings>,
    private readonly analysisSettings: () => Settings,
    /** The name the session gives a file of a folder (its display path), for both versions to agree. */
    private readonly nameOf: (path: string) => string,
  ) {}

  /** The HEAD version of the workspace, or undefined when no folder is in a git repository. */
  get(): Promise<Baseline | undefined> {
    // One read at a time; requests meanwhile wait for it.
    if (this.pending) return this.pending;
    // At most one look at HEAD per interval, in a repository or not (no repository: no baseline).
    if (Date.now() - this.checkedAt < HEAD_CHECK_MS) return Promise.resolve(this.baseline);
    this.pending = this.read().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async read(): Promise<Baseline | undefined> {
    this.checkedAt = Date.now();
    const folders = this.folders();
    const commits = folders.map((f) => headCommit(f.path));
    const heads = commits.map((c) => c ?? '-').join(',');
    if (this.baseline && heads === this.heads) return this.baseline;
    this.heads = heads;
    this.diffs.clear();
    if (commits.every((c) => c === undefined)) return (this.baseline = undefined);
    const sources: SourceFile[] = [];
    for (const [i, folder] of folders.entries()) {
      if (commits[i] === undefined) continue;
      const settings = await this.settingsOf(folder);
      for (const s of revisionSources('HEAD', [folder.path], folder.path)) {
        const path = join(folder.path, s.path);
        const rel = relative(folder.path, path).split(sep).join('/');
        if (!isIndexedPath(rel, settings)) continue;
        if (Buffer.byteLength(s.text) > settings.maxFileSize) continue;
        if (!looksLikeManifest(s.text) && !isAssertionsPath(path)) continue;
        // Named as the session names the working tree's file.
        sources.push(new SourceFile(this.nameOf(path), s.text));
      }
    }
    this.baseline = { key: heads, analysis: analyze(sources, { settings: this.analysisSettings() }) };
    return this.baseline;
  }

  /** The semantic diff from HEAD to the current analysis, kept per analysis generation and level. */
  async diff(
    current: WorkspaceAnalysis,
    generation: number,
    level: Level = 'workload',
  ): Promise<ReachDiff | undefined> {
    const baseline = await this.get();
    if (!baseline) return undefined;
    const key = `${baseline.key}|${generation}|${level}`;
    let diff = this.diffs.get(key);
    if (!diff) {
      diff = reachDiff(baseline.analysis, current, level);
      // One generation at a time: an older one is never asked again.
      this.diffs.clear();
      this.diffs.set(key, diff);
    }
    return diff;
  }

  /** Forgets what was read: settings changed (filters, the CNI). */
  reset(): void {
    this.checkedAt = 0;
    this.heads = '';
    this.baseline = undefined;
    this.diffs.clear();
  }
}
