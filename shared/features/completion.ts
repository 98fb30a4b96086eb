/**
 * Completion of label keys and values inside a NetworkPolicy's selectors, from the workspace:
 * - `spec.podSelector`: labels of the workloads in the policy's namespace (a policy selects only there);
 * - a peer's `podSelector`: labels of the workloads in the namespaces the peer reaches (the policy's own
 *   without namespaceSelector, else those its namespaceSelector matches; all when that is incomplete);
 * - a peer's `namespaceSelector`: namespace labels, including the automatic `kubernetes.io/metadata.name`.
 * In `matchLabels` keys and values are completed; in `matchExpressions` the `key` and the `values`.
 * The same in the LabelSelectors of ClusterNetworkPolicy, AdminNetworkPolicy and Cilium policies
 * (subjects, peers, endpoint selectors).
 * Works on incomplete YAML (see completion-slot.ts and lenient-yaml.ts). Pure: context, file and offset in.
 */
import type { AnalysisContext } from '../context.js';
import { buildSelector } from '../model/build-selector.js';
import { locate } from '../parse/locate.js';
import type { PathStep } from '../parse/locate.js';
import { get, getPath, isMap, isNull, isSeq, stringValue } from '../parse/snode.js';
import type { SNode } from '../parse/snode.js';
import { selectorMatches } from '../semantics/selector.js';
import type { SourceFile, Span } from '../source/source-file.js';
import { slotAt } from './completion-slot.js';
import type { Anchor, Slot } from './completion-slot.js';
import { loadManifests } from '../parse/yaml-loader.js';
import { md, plural } from './markdown.js';
import { fieldNames, schemaAt, schemaOf } from '../policy-apis/schemas.js';

export interface Completion {
  readonly label: string;
  readonly kind: 'labelKey' | 'labelValue' | 'field';
  /** How many workloads (or namespaces) carry the key or the key=value: "3 workloads". */
  readonly detail?: string;
  /** Markdown (manifest text escaped): the values seen for a key, the carriers of a value. */
  readonly documentation?: string;
  /** The text the completion replaces (the word under the cursor; empty at a blank position). */
  readonly replace: Span;
  /** What to insert: quoted when YAML would not read the label as a string; `key: ` for a new key. */
  readonly insertText: string;
}

