/**
 * The reachability graph at pod or workload level, built on the engine's classes.
 *
 * - Pod level: one node per Pod object and per controller pod template (standing for its pods);
 *   ids are `namespace/name` (a template whose name collides with a Pod's gets `namespace/name[Kind]`).
 * - Workload level: Pods are grouped under their controller (`ownerReferences`), everything else is
 *   its own workload; ids are `namespace/name[Kind]`.
 * - External address blocks from ipBlocks are nodes of their own; their ids list their ranges
 *   (`203.0.113.0/25`, `0.0.0.0-9.255.255.255,11.0.0.0/8,…`) and their names say what they are
 *   (`0.0.0.0/0 except 10.0.0.0/8`, `addresses outside every ipBlock`).
 * - With `reach --exposure`, stand-ins for pods the workspace does not show (reach/exposure.ts) are
 *   nodes of kind `Exposure`, with the same id at both levels (`*{team=a}/*`; the plain one is star, slash, star).
 * Only pairs with some allowed traffic become edges; a node's traffic to itself is not judged, nor is
 * traffic between two nodes outside the workspace (address blocks, stand-ins).
 */
import type { ClusterModel, Workload } from '../model/types.js';
import { qualifiedName, workloadKinds } from '../model/types.js';
import type { PortSet } from '../semantics/port-set.js';
import { formatRange } from '../semantics/ip-set.js';
import type { ReachabilityEngine, Endpoint } from './engine.js';
import type { PodClass } from './classes.js';
import type { ExternalBlock } from './externals.js';
import { exposureDescription, isStandIn } from './exposure.js';

export type Level = 'pod' | 'workload';

export interface GraphNode {
  readonly id: string;
  /** The workload's kind (a built-in one or another object's with pods), or 'External' for address blocks. */
  readonly kind: string;
  /** Empty for external nodes. */
  readonly namespace: string;
  readonly name: string;
  /** The workloads (pods or templates) the node stands for; empty for external nodes. */
  readonly workloads: readonly Workload[];
  /** For external nodes: the address ranges (CIDR or first-last). */
  readonly ranges: readonly string[];
  /**
   * For exposure stand-ins (reach/exposure.ts): the pods the node stands for, in words; for an external
   * name (Cilium toFQDNs): that it is one.
   */
  readonly description?: string;
}

export interface GraphEdge {
  readonly from: GraphNode;
  readonly to: GraphNode;
  readonly ports: PortSet;
  /** A representative endpoint pair, for explanations. */
  readonly src: Endpoint;
  readonly dst: Endpoint;
}

export interface ReachGraph {
  readonly level: Level;
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}

interface NodeBuilder {
  node: GraphNode;
  classes: Set<PodClass>;
  members: Set<Workload>;
}

export function externalNodeId(block: ExternalBlock): string {
  return block.name ?? block.ranges.ranges.map(formatRange).join(',');
}

/**
 * The nodes of a graph and how the engine's endpoints map onto them, without the edges: what
 * {@link edgesOf} walks and what aggregated views group.
 */
export interface GraphLayout {
  readonly level: Level;
  readonly engine: ReachabilityEngine;
  /** Sorted: workload nodes by id, then exposure stand-ins, then external nodes. */
  readonly nodes: readonly GraphNode[];
  /** The classes of each workload node, ascending by class id. */
  readonly classesOf: ReadonlyMap<GraphNode, readonly PodClass[]>;
  /** The workload nodes each class belongs to. */
  readonly nodesOfClass: ReadonlyMap<PodClass, readonly GraphNode[]>;
  readonly externalNodes: ReadonlyMap<ExternalBlock, GraphNode>;
  /** The address block of each external node (the inverse of `externalNodes`). */
  readonly blockOf: ReadonlyMap<GraphNode, ExternalBlock>;
}

