/**
 * The cluster model: namespaces, workloads and NetworkPolicies as the analysis sees them.
 *
 * Every element keeps an {@link Origin} (file + span of the YAML node it came from) so that findings,
 * explanations and reachability edges can point at the exact text. Semantics (defaults, scoping) are
 * applied by the builders in this folder and documented there with links to the Kubernetes API reference.
 */
import type { SourceFile, Span } from '../source/source-file.js';
import type { IpRangeSet } from '../semantics/ip-set.js';
import type { CommonPolicy } from './rule-model.js';

export interface Origin {
  readonly file: SourceFile;
  readonly span: Span;
}

export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export const protocols: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];

export interface NamespaceInfo {
  readonly name: string;
  /** Labels including the automatic `kubernetes.io/metadata.name`. */
  readonly labels: Readonly<Record<string, string>>;
  /** Where the Namespace object is declared; undefined when the namespace is only referenced. */
  readonly origin: Origin | undefined;
}

export const workloadKinds = [
  'Pod',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'ReplicationController',
  'Job',
  'CronJob',
] as const;
export type WorkloadKind = (typeof workloadKinds)[number];

export interface ContainerPort {
  readonly name: string | undefined;
  readonly port: number;
  readonly protocol: Protocol;
}

/**
 * A Pod, or the pod template of a controller: the unit that policies select. A controller's node
 * stands for all the pods its template creates.
 */
export interface Workload {
  /** A built-in {@link WorkloadKind}, or the kind of another object with a pod template or operator pods. */
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** Pod labels (a controller's `spec.template.metadata.labels`). */
  readonly labels: Readonly<Record<string, string>>;
  readonly ports: readonly ContainerPort[];
  /** `status.podIP`/`status.podIPs` of a Pod; empty for templates. */
  readonly ips: readonly string[];
  readonly hostNetwork: boolean;
  /** `spec.serviceAccountName` of the pod (template); undefined when absent (the `default` account). */
  readonly serviceAccount?: string | undefined;
  /** The controller of a Pod, from its `ownerReferences` (`controller: true`). */
  readonly owner: { readonly kind: string; readonly name: string } | undefined;
  /** The whole object. */
  readonly origin: Origin;
  /** The `metadata.name` value (or the object when absent): where findings about the workload point. */
  readonly anchor: Origin;
}

export type SelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface LabelRequirement {
  readonly key: string;
  readonly operator: SelectorOperator;
  readonly values: readonly string[];
  readonly origin: Origin;
}

/**
 * A label selector: matchLabels and matchExpressions, all ANDed
 * (https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors).
 * An empty selector matches everything. A selector the API would reject matches nothing.
 */
export interface LabelSelector {
  readonly requirements: readonly LabelRequirement[];
  readonly origin: Origin;
  /** True when some part is invalid (unknown operator, ...); such a selector matches nothing. */
  readonly invalid: boolean;
}

export interface PodPeer {
  readonly kind: 'pods';
  /** Absent: all pods (of the selected namespaces). */
  readonly podSelector: LabelSelector | undefined;
  /** Absent: the policy's own namespace. */
  readonly namespaceSelector: LabelSelector | undefined;
  readonly origin: Origin;
}

export interface IpBlockPeer {
  readonly kind: 'ipBlock';
  readonly cidr: string;
  readonly except: readonly string[];
  /** `cidr` minus every `except`; empty when the block is invalid. */
  readonly ranges: IpRangeSet;
  readonly origin: Origin;
}

export type PolicyPeer = PodPeer | IpBlockPeer;

export interface PolicyPort {
  readonly protocol: Protocol;
  /** Absent: every port of the protocol. A string is a named port. */
  readonly port: number | string | undefined;
  readonly endPort: number | undefined;
  readonly origin: Origin;
}

export type Direction = 'ingress' | 'egress';

export interface PolicyRule {
  readonly direction: Direction;
  /** 0-based position in the policy's `ingress`/`egress` list. */
  readonly index: number;
  /** `from`/`to`; 'all' when the field is absent or empty (the rule matches every peer). */
  readonly peers: readonly PolicyPeer[] | 'all';
  /** 'all' when `ports` is absent or empty. */
  readonly ports: readonly PolicyPort[] | 'all';
  readonly origin: Origin;
}

export interface NetworkPolicy {
  readonly namespace: string;
  readonly name: string;
  readonly podSelector: LabelSelector;
  /** Effective policy types after API defaulting. */
  readonly affectsIngress: boolean;
  readonly affectsEgress: boolean;
  /** False when `policyTypes` was omitted and the types were defaulted. */
  readonly policyTypesExplicit: boolean;
  readonly ingress: readonly PolicyRule[];
  readonly egress: readonly PolicyRule[];
  readonly origin: Origin;
  readonly anchor: Origin;
  /** True when the API server would reject the object; rejected policies do not take part in analysis. */
  readonly rejected: boolean;
}

/** Labels that identify one pod or one revision: never used to select a workload. */
export const volatileLabels: ReadonlySet<string> = new Set([
  'pod-template-hash',
  'controller-revision-hash',
  'statefulset.kubernetes.io/pod-name',
  'apps.kubernetes.io/pod-index',
]);

/** A workload's labels without the volatile ones: what selects all its pods. */
export function stableLabels(w: Workload): Record<string, string> {
  return Object.fromEntries(Object.entries(w.labels).filter(([k]) => !volatileLabels.has(k)));
}

/** `namespace/name`, the id used for policies and pods throughout. */
export function qualifiedName(item: { readonly namespace: string; readonly name: string }): string {
  return `${item.namespace}/${item.name}`;
}

export interface ClusterModel {
  readonly namespaces: ReadonlyMap<string, NamespaceInfo>;
  readonly workloads: readonly Workload[];
  readonly policies: readonly NetworkPolicy[];
  /**
   * Policies of the other APIs the analysis models (ClusterNetworkPolicy, AdminNetworkPolicy, Cilium,
   * Calico), in the common rule model (model/rule-model.ts); absent or empty: NetworkPolicy v1 only.
   */
  readonly apiPolicies?: readonly CommonPolicy[];
  /** Labels of the ServiceAccount objects, by `namespace/name` (Calico's service-account selectors read them). */
  readonly serviceAccounts?: ReadonlyMap<string, Readonly<Record<string, string>>>;
}
