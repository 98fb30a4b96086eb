/**
 * Reads messages posted to the webview. They come from the extension host, but the view still checks
 * their shape: malformed entries are dropped rather than rendered half-way or thrown on.
 */
import type {
  DiffEdgeJson,
  DiffOverlayJson,
  ExplainResult,
  ObservedEdgeJson,
  ObservedOverlayJson,
  ObservedPortJson,
  PortRangeJson,
  ReachabilityResult,
  ReachEdgeJson,
  ReachGroupJson,
  ReachNodeJson,
  SourceLocation,
} from '../../shared/protocol.js';
import type { HostMessage } from '../../shared/webview-messages.js';

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isString = (v: unknown): v is string => typeof v === 'string';
const protocols: ReadonlySet<unknown> = new Set(['TCP', 'UDP', 'SCTP']);

function portRange(value: unknown): PortRangeJson | undefined {
  if (!isRecord(value) || !protocols.has(value.protocol)) return undefined;
  const { port, endPort } = value;
  if (typeof port !== 'number' || typeof endPort !== 'number') return undefined;
  if (
    !Number.isInteger(port) ||
    !Number.isInteger(endPort) ||
    port < 0 ||
    endPort < port ||
    endPort > 65535
  ) {
    return undefined;
  }
  return { protocol: value.protocol as PortRangeJson['protocol'], port, endPort };
}

function node(value: unknown): ReachNodeJson | undefined {
  if (!isRecord(value)) return undefined;
  const { id, kind, namespace, name } = value;
  if (!isString(id) || !isString(kind) || !isString(namespace) || !isString(name)) return undefined;
  const ranges = Array.isArray(value.ranges) ? value.ranges.filter(isString) : undefined;
  const loc = location(value.location);
  const grouped = group(value.group);
  return {
    id,
    kind,
    namespace,
    name,
    ...(ranges ? { ranges } : {}),
    ...(isString(value.description) ? { description: value.description } : {}),
    ...(value.dns === true ? { dns: true } : {}),
    ...(value.replicas === true ? { replicas: true } : {}),
    ...(value.hostNetwork === true ? { hostNetwork: true } : {}),
    ...(loc ? { location: loc } : {}),
    ...(grouped ? { group: grouped } : {}),
  };
}

const groupKinds: ReadonlySet<unknown> = new Set(['namespaces', 'namespace', 'similar', 'more', 'external']);
const count = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

function group(value: unknown): ReachGroupJson | undefined {
  if (!isRecord(value) || !groupKinds.has(value.kind) || !count(value.nodes) || !count(value.pods))
    return undefined;
  return {
    kind: value.kind as ReachGroupJson['kind'],
    nodes: value.nodes,
    pods: value.pods,
    expandable: value.expandable === true,
  };
}

function edge(value: unknown): ReachEdgeJson | undefined {
  if (!isRecord(value) || !isString(value.from) || !isString(value.to) || !Array.isArray(value.ports)) {
    return undefined;
  }
  const ports = value.ports.map(portRange).filter((p): p is PortRangeJson => p !== undefined);
  const counted = count(value.pairs) && count(value.total) && value.pairs <= value.total;
  return {
    from: value.from,
    to: value.to,
    ports,
    all: value.all === true,
    ...(counted ? { pairs: value.pairs as number, total: value.total as number } : {}),
  };
}

function observedEdge(value: unknown, ids: ReadonlySet<string>): ObservedEdgeJson | undefined {
  if (!isRecord(value) || !isString(value.from) || !isString(value.to) || !count(value.count))
    return undefined;
  if (!ids.has(value.from) || !ids.has(value.to) || !Array.isArray(value.ports)) return undefined;
  const ports = value.ports.flatMap((p): ObservedPortJson[] =>
    isRecord(p) &&
    protocols.has(p.protocol) &&
    count(p.port) &&
    p.port <= 65535 &&
    count(p.count) &&
    typeof p.allowed === 'boolean'
      ? [
          {
            protocol: p.protocol as ObservedPortJson['protocol'],
            port: p.port,
            count: p.count,
            allowed: p.allowed,
          },
        ]
      : [],
  );
  return ports.length > 0 ? { from: value.from, to: value.to, count: value.count, ports } : undefined;
}

