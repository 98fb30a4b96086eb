/**
 * Reachability for a view that cannot show every node: a graph with more nodes than the view's limit is
 * shown aggregated. Each namespace is one group node until the view expands it; an expanded namespace
 * with more nodes than the limit shows groups of nodes that behave alike (the same pod classes: the same
 * isolating policies, peers and ports, so one is representative of all), and past the limit one group
 * for the rest; many external address blocks are one group too. Edges between visible nodes carry the
 * union of the ports and how many pod pairs they stand for, counted from class sizes (a class pair of n
 * and m pods is n·m pod pairs), so nothing is enumerated pod by pod.
 *
 * The computation is a generator that yields between slices of classes, so that a caller (the language
 * server) can let other work run in between, and stop when the request is cancelled or superseded.
 */
import type { Workload } from '../model/types.js';
import type { PortSet } from '../semantics/port-set.js';
import type { PodClass } from './classes.js';
import type { Endpoint } from './engine.js';
import type { ExternalBlock } from './externals.js';
import type { GraphLayout, GraphNode } from './graph.js';
import { isExposureNode, outsideWorkspace } from './graph.js';

/** How many nodes a view shows at once before it aggregates. */
export const VIEW_NODE_LIMIT = 250;

/** External address blocks shown one by one in an aggregated view, at most. */
const EXTERNAL_LIMIT = 12;

/**
 * Namespaces shown one by one in an aggregated view, at most: with more (a multi-tenant cluster of
 * hundreds), consecutive namespaces in name order form sets of about equal size, each one node until
 * expanded, so that the first view of any cluster has a few dozen nodes.
 */
const NAMESPACE_LIMIT = 40;
const NAMESPACE_SETS = 30;

export type ViewGroupKind = 'namespaces' | 'namespace' | 'similar' | 'more' | 'external';

export interface ViewNode {
  readonly id: string;
  readonly namespace: string;
  readonly name: string;
  /** The graph nodes it stands for: one for a single node. */
  readonly nodes: readonly GraphNode[];
  /** Set for a group node. */
  readonly group?: { readonly kind: ViewGroupKind; readonly expandable: boolean };
  /** Pods and pod templates it stands for (an external block counts as one). */
  readonly pods: number;
}

export interface ViewEdge {
  readonly from: ViewNode;
  readonly to: ViewNode;
  readonly ports: PortSet;
  /** Ordered pairs of distinct pods (and blocks) with some allowed port, of `total`. */
  readonly pairs: number;
  readonly total: number;
  /** The first allowed endpoint pair, for explanations. */
  readonly src: Endpoint;
  readonly dst: Endpoint;
}

export interface ViewGraph {
  readonly nodes: readonly ViewNode[];
  readonly edges: readonly ViewEdge[];
  /** True when groups stand for nodes the view does not show. */
  readonly aggregated: boolean;
}

function podsOf(nodes: readonly GraphNode[]): number {
  return nodes.reduce((n, node) => n + (node.kind === 'External' ? 1 : node.workloads.length), 0);
}

function single(node: GraphNode): ViewNode {
  return { id: node.id, namespace: node.namespace, name: node.name, nodes: [node], pods: podsOf([node]) };
}

function groupNode(
  id: string,
  kind: ViewGroupKind,
  namespace: string,
  name: string,
  nodes: readonly GraphNode[],
  expandable: boolean,
): ViewNode {
  return { id, namespace, name, nodes, group: { kind, expandable }, pods: podsOf(nodes) };
}

/** The workload nodes of each namespace, in node order (ids start with the namespace, so they are together). */
function byNamespace(layout: GraphLayout): Map<string, GraphNode[]> {
  const out = new Map<string, GraphNode[]>();
  for (const node of layout.nodes) {
    if (outsideWorkspace(node)) continue;
    const list = out.get(node.namespace);
    if (list) list.push(node);
    else out.set(node.namespace, [node]);
  }
  return out;
}

