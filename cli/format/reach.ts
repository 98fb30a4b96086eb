/**
 * `reach` output: a readable table, the JSON contract, and CSV, written as a stream of chunks. The edges
 * come one source row at a time from the engine (shared/reach/graph.ts `edgesOf`), so a cluster of
 * thousands of pods without policies (millions of allowed pairs) is written with the memory of one row,
 * not of the whole graph.
 */
import type { GraphEdge, GraphLayout, GraphNode } from '../../shared/reach/graph.js';
import {
  edgesOf,
  isExposureNode,
  onHostNetwork,
  outsideWorkspace,
  replicaTraffic,
} from '../../shared/reach/graph.js';
import type { SideVerdict } from '../../shared/reach/engine.js';
import { endpointKey } from '../../shared/reach/engine.js';
import { PortSet } from '../../shared/semantics/port-set.js';
import type { HttpRestriction } from '../../shared/reach/layers.js';
import { commonPolicyName } from '../../shared/model/rule-model.js';
import { qualifiedName } from '../../shared/model/types.js';

function rangesJson(ports: PortSet, http: readonly HttpRestriction[] = []) {
  const plain = (set: PortSet) =>
    set.toRanges().map((r) => ({ protocol: r.protocol, port: r.port, endPort: r.endPort }));
  if (http.length === 0) return plain(ports);
  // Ports where only some HTTP requests pass carry `http` (method, path, host: regular expressions
  // matched whole); the others admit every request.
  const restricted = http.reduce((acc, r) => acc.union(r.ports), PortSet.none);
  const entries: Array<{ protocol: string; port: number; endPort: number; http?: unknown[] }> = plain(
    ports.subtract(restricted),
  );
  for (const r of http) {
    for (const range of plain(r.ports.intersect(ports)))
      entries.push({
        ...range,
        http: r.rules.map((rule) => ({
          ...(rule.method !== undefined ? { method: rule.method } : {}),
          ...(rule.path !== undefined ? { path: rule.path } : {}),
          ...(rule.host !== undefined ? { host: rule.host } : {}),
          ...(rule.headers && rule.headers.length > 0 ? { headers: rule.headers } : {}),
        })),
      });
  }
  return entries.sort((a, b) =>
    a.protocol < b.protocol ? -1 : a.protocol > b.protocol ? 1 : a.port - b.port,
  );
}

/** The rules that decided the side, in evaluation order, where other policy APIs take part. */
function decisionsJson(side: SideVerdict) {
  if (!side.layered) return {};
  return {
    decisions: [
      ...side.layered.decisions.map((d) => ({
        layer: d.rule.policy.layer.title,
        policy: commonPolicyName(d.rule.policy),
        ...(d.rule.policy.orderName ? { [d.rule.policy.orderName]: d.rule.policy.order } : {}),
        action: d.action,
        direction: d.rule.direction,
        index: d.rule.index,
        ...(d.rule.name ? { name: d.rule.name } : {}),
        file: d.rule.origin.file.path,
        line: d.rule.origin.file.lineColumn(d.rule.origin.span.start).line,
        ports: rangesJson(d.ports),
      })),
      ...side.layered.endDenied.map((e) => ({
        layer: e.layer.layer.title,
        policy: e.layer.isolating.map(commonPolicyName).join(', '),
        action: 'deny' as const,
        reason: 'isolated: no rule of the layer allows it',
        ports: rangesJson(e.ports),
      })),
    ],
  };
}

function sideJson(side: SideVerdict) {
  return {
    ...decisionsJson(side),
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
        ports: rangesJson(g.ports),
      })),
  };
}

/** Indents every line of a JSON text (for items of a pretty-printed array two levels deep). */
function indent(json: string, by: string): string {
  return by + json.replace(/\n/g, `\n${by}`);
}

/** Stand-ins for the ids in a rendered edge (no node id holds `\u0001`, which JSON escapes). */
const FROM = '\u0001from\u0001';
const TO = '\u0001to\u0001';
const PLACEHOLDER = /"\\u0001(?:from|to)\\u0001"/;

/**
 * The JSON contract, exactly as `JSON.stringify(out, null, 2)` prints it. An edge's text depends on its
 * representative class pair and its ports only (plus its ids), so it is rendered once per such pair and
 * reused with the ids put in.
 */
