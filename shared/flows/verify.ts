/**
 * The dry run: observed flows against the workspace's policies, decided by the same engine as `reach`
 * (observed traffic is another input to the model, not a second evaluator).
 *
 * Each record's endpoints are resolved to workloads of the workspace (flows/resolve.ts) and aggregated
 * into edges (source node, destination node, port, protocol) with counts, first and last time and the
 * verdicts the records carry. An edge the policies deny *would break on enforce*; its reason names the
 * side that denies and the deciding rule or the isolating policies. Connections the policies allow at
 * workload level that no flow shows are *allowed but never observed*, broadest first.
 */
import type { ClusterModel, Origin, Protocol, Workload } from '../model/types.js';
import { commonPolicyName } from '../model/rule-model.js';
import { qualifiedName } from '../model/types.js';
import type { Endpoint, ReachabilityEngine, SideVerdict } from '../reach/engine.js';
import { edgesOf, graphLayout } from '../reach/graph.js';
import type { GraphNode } from '../reach/graph.js';
import { PortSet } from '../semantics/port-set.js';
import { commonRuleRef } from '../explain/explain.js';
import type { FlowRecord, ImportResult } from './records.js';
import { widenTimes } from './records.js';
import { resolveEndpoint } from './resolve.js';
import { intentViolation } from './intent.js';
import { httpAllows } from './http.js';
import type { FlagKind } from './flag-kinds.js';
import type { Intent } from './intent.js';

export interface ObservedEdge {
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol: Protocol;
  count: number;
  first: string | undefined;
  last: string | undefined;
  /** Verdicts the flow records carry (what the cluster did when they were observed). */
  readonly observedVerdicts: Set<string>;
  /** Some record went to a cloud metadata address. */
  metadata: boolean;
  /** The addresses of an external end, as the records give them (at most 32 kept). */
  readonly addresses: Set<string>;
  /** Observed HTTP requests (`METHOD path`, at most 64 kept) with their counts, where the records say. */
  readonly http: Map<string, number>;
  readonly src: Endpoint;
  readonly dst: Endpoint;
  /** The workload-level nodes of the two ends (`from` and `to` are their ids). */
  readonly fromNode: GraphNode;
  readonly toNode: GraphNode;
}

/** One observed connection at workload level, as the report names it. */
export interface ObservedConnection {
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol: Protocol;
  /** How many records show it. */
  readonly count: number;
}

export interface VerifyReport {
  readonly summary: {
    readonly records: number;
    readonly resolved: number;
    readonly skipped: number;
    readonly edges: number;
    readonly allowed: number;
    readonly denied: number;
  };
  readonly wouldBreak: ReadonlyArray<ObservedConnection & { readonly reason: string }>;
  readonly unobserved: ReadonlyArray<{
    readonly from: string;
    readonly to: string;
    readonly ports: ReadonlyArray<{
      readonly protocol: string;
      readonly port: number;
      readonly endPort: number;
    }>;
  }>;
  /** Every observed connection, with its records' count, time range and verdicts. */
  readonly observed: ReadonlyArray<
    ObservedConnection & {
      readonly first?: string;
      readonly last?: string;
      readonly verdicts: readonly string[];
      readonly allowed: boolean;
    }
  >;
  /** Observed connections worth a second look, each with its reason (see {@link flagsOf}). */
  readonly flags: ReadonlyArray<
    ObservedConnection & {
      readonly kind: FlagKind;
      readonly reason: string;
    }
  >;
  /** Input records left out by the importers, by reason. */
  readonly skippedReasons: Readonly<Record<string, number>>;
  /** Endpoints that matched no workload of the workspace, with how many records named them. */
  readonly unresolved: ReadonlyArray<{
    readonly endpoint: string;
    readonly records: number;
    readonly why: string;
  }>;
}

/** What identifies an observed connection: its two nodes, protocol and port. */
export function connectionKey(from: string, to: string, protocol: Protocol, port: number): string {
  return `${from}\u0000${to}\u0000${protocol}\u0000${port}`;
}

/** Why an observed connection is denied: the words, and where in the workspace the denial is decided. */
export interface DenialCause {
  readonly reason: string;
  /** The deciding Deny rule, or the policies that isolate the side with no rule that allows the port. */
  readonly at: readonly Origin[];
}