/** Nodes of one namespace that behave alike: the same pod classes. In order of first appearance. */
function similarGroups(layout: GraphLayout, nodes: readonly GraphNode[]): GraphNode[][] {
  const groups = new Map<string, GraphNode[]>();
  for (const node of nodes) {
    const key = (layout.classesOf.get(node) ?? []).map((c) => c.id).join(',');
    const list = groups.get(key);
    if (list) list.push(node);
    else groups.set(key, [node]);
  }
  return [...groups.values()];
}

function similarId(namespace: string, first: GraphNode): string {
  return `similar:${namespace}/${first.id}`;
}

/** What an expanded namespace with more nodes than the limit shows. */
function namespaceParts(
  layout: GraphLayout,
  namespace: string,
  nodes: readonly GraphNode[],
  expand: ReadonlySet<string>,
  limit: number,
): ViewNode[] {
  const groups = similarGroups(layout, nodes);
  const shown = groups.length <= limit ? groups : groups.slice(0, limit - 1);
  const out: ViewNode[] = [];
  for (const group of shown) {
    const id = similarId(namespace, group[0]!);
    if (group.length === 1) out.push(single(group[0]!));
    else if (expand.has(id) && group.length <= limit) out.push(...group.map(single));
    else {
      const name = `${group[0]!.name} and ${group.length - 1} alike`;
      out.push(groupNode(id, 'similar', namespace, name, group, group.length <= limit));
    }
  }
  if (shown.length < groups.length) {
    const rest = groups.slice(shown.length).flat();
    out.push(groupNode(`more:${namespace}`, 'more', namespace, `${rest.length} more`, rest, false));
  }
  return out;
}

/** The nodes a view shows: every node when there are at most `limit`, else groups as described above. */
export function viewNodes(
  layout: GraphLayout,
  expand: ReadonlySet<string> = new Set(),
  limit = VIEW_NODE_LIMIT,
): { nodes: ViewNode[]; aggregated: boolean } {
  if (layout.nodes.length <= limit) return { nodes: layout.nodes.map(single), aggregated: false };
  const out: ViewNode[] = [];
  const namespaces = sortedNamespaces(layout);
  const showNamespace = ([namespace, nodes]: readonly [string, GraphNode[]]) => {
    const id = `ns:${namespace}`;
    if (!expand.has(id)) out.push(groupNode(id, 'namespace', namespace, namespace, nodes, true));
    else if (nodes.length <= limit) out.push(...nodes.map(single));
    else out.push(...namespaceParts(layout, namespace, nodes, expand, limit));
  };
  for (const set of namespaceSets(namespaces)) {
    const id = setId(set);
    // A set is open when it is expanded or holds an expanded namespace.
    const open = set.length === 1 || expand.has(id) || set.some(([ns]) => expand.has(`ns:${ns}`));
    if (open) set.forEach(showNamespace);
    else out.push(namespaceSetNode(id, set));
  }
  // Exposure stand-ins are few (one per distinct audience of the policies): shown one by one.
  out.push(...layout.nodes.filter(isExposureNode).map(single));
  const externals = layout.nodes.filter((n) => n.kind === 'External');
  if (externals.length > EXTERNAL_LIMIT && !expand.has('external'))
    out.push(
      groupNode('external', 'external', '', `${externals.length} external address blocks`, externals, true),
    );
  else out.push(...externals.map(single));
  return { nodes: out, aggregated: true };
}

