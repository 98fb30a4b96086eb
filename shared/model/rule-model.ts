/**
 * The common rule model: every policy API the workspace holds (NetworkPolicy v1, ClusterNetworkPolicy,
 * AdminNetworkPolicy/BaselineAdminNetworkPolicy, Cilium, Calico) is translated into these shapes by its
 * module in `shared/policy-apis/`, and one engine (reach/engine.ts, reach/layers.ts) evaluates them.
 *
 * The model is layered (ARCHITECTURE.md, "The layer model"): a connection's side (the source's egress,
 * the destination's ingress) is decided by walking the layers in order. Inside a layer the rules of the
 * policies that apply to the pod are tried in the layer's order; the first rule whose peers and ports
 * match decides the port: Allow, Deny, or Pass (hand the port to the next layer); Log decides nothing.
 * A layer whose policies *isolate* (NetworkPolicy v1, Cilium, a Calico tier) denies what none of its
 * rules decided once one of its policies applies to the pod; the others hand it on. After the last
 * layer, what is still undecided is allowed (no policy isolates the pod).
 *
 * Each API module supplies its semantics as data and small predicates: which workloads a subject or a
 * peer matches (`WorkloadSet`), which ports a rule covers on a destination (`portsOn`). The engine knows
 * nothing of the APIs.
 */
import type { IpRangeSet } from '../semantics/ip-set.js';
import type { PortSet } from '../semantics/port-set.js';
import type { ContainerPort, Direction, NamespaceInfo, NetworkPolicy, Origin, Workload } from './types.js';

/** The policy APIs, as the CNI profile (policy-apis/cni.ts) names what a CNI enforces. */
export type PolicyApi =
  | 'NetworkPolicy'
  | 'AdminNetworkPolicy'
  | 'ClusterNetworkPolicy'
  | 'CiliumNetworkPolicy'
  | 'CalicoNetworkPolicy';

export type RuleAction = 'allow' | 'deny' | 'pass' | 'log';

/** A listed value meaning "every value of this key matters" (pattern tests such as Calico's `contains`). */
export const ANY_VALUE = '\u0000any';

/** Label keys a selector reads, with the values it lists (none: only presence; ANY_VALUE: every value). */
export type LabelUse = ReadonlyArray<readonly [key: string, values: readonly string[]]>;

/** What a matcher may ask of the workspace beyond a workload's own fields. */
export interface MatchContext {
  readonly namespaces: ReadonlyMap<string, NamespaceInfo>;
  namespaceLabels(namespace: string): Readonly<Record<string, string>>;
  /** The labels of a ServiceAccount object of the workspace (empty when it is not declared). */
  serviceAccountLabels(namespace: string, name: string): Readonly<Record<string, string>>;
  /** True when an address of the workload lies in `ranges` (as the engine places pod IPs in blocks). */
  hasAddressIn(workload: Workload, ranges: IpRangeSet): boolean;
}

/**
 * A set of endpoints: the subject of a policy, or a peer of a rule. Pods are matched one workload at a
 * time; addresses outside the cluster one block at a time (blocks are cut at every boundary of
 * `ranges`, so a block is wholly inside or outside each of them).
 */
export interface WorkloadSet {
  /** Equal keys match equal endpoints (peers with equal keys share one answer). */
  readonly key: string;
  /** Plain words: "pods with app=web in namespaces with team=a". */
  readonly text: string;
  readonly labelUse: LabelUse;
  /** True when the matcher reads the pod's service account. */
  readonly readsServiceAccount: boolean;
  /** Address sets the matcher tests (they cut the external blocks). */
  readonly ranges: readonly IpRangeSet[];
  /** True when the set is every pod of every namespace (`namespaces: {}`), by construction. */
  readonly everyPod?: boolean;
  matchesWorkload(workload: Workload, context: MatchContext): boolean;
  matchesAddresses(block: IpRangeSet): boolean;
  /** External names (Cilium toFQDNs): whether the set holds the name (a literal or a pattern as written). */
  matchesName?(name: string): boolean;
  readonly origin: Origin;
}

