/**
 * The payloads of the reachability view: the graph (nodes, edges with ports) and explanations with
 * source locations, as plain JSON for the custom protocol (shared/protocol.ts). The server computes;
 * the webview only renders.
 */
import { observedOverlay } from './observed-overlay.js';
import type { AnalysisContext } from '../context.js';
import type {
  ExplainDecision,
  ExplainResult,
  ExplainSide,
  PortRangeJson,
  ReachabilityResult,
  ReachEdgeJson,
  ReachLevel,
  ReachNodeJson,
  SourceLocation,
} from '../protocol.js';
import { graphLayout, onHostNetwork, outsideWorkspace, replicaTraffic } from '../reach/graph.js';
import { reachInputs } from '../workspace-analysis.js';
import type { GraphLayout, GraphNode } from '../reach/graph.js';
import {
  classesOfView,
  complete,
  resolveViewNode,
  VIEW_NODE_LIMIT,
  viewEdges,
  viewNodes,
} from '../reach/aggregate.js';
import type { ViewNode } from '../reach/aggregate.js';
import type { PodClass } from '../reach/classes.js';
import type { Endpoint, SideVerdict } from '../reach/engine.js';
import { commonRuleRef, explainConnection } from '../explain/explain.js';
import type { LayeredOutcome } from '../reach/layers.js';
import { commonPolicyName } from '../model/rule-model.js';
import type { Explanation } from '../explain/explain.js';
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

/** Layouts per analysis and level, so the view and its explanations read the same nodes. */
const layouts = new WeakMap<AnalysisContext, Map<ReachLevel, GraphLayout>>();

export function layoutOf(ctx: AnalysisContext, level: ReachLevel): GraphLayout {
  let byLevel = layouts.get(ctx);
  if (!byLevel) layouts.set(ctx, (byLevel = new Map()));
  let layout = byLevel.get(level);
  if (!layout) {
    // With netpolScope.exposure, the view shows the stand-ins for pods beyond the workspace.
    const { engine, model } = reachInputs(ctx, ctx.settings.exposure);
    byLevel.set(level, (layout = graphLayout(engine, model, level)));
  }
  return layout;
}

