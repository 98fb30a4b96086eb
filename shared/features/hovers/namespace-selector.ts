/**
 * Hover on a peer's `namespaceSelector`: the namespaces it matches (an empty selector matches every
 * namespace, including ones created later) and whether the peer's podSelector narrows it. Namespaces carry
 * the automatic `kubernetes.io/metadata.name` label (model/build-cluster.ts).
 */
import type { AnalysisContext } from '../../context.js';
import type { NamespaceInfo, NetworkPolicy, PodPeer, PolicyRule } from '../../model/types.js';
import { ruleRef } from '../../explain/explain.js';
import { selectorMatches, selectsAll } from '../../semantics/selector.js';
import { labelsMd, peerWorkloads, rejectedBanner, selectorMd, workloadCount } from '../describe.js';
import { blocks, boundedList, md, plural, whereMd } from '../markdown.js';

export function namespaceSelectorHover(
  ctx: AnalysisContext,
  policy: NetworkPolicy,
  rule: PolicyRule,
  peer: PodPeer,
  position: string,
): string {
  const selector = peer.namespaceSelector!;
  const header = `**namespaceSelector** of ${position} in ${md(ruleRef(policy, rule))}`;
  if (selector.invalid) {
    return blocks(
      header,
      rejectedBanner(policy),
      'This selector is invalid (see problems): it matches no namespace.',
    );
  }
  const model = ctx.workspace.model;
  const all = [...model.namespaces.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const matching = all.filter((ns) => selectorMatches(selector, ns.labels));
  const pods = peerWorkloads(peer, policy, model.workloads, model.namespaces);

  let namespaces: string | string[];
  if (selectsAll(selector)) {
    const names = all.map((ns) => `**${md(ns.name)}**`);
    namespaces = `Matches every namespace (\`{}\`), including ones created later. The workspace has ${plural(all.length, 'namespace')}: ${names.slice(0, 20).join(', ')}${names.length > 20 ? `, … and ${names.length - 20} more` : ''}.`;
  } else if (matching.length > 0) {
    namespaces = [
      `Matches ${plural(matching.length, 'namespace')} of the ${all.length} in the workspace (${selectorMd(selector)}):`,
      ...boundedList(matching.map(namespaceMd)),
      '',
      'Namespaces created later with these labels match too.',
    ];
  } else {
    const near = all.filter((ns) =>
      selector.requirements.some(
        (r) => r.operator === 'In' && Object.prototype.hasOwnProperty.call(ns.labels, r.key),
      ),
    );
    namespaces = [
      `Matches no namespace of the workspace (${selectorMd(selector)}).`,
      ...(near.length > 0
        ? [
            '',
            'Namespaces with the same label keys but other values:',
            ...boundedList(near.map(namespaceMd), 8),
          ]
        : []),
    ];
  }

  let narrowing: string;
  if (!peer.podSelector) {
    narrowing = `No podSelector in this peer: it matches every pod of these namespaces (${workloadCount(pods.length)} now).`;
  } else if (selectsAll(peer.podSelector)) {
    narrowing = `The peer's podSelector is \`{}\`: every pod of these namespaces (${workloadCount(pods.length)} now).`;
  } else {
    narrowing = `Narrowed by the podSelector of the same peer (${selectorMd(peer.podSelector)}): both must match (AND), so only pods with those labels in these namespaces (${workloadCount(pods.length)} now).`;
  }
  return blocks(header, rejectedBanner(policy), namespaces, narrowing);
}

function namespaceMd(ns: NamespaceInfo): string {
  const where = ns.origin ? ` (${whereMd(ns.origin)})` : ' (no Namespace object in the workspace)';
  return `**${md(ns.name)}**${where}: ${labelsMd(ns.labels)}`;
}
