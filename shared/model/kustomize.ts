/**
 * What kustomize does to the objects of a workspace, read from its kustomization files without running
 * kustomize: a `kustomization.yaml`, `kustomization.yml` or `Kustomization` lists `resources` (files, or
 * directories holding another kustomization: a base), and sets for everything it lists
 * (https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/):
 * - `namespace`: the namespace of every namespaced object (an outer kustomization's wins);
 * - `namePrefix` / `nameSuffix`: added to names, outer ones outside inner ones;
 * - `commonLabels`: labels added to `metadata.labels`, to pod templates (created when absent), and to
 *   selectors that already have a `matchLabels`: a Deployment's `spec.selector`, a NetworkPolicy's
 *   `spec.podSelector` and its rules' `podSelector`s (kustomize's commonSelectorFieldSpecs: NetworkPolicy
 *   `spec/podSelector/matchLabels`, `spec/ingress/from/podSelector/matchLabels`,
 *   `spec/egress/to/podSelector/matchLabels`, each `create: false`);
 * - `labels`: the same with `includeSelectors: true`; with `includeTemplates: true` only the templates
 *   (and metadata) get them; otherwise metadata only, which no policy reads.
 *
 * A kustomization that no other one lists is a root (an overlay, or a base built on its own); the objects
 * of a base that several overlays list exist once per overlay, each with its overlay's settings. A file no
 * kustomization lists is taken as written. `bases` (the older spelling) and `components` are read like
 * `resources`. Remote resources (URLs) are not read.
 */
import type { LoadedFile } from '../parse/yaml-loader.js';
import { boolValue, get, isMap, isSeq, stringMap, stringValue } from '../parse/snode.js';
import type { SNode } from '../parse/snode.js';

export interface LabelSetting {
  readonly pairs: Readonly<Record<string, string>>;
  /** Added to selectors that have `matchLabels` (commonLabels, `labels` with includeSelectors). */
  readonly selectors: boolean;
  /** Added to pod templates. */
  readonly templates: boolean;
}

/** The settings of the kustomizations a file's objects pass through for one root, combined. */
export interface Placement {
  /** The directory of the root kustomization (an overlay), as written in the file paths. */
  readonly root: string;
  readonly namespace: string | undefined;
  readonly namePrefix: string;
  readonly nameSuffix: string;
  readonly labels: readonly LabelSetting[];
}

export interface KustomizeView {
  /** The placements of a file's objects; empty when no kustomization lists the file. */
  placementsOf(path: string): readonly Placement[];
  /** The kustomization files read. */
  readonly kustomizations: readonly string[];
}

interface Kustomization {
  readonly path: string;
  readonly dir: string;
  readonly entries: readonly string[];
  readonly namespace: string | undefined;
  readonly namePrefix: string;
  readonly nameSuffix: string;
  readonly labels: readonly LabelSetting[];
}

const KUSTOMIZATION = /(^|[\\/])(kustomization\.ya?ml|Kustomization)$/;

export function isKustomizationPath(path: string): boolean {
  return KUSTOMIZATION.test(path);
}

/** The directory part of a path or URI (without the trailing slash). */
function dirOf(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i < 0 ? '' : path.slice(0, i);
}

/** `dir` joined with a relative `entry`, `.` and `..` resolved; separators as `/`. */
export function joinPath(dir: string, entry: string): string {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\/[^/]*/i.exec(dir)?.[0] ?? '';
  const rest = dir.slice(scheme.length).replace(/\\/g, '/');
  const absolute = rest.startsWith('/');
  const parts = rest.split('/').filter((p) => p !== '' && p !== '.');
  for (const part of entry.replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
    else parts.push(part);
  }
  return `${scheme}${absolute ? '/' : ''}${parts.join('/')}`;
}

function normalise(path: string): string {
  return joinPath(dirOf(path), path.slice(dirOf(path).length + 1));
}

