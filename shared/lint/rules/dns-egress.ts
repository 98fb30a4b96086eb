/**
 * dns-egress-missing and dns-egress-incomplete: pods made egress-isolated must still reach the cluster
 * DNS on UDP and TCP, or every name lookup fails.
 *
 * "A pod is isolated for egress if there is any NetworkPolicy that both selects the pod and has "Egress"
 * in its policyTypes"; its allowed egress is the union of those policies' egress rules
 * (https://kubernetes.io/docs/concepts/services-networking/network-policies/#the-two-sorts-of-pod-isolation).
 * A pod is served when, for one DNS target (shared/semantics/cluster-dns.ts), that union allows both UDP and TCP.
 *
 * The two rules do not repeat each other: a rule that allows one protocol only is reported once, by
 * dns-egress-incomplete on its ports entry, and the pods it leaves without the other protocol are then
 * not reported again by dns-egress-missing on their other policies.
 */
import type { Finding } from '../../findings.js';
import type { NetworkPolicy, PolicyPort, Protocol, Workload } from '../../model/types.js';
import { qualifiedName } from '../../model/types.js';
import { portsOfPolicyPort } from '../../semantics/policy-semantics.js';
import { rulesOf } from '../../reach/engine.js';
import type { LintRule } from '../rule.js';
import { selectorKey, selectsAll } from '../../semantics/selector.js';
import { peerMatchesWorkload } from '../../semantics/policy-semantics.js';
import { isDnsOnly } from './dns-egress-wrong-target.js';
import { groupBy } from '../../collections.js';
import { statedIntent } from './intent.js';
import {
  allowsDns,
  dnsContext,
  dnsPorts,
  dnsProtocols,
  dnsTargetsPhrase,
  egressPortsTo,
  rulePortsTo,
} from '../../semantics/cluster-dns.js';
import type { DnsContext } from '../../semantics/cluster-dns.js';
import {
  directionAnchor,
  finding,
  lintIndex,
  listOf,
  podsPhrase,
  policyRef,
  ruleName,
  workloadRef,
} from './support.js';