/** Why one side denies a port: the deciding Deny rule, or the isolation with no rule that allows it. */
function sideCause(
  side: SideVerdict,
  protocol: Protocol,
  port: number,
  self: string,
): DenialCause | undefined {
  if (side.ports.has(protocol, port)) return undefined;
  const label = side.direction === 'egress' ? `egress of ${self}` : `ingress of ${self}`;
  const layered = side.layered;
  if (layered) {
    const deny = layered.decisions.find((d) => d.action === 'deny' && d.ports.has(protocol, port));
    if (deny) return { reason: `${label}: denied by ${commonRuleRef(deny.rule)}`, at: [deny.rule.origin] };
    const ended = layered.endDenied.find((e) => e.ports.has(protocol, port));
    if (ended)
      return {
        reason: `${label}: isolated by ${ended.layer.isolating.map(commonPolicyName).join(', ')}, and no rule allows it`,
        at: ended.layer.isolating.map((p) => p.anchor),
      };
  }
  const policies = side.isolatingPolicies.map((p) => `NetworkPolicy ${qualifiedName(p)}`).join(', ');
  return {
    reason: `${label}: isolated by ${policies || 'its policies'}, and no rule allows ${protocol} ${port}`,
    at: side.isolatingPolicies.map((p) => p.anchor),
  };
}

/** An observed connection the policies deny, with what denies it. */
export interface DeniedConnection extends ObservedConnection {
  readonly causes: readonly DenialCause[];
  /** The verdicts the records carry (`denied` alone: the cluster already dropped them when observed). */
  readonly verdicts: ReadonlySet<string>;
}

/**
 * Observed records in, one at a time (streaming: memory grows with the distinct connections and
 * endpoints, not with the records), the dry-run report out.
 */
export class FlowAggregator {
  private readonly layout;
  private readonly nodeOfWorkload: Map<Workload, GraphNode>;
  private readonly edges = new Map<string, ObservedEdge>();
  private readonly unresolved = new Map<string, { records: number; why: string }>();
  private readonly resolved = new Map<string, { node: GraphNode; endpoint: Endpoint } | { why: string }>();
  private readonly skippedReasons: Record<string, number> = {};
  private records = 0;
  private resolvedRecords = 0;
  private skipped = 0;

  constructor(
    private readonly model: ClusterModel,
    private readonly engine: ReachabilityEngine,
    /** What flags need from outside the model (flowsOf's options). */
    private readonly context: FlagContext = {},
  ) {
    this.layout = graphLayout(engine, model, 'workload');
    this.nodeOfWorkload = new Map(this.layout.nodes.flatMap((n) => n.workloads.map((w) => [w, n] as const)));
  }

  /** Counts input records an importer left out. */
  skip(reason: string, count = 1): void {
    this.skippedReasons[reason] = (this.skippedReasons[reason] ?? 0) + count;
    this.skipped += count;
    this.records += count;
  }

  addImport(result: ImportResult): void {
    for (const [reason, n] of result.skipped) this.skip(reason, n);
    for (const record of result.records) this.add(record);
  }

  add(record: FlowRecord): void {
    const src = this.resolve(record.source);
    const dst = this.resolve(record.destination);
    if (
      !('why' in src) &&
      !('why' in dst) &&
      src.endpoint.kind === 'external' &&
      dst.endpoint.kind === 'external'
    ) {
      this.skip('both ends outside the cluster', record.records ?? 1);
      return;
    }
    const records = record.records ?? 1;
    this.records += records;
    if ('why' in src || 'why' in dst) {
      for (const [end, r] of [
        [record.source, src],
        [record.destination, dst],
      ] as const) {
        if (!('why' in r)) continue;
        const key = describe(end);
        const entry = this.unresolved.get(key) ?? { records: 0, why: r.why };
        entry.records += records;
        this.unresolved.set(key, entry);
      }
      return;
    }
    this.resolvedRecords += records;
    const key = connectionKey(src.node.id, dst.node.id, record.protocol, record.port);
    let edge = this.edges.get(key);
    if (!edge) {
      edge = {
        from: src.node.id,
        to: dst.node.id,
        port: record.port,
        protocol: record.protocol,
        count: 0,
        first: undefined,
        last: undefined,
        observedVerdicts: new Set(),
        metadata: false,
        addresses: new Set(),
        http: new Map(),
        src: src.endpoint,
        dst: dst.endpoint,
        fromNode: src.node,
        toNode: dst.node,
      };
      this.edges.set(key, edge);
    }
    if (record.destination.ip !== undefined && metadataAddresses.has(record.destination.ip))
      edge.metadata = true;
    const externalIp =
      dst.endpoint.kind === 'external'
        ? record.destination.ip
        : src.endpoint.kind === 'external'
          ? record.source.ip
          : undefined;
    if (externalIp !== undefined && edge.addresses.size < 32) edge.addresses.add(externalIp);
    edge.count += record.count;
    edge.observedVerdicts.add(record.verdict);
    if (record.http && (record.http.method !== undefined || record.http.path !== undefined)) {
      const key = `${record.http.method ?? ''} ${record.http.path ?? ''}`;
      const known = edge.http.get(key);
      if (known !== undefined || edge.http.size < 64) edge.http.set(key, (known ?? 0) + record.count);
    }
    widenTimes(edge, record);
  }