function nodeJson(view: ViewNode, locationOf: LocationOf, dns: boolean): ReachNodeJson {
  const first = view.nodes[0]!;
  const anchor = first.workloads[0]?.anchor;
  const location = !view.group && anchor ? locationOf(anchor) : undefined;
  return {
    id: view.id,
    kind: view.group ? 'Group' : first.kind,
    namespace: view.namespace,
    name: view.name,
    ...(!view.group && first.kind === 'External' ? { ranges: first.ranges } : {}),
    ...(!view.group && first.description !== undefined ? { description: first.description } : {}),
    ...(!view.group && onHostNetwork(first) ? { hostNetwork: true } : {}),
    ...(dns ? { dns: true } : {}),
    ...(location ? { location } : {}),
    ...(view.group
      ? {
          group: {
            kind: view.group.kind,
            nodes: view.nodes.length,
            pods: view.pods,
            expandable: view.group.expandable,
          },
        }
      : {}),
  };
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

export interface ReachabilityRequestOptions {
  /** Group ids to show expanded (ReachabilityParams.expand). */
  readonly expand?: readonly string[];
  /** Every node, no edges, no aggregation (ReachabilityParams.nodesOnly). */
  readonly nodesOnly?: boolean;
  /** The view's node limit (VIEW_NODE_LIMIT unless a test sets it). */
  readonly limit?: number;
}

/** {@link reachabilityWork} run to its end. */
export function reachabilityPayload(
  ctx: AnalysisContext,
  level: ReachLevel,
  locationOf: LocationOf,
  generation: number,
  options: ReachabilityRequestOptions = {},
): ReachabilityResult {
  return complete(reachabilityWork(ctx, level, locationOf, generation, options));
}

/**
 * The graph payload of the view, computed in slices (the generator yields between them): every node
 * and edge when the graph has at most the view's limit of nodes, else aggregated (see
 * reach/aggregate.ts), with the groups named in `expand` shown expanded.
 */
export function* reachabilityWork(
  ctx: AnalysisContext,
  level: ReachLevel,
  locationOf: LocationOf,
  generation: number,
  options: ReachabilityRequestOptions = {},
): Generator<void, ReachabilityResult> {
  const layout = layoutOf(ctx, level);
  const limit = options.limit ?? VIEW_NODE_LIMIT;
  // Every node is a view with no limit (resolving each id on its own searched the nodes once per node).
  const shown = viewNodes(
    layout,
    new Set(options.expand ?? []),
    options.nodesOnly ? Number.POSITIVE_INFINITY : limit,
  );
  yield;
  const namespaces = [
    ...new Set(layout.nodes.filter((n) => !outsideWorkspace(n)).map((n) => n.namespace)),
  ].sort();
  const targets = dnsTargets(ctx.settings.dns);
  const isDns = (view: ViewNode) =>
    !view.group && view.nodes[0]!.workloads.some((w) => targets.some((t) => servesDns(w, t)));
  const nodes: ReachNodeJson[] = shown.nodes.map((n) => nodeJson(n, locationOf, isDns(n)));
  const aggregated = shown.aggregated ? { aggregated: { limit, nodes: layout.nodes.length } } : {};
  if (options.nodesOnly) return { level, generation, namespaces, nodes, edges: [], ...aggregated };
  const viewEdgesList = yield* viewEdges(layout, shown.nodes);
  const edges: ReachEdgeJson[] = viewEdgesList.map((e) => ({
    from: e.from.id,
    to: e.to.id,
    ports: portsJson(e.ports),
    all: e.ports.isAll,
    ...(e.from.group || e.to.group ? { pairs: e.pairs, total: e.total } : {}),
  }));
  // Traffic among the pods of one shown node, where policies decide it: a self edge when allowed.
  const single = new Map(shown.nodes.filter((v) => !v.group).map((v) => [v.nodes[0]!, v]));
  for (const r of replicaTraffic(layout, [...single.keys()])) {
    const view = single.get(r.node)!;
    const index = shown.nodes.indexOf(view);
    nodes[index] = { ...nodes[index]!, replicas: true };
    if (!r.ports.isEmpty)
      edges.push({ from: view.id, to: view.id, ports: portsJson(r.ports), all: r.ports.isAll });
  }
  const declaresDns = layout.nodes.some((n) => n.workloads.some((w) => targets.some((t) => servesDns(w, t))));
  if (!declaresDns) {
    // The DNS pods are not in the workspace: show the configured DNS as a node, reached per the egress
    // side of each source (its own ingress side is not known here and is taken as open). Pods of one
    // class share their egress side, so it is judged once per class.
    const target = viewDnsTarget(ctx);
    nodes.push({
      id: CLUSTER_DNS_ID,
      kind: 'DNS',
      namespace: target.where.kind === 'pods' ? target.where.namespace : '',
      name: `cluster DNS (${target.what})`,
      dns: true,
    });
    const byClass = new Map<PodClass, PortSet>();
    for (const view of shown.nodes) {
      // Address blocks and exposure stand-ins lie outside the workspace: their DNS is not judged here.
      if (outsideWorkspace(view.nodes[0]!)) continue;
      let ports = PortSet.none;
      let pairs = 0;
      for (const [cls, count] of classesOfView(layout, view)) {
        let allowed = byClass.get(cls);
        if (!allowed) byClass.set(cls, (allowed = egressToDns(ctx, cls.representative, target).ports));
        if (!allowed.isEmpty) {
          ports = ports.union(allowed);
          pairs += count;
        }
      }
      if (!ports.isEmpty)
        edges.push({
          from: view.id,
          to: CLUSTER_DNS_ID,
          ports: portsJson(ports),
          all: ports.isAll,
          ...(view.group ? { pairs, total: view.pods } : {}),
        });
    }
  }
  const observed = observedOverlay(ctx, shown.nodes);
  return { level, generation, namespaces, nodes, edges, ...aggregated, ...(observed ? { observed } : {}) };
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

/** The explanation of a node (or group) -> virtual cluster DNS pair. */
function explainDns(
  ctx: AnalysisContext,
  layout: GraphLayout,
  from: ViewNode,
  locationOf: LocationOf,
  port: { protocol: 'TCP' | 'UDP' | 'SCTP'; port: number } | undefined,
): ExplainResult | undefined {
  if (from.nodes[0]!.kind === 'External') return undefined;
  const target = viewDnsTarget(ctx);
  // A group: its pods that reach the DNS, and one of them (else its first) as the example.
  const classes = classesOfView(layout, from);
  const reaches = (cls: PodClass) => {
    const ports = egressToDns(ctx, cls.representative, target).ports;
    return port ? ports.has(port.protocol, port.port) : !ports.isEmpty;
  };
  const reaching = classes.filter(([cls]) => reaches(cls));
  const example = (reaching[0] ?? classes[0])?.[0];
  if (!example) return undefined;
  const workload = example.representative;
  const name = from.group ? qualifiedName(workload) : from.id;
  const egress = egressToDns(ctx, workload, target);
  const allowed = port ? egress.ports.has(port.protocol, port.port) : !egress.ports.isEmpty;
  const ingress: SideVerdict = {
    direction: 'ingress',
    isolated: false,
    isolatingPolicies: [],
    grants: [],
    ports: PortSet.all,
  };
  const what = port ? `${name} → cluster DNS on ${port.protocol} ${port.port}` : `${name} → cluster DNS`;
  const lines = [
    `${what}: ${allowed ? (port ? 'ALLOWED' : `allowed on ${egress.ports.toString()}`) : port ? 'DENIED' : 'DENIED on every port'}.`,
    '',
    `The cluster DNS is ${target.description}; it is not declared in the workspace, so only the egress side is judged.`,
    egress.isolated
      ? `${name} is isolated for egress by ${egress.isolatingPolicies.map((p) => qualifiedName(p)).join(', ')}; ` +
        (egress.grants.length > 0
          ? egress.grants
              .map((g) => `${qualifiedName(g.policy)} egress[${g.rule.index}] allows ${g.ports.toString()}`)
              .join('; ')
          : 'no egress rule reaches the DNS.')
      : `${name} is not isolated for egress: every destination is allowed.`,
  ];
  if (from.group) {
    const count = reaching.reduce((n, [, c]) => n + c, 0);
    lines.unshift(
      `${groupLabel(from)} → cluster DNS: ${count.toLocaleString('en-US')} of ${from.pods.toLocaleString('en-US')} pods may reach it${port ? ` on ${port.protocol} ${port.port}` : ''}.`,
      '',
      'For example:',
    );
  }
  const queried = port ? { protocol: port.protocol, port: port.port, endPort: port.port } : undefined;
  return {
    from: from.id,
    to: CLUSTER_DNS_ID,
    allowed: from.group ? reaching.length > 0 : allowed,
    ports: portsJson(egress.ports),
    text: lines.join('\n'),
    egress: sideJson(egress, locationOf, queried, allowed),
    ingress: sideJson(ingress, locationOf, queried, true),
  };
}

/** The endpoints a view node stands for, each with how many of its pods (1 for an address block). */
function endpointsOf(layout: GraphLayout, view: ViewNode): Array<{ endpoint: Endpoint; count: number }> {
  const out: Array<{ endpoint: Endpoint; count: number }> = [];
  for (const node of view.nodes) {
    const block = layout.blockOf.get(node);
    if (block) out.push({ endpoint: { kind: 'external', block }, count: 1 });
  }
  for (const [cls, count] of classesOfView(layout, view))
    out.push({ endpoint: { kind: 'class', cls }, count });
  return out;
}

/** The node of the view that holds an endpoint, and for a pod class the member workload found there. */
function memberOf(
  layout: GraphLayout,
  view: ViewNode,
  endpoint: Endpoint,
): { readonly node: GraphNode; readonly workload: Workload | undefined } | undefined {
  for (const node of view.nodes) {
    if (endpoint.kind === 'external') {
      if (layout.blockOf.get(node) === endpoint.block) return { node, workload: undefined };
    } else {
      const workload = node.workloads.find((w) => layout.engine.classOf(w) === endpoint.cls);
      if (workload) return { node, workload };
    }
  }
  return undefined;
}

/**
 * explainConnection for two endpoints of the view, with the policies of other APIs and the workloads at
 * both ends (what only those workloads' own labels decide).
 */
function explainEndpoints(
  ctx: AnalysisContext,
  layout: GraphLayout,
  ends: { readonly from: ViewNode; readonly to: ViewNode; readonly src: Endpoint; readonly dst: Endpoint },
  names: { readonly from: string; readonly to: string },
  port: { protocol: 'TCP' | 'UDP' | 'SCTP'; port: number } | undefined,
): Explanation {
  return explainConnection(layout.engine, ends.src, ends.dst, names, port, {
    policies: ctx.workspace.foreignPolicies,
    from: memberOf(layout, ends.from, ends.src)?.workload,
    to: memberOf(layout, ends.to, ends.dst)?.workload,
  });
}

function groupLabel(view: ViewNode): string {
  if (!view.group) return view.id;
  const pods = `${view.pods.toLocaleString('en-US')} ${view.group.kind === 'external' ? 'blocks' : 'pods'}`;
  if (view.group.kind === 'namespace') return `namespace ${view.namespace} (${pods})`;
  if (view.group.kind === 'namespaces') return `${view.name} ${view.namespace} (${pods})`;
  return `${view.name} (${pods})`;
}

/**
 * The explanation of a pair involving a group: how many of its pod pairs are allowed and on which
 * ports, then one allowed pair (else the first pair) explained in full.
 */
function* explainGroups(
  ctx: AnalysisContext,
  layout: GraphLayout,
  from: ViewNode,
  to: ViewNode,
  locationOf: LocationOf,
  port: { protocol: 'TCP' | 'UDP' | 'SCTP'; port: number } | undefined,
): Generator<void, ExplainResult | undefined> {
  const engine = layout.engine;
  let ports = PortSet.none;
  let pairs = 0;
  let example: { src: Endpoint; dst: Endpoint } | undefined;
  let first: { src: Endpoint; dst: Endpoint } | undefined;
  const targets = endpointsOf(layout, to);
  let decided = 0;
  for (const { endpoint: src, count: na } of endpointsOf(layout, from)) {
    for (const { endpoint: dst, count: nb } of targets) {
      if (++decided % 1024 === 0) yield;
      if (src.kind === 'external' && dst.kind === 'external') continue;
      const same = src.kind === 'class' && dst.kind === 'class' && src.cls === dst.cls && from === to;
      const n = na * nb - (same ? na : 0);
      if (n <= 0) continue;
      first ??= { src, dst };
      const allowed = engine.allowed(src, dst);
      if (port ? !allowed.has(port.protocol, port.port) : allowed.isEmpty) continue;
      pairs += n;
      ports = ports.union(allowed);
      example ??= { src, dst };
    }
  }
  const chosen = example ?? first;
  if (!chosen) return undefined;
  const names = {
    from: memberOf(layout, from, chosen.src)?.node.id ?? from.id,
    to: memberOf(layout, to, chosen.dst)?.node.id ?? to.id,
  };
  const explanation = explainEndpoints(ctx, layout, { from, to, ...chosen }, names, port);
  const total = from.pods * to.pods - (from === to ? from.pods : 0);
  const unit = from.group?.kind === 'external' || to.group?.kind === 'external' ? 'pairs' : 'pod pairs';
  const summary =
    `${groupLabel(from)} → ${groupLabel(to)}: ${pairs.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} ${unit} allowed` +
    (port ? ` on ${port.protocol} ${port.port}` : pairs > 0 ? ` (on ${ports.toString()})` : '') +
    '. Expand the groups to see each connection.';
  return resultOf(explanation, { from: from.id, to: to.id }, locationOf, port, {
    allowed: pairs > 0,
    ports,
    text: `${summary}\n\nFor example, ${explanation.text}`,
  });
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
    ...(side.layered ? { decisions: decisionsJson(side.layered, locationOf, unknown, port) } : {}),
  };
}

/** The deciding rules of a layered side, in evaluation order (protocol.ts ExplainDecision). */
function decisionsJson(
  outcome: LayeredOutcome,
  locationOf: LocationOf,
  unknown: SourceLocation,
  port: ExplainResult['ports'][number] | undefined,
): ExplainDecision[] {
  const covers = (ports: PortSet) => (port ? { covers: ports.has(port.protocol, port.port) } : {});
  return [
    ...outcome.decisions.map((d) => ({
      layer: d.rule.policy.layer.title,
      rule: commonRuleRef(d.rule),
      action: d.action,
      ports: d.ports.toString(),
      ...covers(d.ports),
      location: locationOf(d.rule.origin) ?? unknown,
    })),
    ...outcome.endDenied.map((e) => ({
      layer: e.layer.layer.title,
      rule: e.layer.isolating.map(commonPolicyName).join(', '),
      action: 'isolated' as const,
      ports: e.ports.toString(),
      ...covers(e.ports),
      location: locationOf(e.layer.isolating[0]!.anchor) ?? unknown,
    })),
  ];
}

/** {@link explainWork} run to its end. */
export function explainPayload(
  ctx: AnalysisContext,
  level: ReachLevel,
  fromId: string,
  toId: string,
  locationOf: LocationOf,
  port?: { protocol: 'TCP' | 'UDP' | 'SCTP'; port: number },
  limit = VIEW_NODE_LIMIT,
): ExplainResult | undefined {
  return complete(explainWork(ctx, level, fromId, toId, locationOf, port, limit));
}

/**
 * The explanation of one pair of the view's nodes (single nodes or groups, see reach/aggregate.ts);
 * undefined when either id is unknown. A pair of groups is decided class pair by class pair, in slices
 * (the generator yields between them).
 */
export function* explainWork(
  ctx: AnalysisContext,
  level: ReachLevel,
  fromId: string,
  toId: string,
  locationOf: LocationOf,
  port?: { protocol: 'TCP' | 'UDP' | 'SCTP'; port: number },
  /** The view's node limit, as for the graph (VIEW_NODE_LIMIT unless a test sets it). */
  limit = VIEW_NODE_LIMIT,
): Generator<void, ExplainResult | undefined> {
  const layout = layoutOf(ctx, level);
  const from = resolveViewNode(layout, fromId, limit);
  if (from && toId === CLUSTER_DNS_ID) return explainDns(ctx, layout, from, locationOf, port);
  const to = resolveViewNode(layout, toId, limit);
  if (!from || !to) return undefined;
  if (from.group || to.group) return yield* explainGroups(ctx, layout, from, to, locationOf, port);
  const src = endpointsOf(layout, from)[0]?.endpoint;
  const dst = endpointsOf(layout, to)[0]?.endpoint;
  if (!src || !dst) return undefined;
  const explanation = explainEndpoints(
    ctx,
    layout,
    { from, to, src, dst },
    { from: from.id, to: to.id },
    port,
  );
  return resultOf(explanation, { from: from.id, to: to.id }, locationOf, port, {
    allowed: explanation.allowed,
    ports: explanation.ports,
    text: explanation.text,
  });
}

/** An explanation as the protocol's result: the verdict, and both sides with their rules' locations. */
function resultOf(
  explanation: Explanation,
  ids: { readonly from: string; readonly to: string },
  locationOf: LocationOf,
  port: { protocol: 'TCP' | 'UDP' | 'SCTP'; port: number } | undefined,
  summary: { readonly allowed: boolean; readonly ports: PortSet; readonly text: string },
): ExplainResult {
  const queried = port ? { protocol: port.protocol, port: port.port, endPort: port.port } : undefined;
  const side = (verdict: SideVerdict) =>
    sideJson(
      verdict,
      locationOf,
      queried,
      port ? verdict.ports.has(port.protocol, port.port) : !verdict.ports.isEmpty,
    );
  return {
    from: ids.from,
    to: ids.to,
    allowed: summary.allowed,
    ports: portsJson(summary.ports),
    text: summary.text,
    egress: side(explanation.verdict.egress),
    ingress: side(explanation.verdict.ingress),
  };
}
