/**
 * The reachability view's overlay of a semantic diff (shared/diff/, "Compare Reachability with HEAD"):
 * the changed connections between nodes the view shows, added, removed or changed, with the ports before
 * and after and their causes; what it cannot draw (stand-ins for pods beyond the workspace, address
 * ranges cut differently, workloads that exist in one version only, nodes inside groups) is counted, so
 * the view can say so.
 */
import type { DiffOverlayJson, ReachNodeJson } from '../protocol.js';
import type { ReachDiff } from '../diff/reach-diff.js';
import { diffCounts } from '../diff/format.js';

export function diffOverlay(diff: ReachDiff, shown: readonly ReachNodeJson[], base: string): DiffOverlayJson {
  const ids = new Set(shown.filter((n) => !n.group).map((n) => n.id));
  const counts = diffCounts(diff);
  const causeText = (i: number) => {
    const c = diff.causes[i]!;
    const where = c.after ?? c.before;
    return `${c.name} ${c.change}${where ? ` (${where.file}:${where.line})` : ''}`;
  };
  const edges: DiffOverlayJson['edges'][number][] = [];
  let notShown = 0;
  for (const c of diff.connections) {
    if (!ids.has(c.from.id) || !ids.has(c.to.id)) {
      notShown++;
      continue;
    }
    edges.push({
      from: c.from.id,
      to: c.to.id,
      kind: c.kind,
      before: c.before.toRanges(),
      after: c.after.toRanges(),
      causes: c.causes.map(causeText),
    });
  }
  return {
    base,
    opens: counts.opens,
    closes: counts.closes,
    edges,
    notShown,
    isolation: diff.isolation
      .filter((i) => ids.has(i.node.id))
      .map((i) => ({ node: i.node.id, direction: i.direction, isolated: i.after })),
  };
}
