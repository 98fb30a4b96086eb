/**
 * Plain words (markdown, escaped) for the pieces of a NetworkPolicy: selectors, peers, ports and rules.
 * Semantics follow semantics/policy-semantics.ts (the reference); this file only phrases them.
 */
import type {
  LabelSelector,
  NetworkPolicy,
  PolicyPeer,
  PolicyPort,
  PolicyRule,
  Workload,
} from '../model/types.js';
import { selectorText, selectsAll } from '../semantics/selector.js';
import { peerMatchesWorkload, policySelects } from '../semantics/policy-semantics.js';
import type { NamespaceInfo } from '../model/types.js';
import { md, plural } from './markdown.js';

/** `app\=web,tier in (a,b)` (escaped), from the one canonical selector text. */
export function selectorMd(selector: LabelSelector): string {
  return md(selectorText(selector));
}

/** A peer in words: "pods labelled app=db in namespaces labelled team=payments". */
export function peerWords(peer: PolicyPeer, policy: NetworkPolicy): string {
  if (peer.kind === 'ipBlock') {
    if (peer.ranges.isEmpty)
      return `addresses in ${md(peer.cidr || 'an invalid ipBlock')} (invalid: matches nothing)`;
    const except = peer.except.length > 0 ? ` except ${peer.except.map(md).join(', ')}` : '';
    return `addresses in ${md(peer.cidr)}${except}`;
  }
  const { podSelector, namespaceSelector } = peer;
  if (podSelector?.invalid || namespaceSelector?.invalid)
    return 'nothing (a selector of this peer is invalid)';
  const pods =
    !podSelector || selectsAll(podSelector) ? 'every pod' : `pods labelled ${selectorMd(podSelector)}`;
  if (!namespaceSelector) return `${pods} in namespace **${md(policy.namespace)}** (the policy's own)`;
  const namespaces = selectsAll(namespaceSelector)
    ? 'every namespace'
    : `namespaces labelled ${selectorMd(namespaceSelector)}`;
  return `${pods} in ${namespaces}`;
}

/** One NetworkPolicyPort in words: `TCP 8080`, `TCP 8000-8100`, `TCP port named http`, `every UDP port`. */
export function portWords(port: PolicyPort): string {
  if (port.port === undefined) return `every ${port.protocol} port`;
  if (typeof port.port === 'string') return `${port.protocol} port named ${md(port.port)}`;
  if (port.endPort !== undefined && port.endPort > port.port)
    return `${port.protocol} ${port.port}-${port.endPort}`;
  return `${port.protocol} ${port.port}`;
}

/** The ports of a rule in words: "on TCP 80, UDP 53" or "on every port". */
export function rulePortsWords(rule: PolicyRule): string {
  return rule.ports === 'all' ? 'on every port' : `on ${rule.ports.map(portWords).join(', ')}`;
}

/** A rule in words: "from pods labelled app=web … or addresses in …, on TCP 80". */
export function ruleWords(rule: PolicyRule, policy: NetworkPolicy): string {
  const towards = rule.direction === 'ingress' ? 'from' : 'to';
  const peers =
    rule.peers === 'all'
      ? `${towards} anywhere (every pod and address)`
      : rule.peers.length === 0
        ? `${towards} nothing (no valid peer)`
        : `${towards} ${rule.peers.map((p) => peerWords(p, policy)).join(' **or** ')}`;
  return `${peers}, ${rulePortsWords(rule)}`;
}

/** The workloads a policy selects (host-network pods are never selected; see policy-semantics.ts). */
export function selectedWorkloads(policy: NetworkPolicy, workloads: readonly Workload[]): Workload[] {
  return workloads.filter((w) => policySelects(policy, w));
}

/** The workloads a peer matches now. */
export function peerWorkloads(
  peer: PolicyPeer,
  policy: NetworkPolicy,
  workloads: readonly Workload[],
  namespaces: ReadonlyMap<string, NamespaceInfo>,
): Workload[] {
  return workloads.filter((w) => peerMatchesWorkload(peer, policy, w, namespaces));
}

/** "This policy is rejected …" banner for policies the API server would not accept. */
export function rejectedBanner(policy: NetworkPolicy): string | undefined {
  return policy.rejected
    ? '⚠ The API server would reject this NetworkPolicy (see problems): it has no effect. The rest describes what it says as written.'
    : undefined;
}

/** `labels app=web, tier=api` or `no labels`. */
export function labelsMd(labels: Readonly<Record<string, string>>): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return 'no labels';
  return entries.map(([k, v]) => md(`${k}=${v}`)).join(', ');
}

export function workloadCount(n: number): string {
  return plural(n, 'workload');
}
