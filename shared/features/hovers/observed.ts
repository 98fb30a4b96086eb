/**
 * The observed traffic a hover adds (flow files loaded with the workspace, flows/observed.ts): the
 * observed connections of the workloads a selector matches, each with its flow count, port and whether
 * the policies as written allow it. Nothing without flows.
 */
import type { AnalysisContext } from '../../context.js';
import type { Workload } from '../../model/types.js';
import { observedTraffic } from '../../flows/observed.js';
import { boundedList, md, plural } from '../markdown.js';

export interface ObservedScope {
  /** The workloads whose traffic is shown. */
  readonly workloads: readonly Workload[];
  /** Their incoming connections, outgoing ones, or both. */
  readonly direction: 'ingress' | 'egress' | 'both';
  /** Only connections with these workloads on the other side (a peer's). */
  readonly peers?: readonly Workload[];
}

export function observedSection(ctx: AnalysisContext, scope: ObservedScope): string[] | undefined {
  const dryRun = observedTraffic(ctx);
  if (!dryRun) return undefined;
  const ids = new Set(scope.workloads.flatMap((w) => dryRun.nodeIdOf(w) ?? []));
  const peers = scope.peers && new Set(scope.peers.flatMap((w) => dryRun.nodeIdOf(w) ?? []));
  const lines: Array<{ count: number; text: string }> = [];
  for (const e of dryRun.observedEdges()) {
    const incoming = scope.direction !== 'egress' && ids.has(e.to) && (!peers || peers.has(e.from));
    const outgoing = scope.direction !== 'ingress' && ids.has(e.from) && (!peers || peers.has(e.to));
    if (!incoming && !outgoing) continue;
    const flows = plural(e.count, 'flow');
    const where = incoming
      ? `from **${md(e.from)}** to ${md(e.to)}`
      : `from ${md(e.from)} to **${md(e.to)}**`;
    const verdict = dryRun.allows(e) ? 'allowed' : '**denied by these policies**';
    lines.push({ count: e.count, text: `${flows} ${where} on ${e.protocol} ${e.port}: ${verdict}` });
  }
  const header = `**Observed traffic** (loaded flows)${scope.peers ? ' with these peers' : ''}:`;
  if (lines.length === 0) return [header, '- none observed'];
  lines.sort((a, b) => b.count - a.count);
  return [
    header,
    ...boundedList(
      lines.map((l) => l.text),
      8,
    ),
  ];
}