export const dnsEgressRule: LintRule = {
  ids: ['dns-egress-missing', 'dns-egress-incomplete'],
  check(ctx) {
    const index = lintIndex(ctx);
    const dns = dnsContext(ctx);
    const out: Finding[] = [];
    const egressIsolating = (w: Workload) => index.selecting(w).filter((p) => p.affectsEgress);
    const served = new Map<Workload, boolean>();
    const isServed = (w: Workload) => {
      let ok = served.get(w);
      if (ok === undefined) {
        ok = allowsDns(dns, egressIsolating(w));
        served.set(w, ok);
      }
      return ok;
    };
    const explained = new Set<Workload>();
    const explainedPolicies = new Set<NetworkPolicy>();
    const egressPolicies = index.policies.filter((p) => p.affectsEgress);

    // dns-egress-incomplete: a ports entry that opens DNS on one protocol only.
    for (const policy of egressPolicies) {
      const selected = index.selectedBy(policy);
      const reported = new Set<PolicyPort>();
      for (const rule of rulesOf(policy, 'egress')) {
        if (rule.ports === 'all') continue;
        for (const target of dns.targets) {
          const protocols = dnsProtocols(rulePortsTo(dns, policy, rule, target), target);
          if (protocols.length !== 1) continue;
          const present = protocols[0]!;
          const missing: Protocol = present === 'UDP' ? 'TCP' : 'UDP';
          const destinationPorts = target.address ? undefined : target.workload.ports;
          const entry = rule.ports.find((p) =>
            portsOfPolicyPort(p, destinationPorts).has(present, target.port),
          );
          if (!entry || reported.has(entry)) continue;
          let lacking: Workload[] = [];
          if (selected.length > 0) {
            lacking = selected.filter(
              (w) =>
                !isServed(w) && !egressPortsTo(dns, egressIsolating(w), target).has(missing, target.port),
            );
            if (lacking.length === 0) continue;
          } else if (
            allowsDns(dns, [policy]) ||
            egressPortsTo(dns, [policy], target).has(missing, target.port)
          ) {
            continue;
          }
          reported.add(entry);
          for (const w of lacking) explained.add(w);
          explainedPolicies.add(policy);
          const who =
            lacking.length > 0
              ? `no other egress rule of the policies selecting ${listOf(lacking.map(workloadRef))} allows ${missing} ${target.port} there`
              : `no other egress rule of this policy allows ${missing} ${target.port} there`;
          out.push(
            finding(
              'dns-egress-incomplete',
              entry.origin,
              `${ruleName(rule)} of ${qualifiedName(policy)} allows DNS to ${target.what} over ${present} ${target.port} only, ` +
                `and ${who}. DNS also needs ${missing}: ${missing === 'TCP' ? 'answers too large for a UDP message are retried over TCP' : 'resolvers send queries over UDP first'}, ` +
                `so some lookups will fail. Allow ${missing} ${target.port} as well.`,
              { missingProtocol: missing, policy: qualifiedName(policy), rule: rule.index },
            ),
          );
        }
      }
    }

    // dns-egress-incomplete also where a DNS-only rule targets the wrong pods (dns-egress-wrong-target
    // reports the target) and allows one protocol only: the fix must retarget it and add the other.
    const ports = dnsPorts(dns.targets);
    for (const policy of egressPolicies) {
      for (const rule of rulesOf(policy, 'egress')) {
        if (rule.peers === 'all' || rule.ports === 'all' || !isDnsOnly(rule, ports)) continue;
        const peers = rule.peers;
        if (
          dns.targets.some((t) =>
            peers.some((peer) => peerMatchesWorkload(peer, policy, t.workload, dns.namespaces)),
          )
        )
          continue;
        if (!peers.some((peer) => peer.kind === 'pods')) continue;
        const protocols = new Set(rule.ports.map((p) => p.protocol));
        if (protocols.size !== 1) continue;
        const present = rule.ports[0]!.protocol;
        const missing: Protocol = present === 'UDP' ? 'TCP' : 'UDP';
        explainedPolicies.add(policy);
        out.push(
          finding(
            'dns-egress-incomplete',
            rule.ports[0]!.origin,
            `${ruleName(rule)} of ${qualifiedName(policy)} is a DNS rule that allows ${present} only; besides its target ` +
              `(see dns-egress-wrong-target), DNS also needs ${missing}: ` +
              `${missing === 'TCP' ? 'answers too large for a UDP message are retried over TCP' : 'resolvers send queries over UDP first'}. ` +
              `Allow ${missing} on the same port as well.`,
            { missingProtocol: missing, policy: qualifiedName(policy), rule: rule.index },
          ),
        );
      }
    }

    // dns-egress-missing: egress isolation without a DNS allow, reported once per set of pods.
    const reported = new Set<Workload>();
    const reportedSelectors = new Set<string>();
    // For policies whose pods the workspace does not show: the namespace's egress policies, their
    // selector keys, and whether each alone allows DNS, computed once (a repository of policies alone
    // takes this path for every policy).
    const egressByNamespace = groupBy(egressPolicies, (p) => p.namespace);
    const keys = new Map<NetworkPolicy, string>();
    const keyOf = (p: NetworkPolicy) => {
      let key = keys.get(p);
      if (key === undefined) keys.set(p, (key = selectorKey(p.podSelector)));
      return key;
    };
    const servesDns = new Map<NetworkPolicy, boolean>();
    const allowsDnsAlone = (p: NetworkPolicy) => {
      let ok = servesDns.get(p);
      if (ok === undefined) servesDns.set(p, (ok = allowsDns(dns, [p])));
      return ok;
    };
    for (const policy of egressPolicies) {
      const selected = index.selectedBy(policy);
      const data = { policy: qualifiedName(policy) };
      if (selected.length > 0) {
        const lacking = selected.filter((w) => !isServed(w) && !explained.has(w) && !reported.has(w));
        if (lacking.length === 0) continue;
        for (const w of lacking) reported.add(w);
        const isolating = new Set(lacking.flatMap((w) => egressIsolating(w)));
        const apiOnly = apiServerOnly(policy, [...isolating]);
        out.push(
          finding(
            'dns-egress-missing',
            directionAnchor(ctx, policy, 'Egress'),
            missingMessage(dns, policy, lacking, egressIsolating) + (apiOnly ? apiOnlyNote : ''),
            data,
            apiOnly ? 'info' : undefined,
          ),
        );
        continue;
      }
      if (explainedPolicies.has(policy) || allowsDnsAlone(policy)) continue;
      // The namespace shows workloads, none of them selected: policy-selects-nothing has the story.
      if ((index.workloadsByNamespace.get(policy.namespace) ?? []).length > 0) continue;
      // The workspace shows none of the pods: judge with the namespace's other egress policies that
      // select the same pods (the same selector, or all pods), once per selector.
      const key = `${policy.namespace}\u0000${keyOf(policy)}`;
      if (reportedSelectors.has(key)) continue;
      const inNamespace = egressByNamespace.get(policy.namespace) ?? [];
      const same = inNamespace.filter(
        (p) => p !== policy && (selectsAll(p.podSelector) || keyOf(p) === keyOf(policy)),
      );
      if (allowsDns(dns, [policy, ...same])) continue;
      reportedSelectors.add(key);
      // Other policies of the namespace that serve DNS to some of its pods: which pods exist, and whether
      // all of them are among those, the workspace does not show.
      const serving = inNamespace.filter((p) => p !== policy && !same.includes(p) && allowsDnsAlone(p));
      const apiOnly = apiServerOnly(policy, [policy, ...same]);
      const partly =
        serving.length > 0
          ? ` Reported as info: ${listOf(serving.map(policyRef), 3)} ${serving.length === 1 ? 'allows' : 'allow'} DNS to some pods of ${policy.namespace}, and the workspace does not show which pods exist there.`
          : '';
      out.push(
        finding(
          'dns-egress-missing',
          directionAnchor(ctx, policy, 'Egress'),
          `${qualifiedName(policy)} isolates egress of the pods it selects (${podsPhrase(policy.podSelector)} in ` +
            `${policy.namespace}; the workspace shows none of them), and its egress rules${same.length > 0 ? ` and those of ${listOf(same.map(policyRef), 3)}` : ''} do not allow DNS over UDP and TCP ` +
            `to ${dnsTargetsPhrase(dns.targets)}. Unless another policy selecting those pods allows it, their name lookups will fail.` +
            (apiOnly ? apiOnlyNote : partly),
          data,
          apiOnly || partly ? 'info' : undefined,
        ),
      );
    }
    return out;
  },
};

