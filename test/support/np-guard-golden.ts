/**
 * np-guard/netpol-analyzer golden `list` outputs in a comparable normal form; see the top of
 * test/peer/np-guard.test.ts and test/peer/README.md for the normalisation.
 */
import { readFileSync } from 'node:fs';
import { analyze } from '../../shared/analysis.js';
import type { Analysis } from '../../shared/analysis.js';
import { buildGraph } from '../../shared/reach/graph.js';
import type { GraphNode, ReachGraph } from '../../shared/reach/graph.js';
import { PortSet } from '../../shared/semantics/port-set.js';
import { formatAddress, parseAddress, parseCidr } from '../../shared/semantics/ip-set.js';
import type { Protocol } from '../../shared/model/types.js';
import { collectSources } from '../../node/inputs.js';

const V4_MAX = (1n << 32n) - 1n;

export interface Interval {
  readonly first: bigint;
  readonly last: bigint;
}

export type Peer =
  | { readonly kind: 'workload'; readonly id: string }
  | { readonly kind: 'external'; readonly intervals: readonly Interval[] };

export interface Line {
  readonly src: Peer;
  readonly dst: Peer;
  readonly conn: PortSet;
}

const protocolNames: ReadonlySet<string> = new Set(['TCP', 'UDP', 'SCTP']);

/** np-guard's connection text -> a port set. */
export function parseConn(text: string): PortSet {
  const trimmed = text.trim();
  if (trimmed === 'All Connections') return PortSet.all;
  if (trimmed === 'No Connections') return PortSet.none;
  let out = PortSet.none;
  for (const entry of trimmed.split(/,(?=[A-Z])/)) {
    const m = /^([A-Z]+) (.+)$/.exec(entry.trim());
    if (!m || !protocolNames.has(m[1]!))
      throw new Error(`unrecognised connection entry "${entry}" in "${text}"`);
    const protocol = m[1] as Protocol;
    for (const item of m[2]!.split(',')) {
      const r = /^(\d+)(?:-(\d+))?$/.exec(item.trim());
      if (!r) throw new Error(`unrecognised port "${item}" in "${text}"`);
      out = out.union(PortSet.range(protocol, Number(r[1]), Number(r[2] ?? r[1])));
    }
  }
  return out;
}

/** A port set in np-guard's notation: `All Connections`, `No Connections`, `TCP 80,UDP 53`. */
export function formatConn(ports: PortSet): string {
  if (ports.isAll) return 'All Connections';
  if (ports.isEmpty) return 'No Connections';
  const entries: string[] = [];
  for (const protocol of ['TCP', 'UDP', 'SCTP'] as const) {
    const r = ports.of(protocol);
    if (r.length === 0) continue;
    const items: string[] = [];
    for (let i = 0; i < r.length; i += 2) items.push(r[i] === r[i + 1] ? `${r[i]}` : `${r[i]}-${r[i + 1]}`);
    entries.push(`${protocol} ${items.join(',')}`);
  }
  return entries.sort().join(',');
}

function formatInterval(i: Interval): string {
  return `${formatAddress(4, i.first)}-${formatAddress(4, i.last)}[External]`;
}

const externalPattern = /^(\d+\.\d+\.\d+\.\d+)-(\d+\.\d+\.\d+\.\d+)\[External\]$/;

/** np-guard peer text -> a peer; undefined for `{ingress-controller}`. */
function parseTheirPeer(text: string): Peer | undefined {
  if (text === '{ingress-controller}') return undefined;
  const m = externalPattern.exec(text);
  if (!m) return { kind: 'workload', id: text };
  const first = parseAddress(m[1]!);
  const last = parseAddress(m[2]!);
  if (!first || !last || first.family !== 4 || last.family !== 4)
    throw new Error(`bad external peer ${text}`);
  return { kind: 'external', intervals: [{ first: first.value, last: last.value }] };
}

