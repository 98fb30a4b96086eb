/**
 * The reachability view's overlay of observed traffic (flows/observed.ts): the observed connections
 * between the nodes the view shows, per port with the flow count and whether the policies allow it. The
 * dry run works at workload level; its nodes are mapped onto the view's (a pod-level node, a group of an
 * aggregated graph, an external block) by their workloads, or by id for address blocks.
 */
import type { AnalysisContext } from '../context.js';
import type { ObservedEdgeJson, ObservedOverlayJson, ObservedPortJson } from '../protocol.js';
import type { ViewNode } from '../reach/aggregate.js';
import type { GraphNode } from '../reach/graph.js';
import type { Workload } from '../model/types.js';
import { observedTraffic } from '../flows/observed.js';

const workloadKey = (w: Workload) => `${w.namespace}\u0000${w.kind}\u0000${w.name}`;

export function observedOverlay(
  ctx: AnalysisContext,
  shown: readonly ViewNode[],
): ObservedOverlayJson | undefined {
  const dryRun = observedTraffic(ctx);
  if (!dryRun) return undefined;
  const byWorkload = new Map<string, string>();
  const byId = new Map<string, string>();
  for (const view of shown)
    for (const node of view.nodes) {
      byId.set(node.id, view.id);
      for (const w of node.workloads) byWorkload.set(workloadKey(w), view.id);
    }
  const viewOf = (node: GraphNode) =>
    node.workloads.length > 0 ? byWorkload.get(workloadKey(node.workloads[0]!)) : byId.get(node.id);
  const pairs = new Map<
    string,
    { from: string; to: string; count: number; ports: Map<string, ObservedPortJson> }
  >();
  for (const e of dryRun.observedEdges()) {
    const from = viewOf(e.fromNode);
    const to = viewOf(e.toNode);
    if (from === undefined || to === undefined) continue;
    const key = `${from}\u0000${to}`;
    let pair = pairs.get(key);
    if (!pair) pairs.set(key, (pair = { from, to, count: 0, ports: new Map() }));
    pair.count += e.count;
    const portKey = `${e.protocol}/${e.port}`;
    const allowed = dryRun.allows(e);
    const known = pair.ports.get(portKey);
    pair.ports.set(portKey, {
      protocol: e.protocol,
      port: e.port,
      count: (known?.count ?? 0) + e.count,
      // In a group, the port is allowed only when it is for every observed member pair.
      allowed: (known?.allowed ?? true) && allowed,
    });
  }
  const edges: ObservedEdgeJson[] = [...pairs.values()].map((p) => ({
    from: p.from,
    to: p.to,
    count: p.count,
    ports: [...p.ports.values()].sort((a, b) => a.protocol.localeCompare(b.protocol) || a.port - b.port),
  }));
  return { ...dryRun.counts(), edges };
}
