/**
 * The payloads of the reachability view: the graph (nodes, edges with ports) and explanations with
 * source locations, as plain JSON for the custom protocol (shared/protocol.ts). The server computes;
 * the webview only renders.
 */
import type { AnalysisContext } from '../context.js';
import type {
  ExplainResult,
  ExplainSide,
  PortRangeJson,
  ReachabilityResult,
  ReachLevel,
  ReachNodeJson,
  SourceLocation,
} from '../protocol.js';
import { buildGraph, externalNodeId } from '../reach/graph.js';
import type { GraphNode, ReachGraph } from '../reach/graph.js';
import type { Endpoint, SideVerdict } from '../reach/engine.js';
import { explainConnection } from '../explain/explain.js';
import type { Origin } from '../model/types.js';
import { qualifiedName } from '../model/types.js';
import type { PortSet } from '../semantics/port-set.js';

/** Turns an origin (file + span) into a location; `uriOf` maps a SourceFile path to its document URI. */
export type LocationOf = (origin: Origin) => SourceLocation | undefined;

export function makeLocationOf(uriOf: (path: string) => string | undefined): LocationOf {
  return (origin) => {
    const uri = uriOf(origin.file.path);
    if (!uri) return undefined;
    return {
      uri,
      range: {
        start: origin.file.positionAt(origin.span.start),
        end: origin.file.positionAt(origin.span.end),
      },
      label: origin.file.where(origin.span.start),
    };
  };
}

function portsJson(ports: PortSet): PortRangeJson[] {
  return ports.toRanges().map((r) => ({ protocol: r.protocol, port: r.port, endPort: r.endPort }));
}

function nodeJson(node: GraphNode, locationOf: LocationOf): ReachNodeJson {
  const anchor = node.workloads[0]?.anchor;
  const location = anchor ? locationOf(anchor) : undefined;
  return {
    id: node.id,
    kind: node.kind,
    namespace: node.namespace,
    name: node.name,
    ...(node.kind === 'External' ? { ranges: node.ranges } : {}),
    ...(location ? { location } : {}),
  };
}

/** Graphs per analysis and level, so the view and its explanations read the same graph. */
const graphs = new WeakMap<AnalysisContext, Map<ReachLevel, ReachGraph>>();

export function graphOf(ctx: AnalysisContext, level: ReachLevel): ReachGraph {
  let byLevel = graphs.get(ctx);
  if (!byLevel) graphs.set(ctx, (byLevel = new Map()));
  let graph = byLevel.get(level);
  if (!graph) byLevel.set(level, (graph = buildGraph(ctx.engine, ctx.workspace.model, level)));
  return graph;
}

export function reachabilityPayload(
  ctx: AnalysisContext,
  level: ReachLevel,
  locationOf: LocationOf,
  generation: number,
): ReachabilityResult {
  const graph = graphOf(ctx, level);
  const namespaces = [
    ...new Set(graph.nodes.filter((n) => n.kind !== 'External').map((n) => n.namespace)),
  ].sort();
  return {
    level,
    generation,
    namespaces,
    nodes: graph.nodes.map((n) => nodeJson(n, locationOf)),
    edges: graph.edges.map((e) => ({
      from: e.from.id,
      to: e.to.id,
      ports: portsJson(e.ports),
      all: e.ports.isAll,
    })),
  };
}

function endpointOf(ctx: AnalysisContext, node: GraphNode): Endpoint | undefined {
  if (node.kind === 'External') {
    const block = ctx.engine.externals.find((b) => externalNodeId(b) === node.id);
    return block ? { kind: 'external', block } : undefined;
  }
  const workload = node.workloads[0];
  const cls = workload ? ctx.engine.classOf(workload) : undefined;
  return cls ? { kind: 'class', cls } : undefined;
}

function sideJson(
  side: SideVerdict,
  locationOf: LocationOf,
  port: ExplainResult['ports'][number] | undefined,
  allows: boolean,
): ExplainSide {
  const unknown: SourceLocation = {
    uri: '',
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    label: '',
  };
  return {
    direction: side.direction,
    isolated: side.isolated,
    allows,
    ports: side.ports.toString(),
    policies: side.isolatingPolicies.map((p) => ({
      name: qualifiedName(p),
      location: locationOf(p.anchor) ?? unknown,
    })),
    rules: side.grants.map((g) => ({
      policy: qualifiedName(g.policy),
      direction: g.rule.direction,
      index: g.rule.index,
      ports: g.ports.toString(),
      ...(port ? { covers: g.ports.has(port.protocol, port.port) } : {}),
      location: locationOf(g.rule.origin) ?? unknown,
    })),
  };
}

/** The explanation of one node pair of the graph; undefined when either id is unknown. */
export function explainPayload(
  ctx: AnalysisContext,
  level: ReachLevel,
  fromId: string,
  toId: string,
  locationOf: LocationOf,
  port?: { protocol: 'TCP' | 'UDP' | 'SCTP'; port: number },
): ExplainResult | undefined {
  const graph = graphOf(ctx, level);
  const from = graph.nodes.find((n) => n.id === fromId);
  const to = graph.nodes.find((n) => n.id === toId);
  if (!from || !to) return undefined;
  const src = endpointOf(ctx, from);
  const dst = endpointOf(ctx, to);
  if (!src || !dst) return undefined;
  const explanation = explainConnection(ctx.engine, src, dst, { from: from.id, to: to.id }, port);
  const queried = port ? { protocol: port.protocol, port: port.port, endPort: port.port } : undefined;
  const sideAllows = (side: SideVerdict) =>
    port ? side.ports.has(port.protocol, port.port) : !side.ports.isEmpty;
  return {
    from: from.id,
    to: to.id,
    allowed: explanation.allowed,
    ports: portsJson(explanation.ports),
    text: explanation.text,
    egress: sideJson(explanation.verdict.egress, locationOf, queried, sideAllows(explanation.verdict.egress)),
    ingress: sideJson(
      explanation.verdict.ingress,
      locationOf,
      queried,
      sideAllows(explanation.verdict.ingress),
    ),
  };
}
