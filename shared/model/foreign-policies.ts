/**
 * Policies of other APIs that the workspace holds and the analysis does not read: Antrea
 * (`crd.antrea.io`), GKE (`networking.gke.io`), OVN-Kubernetes (`k8s.ovn.org`), and the kinds of the
 * Cilium, Calico and network-policy-api groups that policy-apis/ does not model (the modelled ones never
 * reach here: model/build-cluster.ts hands them to policy-apis/ first). They can deny what the analysed
 * policies allow, so every result says that they exist and are not analysed, rather than overstating what
 * is allowed. Which pods they apply to is left unknown.
 */
import type { KubeObject } from '../parse/kube-objects.js';
import { objectAnchor } from '../parse/kube-objects.js';
import type { Origin, Workload } from './types.js';

export interface ForeignPolicy {
  /** `CiliumNetworkPolicy`, `GlobalNetworkPolicy`, ... */
  readonly kind: string;
  readonly apiVersion: string;
  /** The product or API it belongs to, for messages: "Cilium", "Calico", ... */
  readonly api: string;
  readonly name: string;
  /** Undefined for cluster-wide policies. */
  readonly namespace: string | undefined;
  readonly anchor: Origin;
}

const apis: ReadonlyArray<{ group: RegExp; api: string }> = [
  { group: /^cilium\.io$/, api: 'Cilium' },
  { group: /^(crd\.)?projectcalico\.org$/, api: 'Calico' },
  { group: /^crd\.antrea\.io$/, api: 'Antrea' },
  { group: /^policy\.networking\.k8s\.io$/, api: 'network-policy-api' },
  { group: /^networking\.gke\.io$/, api: 'GKE' },
  { group: /^k8s\.ovn\.org$/, api: 'OVN-Kubernetes' },
];

/** The object as a policy of another API, or undefined when it is not one. */
export function foreignPolicyOf(object: KubeObject, namespace: string): ForeignPolicy | undefined {
  const apiVersion = object.apiVersion;
  const kind = object.kind;
  if (apiVersion === undefined || kind === undefined) return undefined;
  if (!/Policy$|^EgressFirewall$/.test(kind)) return undefined;
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  const api = apis.find((a) => a.group.test(group))?.api;
  if (!api) return undefined;
  const clusterWide =
    /^(CiliumClusterwideNetworkPolicy|GlobalNetworkPolicy|AdminNetworkPolicy|BaselineAdminNetworkPolicy|ClusterNetworkPolicy)$/.test(
      kind,
    );
  const policyNamespace = clusterWide ? undefined : (object.namespace ?? namespace);
  return {
    kind,
    apiVersion,
    api,
    name: object.name ?? '<unnamed>',
    namespace: policyNamespace,
    anchor: { file: object.file, span: objectAnchor(object) },
  };
}

/** `CiliumNetworkPolicy default/rule1 (file:line)`. */
export function foreignPolicyRef(policy: ForeignPolicy): string {
  const name = policy.namespace === undefined ? policy.name : `${policy.namespace}/${policy.name}`;
  return `${policy.kind} ${name} (${policy.anchor.file.where(policy.anchor.span.start)})`;
}

/**
 * What an explanation of a connection between these workloads must add: the policies not analysed that
 * may apply to either end (those of its namespace, and cluster-wide ones). Empty when there are none.
 */
export function foreignPolicyNotes(
  policies: readonly ForeignPolicy[],
  ends: ReadonlyArray<{ readonly label: string; readonly workload: Workload | undefined }>,
): string[] {
  const may = policies.filter((policy) =>
    ends.some(
      (end) =>
        end.workload && (policy.namespace === undefined || policy.namespace === end.workload.namespace),
    ),
  );
  if (may.length === 0) return [];
  const list = may.slice(0, 3).map(foreignPolicyRef).join(', ');
  return [
    `Not analysed: ${list}${may.length > 3 ? ` and ${may.length - 3} more` : ''} may apply to these pods; ` +
      'this verdict reads the analysed policy APIs only and may overstate what is allowed.',
  ];
}