function observedOverlay(value: unknown, ids: ReadonlySet<string>): ObservedOverlayJson | undefined {
  if (!isRecord(value) || !count(value.records) || !count(value.resolved) || !Array.isArray(value.edges))
    return undefined;
  const edges = value.edges
    .map((e) => observedEdge(e, ids))
    .filter((e): e is ObservedEdgeJson => e !== undefined);
  return { records: value.records, resolved: value.resolved, edges };
}

const diffKinds: ReadonlySet<unknown> = new Set(['added', 'removed', 'changed']);

function diffEdge(value: unknown, ids: ReadonlySet<string>): DiffEdgeJson | undefined {
  if (!isRecord(value) || !isString(value.from) || !isString(value.to) || !diffKinds.has(value.kind))
    return undefined;
  if (!ids.has(value.from) || !ids.has(value.to)) return undefined;
  if (!Array.isArray(value.before) || !Array.isArray(value.after) || !Array.isArray(value.causes))
    return undefined;
  const ranges = (list: unknown[]) => list.map(portRange).filter((p): p is PortRangeJson => p !== undefined);
  return {
    from: value.from,
    to: value.to,
    kind: value.kind as DiffEdgeJson['kind'],
    before: ranges(value.before),
    after: ranges(value.after),
    causes: value.causes.filter(isString),
  };
}

function diffOverlay(value: unknown, ids: ReadonlySet<string>): DiffOverlayJson | undefined {
  if (
    !isRecord(value) ||
    !isString(value.base) ||
    !Array.isArray(value.edges) ||
    !Array.isArray(value.isolation)
  )
    return undefined;
  const number = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : 0);
  return {
    base: value.base,
    opens: number(value.opens),
    closes: number(value.closes),
    notShown: number(value.notShown),
    edges: value.edges.map((e) => diffEdge(e, ids)).filter((e): e is DiffEdgeJson => e !== undefined),
    isolation: value.isolation.flatMap((i) =>
      isRecord(i) &&
      isString(i.node) &&
      ids.has(i.node) &&
      (i.direction === 'ingress' || i.direction === 'egress') &&
      typeof i.isolated === 'boolean'
        ? [{ node: i.node, direction: i.direction, isolated: i.isolated }]
        : [],
    ),
  };
}

export function parseGraph(value: unknown): ReachabilityResult | undefined {
  if (!isRecord(value) || !Array.isArray(value.nodes) || !Array.isArray(value.edges)) return undefined;
  const nodes = value.nodes.map(node).filter((n): n is ReachNodeJson => n !== undefined);
  const ids = new Set(nodes.map((n) => n.id));
  const edges = value.edges
    .map(edge)
    .filter((e): e is ReachEdgeJson => e !== undefined && ids.has(e.from) && ids.has(e.to));
  const observed = value.observed === undefined ? undefined : observedOverlay(value.observed, ids);
  const diff = value.diff === undefined ? undefined : diffOverlay(value.diff, ids);
  return {
    level: value.level === 'pod' ? 'pod' : 'workload',
    nodes,
    edges,
    namespaces: Array.isArray(value.namespaces) ? value.namespaces.filter(isString) : [],
    generation:
      typeof value.generation === 'number' && Number.isFinite(value.generation) ? value.generation : 0,
    ...(isRecord(value.aggregated) && count(value.aggregated.limit) && count(value.aggregated.nodes)
      ? { aggregated: { limit: value.aggregated.limit, nodes: value.aggregated.nodes } }
      : {}),
    ...(observed ? { observed } : {}),
    ...(diff ? { diff } : {}),
  };
}