interface Carrier {
  /** `namespace/name` of a workload, or a namespace name. */
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

interface Scope {
  readonly carriers: readonly Carrier[];
  /** "workload" or "namespace". */
  readonly noun: string;
}

export function completionsAt(ctx: AnalysisContext, file: SourceFile, offset: number): Completion[] {
  const slot = slotAt(file.text, offset);
  if (!slot) return [];
  const root = documentRoot(ctx, file, offset);
  if (!root) return [];
  const anchor: Anchor = slot.role === 'value' ? { kind: 'mapOfKey', offset: slot.keyOffset } : slot.holder;
  const path = resolve(root, anchor);
  if (!path) return [];
  const object = objectOf(path);
  if (!object) return [];
  const steps = object.steps;
  const nodes = object.nodes;
  const policyNamespace =
    stringValue(getPath(object.root, 'metadata', 'namespace')) ?? ctx.settings.defaultNamespace;

  // Where the selector is: spec.podSelector, or spec.<ingress|egress>[i].<from|to>[j].<podSelector|namespaceSelector>;
  // in the other APIs, wherever a LabelSelector sits (apiSelectorAt).
  let selectorAt: number;
  let scope: () => Scope;
  if (object.kind !== 'NetworkPolicy') {
    const at = apiSelectorAt(object.kind, steps);
    // Outside a label selector: the API's field names at this level (policy-apis/schemas.ts).
    if (!at || (slot.role === 'key' && steps.length === at.index + 1)) return fieldCompletions(object, slot);
    selectorAt = at.index;
    scope = () =>
      at.scope === 'namespaces'
        ? namespaceScope(ctx)
        : allPodsScope(ctx, at.scope === 'policy-namespace' ? policyNamespace : undefined);
  } else {
    let peer: SNode | undefined;
    if (steps[0] === 'spec' && steps[1] === 'podSelector') selectorAt = 1;
    else if (
      steps[0] === 'spec' &&
      ((steps[1] === 'ingress' && steps[3] === 'from') || (steps[1] === 'egress' && steps[3] === 'to')) &&
      typeof steps[2] === 'number' &&
      typeof steps[4] === 'number' &&
      (steps[5] === 'podSelector' || steps[5] === 'namespaceSelector')
    ) {
      selectorAt = 5;
      peer = nodes[4];
    } else return [];
    const namespaceSelector = steps[selectorAt] === 'namespaceSelector';
    scope = () => (namespaceSelector ? namespaceScope(ctx) : podScope(ctx, file, policyNamespace, peer));
  }
  const rest = steps.slice(selectorAt + 1);

  if (rest.length === 1 && rest[0] === 'matchLabels') {
    const map = nodes[selectorAt + 1];
    if (slot.role === 'key') {
      const used = isMap(map)
        ? map.pairs.filter((p) => !overlaps(p.key.span, slot.replace)).map((p) => String(p.key.value))
        : [];
      return keyCompletions(scope(), slot.replace, new Set(used), (key) =>
        slot.colonFollows ? quoteLabel(key) : `${quoteLabel(key)}: `,
      );
    }
    if (slot.role === 'value')
      return valueCompletions(scope(), slot.key, slot.replace, new Set(), (v) => valueText(slot, v));
    return [];
  }
  if (
    rest.length === 2 &&
    rest[0] === 'matchExpressions' &&
    typeof rest[1] === 'number' &&
    slot.role === 'value'
  ) {
    const item = nodes[selectorAt + 2];
    if (slot.key === 'key')
      return keyCompletions(scope(), slot.replace, new Set(), (key) => valueText(slot, key));
    const key = stringValue(get(item, 'key'));
    if (slot.key === 'values' && key !== undefined) {
      return valueCompletions(
        scope(),
        key,
        slot.replace,
        new Set(),
        (v) => `${slot.needsSpace ? ' ' : ''}[${quoteLabel(v)}]`,
      );
    }
    return [];
  }
  if (rest.length === 3 && rest[0] === 'matchExpressions' && rest[2] === 'values' && slot.role === 'item') {
    const item = nodes[selectorAt + 2];
    const key = stringValue(get(item, 'key'));
    if (key === undefined) return [];
    const list = nodes[selectorAt + 3];
    const used = isSeq(list)
      ? list.items.filter((i) => !overlaps(i.span, slot.replace)).flatMap((i) => stringValue(i) ?? [])
      : [];
    return valueCompletions(scope(), key, slot.replace, new Set(used), (v) =>
      slot.quoted ? v : quoteLabel(v),
    );
  }
  return [];
}

function valueText(slot: Extract<Slot, { role: 'value' }>, text: string): string {
  if (slot.quoted) return text;
  return `${slot.needsSpace ? ' ' : ''}${quoteLabel(text)}`;
}

function overlaps(a: Span, b: Span): boolean {
  return a.start <= b.end && b.start <= a.end;
}

/**
 * The tree of the document at `offset`: the workspace's, or what the parser recovered when the document
 * has syntax errors (the usual state while typing). A file outside the analysis is loaded on the spot.
 */
function documentRoot(ctx: AnalysisContext, file: SourceFile, offset: number): SNode | undefined {
  const analysed = ctx.workspace.files.find((f) => f.file === file || f.file.path === file.path);
  const loaded = analysed && analysed.file.text === file.text ? analysed : loadManifests(file);
  const docs = loaded.documents;
  const doc =
    docs.find((d) => d.span.start <= offset && offset <= d.span.end) ??
    docs.filter((d) => d.span.start <= offset).pop();
  return doc?.root ?? doc?.recovered;
}

/** The path of nodes to the slot's holder. */
function resolve(root: SNode, anchor: Anchor): readonly PathStep[] | undefined {
  const location = locate(root, anchor.offset);
  if (!location) return undefined;
  const path = location.path;
  switch (anchor.kind) {
    case 'valueOfKey':
    case 'mapOfKey':
      if (!location.onKey || path[path.length - 1]!.pair?.key.span.start !== anchor.offset) return undefined;
      return anchor.kind === 'valueOfKey' ? path : path.slice(0, -1);
    case 'node':
      return path[path.length - 1]!.node.span.start === anchor.offset ? path : undefined;
  }
}

/** The Kubernetes object a path runs through (a document, or an item of a `List`), when it is a NetworkPolicy. */
function objectOf(
  path: readonly PathStep[],
): { kind: string; root: SNode; steps: Array<string | number>; nodes: SNode[] } | undefined {
  const documentRoot = path[0]!.node;
  const kind = stringValue(get(documentRoot, 'kind'));
  let from = 0;
  let objectKind = kind;
  if (kind !== undefined && kind.endsWith('List') && isSeq(get(documentRoot, 'items'))) {
    if (path.length < 3 || path[1]!.key !== 'items') return undefined;
    from = 2;
    objectKind =
      stringValue(get(path[2]!.node, 'kind')) ??
      (kind === 'List' ? undefined : kind.slice(0, -'List'.length));
  }
  const root = path[from]!.node;
  const apiVersion = stringValue(get(root, 'apiVersion')) ?? '';
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  // NetworkPolicy v1 (not Calico's namesake), or a kind of the other APIs with LabelSelectors.
  const calico = group === 'projectcalico.org' || group === 'crd.projectcalico.org';
  const named = calico ? `calico:${objectKind ?? ''}` : objectKind;
  const modelled =
    objectKind === 'NetworkPolicy' && (group === '' || group === 'networking.k8s.io')
      ? 'NetworkPolicy'
      : named !== undefined && selectorKinds.has(named)
        ? named
        : undefined;
  if (modelled === undefined) return undefined;
  const rest = path.slice(from + 1);
  return {
    kind: modelled,
    root,
    steps: rest.map((s) => (s.key !== undefined ? s.key : s.index!)),
    nodes: rest.map((s) => s.node),
  };
}

/** Field names of the other APIs where a key is typed: those of the level's schema not yet present. */
function fieldCompletions(
  object: { kind: string; root: SNode; steps: ReadonlyArray<string | number>; nodes: readonly SNode[] },
  slot: Slot,
): Completion[] {
  if (slot.role === 'value') return [];
  // A word typed as a new list entry (`- toF`) starts the entry's first key.
  const steps = slot.role === 'item' ? [...object.steps, 0] : object.steps;
  const schema = schemaAt(schemaOf(object.kind), steps);
  if (
    slot.role === 'item' &&
    (slot.quoted || schema === undefined || typeof schema === 'string' || Array.isArray(schema))
  )
    return [];
  const here =
    slot.role === 'item'
      ? undefined
      : object.nodes.length > 0
        ? object.nodes[object.nodes.length - 1]
        : object.root;
  const present = new Set(
    isMap(here)
      ? here.pairs.filter((p) => !overlaps(p.key.span, slot.replace)).map((p) => String(p.key.value))
      : [],
  );
  return fieldNames(schema)
    .filter((name) => !present.has(name))
    .map((name) => ({
      label: name,
      kind: 'field' as const,
      detail: `${object.kind} field`,
      replace: slot.replace,
      insertText: slot.role === 'key' && slot.colonFollows ? name : `${name}: `,
    }));
}

const selectorKinds: ReadonlySet<string> = new Set([
  'calico:NetworkPolicy',
  'calico:GlobalNetworkPolicy',
  'calico:Tier',
  'ClusterNetworkPolicy',
  'AdminNetworkPolicy',
  'BaselineAdminNetworkPolicy',
  'CiliumNetworkPolicy',
  'CiliumClusterwideNetworkPolicy',
]);

/**
 * Where a LabelSelector sits in a policy of another API, and what it selects from: ClusterNetworkPolicy /
 * AdminNetworkPolicy `namespaces` and `namespaceSelector` (namespace labels), `podSelector` (pods of any
 * namespace); Cilium `endpointSelector` and `from/toEndpoints[i]` (pods of the policy's namespace, every
 * namespace for the clusterwide kind).
 */
function apiSelectorAt(
  kind: string,
  steps: ReadonlyArray<string | number>,
): { index: number; scope: 'namespaces' | 'pods' | 'policy-namespace' } | undefined {
  if (kind.startsWith('calico:')) return undefined;
  for (let i = steps.length - 1; i >= 1; i--) {
    const step = steps[i];
    if (kind.startsWith('Cilium')) {
      const scope = kind === 'CiliumNetworkPolicy' ? 'policy-namespace' : 'pods';
      if (step === 'endpointSelector') return { index: i, scope };
      if (typeof step === 'number' && (steps[i - 1] === 'fromEndpoints' || steps[i - 1] === 'toEndpoints'))
        return { index: i, scope };
      continue;
    }
    if (step === 'namespaces' || step === 'namespaceSelector') return { index: i, scope: 'namespaces' };
    if (step === 'podSelector') return { index: i, scope: 'pods' };
  }
  return undefined;
}

/** Workloads not on the host network, of one namespace or of all. */
function allPodsScope(ctx: AnalysisContext, namespace: string | undefined): Scope {
  const carriers = ctx.workspace.model.workloads
    .filter((w) => !w.hostNetwork && (namespace === undefined || w.namespace === namespace))
    .map((w) => ({ name: `${w.namespace}/${w.name}`, labels: w.labels }));
  return { carriers, noun: 'workload' };
}

/** Workloads (not on the host network, which selectors never match) of the namespaces a pod selector reaches. */
function podScope(
  ctx: AnalysisContext,
  file: SourceFile,
  policyNamespace: string,
  peer: SNode | undefined,
): Scope {
  const model = ctx.workspace.model;
  let inScope: (namespace: string) => boolean = (ns) => ns === policyNamespace;
  const nsNode = peer ? get(peer, 'namespaceSelector') : undefined;
  if (nsNode !== undefined && !isNull(nsNode)) {
    const selector = buildSelector(file, nsNode);
    inScope = selector.invalid
      ? () => true
      : (ns) =>
          selectorMatches(
            selector,
            model.namespaces.get(ns)?.labels ?? { 'kubernetes.io/metadata.name': ns },
          );
  }
  const carriers = model.workloads
    .filter((w) => !w.hostNetwork && inScope(w.namespace))
    .map((w) => ({ name: `${w.namespace}/${w.name}`, labels: w.labels }));
  return { carriers, noun: 'workload' };
}

function namespaceScope(ctx: AnalysisContext): Scope {
  const carriers = [...ctx.workspace.model.namespaces.values()].map((ns) => ({
    name: ns.name,
    labels: ns.labels,
  }));
  return { carriers, noun: 'namespace' };
}

function byCount<T extends { count: number; label: string }>(a: T, b: T): number {
  return b.count - a.count || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0);
}

