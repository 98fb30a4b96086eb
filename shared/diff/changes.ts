/**
 * What changed between two versions of a workspace, object by object: policies of every API (added,
 * removed, modified, with the changed lines on both sides), workloads (their labels, ports, addresses)
 * and namespaces (their labels). A semantic diff (reach-diff.ts) names these as the causes of the
 * connections it finds added, removed or changed.
 *
 * Objects are matched by identity (kind, namespace, name, after kustomize placement) and compared by
 * meaning, not text: a policy is modified when its plain value differs (keys in any order; comments,
 * formatting, annotations and status do not count); a workload when what the engine reads of it does.
 */
import { diffLines } from 'diff';
import type { Workspace } from '../model/build-cluster.js';
import type { NetworkPolicy, Origin, Workload } from '../model/types.js';
import type { CommonPolicy } from '../model/rule-model.js';
import { commonPolicyName } from '../model/rule-model.js';
import type { KubeObject } from '../parse/kube-objects.js';
import { toPlain } from '../parse/snode.js';
import { workloadNode } from '../reach/graph.js';

export type ChangeKind = 'added' | 'removed' | 'modified';

/** A place in one version: the file (as named on its side) and a 1-based line. */
export interface Place {
  readonly file: string;
  readonly line: number;
}

/** One changed object. */
export interface ObjectChange {
  /** `NetworkPolicy shop/allow-web`, `Deployment shop/web`, `Namespace shop`. */
  readonly name: string;
  readonly what: 'policy' | 'workload' | 'namespace';
  readonly change: ChangeKind;
  /** Where it is in each version (the first changed line for a modified object). */
  readonly before?: Place;
  readonly after?: Place;
  /**
   * The changed lines in the later version (1-based, inclusive ranges): the whole object for an added one,
   * the lines that differ for a modified one; empty for a removed one.
   */
  readonly afterLines: ReadonlyArray<readonly [number, number]>;
  /** What changed, in words, for workloads and namespaces ("labels changed"). */
  readonly detail?: string;
  /** The object in the later version (editor features place lenses on it); not part of the JSON. */
  readonly afterOrigin?: Origin;
}

/** The changes, and how to find the change of a model element of either version. */
export interface WorkspaceChanges {
  readonly changes: readonly ObjectChange[];
  /** The change of a policy (v1 or another API's) of either version, by the object the model holds. */
  policyChange(policy: NetworkPolicy | CommonPolicy): ObjectChange | undefined;
  /** The change of a workload of either version. */
  workloadChange(workload: Workload): ObjectChange | undefined;
  /** Namespace label changes (added or removed namespaces included). */
  readonly namespaceChanges: readonly ObjectChange[];
}

interface Entry {
  readonly key: string;
  readonly what: ObjectChange['what'];
  readonly fingerprint: string;
  readonly origin: Origin | undefined;
  readonly element: object | undefined;
}

export function workspaceChanges(before: Workspace, after: Workspace): WorkspaceChanges {
  const b = entries(before);
  const a = entries(after);
  const changes: ObjectChange[] = [];
  const byElement = new Map<object, ObjectChange>();
  const note = (change: ObjectChange, ...elements: Array<object | undefined>) => {
    changes.push(change);
    for (const e of elements) if (e) byElement.set(e, change);
  };
  for (const [key, old] of b) {
    const now = a.get(key);
    if (!now) {
      note(
        {
          name: key,
          what: old.what,
          change: 'removed',
          ...placeOf('before', old.origin),
          afterLines: [],
          ...(old.what === 'namespace' ? { detail: 'namespace removed' } : {}),
        },
        old.element,
      );
    } else if (now.fingerprint !== old.fingerprint) {
      const lines = changedLines(old.origin, now.origin);
      note(
        {
          name: key,
          what: now.what,
          change: 'modified',
          ...(old.origin ? { before: { file: old.origin.file.path, line: lines.beforeFirst } } : {}),
          ...(now.origin ? { after: { file: now.origin.file.path, line: lines.afterFirst } } : {}),
          afterLines: lines.after,
          ...(now.origin ? { afterOrigin: now.origin } : {}),
          ...(now.what !== 'policy' ? { detail: detailOf(now.what, old.fingerprint, now.fingerprint) } : {}),
        },
        old.element,
        now.element,
      );
    }
  }
  for (const [key, now] of a) {
    if (b.has(key)) continue;
    const span = now.origin ? wholeLines(now.origin) : undefined;
    note(
      {
        name: key,
        what: now.what,
        change: 'added',
        ...placeOf('after', now.origin),
        afterLines: span ? [span] : [],
        ...(now.origin ? { afterOrigin: now.origin } : {}),
        ...(now.what === 'namespace' ? { detail: 'namespace added' } : {}),
      },
      now.element,
    );
  }
  changes.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  return {
    changes,
    policyChange: (policy) =>
      byElement.get(policy) ?? (isCommon(policy) && policy.v1 ? byElement.get(policy.v1) : undefined),
    workloadChange: (workload) => byElement.get(workload),
    namespaceChanges: changes.filter((c) => c.what === 'namespace'),
  };
}

function isCommon(policy: NetworkPolicy | CommonPolicy): policy is CommonPolicy {
  return 'api' in policy;
}

function placeOf(side: 'before' | 'after', origin: Origin | undefined): { before?: Place; after?: Place } {
  if (!origin) return {};
  return { [side]: { file: origin.file.path, line: origin.file.lineColumn(origin.span.start).line } };
}

