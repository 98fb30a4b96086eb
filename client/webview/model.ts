/**
 * The view model of one graph payload: nodes grouped for display (namespaces in the server's order,
 * then external address blocks, then the cluster DNS), display labels, and edge lookup by pair.
 * Nothing here touches the DOM. Ids are only ever used as Map keys, never as object property names.
 */
import type {
  DiffEdgeJson,
  ObservedEdgeJson,
  PortRangeJson,
  ReachabilityResult,
  ReachEdgeJson,
  ReachNodeJson,
} from '../../shared/protocol.js';

export type GroupKind = 'namespace' | 'exposure' | 'external' | 'dns';

export interface ViewGroup {
  /** A stable key for state (`ns:<name>`, `external`, `dns`); compared, never rendered as markup. */
  readonly key: string;
  readonly kind: GroupKind;
  /** The heading shown for the group. */
  readonly label: string;
  readonly nodes: ViewNode[];
}

export interface ViewNode {
  readonly node: ReachNodeJson;
  readonly id: string;
  readonly group: ViewGroup;
  /** Short text within its group (the name; external blocks shortened). */
  readonly short: string;
  /** Text that names the node on its own (`namespace/name`, the id where that is ambiguous). */
  readonly label: string;
  /** Position in display order. */
  readonly index: number;
}

export interface ViewModel {
  readonly graph: ReachabilityResult;
  readonly groups: readonly ViewGroup[];
  /** All nodes in display order. */
  readonly nodes: readonly ViewNode[];
  readonly byId: ReadonlyMap<string, ViewNode>;
  edge(from: string, to: string): ReachEdgeJson | undefined;
  /** Observed traffic of a pair, when flow files are loaded (ReachabilityResult.observed). */
  observed(from: string, to: string): ObservedEdgeJson | undefined;
  /** What changed for a pair since the compared version (ReachabilityResult.diff). */
  changed(from: string, to: string): DiffEdgeJson | undefined;
}

/**
 * A pair's observed traffic against what the policies allow: observed and allowed, observed but denied
 * (some observed port), or allowed but never observed. Undefined without loaded flows, or for a pair
 * neither observed nor allowed.
 */
export type Traffic = 'observed' | 'denied' | 'unobserved';

export function trafficOf(model: ViewModel, from: string, to: string): Traffic | undefined {
  if (!model.graph.observed) return undefined;
  const observed = model.observed(from, to);
  if (observed) return observed.ports.some((p) => !p.allowed) ? 'denied' : 'observed';
  const edge = model.edge(from, to);
  return edge && (edge.all || edge.ports.length > 0) ? 'unobserved' : undefined;
}

/** `since HEAD: opens TCP 8443 (was denied); because NetworkPolicy payments/api modified (p.yaml:19)`. */
export function changeText(model: ViewModel, from: string, to: string): string | undefined {
  const change = model.changed(from, to);
  if (!change || !model.graph.diff) return undefined;
  const ports = (list: readonly PortRangeJson[]) =>
    list.length === 0
      ? 'nothing'
      : list
          .map((r) => `${r.protocol} ${r.port === r.endPort ? r.port : `${r.port}-${r.endPort}`}`)
          .join(', ');
  const what =
    change.kind === 'added'
      ? `opened (${ports(change.after)}; was denied)`
      : change.kind === 'removed'
        ? `closed (was ${ports(change.before)})`
        : `changed from ${ports(change.before)} to ${ports(change.after)}`;
  return `since ${model.graph.diff.base}: ${what}${change.causes.length > 0 ? `; because ${change.causes.join('; ')}` : ''}`;
}

/** `14 flows observed: TCP 8080 (12), TCP 9090 (2, denied)`; `allowed, never observed`. */
export function trafficText(model: ViewModel, from: string, to: string): string | undefined {
  const traffic = trafficOf(model, from, to);
  if (traffic === undefined) return undefined;
  if (traffic === 'unobserved') return 'allowed, never observed';
  const observed = model.observed(from, to)!;
  const ports = observed.ports
    .map(
      (p) =>
        `${p.protocol} ${p.port} (${p.count.toLocaleString('en-US')}${p.allowed ? '' : ', denied by the policies'})`,
    )
    .join(', ');
  return `${observed.count.toLocaleString('en-US')} flow${observed.count === 1 ? '' : 's'} observed: ${ports}`;
}

export function isDns(node: ReachNodeJson): boolean {
  return node.dns === true || node.kind === 'DNS';
}

function groupKind(node: ReachNodeJson): GroupKind {
  if (isDns(node)) return 'dns';
  // Exposure stand-ins carry a description; so do external names (Cilium toFQDNs), which are external.
  if (node.description !== undefined && !node.group && node.kind !== 'External') return 'exposure';
  return node.kind === 'External' || node.group?.kind === 'external' ? 'external' : 'namespace';
}

/** A node's kind as the view shows it: `DaemonSet · host network` for pods on the host network. */
export function kindText(node: { readonly node: ReachNodeJson }): string {
  return node.node.hostNetwork ? `${node.node.kind} · host network` : node.node.kind;
}

/** `12 workloads`, `1 pod`. */
export function countText(n: number, level: 'pod' | 'workload'): string {
  return `${n.toLocaleString('en-US')} ${level === 'pod' ? 'pod' : 'workload'}${n === 1 ? '' : 's'}`;
}