/** Our graph node -> a peer (external nodes keep only their IPv4 ranges). */
function ourPeer(node: GraphNode): Peer {
  if (node.kind !== 'External') return { kind: 'workload', id: node.id };
  const intervals: Interval[] = [];
  for (const text of node.ranges) {
    let range: { family: 4 | 6; first: bigint; last: bigint } | undefined;
    if (text.includes('/')) range = parseCidr(text);
    else {
      const [a, b] = text.split('-');
      const first = a !== undefined ? parseAddress(a) : undefined;
      const last = b !== undefined ? parseAddress(b) : undefined;
      if (first && last && first.family === last.family)
        range = { family: first.family, first: first.value, last: last.value };
    }
    if (!range) throw new Error(`unparsable range "${text}" in external node ${node.id}`);
    if (range.family === 4) intervals.push({ first: range.first, last: range.last });
  }
  return { kind: 'external', intervals };
}

/** Reads np-guard's golden output (txt lines or a JSON array). */
export function readTheirs(path: string): { lines: Line[]; dropped: number } {
  const text = readFileSync(path, 'utf8');
  const raw: Array<{ src: string; dst: string; conn: string }> = [];
  if (path.endsWith('.json')) {
    const parsed = JSON.parse(text) as unknown;
    if (!Array.isArray(parsed)) throw new Error(`${path}: expected a JSON array`);
    for (const item of parsed as Array<Record<string, unknown>>) {
      raw.push({ src: String(item['src']), dst: String(item['dst']), conn: String(item['conn']) });
    }
  } else {
    for (const line of text.split(/\r?\n/)) {
      if (line.trim() === '') continue;
      const m = /^(.+?) => (.+?) : (.+)$/.exec(line);
      if (!m) throw new Error(`${path}: unrecognised line "${line}"`);
      raw.push({ src: m[1]!, dst: m[2]!, conn: m[3]! });
    }
  }
  const lines: Line[] = [];
  let dropped = 0;
  for (const r of raw) {
    const src = parseTheirPeer(r.src);
    const dst = parseTheirPeer(r.dst);
    if (!src || !dst) {
      dropped++;
      continue;
    }
    lines.push({ src, dst, conn: parseConn(r.conn) });
  }
  return { lines, dropped };
}

/** Analyses a scenario folder the way the CLI reads a directory (recursive, .yaml/.yml/.json). */
export function analyzeFolder(scenarioDir: string): Analysis {
  return analyze(collectSources([scenarioDir], () => ''));
}

/** Our workload-level graph as lines. */
export function ourLines(graph: ReachGraph): Line[] {
  return graph.edges.map((e) => ({ src: ourPeer(e.from), dst: ourPeer(e.to), conn: e.ports }));
}

/** Our workload-level reachability for a scenario folder, with the real core. */
export function computeOurs(scenarioDir: string): Line[] {
  const analysis = analyzeFolder(scenarioDir);
  return ourLines(buildGraph(analysis.engine, analysis.workspace.model, 'workload'));
}

export interface Difference {
  readonly src: string;
  readonly dst: string;
  readonly ours: string;
  readonly theirs: string;
}