export function graphLayout(engine: ReachabilityEngine, model: ClusterModel, level: Level): GraphLayout {
  const builders = level === 'pod' ? podNodes(model.workloads) : workloadNodes(model.workloads);
  const nodesOfClass = new Map<PodClass, GraphNode[]>();
  const classesOf = new Map<GraphNode, PodClass[]>();
  for (const b of builders) {
    for (const w of b.members) {
      const cls = engine.classOf(w)!;
      b.classes.add(cls);
      const list = nodesOfClass.get(cls);
      if (!list) nodesOfClass.set(cls, [b.node]);
      else if (list[list.length - 1] !== b.node) list.push(b.node);
    }
    classesOf.set(
      b.node,
      [...b.classes].sort((x, y) => x.id - y.id),
    );
  }
  const externalNodes = new Map<ExternalBlock, GraphNode>();
  const blockOf = new Map<GraphNode, ExternalBlock>();
  for (const block of engine.externals) {
    const node: GraphNode = {
      id: externalNodeId(block),
      kind: 'External',
      namespace: '',
      name: engine.describeBlock(block),
      workloads: [],
      ranges: block.name !== undefined ? [] : block.ranges.ranges.map(formatRange),
      ...(block.name !== undefined
        ? { description: 'an external name (Cilium toFQDNs), resolved at run time' }
        : {}),
    };
    externalNodes.set(block, node);
    blockOf.set(node, block);
  }
  const nodes = [...builders.map((b) => b.node), ...externalNodes.values()].sort(compareNodes);
  return { level, engine, nodes, classesOf, nodesOfClass, externalNodes, blockOf };
}

/**
 * Every edge of the graph (a pair of distinct nodes with some allowed port), sorted by source then
 * destination in node order, computed one source row at a time: a graph of millions of edges is walked
 * with the memory of one row. An edge's representative endpoint pair is the first class pair (in class
 * order) that allows traffic between the two nodes.
 */
export function* edgesOf(layout: GraphLayout): Generator<GraphEdge> {
  const { engine } = layout;
  const order = new Map(layout.nodes.map((n, i) => [n, i]));
  const targetsOf = (dst: Endpoint): readonly GraphNode[] =>
    dst.kind === 'class' ? (layout.nodesOfClass.get(dst.cls) ?? []) : [layout.externalNodes.get(dst.block)!];
  // Rows of reachable endpoints per source class, kept for a few classes (pods of a class are many).
  const rows = new Map<PodClass, Array<{ dst: Endpoint; ports: PortSet }>>();
  const rowOf = (cls: PodClass) => {
    let row = rows.get(cls);
    if (!row) {
      row = engine.reachableFrom({ kind: 'class', cls });
      if (rows.size >= 64) rows.delete(rows.keys().next().value!);
      rows.set(cls, row);
    }
    return row;
  };
  for (const from of layout.nodes) {
    const acc = new Map<GraphNode, { ports: PortSet; src: Endpoint; dst: Endpoint }>();
    const add = (src: Endpoint, row: ReadonlyArray<{ dst: Endpoint; ports: PortSet }>) => {
      for (const { dst, ports } of row) {
        for (const to of targetsOf(dst)) {
          if (to === from || (outsideWorkspace(from) && outsideWorkspace(to))) continue;
          const existing = acc.get(to);
          if (!existing) acc.set(to, { ports, src, dst });
          else existing.ports = existing.ports.union(ports);
        }
      }
    };
    if (from.kind === 'External') {
      const src: Endpoint = { kind: 'external', block: layout.blockOf.get(from)! };
      add(src, engine.reachableFrom(src));
    } else {
      for (const cls of layout.classesOf.get(from) ?? []) add({ kind: 'class', cls }, rowOf(cls));
    }
    const targets = [...acc.keys()].sort((a, b) => order.get(a)! - order.get(b)!);
    for (const to of targets) yield { from, to, ...acc.get(to)! };
  }
}

/** Traffic among the pods one node stands for, where policies decide it. */
export interface ReplicaTraffic {
  readonly node: GraphNode;
  /** Allowed ports between two of its pods (empty: denied). */
  readonly ports: PortSet;
  /** A representative endpoint pair (the first class pair in class order), for explanations. */
  readonly src: Endpoint;
  readonly dst: Endpoint;
}

