/**
 * Which workload of the workspace a flow endpoint is:
 * - by namespace and pod name: a Pod of that name, or the controller whose pods are named after it:
 *   `<deployment>-<pod-template-hash>-<5 chars>` (a Deployment's ReplicaSet adds the hash; "the name of
 *   the ReplicaSet is always formatted as [DEPLOYMENT-NAME]-[HASH]",
 *   https://kubernetes.io/docs/concepts/workloads/controllers/deployment/), `<replicaset|daemonset|job>-<5
 *   chars>`, `<statefulset>-<ordinal>` (https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#pod-identity),
 *   `<cronjob>-<schedule time>-<5 chars>`;
 * - else by labels: the workload of the namespace whose pod labels all appear on the endpoint (the one
 *   with most labels when several do);
 * - else by IP: a Pod of the workspace with that IP; an address with no cluster identity (no namespace,
 *   no labels) and not private is an address outside the cluster (an external block of the engine).
 * Anything else is unresolved, with the reason.
 */
import type { ClusterModel, Workload } from '../model/types.js';
import type { ReachabilityEngine } from '../reach/engine.js';
import type { ExternalBlock } from '../reach/externals.js';
import { isStandIn } from '../reach/exposure.js';
import type { FlowEndpoint } from './records.js';
import { pushTo } from '../collections.js';

export type Resolved =
  | { readonly kind: 'workload'; readonly workload: Workload }
  | { readonly kind: 'external'; readonly block: ExternalBlock }
  | { readonly why: string };

const suffix = '[a-z0-9]{5}';
const patterns: Readonly<Record<string, RegExp>> = {
  Deployment: new RegExp(`^[a-z0-9]{5,10}-${suffix}$`),
  ReplicaSet: new RegExp(`^${suffix}$`),
  DaemonSet: new RegExp(`^${suffix}$`),
  Job: new RegExp(`^${suffix}$`),
  StatefulSet: /^\d+$/,
  CronJob: new RegExp(`^\\d+-${suffix}$`),
};

const privateRanges = [
  /^10\./,
  /^192\.168\./,
  /^172\.(1[6-9]|2\d|3[01])\./,
  /^127\./,
  /^169\.254\./,
  /^f[cd]/i,
  /^fe80:/i,
];

interface WorkloadIndex {
  readonly byNamespace: ReadonlyMap<string, readonly Workload[]>;
  readonly byIp: ReadonlyMap<string, Workload>;
}

const indexes = new WeakMap<ClusterModel, WorkloadIndex>();

/** The model's workloads by namespace and by IP (built once per model). */
function indexOf(model: ClusterModel): WorkloadIndex {
  let index = indexes.get(model);
  if (!index) {
    const byNamespace = new Map<string, Workload[]>();
    const byIp = new Map<string, Workload>();
    for (const w of model.workloads) {
      if (isStandIn(w)) continue;
      pushTo(byNamespace, w.namespace, w);
      for (const ip of w.ips) if (!byIp.has(ip)) byIp.set(ip, w);
    }
    indexes.set(model, (index = { byNamespace, byIp }));
  }
  return index;
}

export function resolveEndpoint(
  model: ClusterModel,
  engine: ReachabilityEngine,
  end: FlowEndpoint,
): Resolved {
  const index = indexOf(model);
  if (end.namespace !== undefined) {
    const inNamespace = index.byNamespace.get(end.namespace) ?? [];
    if (end.workload !== undefined) {
      const named = inNamespace.find((w) => w.kind === end.workload!.kind && w.name === end.workload!.name);
      if (named) return { kind: 'workload', workload: named };
    }
    if (end.labelsSelect && end.labels) {
      const selector = end.labels;
      const matched = inNamespace.filter(
        (w) => !w.hostNetwork && Object.entries(selector).every(([k, v]) => w.labels[k] === v),
      );
      if (matched.length === 1) return { kind: 'workload', workload: matched[0]! };
      return {
        why:
          matched.length === 0
            ? `no workload of namespace ${end.namespace} matches the selector`
            : `the selector matches ${matched.length} workloads of namespace ${end.namespace}`,
      };
    }
    if (end.pod !== undefined) {
      const pod = end.pod;
      const exact = inNamespace.find((w) => w.name === pod && (w.kind === 'Pod' || !(w.kind in patterns)));
      if (exact) return { kind: 'workload', workload: exact };
      const owners = inNamespace
        .filter((w) => {
          const pattern = patterns[w.kind];
          return (
            pattern !== undefined &&
            pod.startsWith(`${w.name}-`) &&
            pattern.test(pod.slice(w.name.length + 1))
          );
        })
        .sort((a, b) => b.name.length - a.name.length);
      if (owners[0]) return { kind: 'workload', workload: owners[0] };
    }
    const labels = end.labels;
    if (labels) {
      const matching = inNamespace
        .filter(
          (w) =>
            Object.keys(w.labels).length > 0 && Object.entries(w.labels).every(([k, v]) => labels[k] === v),
        )
        .sort((a, b) => Object.keys(b.labels).length - Object.keys(a.labels).length);
      if (matching[0]) return { kind: 'workload', workload: matching[0] };
    }
  }
  if (end.ip !== undefined) {
    const byIp = index.byIp.get(end.ip);
    if (byIp) return { kind: 'workload', workload: byIp };
    const identity = end.namespace !== undefined || (end.labels && Object.keys(end.labels).length > 0);
    // The cloud metadata endpoint is link-local, yet outside the cluster: resolved like the internet.
    const metadata = end.ip === '169.254.169.254' || end.ip === 'fd00:ec2::254';
    if (!identity && (metadata || !privateRanges.some((r) => r.test(end.ip!)))) {
      const block = engine.externalOf(end.ip);
      if (block) return { kind: 'external', block };
    }
  }
  if (end.namespace !== undefined)
    return { why: `no workload of namespace ${end.namespace} has this pod's name or labels` };
  return {
    why: end.ip
      ? 'an address of the cluster or a private network that the workspace does not show'
      : 'no identity',
  };
}