/** One HTTP request pattern of an L7 rule: regular expressions matched against the whole element. */
export interface HttpMatch {
  readonly method?: string;
  readonly path?: string;
  readonly host?: string;
  readonly headers?: readonly string[];
}

export interface CommonRule {
  readonly policy: CommonPolicy;
  readonly direction: Direction;
  /** 0-based position in the policy's list for its direction (Cilium: allow and deny lists apart). */
  readonly index: number;
  /** The rule's `name`, where the API has one. */
  readonly name: string | undefined;
  readonly action: RuleAction;
  /** The other end: 'all' matches every endpoint; an empty list matches none. */
  readonly peers: readonly WorkloadSet[] | 'all';
  /** Criteria on the policy's own side that narrow the rule to some of its pods (Calico); undefined: none. */
  readonly self?: WorkloadSet | undefined;
  /** The ports the rule covers on a destination with these container ports (undefined: an address). */
  portsOn(destinationPorts: readonly ContainerPort[] | undefined): PortSet;
  /** Where the covered ports depend on the destination (named ports). */
  readonly namedPorts: boolean;
  /** L7 (allow rules): only these requests pass on the rule's ports; undefined = every request. */
  readonly http: readonly HttpMatch[] | undefined;
  /** Cilium `toFQDNs`: the names (`matchName`) and patterns (`matchPattern`) the rule allows. */
  readonly fqdns?: readonly string[];
  /** True when some `toFQDNs` entry is an exact `matchName`. */
  readonly fqdnNames?: boolean;
  /** Cilium `rules.dns`: the rule sends DNS lookups through the proxy, which `toFQDNs` needs. */
  readonly dnsProxy?: boolean;
  readonly origin: Origin;
}

/**
 * A layer of evaluation. `mode` 'ordered': rules are tried in the order of (policy order, policy name,
 * rule index), the first match decides. 'deny-first': deny rules first, then allow rules, each
 * unordered (Cilium; NetworkPolicy v1, which has only allow rules): the union of what they allow.
 */
export interface Layer {
  readonly id: string;
  /** For explanations: "Admin tier", "NetworkPolicy", "Calico tier security", "Baseline tier". */
  readonly title: string;
  readonly order: number;
  readonly mode: 'ordered' | 'deny-first';
}

export interface CommonPolicy {
  readonly api: PolicyApi;
  /** The object's kind: ClusterNetworkPolicy, CiliumNetworkPolicy, GlobalNetworkPolicy, ... */
  readonly kind: string;
  readonly name: string;
  /** Undefined for cluster-scoped policies. */
  readonly namespace: string | undefined;
  readonly layer: Layer;
  /** Order inside the layer: priority (ANP/CNP), order (Calico; unset = last), 0 elsewhere. */
  readonly order: number;
  /** What `order` is called in explanations: "priority", "order"; undefined where it means nothing. */
  readonly orderName: string | undefined;
  readonly subject: WorkloadSet;
  readonly affectsIngress: boolean;
  readonly affectsEgress: boolean;
  /** Whether a pod this policy applies to is isolated in the policy's layer (see the file comment), per direction. */
  readonly isolatesIngress: boolean;
  readonly isolatesEgress: boolean;
  readonly rules: readonly CommonRule[];
  readonly origin: Origin;
  /** The `metadata.name` node (or the object): where findings point. */
  readonly anchor: Origin;
  /** The v1 NetworkPolicy this policy was translated from, for explanations that show v1 grants. */
  readonly v1: NetworkPolicy | undefined;
}

/** `ClusterNetworkPolicy sec-baseline`, `NetworkPolicy payments/db-ingress`. */
export function commonPolicyName(policy: CommonPolicy): string {
  return `${policy.kind} ${policy.namespace === undefined ? '' : `${policy.namespace}/`}${policy.name}`;
}
