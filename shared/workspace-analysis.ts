/**
 * The complete analysis of a set of loaded files: workspace model, API-validity and input findings,
 * semantic lint findings, settings (severity per file, rules off) and inline suppressions applied.
 * The CLI (through analysis.ts) and the language server (through session/) both end here, so they
 * report exactly the same findings.
 */
import type { AnalysisContext } from './context.js';
import type { Finding } from './findings.js';
import { compareFindings } from './findings.js';
import { buildWorkspaceFromLoaded } from './model/build-cluster.js';
import type { ProductCache, Workspace } from './model/build-cluster.js';
import type { LoadedFile } from './parse/yaml-loader.js';
import type { ClusterModel } from './model/types.js';
import { ReachabilityEngine } from './reach/engine.js';
import { withExposure } from './reach/exposure.js';
import type { Settings } from './settings.js';
import type { FlowDigest } from './flows/digest.js';
import { defaultSettings, ipBlocksMatchPods } from './settings.js';
import type { SourceFile } from './source/source-file.js';
import { runLint } from './lint/index.js';
import { applySettings } from './lint/apply-settings.js';
import { mergeOverlayFindings } from './lint/overlays.js';
import { isAssertionsPath, parseAssertions } from './assertions/parse.js';

export interface WorkspaceAnalysis extends AnalysisContext {
  /** All findings after settings and suppressions, sorted by file and position. */
  readonly findings: readonly Finding[];
  /** Findings of one file (by SourceFile.path). */
  findingsOf(path: string): readonly Finding[];
}

export interface AnalyzeOptions {
  /** Settings for rule behaviour and the default namespace. */
  readonly settings?: Settings;
  /** Settings of the resource a file belongs to (severities, rules off); defaults to `settings`. */
  readonly settingsFor?: (file: SourceFile) => Settings;
  /** Reuses per-object results across analyses (the language server passes one). */
  readonly productCache?: ProductCache;
  /** Observed traffic to dry-run the policies against (flows/digest.ts). */
  readonly flows?: readonly FlowDigest[];
}

/** The reachability engine of a model under the settings that change its semantics (ipBlockPods). */
export function engineFor(model: ClusterModel, settings: Settings): ReachabilityEngine {
  return new ReachabilityEngine(model, {
    ipBlocksMatchPods: ipBlocksMatchPods(settings),
    cni: settings.cni,
    cniVersion: settings.cniVersion,
  });
}

/** The model and engine with exposure stand-ins, built once per analysis. */
const withStandIns = new WeakMap<AnalysisContext, { model: ClusterModel; engine: ReachabilityEngine }>();

/**
 * The model and engine that reachability reads (`reach`, `explain`, the view): the analysis's own, or
 * with exposure stand-ins for the pods beyond the workspace (reach/exposure.ts).
 */
export function reachInputs(
  ctx: AnalysisContext,
  exposure: boolean,
): { model: ClusterModel; engine: ReachabilityEngine } {
  if (!exposure) return { model: ctx.workspace.model, engine: ctx.engine };
  let out = withStandIns.get(ctx);
  if (!out) {
    const model = withExposure(ctx.workspace.model);
    withStandIns.set(ctx, (out = { model, engine: engineFor(model, ctx.settings) }));
  }
  return out;
}

export function analyzeLoaded(files: readonly LoadedFile[], options: AnalyzeOptions = {}): WorkspaceAnalysis {
  const settings = options.settings ?? defaultSettings;
  // Assertions files are read as assertions, not as manifests.
  const assertionFiles = files.filter((f) => isAssertionsPath(f.file.path));
  const manifests = assertionFiles.length > 0 ? files.filter((f) => !isAssertionsPath(f.file.path)) : files;
  const assertions = assertionFiles.map((f) => parseAssertions(f.file));
  const workspace: Workspace = buildWorkspaceFromLoaded(manifests, {
    defaultNamespace: settings.defaultNamespace,
    productCache: options.productCache,
  });
  let engine: ReachabilityEngine | undefined;
  const context: AnalysisContext = {
    workspace,
    settings,
    ...(options.flows && options.flows.length > 0 ? { flows: options.flows } : {}),
    ...(assertions.length > 0 ? { assertions } : {}),
    get engine() {
      engine ??= engineFor(workspace.model, settings);
      return engine;
    },
  };
  // Findings (lint included) are computed on first use: `reach` and `explain` never pay for them.
  let findings: Finding[] | undefined;
  let byPath: Map<string, Finding[]> | undefined;
  const allFindings = (): Finding[] => {
    if (!findings) {
      const raw = mergeOverlayFindings([...workspace.findings, ...runLint(context)], workspace.kustomize);
      findings = applySettings(raw, options.settingsFor ?? (() => settings)).sort(compareFindings);
    }
    return findings;
  };
  return {
    workspace,
    settings,
    ...(context.flows ? { flows: context.flows } : {}),
    ...(context.assertions ? { assertions: context.assertions } : {}),
    get engine() {
      return context.engine;
    },
    get findings() {
      return allFindings();
    },
    findingsOf(path) {
      if (!byPath) {
        byPath = new Map();
        for (const f of allFindings()) {
          const list = byPath.get(f.file.path);
          if (list) list.push(f);
          else byPath.set(f.file.path, [f]);
        }
      }
      return byPath.get(path) ?? [];
    },
  };
}
