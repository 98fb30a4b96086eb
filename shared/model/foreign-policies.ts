/**
 * Policies of other APIs that the workspace holds and the analysis does not read yet (issue 10 adds
 * them): Cilium (`cilium.io`), Calico (`projectcalico.org`, `crd.projectcalico.org`), Antrea
 * (`crd.antrea.io`), the network-policy-api (`policy.networking.k8s.io`: AdminNetworkPolicy,
 * BaselineAdminNetworkPolicy, ClusterNetworkPolicy), GKE (`networking.gke.io`) and OVN-Kubernetes
 * (`k8s.ovn.org`). They can deny what NetworkPolicy v1 allows, so every result that rests on v1 alone says
 * that they exist and are not analysed, rather than overstating what is allowed.
 *
 * Where the pods a policy applies to can be told from a plain label selector, they are: Cilium's
 * `endpointSelector` is a LabelSelector over the pods' labels in the policy's namespace (cluster-wide for
 * CiliumClusterwideNetworkPolicy) (https://docs.cilium.io/en/stable/security/policy/language/#endpoint-selector).
 * Elsewhere (Calico's selector language, AdminNetworkPolicy subjects) it is left unknown.
 */
import type { KubeObject } from '../parse/kube-objects.js';
import { objectAnchor } from '../parse/kube-objects.js';
import { get } from '../parse/snode.js';
import { selectorMatches } from '../semantics/selector.js';
import { buildSelector } from './build-selector.js';
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
  /** Whether the policy applies to a workload: undefined where that cannot be told here. */
  appliesTo(workload: Workload): boolean | undefined;
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
  let appliesTo: (w: Workload) => boolean | undefined = () => undefined;
  const endpointSelector = get(get(object.node, 'spec'), 'endpointSelector');
  if (api === 'Cilium' && endpointSelector !== undefined) {
    const selector = buildSelector(object.file, endpointSelector);
    appliesTo = (w) =>
      (policyNamespace === undefined || w.namespace === policyNamespace) &&
      selectorMatches(selector, w.labels);
  }
  return {
    kind,
    apiVersion,
    api,
    name: object.name ?? '<unnamed>',
    namespace: policyNamespace,
    anchor: { file: object.file, span: objectAnchor(object) },
    appliesTo,
  };
}

/** `CiliumNetworkPolicy default/rule1 (file:line)`. */
export function foreignPolicyRef(policy: ForeignPolicy): string {
  const name = policy.namespace === undefined ? policy.name : `${policy.namespace}/${policy.name}`;
  return `${policy.kind} ${name} (${policy.anchor.file.where(policy.anchor.span.start)})`;
}

/**
 * What an explanation of a connection between these workloads must add: the policies of other APIs that
 * apply to either end, or may (their selection cannot be told here). Empty when there are none.
 */
export function foreignPolicyNotes(
  policies: readonly ForeignPolicy[],
  ends: ReadonlyArray<{ readonly label: string; readonly workload: Workload | undefined }>,
): string[] {
  if (policies.length === 0) return [];
  const notes: string[] = [];
  const unknown = new Set<ForeignPolicy>();
  for (const policy of policies) {
    const selected = ends.filter((end) => end.workload && policy.appliesTo(end.workload) === true);
    if (selected.length > 0)
      notes.push(
        `Not analysed: ${foreignPolicyRef(policy)} also selects ${selected.map((e) => e.label).join(' and ')}; ` +
          `it may deny what NetworkPolicy allows here.`,
      );
    else if (
      ends.some(
        (end) =>
          end.workload &&
          policy.appliesTo(end.workload) === undefined &&
          (policy.namespace === undefined || policy.namespace === end.workload.namespace),
      )
    )
      unknown.add(policy);
  }
  if (unknown.size > 0) {
    const list = [...unknown].slice(0, 3).map(foreignPolicyRef).join(', ');
    notes.push(
      `Not analysed: ${list}${unknown.size > 3 ? ` and ${unknown.size - 3} more` : ''} may apply to these pods; ` +
        `this verdict reads NetworkPolicy v1 only and may overstate what is allowed.`,
    );
  }
  return notes;
}
