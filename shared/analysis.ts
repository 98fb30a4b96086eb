/**
 * The analysis façade for callers that hold files (the CLI, tests, benchmarks): load, then run the
 * complete analysis of workspace-analysis.ts, the same one the language server runs.
 */
import type { SourceFile } from './source/source-file.js';
import { defaultLoadLimits, loadManifests } from './parse/yaml-loader.js';
import type { LoadLimits, LoadedFile } from './parse/yaml-loader.js';
import { normaliseSettings } from './settings.js';
import type { Settings } from './settings.js';
import { analyzeLoaded as analyzeComplete } from './workspace-analysis.js';
import type { WorkspaceAnalysis } from './workspace-analysis.js';

export type Analysis = WorkspaceAnalysis;

export interface AnalysisOptions {
  /** Namespace of objects without metadata.namespace (overrides `settings.defaultNamespace`). */
  readonly defaultNamespace?: string;
  readonly limits?: LoadLimits;
  /** Settings as for the language server (rules, dns, cni, ...); defaults apply where absent. */
  readonly settings?: Settings;
}

export function analyze(sources: readonly SourceFile[], options: AnalysisOptions = {}): Analysis {
  return analyzeLoaded(
    sources.map((s) => loadManifests(s, options.limits ?? defaultLoadLimits)),
    options,
  );
}

/** {@link analyze} for files already loaded, so that callers can time (or reuse) the YAML phase. */
export function analyzeLoaded(files: readonly LoadedFile[], options: AnalysisOptions = {}): Analysis {
  const base = options.settings ?? normaliseSettings({});
  const settings = options.defaultNamespace ? { ...base, defaultNamespace: options.defaultNamespace } : base;
  return analyzeComplete(files, { settings });
}