function sortedNamespaces(layout: GraphLayout): Array<[string, GraphNode[]]> {
  return [...byNamespace(layout)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Namespaces in name order, cut into sets when there are more than the view shows one by one. */
function namespaceSets(
  namespaces: ReadonlyArray<[string, GraphNode[]]>,
): Array<Array<[string, GraphNode[]]>> {
  if (namespaces.length <= NAMESPACE_LIMIT) return namespaces.map((n) => [n]);
  const size = Math.ceil(namespaces.length / NAMESPACE_SETS);
  const sets: Array<Array<[string, GraphNode[]]>> = [];
  for (let i = 0; i < namespaces.length; i += size) sets.push(namespaces.slice(i, i + size));
  return sets;
}

/** `namespaces:<first>..<last>` (namespace names cannot hold `..`). */
function setId(set: ReadonlyArray<[string, GraphNode[]]>): string {
  return `namespaces:${set[0]![0]}..${set[set.length - 1]![0]}`;
}

function namespaceSetNode(id: string, set: ReadonlyArray<[string, GraphNode[]]>): ViewNode {
  const first = set[0]![0];
  const last = set[set.length - 1]![0];
  // The range is its "namespace" for display: the view groups rows by namespace.
  return groupNode(
    id,
    'namespaces',
    `${first} … ${last}`,
    `${set.length} namespaces`,
    set.flatMap(([, n]) => n),
    true,
  );
}

/**
 * The view node with `id` as {@link viewNodes} would make it whatever is expanded: a graph node, or a
 * group (`ns:`, `similar:`, `more:`, `external`). Undefined for an unknown id.
 */
export function resolveViewNode(
  layout: GraphLayout,
  id: string,
  limit = VIEW_NODE_LIMIT,
): ViewNode | undefined {
  const node = layout.nodes.find((n) => n.id === id);
  if (node) return single(node);
  if (id === 'external') {
    const externals = layout.nodes.filter((n) => n.kind === 'External');
    return externals.length > 0
      ? groupNode(id, 'external', '', `${externals.length} external address blocks`, externals, true)
      : undefined;
  }
  const range = /^namespaces:(.+)\.\.(.+)$/.exec(id);
  if (range) {
    const set = sortedNamespaces(layout).filter(([ns]) => ns >= range[1]! && ns <= range[2]!);
    return set.length > 0 ? namespaceSetNode(id, set) : undefined;
  }
  const m = /^(ns|similar|more):([^/]*)(?:\/(.*))?$/.exec(id);
  if (!m) return undefined;
  const namespace = m[2]!;
  const nodes = byNamespace(layout).get(namespace);
  if (!nodes) return undefined;
  if (m[1] === 'ns') return groupNode(id, 'namespace', namespace, namespace, nodes, true);
  const groups = similarGroups(layout, nodes);
  if (m[1] === 'similar') {
    const group = groups.find((g) => g[0]!.id === m[3]);
    return group && group.length > 1
      ? groupNode(
          id,
          'similar',
          namespace,
          `${group[0]!.name} and ${group.length - 1} alike`,
          group,
          group.length <= limit,
        )
      : undefined;
  }
  if (groups.length <= limit) return undefined;
  const rest = groups.slice(limit - 1).flat();
  return groupNode(id, 'more', namespace, `${rest.length} more`, rest, false);
}

/** How many pods of each view node each class has (and the view node of each external block). */
interface Distribution {
  readonly ofClass: Map<PodClass, Array<[ViewNode, number]>>;
  readonly ofBlock: Map<ExternalBlock, ViewNode>;
}

function distribution(layout: GraphLayout, nodes: readonly ViewNode[]): Distribution {
  const { engine } = layout;
  const counts = new Map<PodClass, Map<ViewNode, number>>();
  const ofBlock = new Map<ExternalBlock, ViewNode>();
  for (const view of nodes) {
    for (const node of view.nodes) {
      if (node.kind === 'External') {
        ofBlock.set(layout.blockOf.get(node)!, view);
        continue;
      }
      for (const w of node.workloads) {
        const cls = engine.classOf(w)!;
        let row = counts.get(cls);
        if (!row) counts.set(cls, (row = new Map()));
        row.set(view, (row.get(view) ?? 0) + 1);
      }
    }
  }
  return { ofClass: new Map([...counts].map(([cls, row]) => [cls, [...row]])), ofBlock };
}

/** Classes decided between two yields. */
const SLICE = 32;

/**
 * The edges between the view's nodes, yielding after every slice of classes. A single node's traffic to
 * itself is not judged (as in the full graph); a group's traffic within itself is an edge to itself.
 */
export function* viewEdges(layout: GraphLayout, nodes: readonly ViewNode[]): Generator<void, ViewEdge[]> {
  const { engine } = layout;
  const dist = distribution(layout, nodes);
  const acc = new Map<
    ViewNode,
    Map<ViewNode, { ports: PortSet; pairs: number; src: Endpoint; dst: Endpoint }>
  >();
  const add = (from: ViewNode, to: ViewNode, ports: PortSet, pairs: number, src: Endpoint, dst: Endpoint) => {
    let row = acc.get(from);
    if (!row) acc.set(from, (row = new Map()));
    const existing = row.get(to);
    if (!existing) row.set(to, { ports, pairs, src, dst });
    else {
      existing.ports = existing.ports.union(ports);
      existing.pairs += pairs;
    }
  };
  let decided = 0;
  for (const cls of engine.classes) {
    if (++decided % SLICE === 0) yield;
    const from = dist.ofClass.get(cls);
    if (!from) continue;
    const src: Endpoint = { kind: 'class', cls };
    engine.forEachReachable(src, (dst, ports) => {
      const targets: ReadonlyArray<[ViewNode, number]> =
        dst.kind === 'class' ? (dist.ofClass.get(dst.cls) ?? []) : [[dist.ofBlock.get(dst.block)!, 1]];
      for (const [a, na] of from) {
        for (const [b, nb] of targets) {
          if ((a === b && !a.group) || (outsideView(a) && outsideView(b))) continue;
          const pairs = na * nb - (dst.kind === 'class' && dst.cls === cls && a === b ? na : 0);
          if (pairs > 0) add(a, b, ports, pairs, src, dst);
        }
      }
    });
  }
  for (const block of engine.externals) {
    if (++decided % SLICE === 0) yield;
    const from = dist.ofBlock.get(block)!;
    const src: Endpoint = { kind: 'external', block };
    engine.forEachReachable(src, (dst, ports) => {
      if (dst.kind !== 'class') return;
      for (const [b, nb] of dist.ofClass.get(dst.cls) ?? [])
        if (!outsideView(b)) add(from, b, ports, nb, src, dst);
    });
  }
  const order = new Map(nodes.map((n, i) => [n, i]));
  const edges: ViewEdge[] = [];
  for (const [from, row] of acc) {
    for (const [to, e] of row) {
      const total = from.pods * to.pods - (from === to ? from.pods : 0);
      edges.push({ from, to, ...e, total });
    }
  }
  edges.sort((x, y) => order.get(x.from)! - order.get(y.from)! || order.get(x.to)! - order.get(y.to)!);
  return edges;
}

/** Stand-ins and address blocks: traffic between two of them is decided by no policy of the workspace. */
function outsideView(view: ViewNode): boolean {
  return view.group ? view.group.kind === 'external' : outsideWorkspace(view.nodes[0]!);
}

/** Runs a generator to its end (for callers that do not interleave other work). */
export function complete<T>(work: Generator<void, T>): T {
  for (;;) {
    const step = work.next();
    if (step.done) return step.value;
  }
}

/** The classes of a view node's pods, each with how many of its pods it holds, in class order. */
export function classesOfView(layout: GraphLayout, view: ViewNode): Array<[PodClass, number]> {
  const counts = new Map<PodClass, number>();
  for (const node of view.nodes)
    for (const w of node.workloads as readonly Workload[]) {
      const cls = layout.engine.classOf(w)!;
      counts.set(cls, (counts.get(cls) ?? 0) + 1);
    }
  return [...counts].sort(([a], [b]) => a.id - b.id);
}
