/**
 * The semantic diff of two versions of a workspace: which connections a change opens, closes or
 * changes (ports widened or narrowed), at workload or pod level, which workloads become isolated or
 * stop being, and the object changes (changes.ts) that cause each of them.
 *
 * Both versions are decided by the one engine. So that their graphs have comparable nodes:
 * - exposure stand-ins (reach/exposure.ts) are built from the policies of both versions: a new
 *   `namespaceSelector: {}` shows as a connection added toward "any pod in other namespaces";
 * - address blocks are cut by each version's own ipBlocks, so traffic to and from addresses is compared
 *   per address range on the common refinement of both cuts (a new ipBlock that changes nothing adds no
 *   difference, and a change names exactly the addresses it concerns).
 * Rows are compared one source at a time (graph.ts `edgesOf`), so the memory is that of a row, not of the
 * graphs.
 */
import type { AnalysisContext } from '../context.js';
import type { Level, GraphLayout, GraphNode } from '../reach/graph.js';
import { edgesOf, graphLayout, isExposureNode } from '../reach/graph.js';
import type { Endpoint, ReachabilityEngine, SideVerdict } from '../reach/engine.js';
import { withExposure } from '../reach/exposure.js';
import { IpRangeSet, formatAddress, formatRange } from '../semantics/ip-set.js';
import { PortSet } from '../semantics/port-set.js';
import { engineFor } from '../workspace-analysis.js';
import type { ObjectChange, WorkspaceChanges } from './changes.js';
import { workspaceChanges } from './changes.js';

/** One end of a changed connection. */
export interface DiffEndpoint {
  /** As in `reach`: `ns/name[Kind]` (workload level), `ns/name` (pod level), stand-in ids, address ranges. */
  readonly id: string;
  /** The workload's kind, `Exposure` for stand-ins, `External` for addresses and external names. */
  readonly kind: string;
  readonly namespace: string;
  /** For stand-ins and address ranges: what they stand for, in words. */
  readonly description?: string;
}

export type ConnectionChangeKind = 'added' | 'removed' | 'changed';

export interface ConnectionChange {
  readonly kind: ConnectionChangeKind;
  readonly from: DiffEndpoint;
  readonly to: DiffEndpoint;
  /** Allowed ports before and after (none for an added or a removed connection). */
  readonly before: PortSet;
  readonly after: PortSet;
  /** Indexes into {@link ReachDiff.causes}. */
  readonly causes: readonly number[];
}

/** The ports a change opens (allowed now, not before). */
export function openedPorts(c: ConnectionChange): PortSet {
  return c.after.subtract(c.before);
}

/** The ports a change closes (allowed before, not now). */
export function closedPorts(c: ConnectionChange): PortSet {
  return c.before.subtract(c.after);
}

export interface IsolationChange {
  readonly node: DiffEndpoint;
  readonly direction: 'ingress' | 'egress';
  readonly before: boolean;
  readonly after: boolean;
  readonly causes: readonly number[];
}

export interface ReachDiff {
  readonly level: Level;
  /** Sorted by source, then destination, in `reach` order. */
  readonly connections: readonly ConnectionChange[];
  readonly isolation: readonly IsolationChange[];
  /** Every object change between the versions, whether or not it changes a connection. */
  readonly causes: readonly ObjectChange[];
}

/** One version: its analysis with stand-ins from both versions, the engine and the graph layout. */
interface Version {
  readonly engine: ReachabilityEngine;
  readonly layout: GraphLayout;
  readonly byId: ReadonlyMap<string, GraphNode>;
}

function version(ctx: AnalysisContext, other: AnalysisContext, level: Level): Version {
  const model = withExposure(ctx.workspace.model, other.workspace.model.policies);
  const engine = engineFor(model, ctx.settings);
  const layout = graphLayout(engine, model, level);
  return { engine, layout, byId: new Map(layout.nodes.map((n) => [n.id, n])) };
}

/** Traffic between one workload node and address ranges, per distinct set of ports. */
type Legs = Map<string, { ports: PortSet; ranges: IpRangeSet }>;