/** The lines an object spans, 1-based inclusive. */
function wholeLines(origin: Origin): readonly [number, number] {
  const first = origin.file.lineColumn(origin.span.start).line;
  const last = origin.file.lineColumn(Math.max(origin.span.start, origin.span.end - 1)).line;
  return [first, last];
}

/**
 * The lines that differ between two versions of an object's text (a line diff, jsdiff's `diffLines`),
 * as ranges of the later file, and the first changed line on each side.
 */
function changedLines(
  before: Origin | undefined,
  after: Origin | undefined,
): { after: Array<readonly [number, number]>; beforeFirst: number; afterFirst: number } {
  const firstLine = (o: Origin | undefined) => (o ? o.file.lineColumn(o.span.start).line : 1);
  if (!before || !after) return { after: [], beforeFirst: firstLine(before), afterFirst: firstLine(after) };
  const textOf = (o: Origin) => o.file.text.slice(o.span.start, o.span.end);
  let beforeLine = firstLine(before);
  let afterLine = firstLine(after);
  let beforeFirst: number | undefined;
  let afterFirst: number | undefined;
  const ranges: Array<readonly [number, number]> = [];
  for (const part of diffLines(textOf(before), textOf(after))) {
    const count = part.count ?? part.value.split('\n').length - (part.value.endsWith('\n') ? 1 : 0);
    if (part.added) {
      afterFirst ??= afterLine;
      beforeFirst ??= beforeLine;
      ranges.push([afterLine, afterLine + count - 1]);
      afterLine += count;
    } else if (part.removed) {
      beforeFirst ??= beforeLine;
      afterFirst ??= afterLine;
      beforeLine += count;
    } else {
      beforeLine += count;
      afterLine += count;
    }
  }
  // A change of meaning with identical text lines (an alias's anchor elsewhere): the object's first line.
  return {
    after: ranges,
    beforeFirst: beforeFirst ?? firstLine(before),
    afterFirst: afterFirst ?? firstLine(after),
  };
}

function detailOf(what: ObjectChange['what'], before: string, after: string): string {
  if (what === 'namespace') return 'labels changed';
  const b = JSON.parse(before) as Record<string, unknown>;
  const a = JSON.parse(after) as Record<string, unknown>;
  const fields = Object.keys({ ...b, ...a }).filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]));
  return `${fields.join(', ')} changed`;
}

/** Every policy, workload and namespace of a workspace by identity, with a fingerprint of its meaning. */
function entries(workspace: Workspace): Map<string, Entry> {
  const out = new Map<string, Entry>();
  const add = (key: string, entry: Omit<Entry, 'key'>) => {
    let unique = key;
    for (let n = 2; out.has(unique); n++) unique = `${key} #${n}`;
    out.set(unique, { key: unique, ...entry });
  };
  const objectAt = objectIndex(workspace.objects);
  const { model } = workspace;
  for (const policy of model.policies) {
    const object = workspace.policyObjects.get(policy);
    add(`NetworkPolicy ${policy.namespace}/${policy.name}`, {
      what: 'policy',
      fingerprint: object ? objectFingerprint(object) : JSON.stringify([policy.name]),
      origin: policy.origin,
      element: policy,
    });
  }
  for (const policy of model.apiPolicies ?? []) {
    if (policy.api === 'NetworkPolicy') continue;
    const object = objectAt(policy.origin);
    add(commonPolicyName(policy), {
      what: 'policy',
      fingerprint: object ? objectFingerprint(object) : commonPolicyName(policy),
      origin: policy.origin,
      element: policy,
    });
  }
  for (const workload of model.workloads) {
    add(`${workload.kind} ${workload.namespace}/${workload.name}`, {
      what: 'workload',
      fingerprint: stableJson({
        labels: workload.labels,
        ports: workload.ports,
        hostNetwork: workload.hostNetwork,
        ips: workload.ips,
        serviceAccount: workload.serviceAccount ?? null,
        controller: workloadNode(workload).id,
      }),
      origin: workload.origin,
      element: workload,
    });
  }
  for (const [name, ns] of model.namespaces) {
    add(`Namespace ${name}`, {
      what: 'namespace',
      fingerprint: stableJson({ labels: ns.labels }),
      origin: ns.origin,
      element: undefined,
    });
  }
  return out;
}

/** The object whose node an origin spans (policies of other APIs keep their object's span). */
function objectIndex(objects: readonly KubeObject[]): (origin: Origin) => KubeObject | undefined {
  const index = new Map<string, KubeObject>();
  for (const o of objects) index.set(`${o.file.path}\u0000${o.node.span.start}`, o);
  return (origin) => index.get(`${origin.file.path}\u0000${origin.span.start}`);
}

/**
 * An object's meaning: its plain value without what does not change traffic (annotations, status,
 * managed fields and the other bookkeeping of `metadata`), keys sorted.
 */
function objectFingerprint(object: KubeObject): string {
  const plain = toPlain(object.node) as Record<string, unknown>;
  const metadata = (plain.metadata ?? {}) as Record<string, unknown>;
  const rest: Record<string, unknown> = { ...plain };
  delete rest.status;
  return stableJson({ ...rest, metadata: { labels: metadata.labels ?? null } });
}

/** JSON with object keys sorted at every level. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)),
        )
      : v,
  );
}
