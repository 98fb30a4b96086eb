/**
 * Hover on a rule's `ports` (or one entry): each port in words, named ports resolved on every destination
 * workload (NetworkPolicyPort.port: "This can either be a numerical or named port on a pod"; a name is
 * resolved against the destination's container ports of the same protocol), endPort ranges, and the TCP
 * default of `protocol`. Destinations: the selected pods for ingress, the pods the peers match for egress.
 */
import type { AnalysisContext } from '../../context.js';
import type { NetworkPolicy, PolicyPort, PolicyRule, Workload } from '../../model/types.js';
import { qualifiedName } from '../../model/types.js';
import { ruleRef } from '../../explain/explain.js';
import { get } from '../../parse/snode.js';
import type { SNode } from '../../parse/snode.js';
import { peerMatchesWorkload, resolveNamedPort } from '../../semantics/policy-semantics.js';
import { portWords, rejectedBanner, selectedWorkloads } from '../describe.js';
import { blocks, boundedList, md } from '../markdown.js';

export interface PortEntry {
  readonly node: SNode;
  /** Undefined when the entry is not a valid port (reported by the validator). */
  readonly port: PolicyPort | undefined;
}

export function portsHover(
  ctx: AnalysisContext,
  policy: NetworkPolicy,
  rule: PolicyRule,
  entries: readonly PortEntry[],
  wholeList: boolean,
): string {
  const header = `**${wholeList ? 'ports' : 'Port'}** of ${md(ruleRef(policy, rule))}`;
  if (wholeList && entries.length === 0) {
    return blocks(
      header,
      rejectedBanner(policy),
      'The list is empty: the rule allows every port and protocol.',
    );
  }
  const intro = wholeList
    ? `A connection that matches the rule's peers is allowed on any one of these ${entries.length === 1 ? 'port' : 'ports'}:`
    : undefined;
  const destinations = destinationsOf(ctx, policy, rule);
  const lines = entries.flatMap(({ node, port }) => {
    if (!port) return ['- an invalid entry (see problems): it allows nothing'];
    const notes: string[] = [];
    if (get(node, 'protocol') === undefined) notes.push('protocol not set: TCP by default');
    if (typeof port.port === 'number' && port.endPort !== undefined) {
      notes.push(
        port.endPort >= port.port
          ? `endPort: the range ${port.port} to ${port.endPort}, ${port.endPort - port.port + 1} ports`
          : `endPort ${port.endPort} is below port ${port.port}`,
      );
    }
    const head = `- ${portWords(port)}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`;
    return typeof port.port === 'string' ? [head, ...namedPortLines(port.port, port, destinations)] : [head];
  });
  return blocks(header, rejectedBanner(policy), intro, lines);
}

/** Where the ports apply: the selected pods of an ingress rule, the pods an egress rule's peers match. */
function destinationsOf(ctx: AnalysisContext, policy: NetworkPolicy, rule: PolicyRule): Workload[] {
  const model = ctx.workspace.model;
  if (rule.direction === 'ingress') return selectedWorkloads(policy, model.workloads);
  const peers = rule.peers;
  if (peers === 'all') return [...model.workloads];
  return model.workloads.filter((w) =>
    peers.some((p) => peerMatchesWorkload(p, policy, w, model.namespaces)),
  );
}

/** "http → 8080/TCP on shop/frontend; not declared by shop/cart", grouped by resolution. */
function namedPortLines(name: string, port: PolicyPort, destinations: readonly Workload[]): string[] {
  if (destinations.length === 0) return ['  - no destination workload in the workspace to resolve it on'];
  const groups = new Map<string, Workload[]>();
  for (const w of destinations) {
    const resolved = resolveNamedPort(name, port.protocol, w.ports);
    const key = resolved.isEmpty
      ? ''
      : resolved
          .toRanges()
          .map((r) => (r.port === r.endPort ? `${r.port}` : `${r.port}-${r.endPort}`))
          .join(', ');
    groups.set(key, [...(groups.get(key) ?? []), w]);
  }
  const names = (ws: readonly Workload[]) => {
    const shown = ws.slice(0, 5).map((w) => `**${md(qualifiedName(w))}**`);
    return `${shown.join(', ')}${ws.length > 5 ? ` and ${ws.length - 5} more` : ''}`;
  };
  const items: string[] = [];
  for (const [key, ws] of groups) {
    if (key !== '') items.push(`${md(name)} → ${md(key)}/${port.protocol} on ${names(ws)}`);
  }
  const missing = groups.get('');
  if (missing) items.push(`not declared by ${names(missing)}: the rule opens no port there`);
  return boundedList(items, 10).map((l) => `  ${l}`);
}