export function reachDiff(
  before: AnalysisContext,
  after: AnalysisContext,
  level: Level = 'workload',
): ReachDiff {
  const changes = workspaceChanges(before.workspace, after.workspace);
  const b = version(before, after, level);
  const a = version(after, before, level);
  const connections: ConnectionChange[] = [];
  const causes = new CauseFinder(changes, b, a);
  // Address legs per workload node id and direction, per version.
  const legs = { before: new Map<string, Legs>(), after: new Map<string, Legs>() };

  const compareRow = (
    from: GraphNode,
    rowB: ReadonlyMap<string, { node: GraphNode; ports: PortSet }>,
    rowA: ReadonlyMap<string, { node: GraphNode; ports: PortSet }>,
  ) => {
    const ids = [...new Set([...rowB.keys(), ...rowA.keys()])];
    for (const id of ids) {
      const x = rowB.get(id);
      const y = rowA.get(id);
      const bp = x?.ports ?? PortSet.none;
      const ap = y?.ports ?? PortSet.none;
      if (bp.equals(ap)) continue;
      const to = (y ?? x)!.node;
      connections.push({
        kind: bp.isEmpty ? 'added' : ap.isEmpty ? 'removed' : 'changed',
        from: endpointOf(from),
        to: endpointOf(to),
        before: bp,
        after: ap,
        causes: causes.ofNodes(from.id, to.id),
      });
    }
  };

  // Sources that are workloads or stand-ins, merged by id across the versions (both sorted alike).
  const rowsB = rows(b.layout, legs.before);
  const rowsA = rows(a.layout, legs.after);
  let nb = rowsB.next();
  let na = rowsA.next();
  while (!nb.done || !na.done) {
    const order = nb.done ? 1 : na.done ? -1 : compareNodes(nb.value.from, na.value.from);
    if (order < 0) {
      compareRow(nb.value!.from, nb.value!.row, new Map());
      nb = rowsB.next();
    } else if (order > 0) {
      compareRow(na.value!.from, new Map(), na.value!.row);
      na = rowsA.next();
    } else {
      compareRow(na.value!.from, nb.value!.row, na.value!.row);
      nb = rowsB.next();
      na = rowsA.next();
    }
  }
  for (const change of compareLegs(legs.before, legs.after, b, a, causes)) connections.push(change);
  connections.sort(compareConnections);
  return {
    level,
    connections,
    isolation: isolationChanges(b, a, causes),
    causes: changes.changes,
  };
}

interface Row {
  readonly from: GraphNode;
  /** Targets that are workloads, stand-ins or external names, by id. */
  readonly row: Map<string, { node: GraphNode; ports: PortSet }>;
}

/**
 * The rows of a version's graph whose source is a workload or stand-in (every such node, edges or not),
 * in node order; traffic to and from address ranges goes into `legs` instead.
 */
function* rows(layout: GraphLayout, legs: Map<string, Legs>): Generator<Row> {
  const byRanges = (node: GraphNode) => node.kind === 'External' && node.ranges.length > 0;
  const leg = (node: GraphNode, direction: 'egress' | 'ingress', block: GraphNode, ports: PortSet) => {
    const key = `${direction} ${node.id}`;
    let map = legs.get(key);
    if (!map) legs.set(key, (map = new Map()));
    const ranges = layout.blockOf.get(block)!.ranges;
    const entry = map.get(ports.key);
    if (entry) entry.ranges = entry.ranges.union(ranges);
    else map.set(ports.key, { ports, ranges });
  };
  const sources = layout.nodes.filter((n) => n.kind !== 'External');
  let index = 0;
  let current: Row | undefined;
  for (const edge of edgesOf(layout)) {
    if (byRanges(edge.from)) {
      // From an address range: ingress of the destination.
      if (!byRanges(edge.to)) leg(edge.to, 'ingress', edge.from, edge.ports);
      continue;
    }
    if (edge.from.kind === 'External') continue; // an external name is never a source
    while (!current || current.from !== edge.from) {
      if (current) yield current;
      current = { from: sources[index++]!, row: new Map() };
    }
    if (byRanges(edge.to)) leg(edge.from, 'egress', edge.to, edge.ports);
    else current.row.set(edge.to.id, { node: edge.to, ports: edge.ports });
  }
  if (current) yield current;
  while (index < sources.length) yield { from: sources[index++]!, row: new Map() };
}

/** Node order of graph.ts: workloads by id, then stand-ins, then external nodes. */
function compareNodes(x: GraphNode, y: GraphNode): number {
  const rank = (n: GraphNode) => (n.kind === 'External' ? 2 : isExposureNode(n) ? 1 : 0);
  if (rank(x) !== rank(y)) return rank(x) - rank(y);
  return x.id < y.id ? -1 : x.id > y.id ? 1 : 0;
}

function compareConnections(x: ConnectionChange, y: ConnectionChange): number {
  const k = (c: ConnectionChange) =>
    `${c.from.kind === 'External' ? '\uffff' : ''}${c.from.id}\u0000${c.to.kind === 'External' ? '\uffff' : ''}${c.to.id}`;
  const a = k(x);
  const b = k(y);
  return a < b ? -1 : a > b ? 1 : 0;
}

