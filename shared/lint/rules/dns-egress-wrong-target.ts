/**
 * dns-egress-wrong-target: an egress rule meant for DNS (its ports are only DNS ports, 53 or the
 * target's port, on UDP/TCP) with a peer that cannot be the cluster DNS.
 *
 * The usual mistakes: a bare `podSelector: {k8s-app: kube-dns}`, which selects pods in the policy's own
 * namespace ("podSelector ... selects particular Pods in the same namespace as the NetworkPolicy",
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/#behavior-of-to-and-from-selectors),
 * not in kube-system; a made-up label; a namespace that does not run the DNS.
 * Only selector peers are judged: an ipBlock on port 53 usually targets an upstream resolver, which is
 * legitimate. A peer that matches a workload of the workspace declaring a DNS container port is a DNS
 * server of the user's own and is not reported.
 */
import type { Finding } from '../../findings.js';
import type { NetworkPolicy, PodPeer, PolicyRule } from '../../model/types.js';
import { qualifiedName } from '../../model/types.js';
import { peerMatchesWorkload } from '../../semantics/policy-semantics.js';
import { selectorMatches } from '../../semantics/selector.js';
import { rulesOf } from '../../reach/engine.js';
import type { LintRule } from '../rule.js';
import { dnsContext, dnsPorts, dnsTargetsPhrase } from '../../semantics/cluster-dns.js';
import type { DnsContext } from '../../semantics/cluster-dns.js';
import { finding, lintIndex, listOf, podsPhrase, ruleName } from './support.js';

export const dnsEgressWrongTargetRule: LintRule = {
  ids: ['dns-egress-wrong-target'],
  check(ctx) {
    const index = lintIndex(ctx);
    const dns = dnsContext(ctx);
    const ports = dnsPorts(dns.targets);
    const out: Finding[] = [];
    const dnsServers = index.workloads.filter((w) =>
      w.ports.some((p) => ports.has(p.port) && p.protocol !== 'SCTP'),
    );
    for (const policy of index.policies) {
      for (const rule of rulesOf(policy, 'egress')) {
        if (!isDnsOnly(rule, ports) || rule.peers === 'all') continue;
        for (const peer of rule.peers) {
          if (peer.kind !== 'pods') continue;
          if (dns.targets.some((t) => peerMatchesWorkload(peer, policy, t.workload, dns.namespaces)))
            continue;
          if (dnsServers.some((w) => peerMatchesWorkload(peer, policy, w, dns.namespaces))) continue;
          out.push(
            finding(
              'dns-egress-wrong-target',
              peer.origin,
              `${ruleName(rule)} of ${qualifiedName(policy)} allows only DNS ports, but this peer selects ` +
                `${peerPhrase(dns, policy, peer)}, which is not ${dnsTargetsPhrase(dns.targets)}. ` +
                `DNS lookups of the pods it applies to stay blocked.`,
              { policy: qualifiedName(policy) },
            ),
          );
        }
      }
    }
    return out;
  },
};

/** True when every ports entry is a DNS port on UDP or TCP (numbers only). */
export function isDnsOnly(rule: PolicyRule, ports: ReadonlySet<number>): boolean {
  if (rule.ports === 'all' || rule.ports.length === 0) return false;
  return rule.ports.every(
    (p) =>
      (p.protocol === 'UDP' || p.protocol === 'TCP') &&
      typeof p.port === 'number' &&
      ports.has(p.port) &&
      (p.endPort === undefined || p.endPort === p.port),
  );
}

/** What a selector peer selects, in words, with the namespaces of the workspace it matches. */
function peerPhrase(dns: DnsContext, policy: NetworkPolicy, peer: PodPeer): string {
  const pods = podsPhrase(peer.podSelector);
  if (!peer.namespaceSelector) {
    return `${pods} in ${policy.namespace} only (a podSelector without namespaceSelector selects pods in the policy's own namespace)`;
  }
  const matching = [...dns.namespaces.values()]
    .filter((ns) => selectorMatches(peer.namespaceSelector!, ns.labels))
    .map((ns) => ns.name)
    .sort();
  const where =
    matching.length === 0
      ? 'in namespaces that no namespace of the workspace (nor the DNS namespace) matches'
      : `in ${matching.length === 1 ? 'namespace' : 'namespaces'} ${listOf(matching)}`;
  return `${pods} ${where}`;
}