function keyCompletions(
  scope: Scope,
  replace: Span,
  exclude: ReadonlySet<string>,
  insert: (key: string) => string,
): Completion[] {
  const keys = new Map<string, Map<string, number>>();
  const counts = new Map<string, number>();
  for (const carrier of scope.carriers) {
    for (const [key, value] of Object.entries(carrier.labels)) {
      if (exclude.has(key)) continue;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      let values = keys.get(key);
      if (!values) keys.set(key, (values = new Map()));
      values.set(value, (values.get(value) ?? 0) + 1);
    }
  }
  return [...counts]
    .map(([label, count]) => ({ label, count }))
    .sort(byCount)
    .map(({ label, count }) => {
      const values = [...keys.get(label)!].map(([l, c]) => ({ label: l, count: c })).sort(byCount);
      const shown = values.slice(0, 10).map((v) => `${md(v.label)} (${v.count})`);
      return {
        label,
        kind: 'labelKey' as const,
        detail: plural(count, scope.noun),
        documentation: `Values: ${shown.join(', ')}${values.length > 10 ? `, … (${values.length} in all)` : ''}`,
        replace,
        insertText: insert(label),
      };
    });
}

function valueCompletions(
  scope: Scope,
  key: string,
  replace: Span,
  exclude: ReadonlySet<string>,
  insert: (value: string) => string,
): Completion[] {
  const carriers = new Map<string, string[]>();
  for (const carrier of scope.carriers) {
    if (!Object.prototype.hasOwnProperty.call(carrier.labels, key)) continue;
    const value = carrier.labels[key]!;
    if (exclude.has(value)) continue;
    carriers.set(value, [...(carriers.get(value) ?? []), carrier.name]);
  }
  return [...carriers]
    .map(([label, names]) => ({ label, count: names.length, names }))
    .sort(byCount)
    .map(({ label, count, names }) => ({
      label,
      kind: 'labelValue' as const,
      detail: plural(count, scope.noun),
      documentation: `${md(`${key}=${label}`)} on ${names
        .slice(0, 8)
        .map((n) => md(n))
        .join(', ')}${names.length > 8 ? `, … (${names.length} in all)` : ''}`,
      replace,
      insertText: insert(label),
    }));
}

const YAML11_SPECIAL =
  /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~)$/;

/**
 * A label key or value as YAML text that Kubernetes' decoder (YAML 1.1) reads back as the same string:
 * plain when it is a simple word, double-quoted when it would read as a boolean, null or number
 * (`yes`, `on`, `1.0`, `0755`) or holds YAML punctuation.
 */
export function quoteLabel(text: string): string {
  const plain = /^[A-Za-z_][A-Za-z0-9._/-]*$/.test(text) && !YAML11_SPECIAL.test(text) && !/^[-.]/.test(text);
  return plain ? text : JSON.stringify(text);
}
