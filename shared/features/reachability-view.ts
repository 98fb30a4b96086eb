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
import { PortSet } from '../semantics/port-set.js';
import { dnsContext, dnsTargets, rulePortsTo } from '../semantics/cluster-dns.js';
import type { DnsTarget } from '../semantics/cluster-dns.js';
import { lintIndex } from '../lint/rules/support.js';
import { rulesOf } from '../reach/engine.js';
import type { RuleGrant } from '../reach/engine.js';
import type { NetworkPolicy, Workload } from '../model/types.js';

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

/** The id of the virtual cluster-DNS node (used when the workspace declares no DNS pods). */
export const CLUSTER_DNS_ID = 'cluster-dns';

/** True when a workload is (one of) the cluster DNS pods of a target. */
function servesDns(workload: Workload, target: DnsTarget): boolean {
  const where = target.where;
  if (where.kind !== 'pods' || workload.namespace !== where.namespace) return false;
  return Object.entries(where.labels).every(([k, v]) => workload.labels[k] === v);
}

/** The cluster DNS target the view shows: the first of the settings (kube-dns/CoreDNS with `auto`). */
function viewDnsTarget(ctx: AnalysisContext): DnsTarget {
  return dnsTargets(ctx.settings.dns)[0]!;
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
  const targets = dnsTargets(ctx.settings.dns);
  const isDns = (node: GraphNode) => node.workloads.some((w) => targets.some((t) => servesDns(w, t)));
  const nodes: ReachNodeJson[] = graph.nodes.map((n) => ({
    ...nodeJson(n, locationOf),
    ...(isDns(n) ? { dns: true } : {}),
  }));
  const edges = graph.edges.map((e) => ({
    from: e.from.id,
    to: e.to.id,
    ports: portsJson(e.ports),
    all: e.ports.isAll,
  }));
  if (!graph.nodes.some(isDns)) {
    // The DNS pods are not in the workspace: show the configured DNS as a node, reached per the egress
    // side of each source (its own ingress side is not known here and is taken as open).
    const target = viewDnsTarget(ctx);
    nodes.push({
      id: CLUSTER_DNS_ID,
      kind: 'DNS',
      namespace: target.where.kind === 'pods' ? target.where.namespace : '',
      name: `cluster DNS (${target.what})`,
      dns: true,
    });
    for (const node of graph.nodes) {
      const workload = node.workloads[0];
      if (!workload) continue;
      const ports = egressToDns(ctx, workload, target).ports;
      if (!ports.isEmpty)
        edges.push({ from: node.id, to: CLUSTER_DNS_ID, ports: portsJson(ports), all: ports.isAll });
    }
  }
  return { level, generation, namespaces, nodes, edges };
}

/** The egress side of a workload towards a DNS target: isolating policies and the rules that reach it. */
function egressToDns(ctx: AnalysisContext, workload: Workload, target: DnsTarget): SideVerdict {
  const policies: NetworkPolicy[] = lintIndex(ctx)
    .selecting(workload)
    .filter((p) => p.affectsEgress);
  if (policies.length === 0) {
    return { direction: 'egress', isolated: false, isolatingPolicies: [], grants: [], ports: PortSet.all };
  }
  const dns = dnsContext(ctx);
  const grants: RuleGrant[] = [];
  for (const policy of policies) {
    for (const rule of rulesOf(policy, 'egress')) {
      const ports = rulePortsTo(dns, policy, rule, target);
      if (!ports.isEmpty) grants.push({ policy, rule, ports });
    }
  }
  const ports = grants.reduce((acc, g) => acc.union(g.ports), PortSet.none);
  return { direction: 'egress', isolated: true, isolatingPolicies: policies, grants, ports };
}

/** The explanation of a node -> virtual cluster DNS pair. */
function explainDns(
  ctx: AnalysisContext,
  from: GraphNode,
  locationOf: LocationOf,
  port: { protocol: 'TCP' | 'UDP' | 'SCTP'; port: number } | undefined,
): ExplainResult | undefined {
  const workload = from.workloads[0];
  if (!workload) return undefined;
  const target = viewDnsTarget(ctx);
  const egress = egressToDns(ctx, workload, target);
  const allowed = port ? egress.ports.has(port.protocol, port.port) : !egress.ports.isEmpty;
  const ingress: SideVerdict = {
    direction: 'ingress',
    isolated: false,
    isolatingPolicies: [],
    grants: [],
    ports: PortSet.all,
  };
  const what = port
    ? `${from.id} → cluster DNS on ${port.protocol} ${port.port}`
    : `${from.id} → cluster DNS`;
  const lines = [
    `${what}: ${allowed ? (port ? 'ALLOWED' : `allowed on ${egress.ports.toString()}`) : port ? 'DENIED' : 'DENIED on every port'}.`,
    '',
    `The cluster DNS is ${target.description}; it is not declared in the workspace, so only the egress side is judged.`,
    egress.isolated
      ? `${from.id} is isolated for egress by ${egress.isolatingPolicies.map((p) => qualifiedName(p)).join(', ')}; ` +
        (egress.grants.length > 0
          ? egress.grants
              .map((g) => `${qualifiedName(g.policy)} egress[${g.rule.index}] allows ${g.ports.toString()}`)
              .join('; ')
          : 'no egress rule reaches the DNS.')
      : `${from.id} is not isolated for egress: every destination is allowed.`,
  ];
  const queried = port ? { protocol: port.protocol, port: port.port, endPort: port.port } : undefined;
  return {
    from: from.id,
    to: CLUSTER_DNS_ID,
    allowed,
    ports: portsJson(egress.ports),
    text: lines.join('\n'),
    egress: sideJson(egress, locationOf, queried, allowed),
    ingress: sideJson(ingress, locationOf, queried, true),
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
  if (from && toId === CLUSTER_DNS_ID) return explainDns(ctx, from, locationOf, port);
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
