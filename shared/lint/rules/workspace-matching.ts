/**
 * policy-selects-nothing, peer-matches-nothing and named-port-unresolved: selectors and named ports
 * checked against the workloads of the workspace.
 *
 * These rules assume the workspace shows the workloads the policies are about, so they run only when it
 * holds at least one workload (a repository of policies alone would otherwise be all warnings): the
 * gate is `workspaceHasWorkloads` below, the one place that decides it.
 *
 * Semantics (policy-semantics.ts): a policy selects pods of its namespace matching its podSelector; a
 * peer matches pods as documented for NetworkPolicyPeer; a named port "is resolved against the
 * destination pod's container ports of the same protocol", so a name no destination declares matches
 * nothing (NetworkPolicyPort.port, https://kubernetes.io/docs/reference/kubernetes-api/networking-resources/network-policy-v1/).
 * The destination is the selected pod for ingress rules and the peer's pods for egress rules.
 *
 * peer-matches-nothing leaves out peers another rule explains better or that may match pods outside the
 * workspace: peers pod-selector-cross-namespace reports, peers that match the cluster DNS (whose pods are
 * rarely in the manifests), peers without a podSelector or with `podSelector: {}` (they select
 * namespaces), and peers whose namespaceSelector matches no namespace of the workspace.
 */
import type { AnalysisContext } from '../../context.js';
import type { Finding } from '../../findings.js';
import type { LabelSelector, NetworkPolicy, PodPeer, PolicyRule, Workload } from '../../model/types.js';
import { perPodLabelKeys } from '../../model/build-workload.js';
import { qualifiedName } from '../../model/types.js';
import { get } from '../../parse/snode.js';
import { peerMatchesWorkload } from '../../semantics/policy-semantics.js';
import { selectorMatches, selectsAll } from '../../semantics/selector.js';
import { rulesOf } from '../../reach/engine.js';
import type { LintRule } from '../rule.js';
import { dnsContext, isVirtualDnsWorkload } from '../../semantics/cluster-dns.js';
import { crossNamespaceMatches } from './pod-selector-cross-namespace.js';
import {
  finding,
  joinWords,
  lintIndex,
  listOf,
  listOfCounted,
  nodeOf,
  plural,
  podsPhrase,
  ruleName,
  selectorPhrase,
  similarlyLabelled,
  workloadRef,
} from './support.js';

/** The gate of these rules: the workspace shows at least one workload. */
export function workspaceHasWorkloads(ctx: AnalysisContext): boolean {
  return ctx.workspace.model.workloads.length > 0;
}

export const workspaceMatchingRule: LintRule = {
  ids: ['policy-selects-nothing', 'peer-matches-nothing', 'named-port-unresolved'],
  check(ctx) {
    if (!workspaceHasWorkloads(ctx)) return [];
    const out: Finding[] = [];
    for (const policy of lintIndex(ctx).policies) {
      out.push(...policySelectsNothing(ctx, policy));
      for (const direction of ['ingress', 'egress'] as const) {
        for (const rule of rulesOf(policy, direction)) {
          out.push(...peersMatchingNothing(ctx, policy, rule));
          out.push(...unresolvedNamedPorts(ctx, policy, rule));
        }
      }
    }
    return out;
  },
};

/**
 * Severity (docs/rules.md, "Severity policy"): whether pods exist that the workspace does not show is
 * beyond what the workspace can tell (another repository deploys them, an operator or a test harness
 * creates them), so "selects nothing" is a warning only with evidence of a mistake: a workload whose
 * labels are a likely typo of the selector's. Otherwise it is info and says what it rests on. A namespace
 * without any workload in the workspace gets no finding (nothing can be concluded), and neither does a
 * selector on labels that differ per pod (perPodLabelKeys).
 */