const apiOnlyNote =
  ' Reported as info: the only egress allowed is to the Kubernetes API server port, and in-cluster clients reach the API server by the address in KUBERNETES_SERVICE_HOST, without DNS.';

/**
 * The pods reach only the Kubernetes API server: every egress rule of the policies allows TCP 6443 (the
 * API server's port) only, to any destination or to address blocks (the API server runs outside the pod
 * network), and the comments around the policy do not say the pods need more (outside services,
 * registries, clouds). Port 443 is not taken for the API server: it is every HTTPS service's port too.
 */
function apiServerOnly(policy: NetworkPolicy, policies: readonly NetworkPolicy[]): boolean {
  const rules = policies.flatMap((p) => rulesOf(p, 'egress'));
  if (rules.length === 0) return false;
  const apiPorts = rules.every(
    (r) =>
      r.ports !== 'all' &&
      r.ports.every((p) => p.protocol === 'TCP' && p.port === 6443 && (p.endPort ?? p.port) === p.port) &&
      (r.peers === 'all' || r.peers.every((peer) => peer.kind === 'ipBlock')),
  );
  if (!apiPorts) return false;
  return !/internet|external|registr|cloud|broad|all egress/.test(statedIntent(policy).comments);
}

function missingMessage(
  dns: DnsContext,
  policy: NetworkPolicy,
  lacking: readonly Workload[],
  egressIsolating: (w: Workload) => readonly NetworkPolicy[],
): string {
  const others = new Set<NetworkPolicy>();
  for (const w of lacking) for (const p of egressIsolating(w)) if (p !== policy) others.add(p);
  const partial = lacking.some((w) =>
    dns.targets.some((t) => dnsProtocols(egressPortsTo(dns, egressIsolating(w), t), t).length === 1),
  );
  const them = lacking.length === 1 ? 'it' : 'them';
  const rules =
    others.size === 0
      ? 'none of its egress rules allows'
      : `no egress rule of it or of the other policies selecting ${them} (${listOf([...others].map(policyRef))}) allows`;
  return (
    `${qualifiedName(policy)} isolates egress of ${listOf(lacking.map(workloadRef))}, and ${rules} DNS over UDP and TCP ` +
    `to ${dnsTargetsPhrase(dns.targets)}${partial ? ' (one of the two protocols is allowed, not both)' : ''}: ` +
    `name lookups will fail. Add an egress rule to the cluster DNS on UDP and TCP.`
  );
}
