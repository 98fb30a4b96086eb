/**
 * What every command of the CLI shares: reading the inputs into an analysis, the common options
 * (namespace, CNI), the settings they make, and the error that means "usage" (exit code 2).
 */
import { readFileSync } from 'node:fs';
import { Option } from 'commander';
import { analyzeLoaded } from '../shared/analysis.js';
import type { Analysis } from '../shared/analysis.js';
import { loadManifests } from '../shared/parse/yaml-loader.js';
import type { LoadedFile } from '../shared/parse/yaml-loader.js';
import type { SourceFile } from '../shared/source/source-file.js';
import { cniPlugins, ipBlockPodModes, normaliseSettings } from '../shared/settings.js';
import type { Settings } from '../shared/settings.js';
import { isKustomizationPath } from '../shared/model/kustomize.js';
import { isAssertionsPath } from '../shared/assertions/parse.js';
import { collectSources } from '../node/inputs.js';
import { PhaseTimer } from './format/summary.js';

declare const NETPOL_SCOPE_VERSION: string | undefined;
export const version = typeof NETPOL_SCOPE_VERSION === 'string' ? NETPOL_SCOPE_VERSION : '0.0.0-dev';

export class UsageError extends Error {}

export interface CommonOptions {
  namespace: string;
  cni?: string;
  cniVersion?: string;
  ipblockPods?: string;
}

export function readStdin(): string {
  return readFileSync(0, 'utf8');
}

export function out(text: string): void {
  process.stdout.write(text);
}

export function load(
  paths: string[],
  options: CommonOptions,
  timer = new PhaseTimer(),
  settings?: Settings,
): Analysis {
  const sources = timer.time('read files', () => collectSources(paths, readStdin));
  return loadSources(sources, options, timer, settings);
}

/**
 * The analysis of sources read already (`diff` reads one side from git). `parsed` shares the parse of a
 * file whose text is the same across analyses (both sides of a diff), whatever its name.
 */
export function loadSources(
  sources: readonly SourceFile[],
  options: CommonOptions,
  timer = new PhaseTimer(),
  settings?: Settings,
  parsed?: Map<string, LoadedFile>,
): Analysis {
  // Assertions files sit beside the manifests; they are read by `test`, not analysed as manifests.
  sources = sources.filter((s) => !isAssertionsPath(s.path));
  for (const s of sources) {
    if (s.text.trim() === '') process.stderr.write(`netpol-scope: ${s.path}: empty file\n`);
  }
  const files = timer.time('YAML parse', () =>
    sources.map((s) => {
      // The parse depends on the text only (documents hold spans, not the file): shared across names.
      const known = parsed?.get(s.text);
      if (known) return known.file === s ? known : { ...known, file: s };
      const loaded = loadManifests(s);
      parsed?.set(s.text, loaded);
      return loaded;
    }),
  );
  const analysis = timer.time('validate+model', () =>
    analyzeLoaded(files, { defaultNamespace: options.namespace, ...(settings ? { settings } : {}) }),
  );
  for (const loaded of analysis.workspace.files) {
    const hasObjects = analysis.workspace.objects.some((o) => o.file === loaded.file);
    const hasProblems = loaded.problems.length > 0;
    // A kustomization is read for what it does to the files it lists (shared/model/kustomize.ts).
    if (isKustomizationPath(loaded.file.path)) continue;
    if (!hasObjects && !hasProblems && loaded.file.text.trim() !== '') {
      process.stderr.write(`netpol-scope: ${loaded.file.path}: no Kubernetes objects (skipped)\n`);
    }
  }
  return analysis;
}

export const namespaceOption = () =>
  new Option('-n, --namespace <name>', 'namespace of objects that do not set metadata.namespace').default(
    'default',
  );
export const cniOption = () =>
  new Option(
    '--cni <plugin>',
    'the CNI of the cluster: which policy APIs take part (a Calico policy does nothing on Cilium), the cni-* rules, whether ipBlocks match pods',
  )
    .choices([...cniPlugins])
    .default('unknown');
export const cniVersionOption = () =>
  new Option(
    '--cni-version <version>',
    "the CNI's version (3.31, 1.19): which policy APIs it enforces by then",
  );
export const ipBlockPodsOption = () =>
  new Option(
    '--ipblock-pods <mode>',
    'whether an ipBlock holding every address (0.0.0.0/0) matches pods: match (Calico, upstream), ignore (Cilium), auto (from --cni)',
  )
    .choices([...ipBlockPodModes])
    .default('auto');

/** The settings `reach` and `explain` take from their options. */
export function reachSettings(options: CommonOptions): Settings {
  return normaliseSettings({
    cni: options.cni,
    cniVersion: options.cniVersion,
    ipBlockPods: options.ipblockPods,
    defaultNamespace: options.namespace,
  });
}