export function* reachJsonChunks(layout: GraphLayout): Generator<string> {
  const { engine } = layout;
  yield `{\n  "level": ${JSON.stringify(layout.level)},\n  "nodes": [`;
  let first = true;
  for (const n of layout.nodes) {
    const node = {
      id: n.id,
      kind: n.kind,
      namespace: n.namespace,
      name: n.name,
      ...(n.kind === 'External' ? { ranges: n.ranges } : {}),
      ...(n.description !== undefined ? { description: n.description } : {}),
      ...(onHostNetwork(n) ? { hostNetwork: true } : {}),
    };
    yield `${first ? '\n' : ',\n'}${indent(JSON.stringify(node, null, 2), '    ')}`;
    first = false;
  }
  yield first ? ']' : '\n  ]';
  yield ',\n  "edges": [';
  const templates = new Map<string, readonly string[]>();
  first = true;
  for (const e of edgesOf(layout)) {
    const key = `${endpointKey(e.src)}|${endpointKey(e.dst)}|${e.ports.toString()}`;
    let parts = templates.get(key);
    if (!parts) {
      const verdict = engine.verdict(e.src, e.dst);
      const text = JSON.stringify(
        {
          from: FROM,
          to: TO,
          ports: rangesJson(e.ports, verdict.http),
          egress: sideJson(verdict.egress),
          ingress: sideJson(verdict.ingress),
        },
        null,
        2,
      );
      parts = indent(text, '    ').split(PLACEHOLDER);
      if (templates.size >= 10_000) templates.clear();
      templates.set(key, parts);
    }
    yield `${first ? '\n' : ',\n'}${parts[0]}${JSON.stringify(e.from.id)}${parts[1]}${JSON.stringify(e.to.id)}${parts[2]}`;
    first = false;
  }
  yield first ? ']' : '\n  ]';
  // Replica-to-replica traffic where policies decide it (shared/reach/graph.ts replicaTraffic).
  const replicas = replicaTraffic(layout).map((r) => {
    const verdict = engine.verdict(r.src, r.dst);
    return {
      node: r.node.id,
      ports: rangesJson(r.ports, verdict.http),
      egress: sideJson(verdict.egress),
      ingress: sideJson(verdict.ingress),
    };
  });
  yield `,\n  "replicas": ${indent(JSON.stringify(replicas, null, 2), '  ').trimStart()}\n}\n`;
}

export function* reachCsvChunks(layout: GraphLayout): Generator<string> {
  yield 'from,to,protocol,port,endPort\n';
  for (const e of edgesOf(layout)) {
    const from = csvCell(e.from.id);
    const to = csvCell(e.to.id);
    let rows = '';
    for (const r of e.ports.toRanges()) rows += `${from},${to},${r.protocol},${r.port},${r.endPort}\n`;
    yield rows;
  }
}

function csvCell(value: string | number): string {
  const text = String(value);
  // Quote cells with separators; prefix formula-like cells so spreadsheets do not evaluate them.
  const safe = /^[=+\-@]/.test(text) && typeof value === 'string' ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * The readable table: a summary line, then one row per edge with aligned columns. The summary and the
 * column widths need every edge, so the edges are walked twice (the second time to print them).
 */
export function* reachTextChunks(layout: GraphLayout): Generator<string> {
  const pods = layout.nodes.filter((n) => !outsideWorkspace(n)).length;
  const standIns = layout.nodes.filter(isExposureNode).length;
  const externals = layout.nodes.length - pods - standIns;
  // External blocks and exposure stand-ins are shown by what they are (`0.0.0.0/0 except 10.0.0.0/8`,
  // `any pod in other namespaces`), not by their range list or id.
  const label = (n: GraphNode) =>
    n.kind === 'External' ? `(${n.name})` : n.description !== undefined ? `(${n.description})` : n.id;
  let edges = 0;
  let w0 = 4;
  let w1 = 2;
  for (const e of edgesOf(layout)) {
    edges++;
    w0 = Math.max(w0, label(e.from).length);
    w1 = Math.max(w1, label(e.to).length);
  }
  const noun = layout.level === 'pod' ? 'pod' : 'workload';
  yield (
    `Reachability (${layout.level} level): ${pods} ${noun} node${pods === 1 ? '' : 's'}, ` +
    (standIns > 0 ? `${standIns} exposure node${standIns === 1 ? '' : 's'}, ` : '') +
    `${externals} external block${externals === 1 ? '' : 's'}, ${edges} allowed connection${edges === 1 ? '' : 's'}.\n`
  );
  const host = layout.nodes.filter(onHostNetwork);
  if (host.length > 0)
    yield (
      `On the host network (policies do not select them; their traffic is node traffic, which only ipBlocks ` +
      `holding node addresses match; pods on the same node always reach them): ${host.map((n) => n.id).join(', ')}.\n`
    );
  if (edges > 0) {
    yield `\n${'FROM'.padEnd(w0)}  ${'TO'.padEnd(w1)}  PORTS\n`;
    for (const e of edgesOf(layout)) yield row(e, label, w0, w1);
  }
  const replicas = replicaTraffic(layout);
  if (replicas.length === 0) return;
  const w = Math.max(...replicas.map((r) => r.node.id.length), 4);
  yield `\nBetween the pods of one node, where policies decide it:\n${'NODE'.padEnd(w)}  PORTS\n`;
  for (const r of replicas)
    yield `${r.node.id.padEnd(w)}  ${r.ports.isEmpty ? 'denied (the pods cannot reach each other)' : r.ports.toString()}\n`;
}

function row(e: GraphEdge, label: (n: GraphNode) => string, w0: number, w1: number): string {
  return `${label(e.from).padEnd(w0)}  ${label(e.to).padEnd(w1)}  ${e.ports.toString()}\n`;
}

/** Writes chunks to a stream in blocks of about 64 KB, waiting whenever the stream asks to. */
export async function writeChunks(chunks: Iterable<string>, out: NodeJS.WritableStream): Promise<void> {
  let buffer = '';
  const flush = async () => {
    if (buffer === '') return;
    const ok = out.write(buffer);
    buffer = '';
    if (!ok) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  };
  for (const chunk of chunks) {
    buffer += chunk;
    if (buffer.length >= 65_536) await flush();
  }
  await flush();
}