  /** An endpoint's node, memoised by what identifies it. */
  private resolve(end: FlowRecord['source']): { node: GraphNode; endpoint: Endpoint } | { why: string } {
    // A pod is identified by namespace and name; without a name, by its labels or address.
    const key =
      end.pod !== undefined && end.namespace !== undefined
        ? `${end.namespace}/${end.pod}`
        : `\u0000${end.namespace ?? ''}\u0000${end.pod ?? ''}\u0000${end.ip ?? ''}\u0000${end.labels ? JSON.stringify(end.labels) : ''}`;
    let out = this.resolved.get(key);
    if (!out) {
      const r = resolveEndpoint(this.model, this.engine, end);
      if ('why' in r) out = r;
      else if (r.kind === 'workload') {
        const node = this.nodeOfWorkload.get(r.workload);
        const cls = this.engine.classOf(r.workload);
        out =
          node && cls
            ? { node, endpoint: { kind: 'class', cls } }
            : { why: 'a workload the reachability graph does not show' };
      } else {
        const node = this.layout.externalNodes.get(r.block);
        out = node ? { node, endpoint: { kind: 'external', block: r.block } } : { why: 'an unknown address' };
      }
      this.resolved.set(key, out);
    }
    return out;
  }

  /** The id of the workload-level node a workload belongs to (as the observed edges name them). */
  nodeIdOf(workload: Workload): string | undefined {
    return this.nodeOfWorkload.get(workload)?.id;
  }

  /** Whether the policies allow an observed connection. */
  allows(edge: ObservedEdge): boolean {
    return this.engine.allowed(edge.src, edge.dst).has(edge.protocol, edge.port);
  }

  /** The observed connection of a pair of nodes on a port (as the report names it), if any. */
  edge(from: string, to: string, protocol: Protocol, port: number): ObservedEdge | undefined {
    return this.edges.get(connectionKey(from, to, protocol, port));
  }

  /** The flags of the observed connections (without the rest of the report). */
  flags(): VerifyReport['flags'] {
    return flagsOf([...this.edges.values()], this.context);
  }

  /** The observed connections (for the generator). */
  observedEdges(): readonly ObservedEdge[] {
    return [...this.edges.values()];
  }