/**
 * An external block's short text: the server's name for it (`0.0.0.0/0 except 10.0.0.0/8`, `addresses
 * outside every ipBlock`), shortened, else its first range and how many more.
 */
function externalShort(node: ReachNodeJson): string {
  if (node.name && node.name !== node.id) return shortened(node.name);
  const ranges = node.ranges && node.ranges.length > 0 ? node.ranges : [node.name || node.id];
  return ranges.length === 1 ? ranges[0]! : `${ranges[0]} +${ranges.length - 1}`;
}

/** A long name cut to what a node's box holds. */
function shortened(text: string): string {
  return text.length > 42 ? `${text.slice(0, 40)}…` : text;
}

export function buildModel(graph: ReachabilityResult): ViewModel {
  const namespaceGroups = new Map<string, ViewGroup>();
  const namespaceGroup = (namespace: string): ViewGroup => {
    let group = namespaceGroups.get(namespace);
    if (!group) {
      group = { key: `ns:${namespace}`, kind: 'namespace', label: namespace || '(no namespace)', nodes: [] };
      namespaceGroups.set(namespace, group);
    }
    return group;
  };
  for (const namespace of graph.namespaces) namespaceGroup(namespace);
  const external: ViewGroup = { key: 'external', kind: 'external', label: 'External addresses', nodes: [] };
  const exposure: ViewGroup = {
    key: 'exposure',
    kind: 'exposure',
    label: 'Beyond the workspace',
    nodes: [],
  };
  const dns: ViewGroup = { key: 'dns', kind: 'dns', label: 'Cluster DNS', nodes: [] };

  const plainLabel = (n: ReachNodeJson) => {
    if (n.group?.kind === 'namespace')
      return `namespace ${n.namespace} (${countText(n.group.nodes, graph.level)})`;
    if (n.group?.kind === 'namespaces')
      return `${n.name} ${n.namespace} (${countText(n.group.nodes, graph.level)})`;
    if (n.group) return n.namespace ? `${n.namespace}/${n.name}` : n.name;
    if (n.kind === 'External') return n.name || n.id;
    if (n.description !== undefined) return n.description;
    return `${n.namespace}/${n.name}`;
  };
  const labelCount = new Map<string, number>();
  for (const n of graph.nodes) labelCount.set(plainLabel(n), (labelCount.get(plainLabel(n)) ?? 0) + 1);

  const placed: Array<{ node: ReachNodeJson; group: ViewGroup }> = [];
  for (const node of graph.nodes) {
    const kind = groupKind(node);
    const group =
      kind === 'dns'
        ? dns
        : kind === 'external'
          ? external
          : kind === 'exposure'
            ? exposure
            : namespaceGroup(node.namespace);
    placed.push({ node, group });
  }
  const groups = [...namespaceGroups.values(), exposure, external, dns];
  const order = new Map(groups.map((g, i) => [g, i]));
  // Stable sort: by group, then the server's node order.
  const sorted = placed
    .map((p, i) => ({ ...p, i }))
    .sort((a, b) => order.get(a.group)! - order.get(b.group)! || a.i - b.i);

  const nodes: ViewNode[] = [];
  const byId = new Map<string, ViewNode>();
  for (const { node, group } of sorted) {
    if (byId.has(node.id)) continue;
    const plain = plainLabel(node);
    const label = (labelCount.get(plain) ?? 0) > 1 ? node.id : plain;
    const short =
      node.group?.kind === 'namespace'
        ? countText(node.group.nodes, graph.level)
        : node.group
          ? node.name
          : node.kind === 'External'
            ? externalShort(node)
            : group.kind === 'exposure'
              ? shortened(plain)
              : group.kind === 'dns'
                ? plain
                : (labelCount.get(plain) ?? 0) > 1
                  ? node.id.startsWith(`${node.namespace}/`)
                    ? node.id.slice(node.namespace.length + 1)
                    : node.id
                  : node.name;
    const viewNode: ViewNode = { node, id: node.id, group, short, label, index: nodes.length };
    group.nodes.push(viewNode);
    nodes.push(viewNode);
    byId.set(node.id, viewNode);
  }

  const edges = new Map<string, Map<string, ReachEdgeJson>>();
  for (const edge of graph.edges) {
    let row = edges.get(edge.from);
    if (!row) edges.set(edge.from, (row = new Map()));
    row.set(edge.to, edge);
  }
  const observed = new Map<string, Map<string, ObservedEdgeJson>>();
  for (const edge of graph.observed?.edges ?? []) {
    let row = observed.get(edge.from);
    if (!row) observed.set(edge.from, (row = new Map()));
    row.set(edge.to, edge);
  }
  const changed = new Map<string, Map<string, DiffEdgeJson>>();
  for (const edge of graph.diff?.edges ?? []) {
    let row = changed.get(edge.from);
    if (!row) changed.set(edge.from, (row = new Map()));
    row.set(edge.to, edge);
  }
  return {
    graph,
    groups: groups.filter((g) => g.nodes.length > 0),
    nodes,
    byId,
    edge: (from, to) => edges.get(from)?.get(to),
    observed: (from, to) => observed.get(from)?.get(to),
    changed: (from, to) => changed.get(from)?.get(to),
  };
}

/** A connection's description for labels: `a to b: TCP 80`. */
export function pairLabel(from: ViewNode, to: ViewNode, verdict: string): string {
  return `${from.label} to ${to.label}: ${verdict}`;
}