function location(value: unknown): SourceLocation | undefined {
  if (!isRecord(value) || !isString(value.uri) || !isString(value.label) || !isRecord(value.range))
    return undefined;
  const position = (p: unknown) =>
    isRecord(p) && typeof p.line === 'number' && typeof p.character === 'number'
      ? { line: p.line, character: p.character }
      : undefined;
  const start = position(value.range.start);
  const end = position(value.range.end);
  if (!start || !end) return undefined;
  return { uri: value.uri, label: value.label, range: { start, end } };
}

function side(value: unknown, direction: 'ingress' | 'egress'): ExplainResult['egress'] | undefined {
  if (!isRecord(value) || !Array.isArray(value.policies) || !Array.isArray(value.rules)) return undefined;
  const policies = value.policies.flatMap((p) => {
    const loc = isRecord(p) ? location(p.location) : undefined;
    return isRecord(p) && isString(p.name) && loc ? [{ name: p.name, location: loc }] : [];
  });
  const rules = value.rules.flatMap((r) => {
    if (!isRecord(r) || !isString(r.policy) || !isString(r.ports) || typeof r.index !== 'number') return [];
    const loc = location(r.location);
    if (!loc) return [];
    return [
      {
        policy: r.policy,
        direction: r.direction === 'egress' ? ('egress' as const) : ('ingress' as const),
        index: r.index,
        ports: r.ports,
        ...(typeof r.covers === 'boolean' ? { covers: r.covers } : {}),
        location: loc,
      },
    ];
  });
  const actions = ['allow', 'deny', 'pass', 'log', 'isolated'] as const;
  const decisions = Array.isArray(value.decisions)
    ? value.decisions.flatMap((d) => {
        if (!isRecord(d) || !isString(d.layer) || !isString(d.rule) || !isString(d.ports)) return [];
        const action = actions.find((a) => a === d.action);
        const loc = location(d.location);
        if (!action || !loc) return [];
        return [
          {
            layer: d.layer,
            rule: d.rule,
            action,
            ports: d.ports,
            ...(typeof d.covers === 'boolean' ? { covers: d.covers } : {}),
            location: loc,
          },
        ];
      })
    : undefined;
  return {
    direction,
    isolated: value.isolated === true,
    allows: value.allows === true,
    ports: isString(value.ports) ? value.ports : '',
    policies,
    rules,
    ...(decisions ? { decisions } : {}),
  };
}

export function parseExplainResult(value: unknown): ExplainResult | undefined {
  if (!isRecord(value) || !isString(value.from) || !isString(value.to) || !isString(value.text))
    return undefined;
  const egress = side(value.egress, 'egress');
  const ingress = side(value.ingress, 'ingress');
  if (!egress || !ingress) return undefined;
  const ports = Array.isArray(value.ports)
    ? value.ports.map(portRange).filter((p): p is PortRangeJson => p !== undefined)
    : [];
  return {
    from: value.from,
    to: value.to,
    allowed: value.allowed === true,
    ports,
    text: value.text,
    egress,
    ingress,
  };
}

export function parseHostMessage(value: unknown): HostMessage | undefined {
  if (!isRecord(value)) return undefined;
  switch (value.type) {
    case 'graph': {
      const graph = parseGraph(value.graph);
      return graph ? { type: 'graph', graph } : undefined;
    }
    case 'explanation': {
      if (!isString(value.from) || !isString(value.to)) return undefined;
      const result = value.result === undefined ? undefined : parseExplainResult(value.result);
      const error = isString(value.error)
        ? value.error
        : value.result !== undefined && !result
          ? 'The explanation could not be read.'
          : undefined;
      return {
        type: 'explanation',
        from: value.from,
        to: value.to,
        ...(result ? { result } : {}),
        ...(error !== undefined ? { error } : {}),
      };
    }
    case 'error':
      return isString(value.message) ? { type: 'error', message: value.message } : undefined;
    default:
      return undefined;
  }
}