function policySelectsNothing(ctx: AnalysisContext, policy: NetworkPolicy): Finding[] {
  const index = lintIndex(ctx);
  if (index.selectedBy(policy).length > 0) return [];
  const inNamespace = index.workloadsByNamespace.get(policy.namespace) ?? [];
  const selector = policy.podSelector;
  if (inNamespace.length === 0 || onPerPodLabels(selector)) return [];
  const similar = similarlyLabelled(selector, [inNamespace]);
  const onHost = inNamespace.filter((w) => w.hostNetwork && selectorMatches(selector, w.labels));
  let detail: string;
  if (similar.total > 0)
    detail = `no workload of namespace ${policy.namespace} matches it, but ${listOfCounted(similar.phrases, similar.total, 3)}`;
  else if (onHost.length > 0)
    detail = `${listOf(onHost.map(workloadRef), 3)} ${onHost.length === 1 ? 'matches' : 'match'} its labels but ${onHost.length === 1 ? 'runs' : 'run'} on the host network, which NetworkPolicies do not select (their behaviour for hostNetwork pods is undefined)`;
  else
    detail = `none of the ${plural(inNamespace.length, 'workload')} of namespace ${policy.namespace} matches it (${listOf(inNamespace.map(workloadRef), 3)})`;
  return [
    finding(
      'policy-selects-nothing',
      selector.origin,
      `podSelector ${selectorPhrase(selector)} of ${qualifiedName(policy)} selects no workload of the workspace: ${detail}. ` +
        `The policy has no effect on the workloads shown here.${similar.total > 0 || onHost.length > 0 ? '' : unseenPods(ctx, [policy.namespace])}`,
      undefined,
      similar.total > 0 ? 'warning' : 'info',
    ),
  ];
}

/** A selector requiring a label whose value differs per pod, which templates cannot show. */
function onPerPodLabels(selector: LabelSelector): boolean {
  return selector.requirements.some((r) => perPodLabelKeys.has(r.key));
}

/** What the workspace may not show, appended to findings that rest on the absence of pods. */
function unseenPods(ctx: AnalysisContext, namespaces: readonly string[]): string {
  const sources = namespaces.flatMap((ns) => ctx.workspace.opaquePodSources.get(ns) ?? []);
  const operators =
    sources.length > 0
      ? ` ${listOf(
          sources.map((o) => `${o.kind}/${o.name ?? '<unnamed>'}`),
          3,
        )} may have an operator create pods that the workspace does not show.`
      : '';
  return `${operators} Reported as info: pods deployed from elsewhere (another repository, an operator, a test harness) do not appear here.`;
}

function peersMatchingNothing(ctx: AnalysisContext, policy: NetworkPolicy, rule: PolicyRule): Finding[] {
  if (rule.peers === 'all') return [];
  const index = lintIndex(ctx);
  const dns = dnsContext(ctx);
  const out: Finding[] = [];
  for (const peer of rule.peers) {
    if (peer.kind !== 'pods' || !peer.podSelector || selectsAll(peer.podSelector)) continue;
    if (index.matchesAny(policy, peer)) continue;
    if (dns.targets.some((t) => peerMatchesWorkload(peer, policy, t.workload, dns.namespaces))) continue;
    if (crossNamespaceMatches(ctx, policy, peer).length > 0) continue;
    // Only namespaces that show workloads can tell; a peer into namespaces the workspace does not
    // populate gets no finding.
    const scope = peerNamespaces(ctx, policy, peer).filter(
      (ns) => (index.workloadsByNamespace.get(ns) ?? []).length > 0,
    );
    if (scope.length === 0 || onPerPodLabels(peer.podSelector)) continue;
    const similar = similarlyLabelled(
      peer.podSelector,
      scope.map((ns) => index.workloadsByNamespace.get(ns) ?? []),
    );
    const where = peer.namespaceSelector
      ? `in the ${plural(scope.length, 'namespace')} with workloads that its namespaceSelector matches (${listOf(scope)})`
      : `in ${policy.namespace} (a podSelector without namespaceSelector selects pods of the policy's namespace only)`;
    const hint =
      similar.total > 0
        ? ` Close: ${listOfCounted(similar.phrases, similar.total, 3)}.`
        : unseenPods(ctx, scope);
    out.push(
      finding(
        'peer-matches-nothing',
        peer.origin,
        `This peer of ${ruleName(rule)} of ${qualifiedName(policy)} matches no workload of the workspace: there are no ` +
          `${podsPhrase(peer.podSelector)} ${where}.${hint}`,
        undefined,
        similar.total > 0 ? 'warning' : 'info',
      ),
    );
  }
  return out;
}

