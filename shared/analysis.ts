/**
 * The analysis façade: one entry point that turns manifest files into findings and a reachability
 * engine. The CLI and the language server both go through it, so they report the same things.
 */
import type { SourceFile } from './source/source-file.js';
import type { Finding } from './findings.js';
import { compareFindings } from './findings.js';
import { buildWorkspaceFromLoaded } from './model/build-cluster.js';
import { defaultLoadLimits, loadManifests } from './parse/yaml-loader.js';
import type { LoadedFile } from './parse/yaml-loader.js';
import type { BuildOptions, Workspace } from './model/build-cluster.js';
import { ReachabilityEngine } from './reach/engine.js';

export interface Analysis {
  readonly workspace: Workspace;
  readonly findings: readonly Finding[];
  /** Built on first use. */
  readonly engine: ReachabilityEngine;
}

export function analyze(sources: readonly SourceFile[], options: BuildOptions = {}): Analysis {
  return analyzeLoaded(
    sources.map((s) => loadManifests(s, options.limits ?? defaultLoadLimits)),
    options,
  );
}

/** {@link analyze} for files already loaded, so that callers can time (or reuse) the YAML phase. */
export function analyzeLoaded(files: readonly LoadedFile[], options: BuildOptions = {}): Analysis {
  const workspace = buildWorkspaceFromLoaded(files, options);
  const findings = [...workspace.findings].sort(compareFindings);
  let engine: ReachabilityEngine | undefined;
  return {
    workspace,
    findings,
    get engine() {
      engine ??= new ReachabilityEngine(workspace.model);
      return engine;
    },
  };
}