/**
 * Replica-to-replica traffic: for every node that stands for several pods (a pod template stands for
 * its replicas; a workload-level node for its pods), the ports allowed between two of them, reported
 * where a policy isolates those pods for ingress or egress. Without isolation the replicas reach each
 * other on every port, like everyone else, and nothing is reported. The edges leave it out (a node's
 * traffic to itself is not an edge); `reach` lists it apart.
 */
export function replicaTraffic(
  layout: GraphLayout,
  nodes: readonly GraphNode[] = layout.nodes,
): ReplicaTraffic[] {
  const { engine } = layout;
  const out: ReplicaTraffic[] = [];
  for (const node of nodes) {
    if (outsideWorkspace(node)) continue;
    const templates = node.workloads.filter((w) => w.kind !== 'Pod');
    if (templates.length === 0 && node.workloads.length < 2) continue;
    const count = new Map<PodClass, number>();
    for (const w of node.workloads) {
      const cls = engine.classOf(w)!;
      count.set(cls, (count.get(cls) ?? 0) + (w.kind === 'Pod' ? 1 : 2));
    }
    const classes = layout.classesOf.get(node) ?? [];
    let ports: PortSet | undefined;
    let decided = false;
    let pair: { src: Endpoint; dst: Endpoint } | undefined;
    for (const a of classes) {
      for (const b of classes) {
        // Two distinct pods: of two classes, or two of one class (a template's replicas count as two).
        if (a === b && count.get(a)! < 2) continue;
        const src: Endpoint = { kind: 'class', cls: a };
        const dst: Endpoint = { kind: 'class', cls: b };
        const verdict = engine.verdict(src, dst);
        decided ||= verdict.egress.isolated || verdict.ingress.isolated;
        ports = ports ? ports.union(verdict.ports) : verdict.ports;
        pair ??= { src, dst };
      }
    }
    if (decided && ports && pair) out.push({ node, ports, ...pair });
  }
  return out;
}

export function buildGraph(engine: ReachabilityEngine, model: ClusterModel, level: Level): ReachGraph {
  const layout = graphLayout(engine, model, level);
  return { level, nodes: layout.nodes, edges: [...edgesOf(layout)] };
}

/** The node of an exposure stand-in (reach/exposure.ts): the only workload nodes with a description. */
export function isExposureNode(n: GraphNode): boolean {
  return n.kind !== 'External' && n.description !== undefined;
}

/**
 * Address blocks and exposure stand-ins lie outside the workspace: traffic between two of them is
 * decided by no policy of it and is not an edge.
 */
export function outsideWorkspace(n: GraphNode): boolean {
  return n.kind === 'External' || isExposureNode(n);
}

/**
 * A node whose pods all run on the host network: policies do not select them and their traffic is node
 * traffic (NetworkPolicy behaviour for them is undefined,
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-and-hostnetwork-pods).
 */
export function onHostNetwork(n: GraphNode): boolean {
  return n.workloads.length > 0 && n.workloads.every((w) => w.hostNetwork);
}

/** The description of an exposure stand-in, as a node field. */
function described(w: Workload): { description?: string } {
  const description = exposureDescription(w);
  return description === undefined ? {} : { description };
}

