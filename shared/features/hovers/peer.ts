/**
 * Hover on one peer of a rule's `from`/`to` list: the AND/OR meaning of its selectors in words and the
 * workloads it matches now (semantics/policy-semantics.ts, NetworkPolicyPeer). Peers of one list are
 * ORed; the selectors inside one peer are ANDed.
 */
import type { AnalysisContext } from '../../context.js';
import type { NetworkPolicy, PodPeer, PolicyRule } from '../../model/types.js';
import { ruleRef } from '../../explain/explain.js';
import { peerWords, peerWorkloads, rejectedBanner, workloadCount } from '../describe.js';
import { blocks, boundedList, md, workloadMd } from '../markdown.js';

export function peerHover(
  ctx: AnalysisContext,
  policy: NetworkPolicy,
  rule: PolicyRule,
  peer: PodPeer | undefined,
  index: number,
  count: number,
): string {
  const list = rule.direction === 'ingress' ? 'from' : 'to';
  const header = `**Peer ${index + 1} of ${count}** in the \`${list}\` list of ${md(ruleRef(policy, rule))}`;
  const others =
    count > 1
      ? `Separate peers in the list are ORed: ${rule.direction === 'ingress' ? 'a source' : 'a destination'} matching any one of the ${count} peers is allowed.`
      : `This is the only peer. A second \`- \` item would be ORed with it (either matches), while two selectors in one item are ANDed.`;
  if (!peer) {
    return blocks(
      header,
      rejectedBanner(policy),
      'This peer has neither podSelector nor namespaceSelector nor ipBlock; the API server rejects it.',
      others,
    );
  }
  const what = rule.direction === 'ingress' ? 'Allows traffic from' : 'Allows traffic to';
  let meaning: string;
  if (peer.podSelector && peer.namespaceSelector) {
    meaning =
      'Both selectors are in one peer, so both must match (AND): the pod must carry the labels and live in a matching namespace.';
  } else if (peer.podSelector) {
    meaning = `A podSelector without namespaceSelector is limited to the policy's own namespace, **${md(policy.namespace)}**; add a namespaceSelector to the same item to reach other namespaces.`;
  } else {
    meaning = 'A namespaceSelector without podSelector matches every pod of the matching namespaces.';
  }
  const model = ctx.workspace.model;
  const matched = peerWorkloads(peer, policy, model.workloads, model.namespaces);
  const now =
    matched.length > 0
      ? [`Matches ${workloadCount(matched.length)} now:`, ...boundedList(matched.map(workloadMd))]
      : ['Matches no workload of the workspace now.'];
  return blocks(header, rejectedBanner(policy), `${what} ${peerWords(peer, policy)}.`, meaning, now, others);
}