  /** The observed HTTP requests of an allowed connection that its L7 rules (both sides combined) do not pass. */
  private l7Denied(edge: ObservedEdge): Array<{ request: string; count: number; reason: string }> {
    if (edge.http.size === 0) return [];
    const restriction = this.engine
      .verdict(edge.src, edge.dst)
      .http?.find((h) => h.ports.has(edge.protocol, edge.port));
    if (!restriction) return [];
    const out: Array<{ request: string; count: number; reason: string }> = [];
    for (const [request, count] of edge.http) {
      const space = request.indexOf(' ');
      const method = request.slice(0, space) || undefined;
      const path = request.slice(space + 1).replace(/[?#].*$/, '') || undefined;
      if (!httpAllows(restriction.rules, method, path))
        out.push({
          request,
          count,
          reason: `the L7 rules on ${edge.protocol} ${edge.port} allow only ${restriction.rules
            .map((r) => [r.method, r.path].filter((x) => x !== undefined).join(' ') || 'any request')
            .join(', ')}`,
        });
    }
    return out;
  }

  /** Why the policies deny an observed connection (the egress side first), or undefined when they allow it. */
  private denial(edge: ObservedEdge): DenialCause[] | undefined {
    if (this.allows(edge)) return undefined;
    const verdict = this.engine.verdict(edge.src, edge.dst);
    return [
      sideCause(verdict.egress, edge.protocol, edge.port, edge.from),
      sideCause(verdict.ingress, edge.protocol, edge.port, edge.to),
    ].filter((c): c is DenialCause => c !== undefined);
  }

  /**
   * The observed connections the policies deny, each with its causes: what the editor's live diagnostics
   * read (cheaper than the report: no list of what is allowed but never observed).
   */
  denied(): DeniedConnection[] {
    const out: DeniedConnection[] = [];
    for (const edge of this.edges.values()) {
      const causes = this.denial(edge);
      if (causes)
        out.push({
          from: edge.from,
          to: edge.to,
          port: edge.port,
          protocol: edge.protocol,
          count: edge.count,
          causes,
          verdicts: edge.observedVerdicts,
        });
    }
    return out;
  }

  /** Input records read (skipped ones included) and how many resolved to workloads of the workspace. */
  counts(): { readonly records: number; readonly resolved: number } {
    return { records: this.records, resolved: this.resolvedRecords };
  }

  report(): VerifyReport {
    const wouldBreak: Array<VerifyReport['wouldBreak'][number]> = [];
    const observed: Array<VerifyReport['observed'][number]> = [];
    let allowed = 0;
    const observedPorts = new Map<string, PortSet>();
    for (const edge of this.edges.values()) {
      const pair = `${edge.from}\u0000${edge.to}`;
      observedPorts.set(
        pair,
        (observedPorts.get(pair) ?? PortSet.none).union(PortSet.range(edge.protocol, edge.port)),
      );
      const cause = this.denial(edge);
      observed.push({
        from: edge.from,
        to: edge.to,
        port: edge.port,
        protocol: edge.protocol,
        count: edge.count,
        ...(edge.first ? { first: edge.first, last: edge.last } : {}),
        verdicts: [...edge.observedVerdicts].sort(),
        allowed: cause === undefined,
      });
      if (!cause) {
        // Allowed on the port; where only some HTTP requests pass (L7 rules), the observed ones that do not.
        const l7 = this.l7Denied(edge);
        if (l7.length === 0) allowed++;
        for (const { request, count, reason } of l7)
          wouldBreak.push({
            from: edge.from,
            to: edge.to,
            port: edge.port,
            protocol: edge.protocol,
            count,
            reason: `HTTP ${request}: ${reason}`,
          });
        continue;
      }
      wouldBreak.push({
        from: edge.from,
        to: edge.to,
        port: edge.port,
        protocol: edge.protocol,
        count: edge.count,
        reason: cause.map((c) => c.reason).join('; ') || 'denied',
      });
    }
    wouldBreak.sort((a, b) => (a.to < b.to ? -1 : a.to > b.to ? 1 : b.count - a.count));

    // Allowed at workload level but never observed: broadest first (every port, the internet, then by size).
    const unobserved: Array<VerifyReport['unobserved'][number] & { score: number; size: number }> = [];
    for (const edge of edgesOf(this.layout)) {
      const seen = observedPorts.get(`${edge.from.id}\u0000${edge.to.id}`) ?? PortSet.none;
      const rest = edge.ports.subtract(seen);
      if (rest.isEmpty) continue;
      const ranges = rest.toRanges();
      const size = ranges.reduce((n, r) => n + r.endPort - r.port + 1, 0);
      const external = edge.from.kind === 'External' || edge.to.kind === 'External';
      unobserved.push({
        from: edge.from.id,
        to: edge.to.id,
        ports: ranges.map((r) => ({ protocol: r.protocol, port: r.port, endPort: r.endPort })),
        score: (rest.isAll ? 2 : 0) + (external ? 1 : 0),
        size,
      });
    }
    unobserved.sort(
      (a, b) => b.score - a.score || b.size - a.size || (a.from < b.from ? -1 : a.from > b.from ? 1 : 0),
    );

    return {
      summary: {
        records: this.records,
        resolved: this.resolvedRecords,
        skipped: this.skipped,
        edges: this.edges.size,
        allowed,
        denied: wouldBreak.length,
      },
      wouldBreak,
      unobserved: unobserved.map(({ from, to, ports }) => ({ from, to, ports })),
      flags: flagsOf([...this.edges.values()], this.context),
      observed: observed.sort((a, b) =>
        a.from < b.from ? -1 : a.from > b.from ? 1 : a.to < b.to ? -1 : a.to > b.to ? 1 : a.port - b.port,
      ),
      skippedReasons: { ...this.skippedReasons },
      unresolved: [...this.unresolved]
        .map(([endpoint, v]) => ({ endpoint, records: v.records, why: v.why }))
        .sort((a, b) => b.records - a.records),
    };
  }
}

export function verifyFlows(
  model: ClusterModel,
  engine: ReachabilityEngine,
  imports: readonly ImportResult[],
): VerifyReport {
  const aggregator = new FlowAggregator(model, engine);
  for (const result of imports) aggregator.addImport(result);
  return aggregator.report();
}

/** Cloud instance metadata endpoints (AWS, GCP, Azure, OpenStack; AWS over IPv6). */
const metadataAddresses: ReadonlySet<string> = new Set(['169.254.169.254', 'fd00:ec2::254']);

/**
 * Observed connections worth a second look:
 * - `metadata-endpoint`: to the cloud metadata endpoint, which hands out the node's credentials;
 * - `kube-system`: into kube-system on anything but DNS (53);
 * - `undeclared-port`: to a port no container of the destination declares, while it declares others
 *   (a debug port, a sidecar the manifests do not show, or a scan);
 * - `skips-a-tier`: A → C observed while A → B and B → C are too (frontend → api → db, and frontend → db):
 *   a client bypassing the tier in between. DNS and kube-system are left out;
 * - `external-unexposed` (with the workspace's entry points): from outside the cluster to a workload that
 *   nothing in the workspace exposes (no NodePort or LoadBalancer Service, Ingress, Route or HTTPRoute leads
 *   to it);
 * - `intent-violation` (with an intent file): a connection between two ends the file names that none of
 *   its `allow` entries permits.
 */
export interface FlagContext {
  /**
   * The workloads the workspace exposes outside the cluster (flows/entry-points.ts); with them, flows
   * from outside to any other workload are flagged.
   */
  readonly entryPoints?: ReadonlySet<Workload>;
  /** An intent file (flows/intent.ts): observed connections it does not allow are flagged. */
  readonly intent?: Intent;
  /** The kinds to report (`netpolScope.flowFlags`, `--flags`); absent: all. */
  readonly kinds?: ReadonlySet<FlagKind>;
}

export function flagsOf(edges: readonly ObservedEdge[], context: FlagContext = {}): VerifyReport['flags'] {
  const { entryPoints, intent, kinds } = context;
  const out: Array<VerifyReport['flags'][number]> = [];
  const flag = (kind: FlagKind, e: ObservedEdge, reason: string) => {
    if (!kinds || kinds.has(kind))
      out.push({ kind, from: e.from, to: e.to, port: e.port, protocol: e.protocol, count: e.count, reason });
  };
  const workload = (e: Endpoint) => (e.kind === 'class' ? e.cls.representative : undefined);
  const peersOf = new Map<string, Set<string>>();
  const tiered = edges.filter(
    (e) =>
      e.port !== 53 &&
      e.src.kind === 'class' &&
      e.dst.kind === 'class' &&
      workload(e.dst)?.namespace !== 'kube-system',
  );
  for (const e of tiered) {
    let set = peersOf.get(e.from);
    if (!set) peersOf.set(e.from, (set = new Set()));
    set.add(e.to);
  }
  for (const e of edges) {
    const dst = workload(e.dst);
    if (e.metadata)
      flag('metadata-endpoint', e, "to the cloud metadata endpoint, which hands out the node's credentials");
    if (dst?.namespace === 'kube-system' && e.port !== 53)
      flag('kube-system', e, `into kube-system on ${e.protocol} ${e.port}, which is not DNS`);
    if (
      entryPoints &&
      e.src.kind === 'external' &&
      e.dst.kind === 'class' &&
      !e.toNode.workloads.some((w) => entryPoints.has(w))
    )
      flag(
        'external-unexposed',
        e,
        `from outside the cluster (${[...e.addresses].slice(0, 3).join(', ') || e.from}) to ${e.to}, which nothing in the workspace exposes (no NodePort or LoadBalancer Service, Ingress, Route or HTTPRoute leads to it)`,
      );
    const src = workload(e.src);
    const violation = intent && src && dst && intentViolation(intent, src, dst, e.protocol, e.port);
    if (violation) flag('intent-violation', e, violation);
    if (dst && dst.ports.length > 0 && !dst.ports.some((p) => p.port === e.port && p.protocol === e.protocol))
      flag(
        'undeclared-port',
        e,
        `to ${e.protocol} ${e.port}, which no container of ${e.to} declares (it declares ${dst.ports.map((p) => `${p.protocol} ${p.port}`).join(', ')})`,
      );
  }
  for (const e of tiered) {
    const middle = [...(peersOf.get(e.from) ?? [])].find(
      (b) => b !== e.to && b !== e.from && (peersOf.get(b)?.has(e.to) ?? false),
    );
    if (middle)
      flag(
        'skips-a-tier',
        e,
        `${e.from} also reaches ${e.to} through ${middle}: this connection bypasses it`,
      );
  }
  return out;
}

function describe(end: FlowRecord['source']): string {
  if (end.namespace && end.pod) return `${end.namespace}/${end.pod}`;
  if (end.namespace) return `${end.namespace}/?`;
  return end.ip ?? end.name ?? '?';
}