/** Expands both sides over elementary IPv4 intervals and returns the differing (src, dst) pairs. */
export function compare(
  ours: readonly Line[],
  theirs: readonly Line[],
): { differences: Difference[]; pairs: number } {
  const points = new Set<bigint>([0n]);
  for (const line of [...ours, ...theirs]) {
    for (const peer of [line.src, line.dst]) {
      if (peer.kind !== 'external') continue;
      for (const i of peer.intervals) {
        points.add(i.first);
        if (i.last < V4_MAX) points.add(i.last + 1n);
      }
    }
  }
  const cuts = [...points].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const elementary: Interval[] = cuts.map((first, k) => ({
    first,
    last: k + 1 < cuts.length ? cuts[k + 1]! - 1n : V4_MAX,
  }));
  const indexOf = new Map(cuts.map((c, k) => [c, k]));

  // Peer key: a workload id, or `#k` for elementary interval k.
  const expand = (peer: Peer): string[] => {
    if (peer.kind === 'workload') return [peer.id];
    const out: string[] = [];
    for (const i of peer.intervals) {
      for (let k = indexOf.get(i.first)!; k < elementary.length && elementary[k]!.last <= i.last; k++)
        out.push(`#${k}`);
    }
    return out;
  };
  const tabulate = (lines: readonly Line[]): Map<string, PortSet> => {
    const table = new Map<string, PortSet>();
    for (const line of lines) {
      for (const s of expand(line.src)) {
        for (const d of expand(line.dst)) {
          const key = `${s}\u0000${d}`;
          table.set(key, (table.get(key) ?? PortSet.none).union(line.conn));
        }
      }
    }
    return table;
  };
  const a = tabulate(ours);
  const b = tabulate(theirs);
  const raw: Array<{ s: string; d: string; ours: PortSet; theirs: PortSet }> = [];
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(key) ?? PortSet.none;
    const y = b.get(key) ?? PortSet.none;
    if (x.equals(y)) continue;
    const [s, d] = key.split('\u0000') as [string, string];
    raw.push({ s, d, ours: x, theirs: y });
  }

  // Merge adjacent elementary intervals that differ alike (same other side, same ours and theirs).
  const groups = new Map<string, { s: string; d: string; ours: PortSet; theirs: PortSet; ks: number[] }>();
  const plain: Difference[] = [];
  for (const r of raw) {
    const sExt = r.s.startsWith('#');
    const dExt = r.d.startsWith('#');
    if (!sExt && !dExt) {
      plain.push({ src: r.s, dst: r.d, ours: formatConn(r.ours), theirs: formatConn(r.theirs) });
      continue;
    }
    // At most one side is external (external-to-external pairs are never allowed by either tool).
    const other = sExt ? `>${r.d}` : `<${r.s}`;
    const key = `${other}\u0000${r.ours.key}\u0000${r.theirs.key}\u0000${sExt && dExt ? r.d : ''}`;
    const k = Number((sExt ? r.s : r.d).slice(1));
    const g = groups.get(key);
    if (g) g.ks.push(k);
    else groups.set(key, { s: r.s, d: r.d, ours: r.ours, theirs: r.theirs, ks: [k] });
  }
  const merged: Difference[] = [];
  for (const g of groups.values()) {
    g.ks.sort((x, y) => x - y);
    let start = 0;
    for (let n = 1; n <= g.ks.length; n++) {
      if (n < g.ks.length && g.ks[n] === g.ks[n - 1]! + 1) continue;
      const interval = formatInterval({
        first: elementary[g.ks[start]!]!.first,
        last: elementary[g.ks[n - 1]!]!.last,
      });
      const sExt = g.s.startsWith('#');
      merged.push({
        src: sExt ? interval : g.s,
        dst: sExt ? g.d : interval,
        ours: formatConn(g.ours),
        theirs: formatConn(g.theirs),
      });
      start = n;
    }
  }
  const differences = [...plain, ...merged].sort((x, y) => cmp(x.src, y.src) || cmp(x.dst, y.dst));
  return { differences, pairs: new Set([...a.keys(), ...b.keys()]).size };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function differenceKey(d: { src: string; dst: string; ours: string; theirs: string }): string {
  return `${d.src} => ${d.dst} : ours ${d.ours} | theirs ${d.theirs}`;
}

/**
 * A difference accepted for a scenario. `src`/`dst` are a peer as reported, `*` (any peer) or
 * `*[External]` (any external interval); `ours`/`theirs` are connections in np-guard's notation or `*`.
 * A row with a wildcard must give `pairs`: the exact number of reported differences it matches.
 */
export interface KnownDifference {
  readonly src: string;
  readonly dst: string;
  readonly ours: string;
  readonly theirs: string;
  readonly pairs?: number;
  readonly reason: string;
}

function peerMatches(pattern: string, peer: string): boolean {
  if (pattern === '*') return true;
  if (pattern === '*[External]') return peer.endsWith('[External]');
  return pattern === peer;
}

export function isWildcard(row: KnownDifference): boolean {
  return [row.src, row.dst, row.ours, row.theirs].some((f) => f.startsWith('*'));
}

export function rowMatches(row: KnownDifference, d: Difference): boolean {
  return (
    peerMatches(row.src, d.src) &&
    peerMatches(row.dst, d.dst) &&
    (row.ours === '*' || row.ours === d.ours) &&
    (row.theirs === '*' || row.theirs === d.theirs)
  );
}