/** The namespaces of the workspace a pod peer can match. */
function peerNamespaces(ctx: AnalysisContext, policy: NetworkPolicy, peer: PodPeer): string[] {
  if (!peer.namespaceSelector) return [policy.namespace];
  const selector = peer.namespaceSelector;
  return [...ctx.workspace.model.namespaces.values()]
    .filter((ns) => selectorMatches(selector, ns.labels))
    .map((ns) => ns.name)
    .sort();
}

function unresolvedNamedPorts(ctx: AnalysisContext, policy: NetworkPolicy, rule: PolicyRule): Finding[] {
  if (rule.ports === 'all' || !rule.ports.some((p) => typeof p.port === 'string')) return [];
  const index = lintIndex(ctx);
  const dns = dnsContext(ctx);
  const dnsPods = dns.targets.filter((t) => !t.address).map((t) => t.workload);
  /** The destination pods, lazily (a workspace can hold tens of thousands of workloads). */
  function* destinations(): Generator<Workload> {
    if (rule.direction === 'ingress') yield* index.selectedBy(policy);
    else if (rule.peers === 'all') {
      yield* index.workloads;
      yield* dnsPods;
    } else {
      const peers = rule.peers;
      for (const peer of peers) yield* index.matchedBy(policy, peer);
      yield* dnsPods.filter((w) =>
        peers.some((peer) => peerMatchesWorkload(peer, policy, w, dns.namespaces)),
      );
    }
  }
  const some = (predicate: (w: Workload) => boolean): boolean => {
    for (const w of destinations()) if (!w.hostNetwork && predicate(w)) return true;
    return false;
  };
  const first = (count: number, predicate: (w: Workload) => boolean): Workload[] => {
    const out = new Set<Workload>();
    for (const w of destinations()) {
      if (out.size >= count) break;
      if (!w.hostNetwork && predicate(w)) out.add(w);
    }
    return [...out];
  };
  // Without destination pods, policy-selects-nothing or peer-matches-nothing has the story.
  if (!some(() => true)) return [];
  const out: Finding[] = [];
  for (const port of rule.ports) {
    if (typeof port.port !== 'string') continue;
    const name = port.port;
    if (some((w) => w.ports.some((cp) => cp.name === name && cp.protocol === port.protocol))) continue;
    const otherProtocol = first(3, (w) => w.ports.some((cp) => cp.name === name)).map(
      (w) => `${workloadRef(w)} declares it as ${w.ports.find((cp) => cp.name === name)!.protocol}`,
    );
    const real = first(4, (w) => !isVirtualDnsWorkload(w));
    const checked =
      real.length === 0
        ? 'the cluster DNS pods'
        : real.length <= 3
          ? joinWords(real.map(workloadRef))
          : `${real.slice(0, 3).map(workloadRef).join(', ')} and others`;
    const valueNode = get(nodeOf(ctx, policy, port.origin), 'port');
    out.push(
      finding(
        'named-port-unresolved',
        { file: port.origin.file, span: valueNode?.span ?? port.origin.span },
        `No destination pod of ${ruleName(rule)} of ${qualifiedName(policy)} declares a ${port.protocol} container port named ` +
          `\`${name}\` (checked ${checked})${otherProtocol.length > 0 ? `; ${joinWords(otherProtocol)}` : ''}. ` +
          `A named port matches nothing on a pod that does not declare it, so this entry allows nothing there.`,
        { name },
      ),
    );
  }
  return out;
}
