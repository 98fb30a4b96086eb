/**
 * Exposure: pods that the workspace does not show but that the policies let in or out.
 *
 * `namespaceSelector: {}` admits every pod of every namespace, and a namespace selector by label admits
 * the pods of namespaces that may not be in the workspace at all. Reachability between the workspace's
 * own pods does not show that. As np-guard's exposure analysis does
 * (https://github.com/np-guard/netpol-analyzer/blob/main/docs/exposure_analysis.md), each such
 * audience gets a stand-in: a pod in a namespace outside the workspace whose labels are the least the
 * selectors ask for. The stand-ins are ordinary workloads to the one engine, so every verdict about them
 * comes from the same semantics (policies of the workspace never select them: their own traffic is not
 * isolated):
 * - star, slash, star: any pod in other namespaces (no labels); always present, so the exposure of
 *   pods without policies shows too;
 * - `*{team=a}/*`: any pod in namespaces labelled `team=a`;
 * - `*{team=a}/*{app=b}` (and star, slash, `*{app=b}`): pods labelled `app=b` there;
 * - `ns/*`: a namespace a selector names by `kubernetes.io/metadata.name` that the workspace does not
 *   have.
 * Selectors whose namespace the workspace has by name add nothing (its pods are in the model), nor do
 * bare pod selectors (they stay in the policy's namespace).
 */
import type {
  ClusterModel,
  LabelSelector,
  NamespaceInfo,
  NetworkPolicy,
  Origin,
  Workload,
} from '../model/types.js';
import { METADATA_NAME_LABEL } from '../model/build-cluster.js';
import { SourceFile } from '../source/source-file.js';
import { selectorMatches } from '../semantics/selector.js';
import type { Labels } from '../semantics/selector.js';

/** The kind of stand-in workloads (and of their graph nodes). */
const EXPOSURE_KIND = 'Exposure';

/** Stand-ins are declared nowhere: their origin is an empty text of their own. */
const nowhere: Origin = { file: new SourceFile('<exposure>', ''), span: { start: 0, end: 0 } };

/** What each stand-in stands for, in words. */
const descriptions = new WeakMap<Workload, string>();

export function exposureDescription(workload: Workload): string | undefined {
  return descriptions.get(workload);
}

/**
 * The model with a stand-in workload (and its namespace) for every audience the policies open to.
 * `alsoFrom`: policies of another model whose audiences get stand-ins too, so that two versions of a
 * workspace (a semantic diff, shared/diff/) have the same stand-ins and their graphs the same nodes.
 */
export function withExposure(model: ClusterModel, alsoFrom: readonly NetworkPolicy[] = []): ClusterModel {
  const namespaces = new Map(model.namespaces);
  const standIns: Workload[] = [];
  const seen = new Set<string>();
  const add = (nsLabels: Labels, podLabels: Labels, pinned: string | undefined) => {
    const namespace = pinned ?? `*${braced(nsLabels)}`;
    const name = `*${braced(podLabels)}`;
    const key = `${namespace}/${name}`;
    if (seen.has(key)) return;
    seen.add(key);
    namespaces.set(namespace, {
      name: namespace,
      labels: { ...nsLabels, [METADATA_NAME_LABEL]: namespace },
      origin: undefined,
    } satisfies NamespaceInfo);
    const workload: Workload = {
      kind: EXPOSURE_KIND,
      namespace,
      name,
      labels: podLabels,
      ports: [],
      ips: [],
      hostNetwork: false,
      owner: undefined,
      origin: nowhere,
      anchor: nowhere,
    };
    descriptions.set(workload, describe(nsLabels, podLabels, pinned));
    standIns.push(workload);
  };
  add({}, {}, undefined);
  for (const policy of [...model.policies, ...alsoFrom]) {
    if (policy.rejected) continue;
    for (const rule of [...policy.ingress, ...policy.egress]) {
      if (rule.peers === 'all') continue;
      for (const peer of rule.peers) {
        if (peer.kind !== 'pods' || !peer.namespaceSelector) continue;
        const podLabels = peer.podSelector ? leastLabels(peer.podSelector) : {};
        if (!podLabels) continue; // a selector no labels satisfy admits nobody
        // Namespaces named by `kubernetes.io/metadata.name In [...]`: one stand-in for each named
        // namespace the workspace does not have; otherwise one for the least labels.
        const names = peer.namespaceSelector.requirements.find(
          (r) => r.key === METADATA_NAME_LABEL && r.operator === 'In',
        );
        const choices = names
          ? names.values.filter((v) => !model.namespaces.has(v)).map((v) => ({ [METADATA_NAME_LABEL]: v }))
          : [{}];
        for (const fixed of choices) {
          const nsLabels = leastLabels(peer.namespaceSelector, fixed);
          if (!nsLabels) continue;
          const pinned = nsLabels[METADATA_NAME_LABEL];
          delete nsLabels[METADATA_NAME_LABEL];
          add(nsLabels, podLabels, pinned);
        }
      }
    }
  }
  // Everything else of the model (policies of other APIs, service accounts) is kept as it is.
  return { ...model, namespaces, workloads: [...model.workloads, ...standIns] };
}

/**
 * The fewest labels a selector matches, starting from `fixed`: `In` takes its first value not excluded,
 * `Exists` a value `*`; `NotIn` and `DoesNotExist` need no label. Undefined when no labels satisfy it
 * (or it is invalid).
 */
function leastLabels(
  selector: LabelSelector,
  fixed: Readonly<Record<string, string>> = {},
): Record<string, string> | undefined {
  if (selector.invalid) return undefined;
  const labels: Record<string, string> = { ...fixed };
  const keys = new Set(selector.requirements.map((r) => r.key));
  for (const key of keys) {
    if (key in fixed) continue;
    const reqs = selector.requirements.filter((r) => r.key === key);
    const excluded = new Set(reqs.flatMap((r) => (r.operator === 'NotIn' ? r.values : [])));
    const ins = reqs.filter((r) => r.operator === 'In');
    if (ins.length > 0) {
      const value = ins[0]!.values.find((v) => !excluded.has(v) && ins.every((r) => r.values.includes(v)));
      if (value === undefined) return undefined;
      labels[key] = value;
    } else if (reqs.some((r) => r.operator === 'Exists')) labels[key] = '*';
  }
  return selectorMatches(selector, labels) ? labels : undefined;
}

function braced(labels: Labels): string {
  const entries = Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.length === 0 ? '' : `{${entries.map(([k, v]) => (v === '*' ? k : `${k}=${v}`)).join(',')}}`;
}

function describe(nsLabels: Labels, podLabels: Labels, pinned: string | undefined): string {
  const pods =
    Object.keys(podLabels).length === 0 ? 'any pod' : `pods labelled ${braced(podLabels).slice(1, -1)}`;
  if (pinned !== undefined) return `${pods} in namespace ${pinned}, which the workspace does not declare`;
  if (Object.keys(nsLabels).length === 0) return `${pods} in other namespaces`;
  return `${pods} in namespaces labelled ${braced(nsLabels).slice(1, -1)}`;
}

/** True for the stand-ins {@link withExposure} adds. */
export function isStandIn(workload: Workload): boolean {
  return descriptions.has(workload);
}