function endpointOf(node: GraphNode): DiffEndpoint {
  return {
    id: node.id,
    kind: node.kind,
    namespace: node.namespace,
    ...(node.description !== undefined ? { description: node.description } : {}),
  };
}

/** Address ranges as an endpoint; the id as `reach` writes an address block's. */
function rangesEndpoint(ranges: IpRangeSet): DiffEndpoint {
  return { id: ranges.ranges.map(formatRange).join(','), kind: 'External', namespace: '' };
}

/**
 * Traffic between workloads and addresses, compared on the common refinement of both versions' address
 * blocks: each piece where the ports differ, pieces with the same change merged.
 */
function* compareLegs(
  before: Map<string, Legs>,
  after: Map<string, Legs>,
  b: Version,
  a: Version,
  causes: CauseFinder,
): Generator<ConnectionChange> {
  const keys = [...new Set([...before.keys(), ...after.keys()])];
  for (const key of keys) {
    const space = key.startsWith('egress ') ? 'egress' : 'ingress';
    const nodeId = key.slice(space.length + 1);
    const node = a.byId.get(nodeId) ?? b.byId.get(nodeId)!;
    const x = [...(before.get(key)?.values() ?? [])];
    const y = [...(after.get(key)?.values() ?? [])];
    if (sameLegs(x, y)) continue;
    const none = { ports: PortSet.none, ranges: IpRangeSet.all };
    const rest = (list: typeof x) =>
      IpRangeSet.all.subtract(list.reduce((acc, l) => acc.union(l.ranges), IpRangeSet.empty));
    const xs = [...x, { ...none, ranges: rest(x) }];
    const ys = [...y, { ...none, ranges: rest(y) }];
    const pieces = new Map<string, { before: PortSet; after: PortSet; ranges: IpRangeSet }>();
    for (const p of xs) {
      for (const q of ys) {
        if (p.ports.equals(q.ports)) continue;
        const ranges = p.ranges.intersect(q.ranges);
        if (ranges.isEmpty) continue;
        const k = `${p.ports.key}|${q.ports.key}`;
        const piece = pieces.get(k);
        if (piece) piece.ranges = piece.ranges.union(ranges);
        else pieces.set(k, { before: p.ports, after: q.ports, ranges });
      }
    }
    for (const piece of pieces.values()) {
      const addresses = rangesEndpoint(piece.ranges);
      const here = endpointOf(node);
      const first = piece.ranges.ranges[0]!;
      const address = formatAddress(first.family, first.first);
      yield {
        kind: piece.before.isEmpty ? 'added' : piece.after.isEmpty ? 'removed' : 'changed',
        from: space === 'egress' ? here : addresses,
        to: space === 'egress' ? addresses : here,
        before: piece.before,
        after: piece.after,
        causes: causes.ofAddress(nodeId, address, space),
      };
    }
  }
}

function sameLegs(
  x: ReadonlyArray<{ ports: PortSet; ranges: IpRangeSet }>,
  y: ReadonlyArray<{ ports: PortSet; ranges: IpRangeSet }>,
): boolean {
  if (x.length !== y.length) return false;
  const byKey = new Map(y.map((l) => [l.ports.key, l.ranges.key]));
  return x.every((l) => byKey.get(l.ports.key) === l.ranges.key);
}

/** Workloads that become isolated for a direction, or stop being, between the versions. */
function isolationChanges(b: Version, a: Version, causes: CauseFinder): IsolationChange[] {
  const out: IsolationChange[] = [];
  for (const node of a.layout.nodes) {
    if (node.kind === 'External' || isExposureNode(node)) continue;
    const old = b.byId.get(node.id);
    if (!old) continue;
    const isolatedB = isolationOf(b, old);
    const isolatedA = isolationOf(a, node);
    for (const direction of ['ingress', 'egress'] as const) {
      if (isolatedB[direction] === isolatedA[direction]) continue;
      out.push({
        node: endpointOf(node),
        direction,
        before: isolatedB[direction],
        after: isolatedA[direction],
        causes: causes.ofIsolation(node.id, direction),
      });
    }
  }
  return out;
}

function isolationOf(v: Version, node: GraphNode): { ingress: boolean; egress: boolean } {
  let ingress = false;
  let egress = false;
  for (const cls of v.layout.classesOf.get(node) ?? []) {
    const self: Endpoint = { kind: 'class', cls };
    const verdict = v.engine.verdict(self, self);
    ingress ||= verdict.ingress.isolated;
    egress ||= verdict.egress.isolated;
  }
  return { ingress, egress };
}

/**
 * The object changes that cause a difference: the changed policies whose part in the verdict differs
 * between the versions (the ports a rule of theirs opens or denies for the pair, or that they isolate
 * a side whose isolation changed), else the changed workloads at either end, else the namespaces
 * whose labels changed.
 */
