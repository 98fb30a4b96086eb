/** `reach` output: a readable table, the JSON contract, and CSV. */
import type { ReachGraph, GraphEdge, GraphNode } from '../../shared/reach/graph.js';
import type { ReachabilityEngine, SideVerdict } from '../../shared/reach/engine.js';
import { qualifiedName } from '../../shared/model/types.js';

function portsJson(edge: GraphEdge) {
  return edge.ports.toRanges().map((r) => ({ protocol: r.protocol, port: r.port, endPort: r.endPort }));
}

function sideJson(side: SideVerdict) {
  return {
    isolated: side.isolated,
    policies: side.isolatingPolicies.map((p) => qualifiedName(p)),
    rules: side.grants
      .filter((g) => !g.ports.isEmpty)
      .map((g) => ({
        policy: qualifiedName(g.policy),
        direction: g.rule.direction,
        index: g.rule.index,
        file: g.rule.origin.file.path,
        line: g.rule.origin.file.lineColumn(g.rule.origin.span.start).line,
        ports: g.ports.toRanges().map((r) => ({ protocol: r.protocol, port: r.port, endPort: r.endPort })),
      })),
  };
}

export function formatReachJson(graph: ReachGraph, engine: ReachabilityEngine): string {
  const out = {
    level: graph.level,
    nodes: graph.nodes.map((n) => ({
      id: n.id,
      kind: n.kind,
      namespace: n.namespace,
      name: n.name,
      ...(n.kind === 'External' ? { ranges: n.ranges } : {}),
    })),
    edges: graph.edges.map((e) => {
      const verdict = engine.verdict(e.src, e.dst);
      return {
        from: e.from.id,
        to: e.to.id,
        ports: portsJson(e),
        egress: sideJson(verdict.egress),
        ingress: sideJson(verdict.ingress),
      };
    }),
  };
  return JSON.stringify(out, null, 2) + '\n';
}

export function formatReachCsv(graph: ReachGraph): string {
  const rows = ['from,to,protocol,port,endPort'];
  for (const e of graph.edges) {
    for (const r of e.ports.toRanges())
      rows.push([e.from.id, e.to.id, r.protocol, r.port, r.endPort].map(csvCell).join(','));
  }
  return rows.join('\n') + '\n';
}

function csvCell(value: string | number): string {
  const text = String(value);
  // Quote cells with separators; prefix formula-like cells so spreadsheets do not evaluate them.
  const safe = /^[=+\-@]/.test(text) && typeof value === 'string' ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function formatReachText(graph: ReachGraph): string {
  const pods = graph.nodes.filter((n) => n.kind !== 'External').length;
  const externals = graph.nodes.length - pods;
  const lines: string[] = [];
  lines.push(
    `Reachability (${graph.level} level): ${pods} ${graph.level === 'pod' ? 'pod' : 'workload'} node${pods === 1 ? '' : 's'}, ` +
      `${externals} external block${externals === 1 ? '' : 's'}, ${graph.edges.length} allowed connection${graph.edges.length === 1 ? '' : 's'}.`,
  );
  if (graph.edges.length === 0) return lines.join('\n') + '\n';
  // External blocks are shown by what they are (`0.0.0.0/0 except 10.0.0.0/8`), not by their range list.
  const label = (n: GraphNode) => (n.kind === 'External' ? `(${n.name})` : n.id);
  const rows = graph.edges.map((e) => [label(e.from), label(e.to), e.ports.toString()] as const);
  const w0 = Math.max(4, ...rows.map((r) => r[0].length));
  const w1 = Math.max(2, ...rows.map((r) => r[1].length));
  lines.push('');
  lines.push(`${'FROM'.padEnd(w0)}  ${'TO'.padEnd(w1)}  PORTS`);
  for (const [from, to, ports] of rows) lines.push(`${from.padEnd(w0)}  ${to.padEnd(w1)}  ${ports}`);
  return lines.join('\n') + '\n';
}