function readKustomization(file: LoadedFile): Kustomization | undefined {
  const root: SNode | undefined = file.documents[0]?.root;
  if (!isMap(root)) return undefined;
  const path = normalise(file.file.path);
  const dir = dirOf(path);
  const entries: string[] = [];
  for (const key of ['resources', 'bases', 'components']) {
    const list = get(root, key);
    if (!isSeq(list)) continue;
    for (const item of list.items) {
      const entry = stringValue(item);
      if (entry && !/^[a-z][a-z0-9+.-]*:\/\//i.test(entry) && !entry.startsWith('git@')) entries.push(entry);
    }
  }
  const labels: LabelSetting[] = [];
  const common = stringMap(get(root, 'commonLabels'));
  if (Object.keys(common).length > 0) labels.push({ pairs: common, selectors: true, templates: true });
  const labelList = get(root, 'labels');
  if (isSeq(labelList)) {
    for (const item of labelList.items) {
      const pairs = stringMap(get(item, 'pairs'));
      if (Object.keys(pairs).length === 0) continue;
      const selectors = boolValue(get(item, 'includeSelectors')) === true;
      const templates = boolValue(get(item, 'includeTemplates')) === true;
      labels.push({ pairs, selectors, templates: selectors || templates });
    }
  }
  return {
    path,
    dir,
    entries,
    namespace: stringValue(get(root, 'namespace')),
    namePrefix: stringValue(get(root, 'namePrefix')) ?? '',
    nameSuffix: stringValue(get(root, 'nameSuffix')) ?? '',
    labels,
  };
}

/** Reads the kustomizations of the workspace and places every file they list. */
export function kustomizeView(files: readonly LoadedFile[]): KustomizeView {
  const kustomizations = files
    .filter((f) => isKustomizationPath(f.file.path))
    .map(readKustomization)
    .filter((k): k is Kustomization => k !== undefined);
  if (kustomizations.length === 0) return { placementsOf: () => [], kustomizations: [] };
  const byDir = new Map(kustomizations.map((k) => [k.dir, k]));
  const filePaths = new Map<string, string>();
  for (const f of files) filePaths.set(normalise(f.file.path), f.file.path);
  // A file entry, a kustomization directory, or a plain directory (kustomize needs a kustomization there).
  const children = (k: Kustomization) =>
    k.entries.map((entry) => {
      const target = joinPath(k.dir, entry);
      return { target, base: byDir.get(target), file: filePaths.get(target) };
    });
  const listed = new Set<Kustomization>();
  for (const k of kustomizations) for (const c of children(k)) if (c.base) listed.add(c.base);
  const roots = kustomizations.filter((k) => !listed.has(k));
  const placements = new Map<string, Placement[]>();
  const visit = (
    k: Kustomization,
    outer: readonly Kustomization[],
    root: Kustomization,
    seen: Set<Kustomization>,
  ) => {
    if (seen.has(k)) return;
    const chain = [k, ...outer];
    for (const child of children(k)) {
      if (child.base) visit(child.base, chain, root, new Set([...seen, k]));
      else if (child.file !== undefined) {
        const list = placements.get(child.file) ?? [];
        list.push(combine(chain, root.dir));
        placements.set(child.file, list);
      }
    }
  };
  for (const root of roots) visit(root, [], root, new Set());
  return {
    placementsOf: (path) => placements.get(path) ?? [],
    kustomizations: kustomizations.map((k) => k.path),
  };
}

/** The combined settings of a chain of kustomizations, innermost first. */
function combine(chain: readonly Kustomization[], root: string): Placement {
  let namespace: string | undefined;
  let namePrefix = '';
  let nameSuffix = '';
  const labels: LabelSetting[] = [];
  for (const k of chain) {
    // Applied inner first: an outer namespace replaces an inner one, an outer prefix goes in front.
    if (k.namespace !== undefined) namespace = k.namespace;
    namePrefix = k.namePrefix + namePrefix;
    nameSuffix = nameSuffix + k.nameSuffix;
    labels.push(...k.labels);
  }
  return { root, namespace, namePrefix, nameSuffix, labels };
}