class CauseFinder {
  private readonly index = new Map<ObjectChange, number>();

  constructor(
    private readonly changes: WorkspaceChanges,
    private readonly b: Version,
    private readonly a: Version,
  ) {
    changes.changes.forEach((c, i) => this.index.set(c, i));
  }

  ofNodes(fromId: string, toId: string): number[] {
    const pair = (v: Version) => {
      const from = v.byId.get(fromId);
      const to = v.byId.get(toId);
      const src = from && this.endpointOfNode(v, from);
      const dst = to && this.endpointOfNode(v, to);
      return src && dst ? v.engine.verdict(src, dst) : undefined;
    };
    const vb = pair(this.b);
    const va = pair(this.a);
    const found = this.policyCauses(vb && [vb.egress, vb.ingress], va && [va.egress, va.ingress]);
    return this.withFallback(found, [fromId, toId]);
  }

  ofAddress(nodeId: string, address: string, direction: 'ingress' | 'egress'): number[] {
    const pair = (v: Version) => {
      const node = v.byId.get(nodeId);
      const self = node && this.endpointOfNode(v, node);
      const block = v.engine.externalOf(address);
      if (!self || !block) return undefined;
      const ext: Endpoint = { kind: 'external', block };
      const verdict = direction === 'egress' ? v.engine.verdict(self, ext) : v.engine.verdict(ext, self);
      return [verdict.egress, verdict.ingress];
    };
    return this.withFallback(this.policyCauses(pair(this.b), pair(this.a)), [nodeId]);
  }

  ofIsolation(nodeId: string, direction: 'ingress' | 'egress'): number[] {
    const side = (v: Version) => {
      const node = v.byId.get(nodeId);
      const self = node && this.endpointOfNode(v, node);
      if (!self) return undefined;
      const verdict = v.engine.verdict(self, self);
      return [direction === 'egress' ? verdict.egress : verdict.ingress];
    };
    return this.withFallback(this.policyCauses(side(this.b), side(this.a)), [nodeId]);
  }

  private endpointOfNode(v: Version, node: GraphNode): Endpoint | undefined {
    const cls = v.layout.classesOf.get(node)?.[0];
    if (cls) return { kind: 'class', cls };
    const block = v.layout.blockOf.get(node);
    return block ? { kind: 'external', block } : undefined;
  }

  private policyCauses(
    before: readonly SideVerdict[] | undefined,
    after: readonly SideVerdict[] | undefined,
  ): Set<ObjectChange> {
    const found = new Set<ObjectChange>();
    for (let i = 0; i < 2; i++) {
      const x = before?.[i];
      const y = after?.[i];
      if (!x && !y) continue;
      const isolationChanged = (x?.isolated ?? false) !== (y?.isolated ?? false);
      const cx = this.contributions(x, isolationChanged);
      const cy = this.contributions(y, isolationChanged);
      for (const change of new Set([...cx.keys(), ...cy.keys()]))
        if (cx.get(change) !== cy.get(change)) found.add(change);
    }
    return found;
  }

  /** What each changed policy does in a side's verdict, as a comparable text. */
  private contributions(side: SideVerdict | undefined, withIsolation: boolean): Map<ObjectChange, string> {
    const out = new Map<ObjectChange, string>();
    if (!side) return out;
    const add = (policy: Parameters<WorkspaceChanges['policyChange']>[0], what: string) => {
      const change = this.changes.policyChange(policy);
      if (change) out.set(change, `${out.get(change) ?? ''}${what};`);
    };
    if (withIsolation) for (const p of side.isolatingPolicies) add(p, 'isolates');
    for (const g of side.grants) if (!g.ports.isEmpty) add(g.policy, `grants ${g.ports.key}`);
    for (const d of side.layered?.decisions ?? []) add(d.rule.policy, `${d.action} ${d.ports.key}`);
    if (withIsolation)
      for (const e of side.layered?.endDenied ?? []) for (const p of e.layer.isolating) add(p, 'isolates');
    return out;
  }

  private withFallback(found: Set<ObjectChange>, nodeIds: readonly string[]): number[] {
    if (found.size === 0) {
      for (const v of [this.b, this.a])
        for (const id of nodeIds)
          for (const w of v.byId.get(id)?.workloads ?? []) {
            const change = this.changes.workloadChange(w);
            if (change) found.add(change);
          }
    }
    if (found.size === 0) for (const c of this.changes.namespaceChanges) found.add(c);
    return [...found].map((c) => this.index.get(c)!).sort((x, y) => x - y);
  }
}
