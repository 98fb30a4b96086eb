/**
 * NetworkPolicy semantics for one pod (or pod template) at a time: which policies select it, which
 * peers match it, which ports a rule opens on it. The reachability engine builds on these and only adds
 * grouping for speed, so this file is the reference for "what Kubernetes does".
 *
 * Sources (Kubernetes API reference, networking.k8s.io/v1 NetworkPolicy, and the concept page
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/):
 * - spec.podSelector "selects the pods to which this NetworkPolicy object applies ... Multiple network
 *   policies can select the same set of pods"; it only selects pods in the policy's namespace.
 * - "A pod is isolated for ingress if there is any NetworkPolicy that both selects the pod and has
 *   "Ingress" in its policyTypes"; likewise for egress. A non-isolated pod allows everything in that direction.
 * - Policies are additive: "the connections allowed are the union of what the applicable policies allow".
 * - "For a connection from a source pod to a destination pod to be allowed, both the egress policy on the
 *   source pod and the ingress policy on the destination pod need to allow the connection."
 * - NetworkPolicyPeer: podSelector alone selects pods in the policy's namespace; namespaceSelector alone
 *   selects all pods in matching namespaces; both together select matching pods in matching namespaces;
 *   ipBlock selects IP ranges (here: pod IPs the manifests carry, and addresses outside the cluster).
 * - NetworkPolicyPort: a numeric `port` (with optional `endPort`, inclusive) or a named port, which is
 *   resolved against the destination pod's container ports of the same protocol; a name that no
 *   container port of that protocol carries matches nothing on that pod.
 * - Host-network pods: "NetworkPolicy behavior for hostNetwork pods is undefined"; this analysis takes the
 *   common case: policies do not select them and pod/namespace selectors do not match them; their
 *   traffic is node traffic, matched by an ipBlock that holds their IP.
 */
import type {
  ContainerPort,
  Direction,
  NamespaceInfo,
  NetworkPolicy,
  PolicyPeer,
  PolicyPort,
  PolicyRule,
  Protocol,
  Workload,
} from '../model/types.js';
import { selectorMatches } from './selector.js';
import { PortSet } from './port-set.js';

const emptyLabels: Readonly<Record<string, string>> = Object.freeze({});

export function namespaceLabels(
  namespaces: ReadonlyMap<string, NamespaceInfo>,
  name: string,
): Readonly<Record<string, string>> {
  return namespaces.get(name)?.labels ?? emptyLabels;
}

/** True when `policy` selects `workload` (same namespace, podSelector matches, not host-network). */
export function policySelects(policy: NetworkPolicy, workload: Workload): boolean {
  return (
    !workload.hostNetwork &&
    policy.namespace === workload.namespace &&
    selectorMatches(policy.podSelector, workload.labels)
  );
}

/** True when a pod/namespace-selector peer of `policy` matches `workload`. ipBlock peers are matched by IP. */
export function peerMatchesWorkload(
  peer: PolicyPeer,
  policy: NetworkPolicy,
  workload: Workload,
  namespaces: ReadonlyMap<string, NamespaceInfo>,
): boolean {
  if (peer.kind === 'ipBlock') return workload.ips.some((ip) => peer.ranges.containsAddress(ip));
  if (workload.hostNetwork) return false;
  if (peer.namespaceSelector) {
    if (!selectorMatches(peer.namespaceSelector, namespaceLabels(namespaces, workload.namespace)))
      return false;
  } else if (workload.namespace !== policy.namespace) return false;
  return peer.podSelector ? selectorMatches(peer.podSelector, workload.labels) : true;
}

/** The ports one NetworkPolicyPort opens on a destination with the given container ports. */
export function portsOfPolicyPort(
  port: PolicyPort,
  destinationPorts: readonly ContainerPort[] | undefined,
): PortSet {
  if (port.port === undefined) return PortSet.allOf(port.protocol);
  if (typeof port.port === 'number') {
    const end = port.endPort !== undefined && port.endPort >= port.port ? port.endPort : port.port;
    return PortSet.range(port.protocol, port.port, end);
  }
  return resolveNamedPort(port.port, port.protocol, destinationPorts);
}

/** A named port resolved on a destination: the container ports with that name and protocol. */
export function resolveNamedPort(
  name: string,
  protocol: Protocol,
  destinationPorts: readonly ContainerPort[] | undefined,
): PortSet {
  let out = PortSet.none;
  for (const cp of destinationPorts ?? []) {
    if (cp.name === name && cp.protocol === protocol) out = out.union(PortSet.range(protocol, cp.port));
  }
  return out;
}

/**
 * The ports a rule opens towards a destination. `destinationPorts` undefined means the destination is
 * not a pod (an external address), on which named ports resolve to nothing.
 */
export function portsOfRule(
  rule: PolicyRule,
  destinationPorts: readonly ContainerPort[] | undefined,
): PortSet {
  if (rule.ports === 'all') return PortSet.all;
  let out = PortSet.none;
  for (const port of rule.ports) out = out.union(portsOfPolicyPort(port, destinationPorts));
  return out;
}

/** True when any NetworkPolicyPort of the rule is named (its ports depend on the destination). */
export function ruleHasNamedPorts(rule: PolicyRule): boolean {
  return rule.ports !== 'all' && rule.ports.some((p) => typeof p.port === 'string');
}

/** Rules of a direction, only when the policy's types include it (otherwise they are ignored). */
export function rulesOf(policy: NetworkPolicy, direction: Direction): readonly PolicyRule[] {
  if (direction === 'ingress') return policy.affectsIngress ? policy.ingress : [];
  return policy.affectsEgress ? policy.egress : [];
}
