/**
 * pod-selector-cross-namespace: a peer with a podSelector and no namespaceSelector that matches no
 * workload of the policy's namespace but matches workloads of other namespaces.
 *
 * "podSelector: This selects particular Pods in the same namespace as the NetworkPolicy which should be
 * allowed as ingress sources or egress destinations"
 * (https://kubernetes.io/docs/concepts/services-networking/network-policies/#behavior-of-to-and-from-selectors):
 * the author most likely meant the pods of the other namespace, which needs a namespaceSelector too.
 *
 * Where the workspace shows no such pods, the policy itself may show the convention: its own podSelector
 * requires `k=<its namespace>` (each application in a namespace of its name, `app.kubernetes.io/name:
 * orders` in `orders`), and the bare peer requires `k=v` for another v that nothing in the namespace
 * carries. By the same convention those pods live in namespace v; the message says the judgement rests on
 * that convention.
 */
import type { AnalysisContext } from '../../context.js';
import type { Finding } from '../../findings.js';
import type { LabelRequirement, NetworkPolicy, PodPeer, Workload } from '../../model/types.js';
import { selectorMatches, selectsAll } from '../../semantics/selector.js';
import type { LintRule } from '../rule.js';
import { finding, joinWords, lintIndex, listOf, selectorPhrase, workloadRef, podPeersOf } from './support.js';

/**
 * The workloads of other namespaces a bare podSelector peer would match if it were not confined to the
 * policy's namespace; empty when it matches something in its own namespace (or is not such a peer).
 */
export function crossNamespaceMatches(
  ctx: AnalysisContext,
  policy: NetworkPolicy,
  peer: PodPeer,
): Workload[] {
  if (peer.namespaceSelector || !peer.podSelector || selectsAll(peer.podSelector)) return [];
  const selector = peer.podSelector;
  const index = lintIndex(ctx);
  const candidates = (w: Workload) => !w.hostNetwork && selectorMatches(selector, w.labels);
  if ((index.workloadsByNamespace.get(policy.namespace) ?? []).some(candidates)) return [];
  return index.workloads.filter((w) => w.namespace !== policy.namespace && candidates(w));
}

export const podSelectorCrossNamespaceRule: LintRule = {
  ids: ['pod-selector-cross-namespace'],
  check(ctx) {
    const index = lintIndex(ctx);
    const out: Finding[] = [];
    for (const { policy, peer } of podPeersOf(index.policies)) {
      if (!peer.podSelector) continue;
      const matches = crossNamespaceMatches(ctx, policy, peer);
      if (matches.length === 0) {
        const convention = byConvention(ctx, policy, peer);
        if (convention)
          out.push(
            finding(
              'pod-selector-cross-namespace',
              peer.podSelector.origin,
              `podSelector ${selectorPhrase(peer.podSelector)} only selects pods in ${policy.namespace}, and nothing there is labelled ` +
                `${convention.key}=${convention.value}. The policy's own pods are selected by ${convention.key}=${policy.namespace}, ` +
                `named after their namespace, so by the same convention pods labelled ${convention.key}=${convention.value} live in ` +
                `namespace ${convention.value}. Add a namespaceSelector (e.g. \`kubernetes.io/metadata.name: ${convention.value}\`) to the same peer.`,
              { namespaces: [convention.value] },
            ),
          );
        continue;
      }
      const namespaces = [...new Set(matches.map((w) => w.namespace))].sort();
      out.push(
        finding(
          'pod-selector-cross-namespace',
          peer.podSelector.origin,
          `podSelector ${selectorPhrase(peer.podSelector)} matches nothing in ${policy.namespace}; it matches ` +
            `${listOf(matches.map(workloadRef))} in ${joinWords(namespaces)} — a podSelector alone only selects pods ` +
            `in the policy's namespace. Add a namespaceSelector (e.g. \`kubernetes.io/metadata.name: ${namespaces[0]}\`) ` +
            `to the same peer to select them.`,
          { namespaces },
        ),
      );
    }
    return out;
  },
};

/** The application-per-namespace convention that places a bare peer's pods in another namespace. */
function byConvention(
  ctx: AnalysisContext,
  policy: NetworkPolicy,
  peer: PodPeer,
): { key: string; value: string } | undefined {
  if (peer.namespaceSelector || !peer.podSelector) return undefined;
  const single = (r: LabelRequirement) => r.operator === 'In' && r.values.length === 1;
  const own = policy.podSelector.requirements.find((r) => single(r) && r.values[0] === policy.namespace);
  if (!own) return undefined;
  const wanted = peer.podSelector.requirements.find((r) => r.key === own.key && single(r));
  const value = wanted?.values[0];
  if (!wanted || value === undefined || value === policy.namespace) return undefined;
  const selector = peer.podSelector;
  const inNamespace = lintIndex(ctx).workloadsByNamespace.get(policy.namespace) ?? [];
  if (inNamespace.some((w) => selectorMatches(selector, w.labels))) return undefined;
  return { key: own.key, value };
}