/** Workload nodes first (by id), then exposure stand-ins, external nodes last. */
function compareNodes(a: GraphNode, b: GraphNode): number {
  const rank = (n: GraphNode) => (n.kind === 'External' ? 2 : isExposureNode(n) ? 1 : 0);
  const ax = rank(a);
  const bx = rank(b);
  if (ax !== bx) return ax - bx;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function podNodes(workloads: readonly Workload[]): NodeBuilder[] {
  const podIds = new Set(workloads.filter((w) => w.kind === 'Pod').map((w) => qualifiedName(w)));
  const used = new Set<string>();
  return workloads.map((w) => {
    let id = qualifiedName(w);
    if (w.kind !== 'Pod' && podIds.has(id)) id = `${id}[${w.kind}]`;
    for (let n = 2; used.has(id); n++) id = `${qualifiedName(w)}#${n}`;
    used.add(id);
    return {
      node: {
        id,
        kind: w.kind,
        namespace: w.namespace,
        name: w.name,
        workloads: [w],
        ranges: [],
        ...described(w),
      },
      classes: new Set(),
      members: new Set([w]),
    };
  });
}

/** The kinds that own pods: every workload kind but Pod itself. */
const ownerKinds: ReadonlySet<string> = new Set(workloadKinds.filter((k) => k !== 'Pod'));

/** The workload-level node of a workload: its controller's (a Pod's owner) or its own; id `ns/name[Kind]`. */
export function workloadNode(w: Workload): { id: string; kind: string; name: string } {
  const owner = w.kind === 'Pod' && w.owner && ownerKinds.has(w.owner.kind) ? w.owner : undefined;
  const kind = owner?.kind ?? w.kind;
  const name = owner?.name ?? w.name;
  // A stand-in has the same id at both levels: it is no object of the workspace.
  return { id: isStandIn(w) ? qualifiedName(w) : `${w.namespace}/${name}[${kind}]`, kind, name };
}

function workloadNodes(workloads: readonly Workload[]): NodeBuilder[] {
  const byId = new Map<string, NodeBuilder>();
  for (const w of workloads) {
    const { id, kind, name } = workloadNode(w);
    let b = byId.get(id);
    if (!b) {
      b = {
        node: { id, kind, namespace: w.namespace, name, workloads: [], ranges: [], ...described(w) },
        classes: new Set(),
        members: new Set(),
      };
      byId.set(id, b);
    }
    b.members.add(w);
    (b.node.workloads as Workload[]).push(w);
  }
  return [...byId.values()];
}

/** Reachability figures for a whole cluster, counted on classes (see {@link countReach}). */
export interface ReachCounts {
  readonly classes: number;
  readonly externalBlocks: number;
  /** Pods and pod templates, each counted once (a template stands for its pods). */
  readonly pods: number;
  /** Ordered endpoint pairs decided: class → class, class → external block, external block → class. */
  readonly classPairs: number;
  /** Of those, the pairs with some allowed port. */
  readonly allowedClassPairs: number;
  /** Ordered pairs of distinct pods with some allowed port, derived from class sizes. */
  readonly allowedPodPairs: number;
  /** Ordered pairs of distinct pods allowed on every port. */
  readonly openPodPairs: number;
  /** Pod → external block and external block → pod pairs with some allowed port. */
  readonly podToExternal: number;
  readonly externalToPod: number;
}

/**
 * Decides every ordered pair of endpoints on the engine's classes and counts the allowed pairs at pod
 * level from class sizes: a class of n pods and one of m pods stand for n·m pod pairs (n·(n−1) within
 * one class, as a pod's traffic to itself is not judged), so 10^8 pod pairs are never enumerated.
 */
export function countReach(engine: ReachabilityEngine): ReachCounts {
  let allowedClassPairs = 0;
  let allowedPodPairs = 0;
  let openPodPairs = 0;
  let podToExternal = 0;
  let externalToPod = 0;
  for (const cls of engine.classes) {
    const n = cls.members.length;
    engine.forEachReachable({ kind: 'class', cls }, (dst, ports) => {
      allowedClassPairs++;
      if (dst.kind === 'external') {
        podToExternal += n;
        return;
      }
      const pairs = dst.cls === cls ? n * (n - 1) : n * dst.cls.members.length;
      allowedPodPairs += pairs;
      if (ports.isAll) openPodPairs += pairs;
    });
  }
  for (const block of engine.externals) {
    engine.forEachReachable({ kind: 'external', block }, (dst) => {
      allowedClassPairs++;
      if (dst.kind === 'class') externalToPod += dst.cls.members.length;
    });
  }
  const classes = engine.classes.length;
  const externalBlocks = engine.externals.length;
  return {
    classes,
    externalBlocks,
    pods: engine.classes.reduce((n, cls) => n + cls.members.length, 0),
    classPairs: classes * classes + 2 * classes * externalBlocks,
    allowedClassPairs,
    allowedPodPairs,
    openPodPairs,
    podToExternal,
    externalToPod,
  };
}
