/**
 * The reachability engine: for every ordered pair of endpoints (pod classes and external blocks), the
 * ports on which traffic is allowed, and why.
 *
 * A connection is allowed on a port when the source's egress side and the destination's ingress side
 * both allow it (see semantics/policy-semantics.ts for the rules and their sources). Each side is either
 * not isolated (everything allowed) or isolated by the policies that select the pod for that direction,
 * in which case the union of their matching rules' ports is allowed.
 *
 * Speed, for clusters of tens of thousands of pods:
 * - classes (reach/classes.ts) and external blocks (reach/externals.ts) stand for many pods and
 *   addresses; every endpoint has an integer id (classes first, then external blocks), and the hot
 *   maps are keyed by those ids;
 * - pods isolated by the same set of policies share one "profile";
 * - each peer's matching endpoints are computed once, finding candidate classes through an index by
 *   namespace and label (the semantics functions then confirm every candidate), and peers with equal
 *   selectors share the result;
 * - within a profile, endpoints matched by the same rules share a "signature", and the ports a side
 *   allows are memoised per signature and destination port layout (named ports resolve per layout).
 */
import type {
  ClusterModel,
  Direction,
  LabelSelector,
  NamespaceInfo,
  NetworkPolicy,
  PodPeer,
  PolicyPeer,
  PolicyRule,
  Workload,
} from '../model/types.js';
import { PortSet } from '../semantics/port-set.js';
import { IpRangeSet, formatRange, parseAddress } from '../semantics/ip-set.js';
import {
  namespaceLabels,
  peerMatchesWorkload,
  policySelects,
  portsOfRule,
  rulesOf,
} from '../semantics/policy-semantics.js';
import { selectorKey, selectorMatches } from '../semantics/selector.js';
import { buildClasses, labelRelevance } from './classes.js';
import { pushTo } from '../collections.js';
import type { PodClass } from './classes.js';
import { ExternalIndex, buildExternalBlocks, nameBlocks } from './externals.js';
import type { CommonPolicy, CommonRule, MatchContext, WorkloadSet } from '../model/rule-model.js';
import type { CniPlugin } from '../settings.js';
import { layeredPolicies } from '../policy-apis/plan.js';
import { combineHttp, evaluateLayers, orderRules } from './layers.js';
import type { HttpRestriction, LayeredOutcome, LayeredProfile, ProfileTable } from './layers.js';
import type { ExternalBlock } from './externals.js';

export type Endpoint =
  | { readonly kind: 'class'; readonly cls: PodClass }
  | { readonly kind: 'external'; readonly block: ExternalBlock };

/** A key naming an endpoint (`c3` a class, `x1` an external block), for maps and sets of endpoints. */
export function endpointKey(e: Endpoint): string {
  return e.kind === 'class' ? `c${e.cls.id}` : `x${e.block.id}`;
}

export interface RuleGrant {
  readonly policy: NetworkPolicy;
  readonly rule: PolicyRule;
  /** The ports this rule opens for the pair. */
  readonly ports: PortSet;
}

/** One side (egress of the source, or ingress of the destination) of a pair. */
export interface SideVerdict {
  readonly direction: Direction;
  /** False when no policy selects the pod for this direction (or the endpoint is external). */
  readonly isolated: boolean;
  /** The policies that select the pod for this direction. */
  readonly isolatingPolicies: readonly NetworkPolicy[];
  /** The rules whose peers match the other endpoint, with the ports each opens (possibly none). */
  readonly grants: readonly RuleGrant[];
  /** Everything when not isolated, else the union of the grants' ports. */
  readonly ports: PortSet;
  /** Where policies of other APIs take part: the walk through the layers (reach/layers.ts). */
  readonly layered?: LayeredOutcome;
}

export interface PairVerdict {
  readonly egress: SideVerdict;
  readonly ingress: SideVerdict;
  /** Allowed ports: egress ∩ ingress. */
  readonly ports: PortSet;
  /** Ports on which only some HTTP requests pass (Cilium L7 rules); absent or empty: every request. */
  readonly http?: readonly HttpRestriction[];
}

/** A rule of a profile's policies, with the endpoint ids its peers match ('all' when it has no peers). */
interface RuleEntry {
  readonly policy: NetworkPolicy;
  readonly rule: PolicyRule;
  readonly matched: ReadonlyArray<Int32Array> | 'all';
}

/** What {@link ReachabilityEngine.tableOf} reads: v1 and layered profiles alike. */
interface TabledProfile {
  readonly entries: ReadonlyArray<{ readonly matched: ReadonlyArray<Int32Array> | 'all' }>;
  table: ProfileTable | undefined;
}

interface Profile {
  readonly policies: readonly NetworkPolicy[];
  /** The rules of the policies for the profile's direction, in policy order. */
  readonly entries: readonly RuleEntry[];
  /** True when some rule of the profile matches every peer. */
  readonly matchesAll: boolean;
  /** Built on first use. */
  table: ProfileTable | undefined;
}

/** The empty answer of peer matching, shared. */
const NO_IDS = new Int32Array(0);

export class ReachabilityEngine {
  readonly classes: readonly PodClass[];
  readonly externals: readonly ExternalBlock[];
  /** Policies taking part in the analysis (those the API server would accept). */
  readonly policies: readonly NetworkPolicy[];
  private readonly ipBlocks: IpRangeSet[] = [];
  /** Indexes of the ipBlocks holding every address of a family; built on first use. */
  private wholeFamilyHits: readonly number[] | undefined;
  private readonly ipBlockIndex = new Map<string, number>();
  /** `cidr except …` of the first ipBlock peer with each distinct address set. */
  private readonly ipBlockTexts: string[] = [];
  private readonly externalIndex: ExternalIndex;
  private readonly classOfWorkload = new Map<Workload, PodClass>();
  /** Endpoint objects by id: classes, then external blocks. */
  private readonly endpoints: Endpoint[];
  /** Destination port layout of each endpoint (external blocks have their own layout). */
  private readonly layoutOf: Int32Array;
  private layoutCount = 0;
  private readonly egressProfileOf: Array<Profile | undefined>;
  private readonly ingressProfileOf: Array<Profile | undefined>;
  private readonly peerIndex: PeerIndex;
  /** The policies of every API in the common rule model, when other APIs than v1 take part. */
  readonly layered: readonly CommonPolicy[] | undefined;
  private readonly layeredEgressOf: LayeredProfile[] = [];
  private readonly layeredIngressOf: LayeredProfile[] = [];
  private readonly setCache = new Map<string, Int32Array>();
  private readonly matchContext: MatchContext;

  /**
   * `ipBlocksMatchPods`: an ipBlock that holds every address of a family (0.0.0.0/0, ::/0, no except)
   * matches pods whose IPs the manifests do not show, as on Calico and in the upstream e2e tests (any pod
   * IP is inside it); settings.ts `ipBlocksMatchPods`. Narrower blocks match only the IPs the manifests
   * carry. Off by default (the reference semantics of the peer suites).
   */
  constructor(
    model: ClusterModel,
    readonly options: {
      readonly ipBlocksMatchPods?: boolean;
      readonly cni?: CniPlugin;
      /** The CNI's version (settings.ts `cniVersion`); empty: the latest. */
      readonly cniVersion?: string;
    } = {},
  ) {
    this.policies = model.policies.filter((p) => !p.rejected);
    this.layered = layeredPolicies(model, options.cni ?? 'unknown', options.cniVersion ?? '');
    for (const set of layeredSets(this.layered ?? []))
      for (const ranges of set.ranges) this.ipBlockId(ranges, ranges.toString());
    for (const policy of this.policies) {
      for (const rule of effectiveRules(policy)) {
        if (rule.peers === 'all') continue;
        for (const peer of rule.peers) {
          if (peer.kind === 'ipBlock') this.ipBlockId(peer.ranges, ipBlockText(peer.cidr, peer.except));
        }
      }
    }
    const addressBlocks = buildExternalBlocks(this.ipBlocks);
    this.externalIndex = new ExternalIndex(addressBlocks);
    // External names (Cilium toFQDNs) are endpoints of their own, after the address blocks.
    const names = [
      ...new Set((this.layered ?? []).flatMap((p) => p.rules.flatMap((r) => r.fqdns ?? []))),
    ].sort();
    const v4Hits: number[] = [];
    this.ipBlocks.forEach((ranges, index) => {
      if (ranges.contains(IpRangeSet.allV4)) v4Hits.push(index);
    });
    this.externals = [...addressBlocks, ...nameBlocks(names, addressBlocks.length, v4Hits)];
    const relevance = labelRelevance(podSelectorsOf(this.policies));
    const sets = layeredSets(this.layered ?? []);
    for (const set of sets) {
      for (const [key, values] of set.labelUse) {
        let known = relevance.get(key);
        if (!known) relevance.set(key, (known = new Set()));
        for (const v of values) known.add(v);
      }
    }
    this.classes = buildClasses(
      model.workloads,
      (ips) => this.ipHitsOf(ips),
      relevance,
      sets.some((s) => s.readsServiceAccount) ? (w) => w.serviceAccount ?? 'default' : undefined,
    );
    for (const cls of this.classes) for (const m of cls.members) this.classOfWorkload.set(m, cls);
    this.endpoints = [
      ...this.classes.map((cls): Endpoint => ({ kind: 'class', cls })),
      ...this.externals.map((block): Endpoint => ({ kind: 'external', block })),
    ];
    this.layoutOf = this.portLayouts();
    this.peerIndex = new PeerIndex(this.classes, this.externals, this.ipBlocks.length, model.namespaces);

    // Profiles: the set of policies isolating a class, per direction.
    const profiles = new Map<string, Profile>();
    const byNamespace = new Map<string, Array<{ policy: NetworkPolicy; index: number }>>();
    this.policies.forEach((policy, index) => {
      const list = byNamespace.get(policy.namespace);
      if (list) list.push({ policy, index });
      else byNamespace.set(policy.namespace, [{ policy, index }]);
    });
    this.egressProfileOf = [];
    this.ingressProfileOf = [];
    this.matchContext = {
      namespaces: model.namespaces,
      namespaceLabels: (ns) => namespaceLabels(model.namespaces, ns),
      serviceAccountLabels: (ns, name) => model.serviceAccounts?.get(`${ns}/${name}`) ?? {},
      hasAddressIn: (w, ranges) => {
        const index = this.ipBlockIndex.get(ranges.key);
        const cls = this.classOfWorkload.get(w);
        return index !== undefined && cls !== undefined && cls.ipHits.includes(index);
      },
    };
    if (this.layered) {
      this.buildLayeredProfiles(this.layered);
      return;
    }
    for (const cls of this.classes) {
      const selecting = (byNamespace.get(cls.namespace) ?? []).filter(({ policy }) =>
        policySelects(policy, cls.representative),
      );
      this.egressProfileOf.push(this.profileFor(profiles, selecting, 'egress'));
      this.ingressProfileOf.push(this.profileFor(profiles, selecting, 'ingress'));
    }
  }

  classOf(workload: Workload): PodClass | undefined {
    return this.classOfWorkload.get(workload);
  }

  /** The external block holding an address, if the address is valid. */
  externalOf(address: string): ExternalBlock | undefined {
    return this.externalIndex.blockOfText(address);
  }

  /** Allowed ports from `src` to `dst`: the fast path of {@link verdict}, without the reasons. */
  allowed(src: Endpoint, dst: Endpoint): PortSet {
    if (src.kind === 'external' && dst.kind === 'external') return PortSet.none;
    return this.allowedById(this.idOf(src), this.idOf(dst));
  }

  /** The full verdict for a pair: both sides with their isolating policies and matching rules. */
  verdict(src: Endpoint, dst: Endpoint): PairVerdict {
    if (this.layered) {
      const egress = this.layeredSide('egress', src, dst);
      const ingress = this.layeredSide('ingress', dst, src);
      const ports = egress.ports.intersect(ingress.ports);
      const http = combineHttp(egress.layered?.http ?? [], ingress.layered?.http ?? [], ports);
      return { egress, ingress, ports, ...(http.length > 0 ? { http } : {}) };
    }
    const egress = this.side('egress', src, dst);
    const ingress = this.side('ingress', dst, src);
    return { egress, ingress, ports: egress.ports.intersect(ingress.ports) };
  }

  /** Builds the layered profile of every class, per direction (classes with equal rule sets share one). */
  private buildLayeredProfiles(policies: readonly CommonPolicy[]): void {
    const profiles = new Map<string, LayeredProfile>();
    const indexOf = new Map<CommonPolicy, number>();
    const ruleIds = new Map<CommonRule, number>();
    // A namespaced policy applies only in its namespace; cluster-scoped ones anywhere.
    const byNamespace = new Map<string, CommonPolicy[]>();
    const clusterScoped: CommonPolicy[] = [];
    policies.forEach((p, index) => {
      indexOf.set(p, index);
      for (const r of p.rules) ruleIds.set(r, ruleIds.size);
      if (p.namespace === undefined) clusterScoped.push(p);
      else pushTo(byNamespace, p.namespace, p);
    });
    for (const cls of this.classes) {
      const w = cls.representative;
      const candidates = [...(byNamespace.get(cls.namespace) ?? []), ...clusterScoped];
      const applying = candidates
        .filter((p) => p.subject.matchesWorkload(w, this.matchContext))
        .sort((a, b) => indexOf.get(a)! - indexOf.get(b)!);
      for (const direction of ['egress', 'ingress'] as const) {
        const members = applying.filter((p) => (direction === 'egress' ? p.affectsEgress : p.affectsIngress));
        const includes = (r: CommonRule) => !r.self || r.self.matchesWorkload(w, this.matchContext);
        // Only rules with criteria on the policy's own side differ between classes with the same policies.
        const excluded = members.flatMap((p) =>
          p.rules
            .filter((r) => r.self && r.direction === direction && !includes(r))
            .map((r) => ruleIds.get(r)),
        );
        const key = `${direction}:${members.map((p) => indexOf.get(p)).join(',')}:${excluded.join(',')}`;
        let profile = profiles.get(key);
        if (!profile) {
          const { layers, rules } = orderRules(members, direction, includes);
          const entries = rules.map(({ rule, layer }) => ({
            rule,
            layer,
            matched:
              rule.peers === 'all' ? ('all' as const) : rule.peers.map((peer) => this.setMatches(peer)),
          }));
          profile = {
            direction,
            policies: members,
            layers,
            entries,
            decides: entries.length > 0 || layers.some((l) => l.isolating.length > 0),
            table: undefined,
            fast: undefined,
          };
          profiles.set(key, profile);
        }
        (direction === 'egress' ? this.layeredEgressOf : this.layeredIngressOf)[cls.id] = profile;
      }
    }
  }

  /** The endpoint ids a set matches (classes by their representative, external blocks by range). */
  private setMatches(set: WorkloadSet): Int32Array {
    let ids = this.setCache.get(set.key);
    if (!ids) {
      const out: number[] = [];
      for (const cls of this.classes)
        if (set.matchesWorkload(cls.representative, this.matchContext)) out.push(cls.id);
      for (const block of this.externals)
        if ((block.name !== undefined && set.matchesName?.(block.name)) || set.matchesAddresses(block.ranges))
          out.push(this.classes.length + block.id);
      ids = Int32Array.from(out);
      this.setCache.set(set.key, ids);
    }
    return ids;
  }

  /** The layered profile of an endpoint for a direction (external blocks have none: nothing applies). */
  private layeredProfileOf(direction: Direction, id: number): LayeredProfile | undefined {
    return (direction === 'egress' ? this.layeredEgressOf : this.layeredIngressOf)[id];
  }

  private layeredPorts(direction: Direction, selfId: number, otherId: number, dstId: number): PortSet {
    const profile = this.layeredProfileOf(direction, selfId);
    if (!profile?.decides) return PortSet.all;
    // The hot path of a layered workspace: signatures by endpoint id and ports by signature and layout in
    // arrays, built on first use (the table's maps stay the reference).
    const table = this.tableOf(profile);
    let fast = profile.fast;
    if (!fast) {
      const signatureOf = new Int32Array(this.endpoints.length);
      for (const [id, signature] of table.signatureOf) signatureOf[id] = signature;
      profile.fast = fast = { signatureOf, ports: [] };
    }
    const signature = fast.signatureOf[otherId]!;
    const key = signature * this.layoutCount + this.layoutOf[dstId]!;
    let ports = fast.ports[key];
    if (ports === undefined) {
      ports = evaluateLayers(
        profile,
        table.signatures[signature]!,
        this.destinationPorts(dstId),
        false,
      ).allowed;
      fast.ports[key] = ports;
    }
    return ports;
  }

  private layeredSide(direction: Direction, self: Endpoint, other: Endpoint): SideVerdict {
    const profile = self.kind === 'class' ? this.layeredProfileOf(direction, self.cls.id) : undefined;
    if (!profile)
      return { direction, isolated: false, isolatingPolicies: [], grants: [], ports: PortSet.all };
    const table = this.tableOf(profile);
    const signature = table.signatureOf.get(this.idOf(other)) ?? 0;
    const destinationPorts = this.destinationPorts(this.idOf(direction === 'egress' ? other : self));
    const outcome = evaluateLayers(profile, table.signatures[signature]!, destinationPorts, true);
    const v1Policies = profile.policies.flatMap((p) => (p.v1 ? [p.v1] : []));
    const grants: RuleGrant[] = [];
    for (const d of outcome.decisions) {
      const v1 = d.rule.policy.v1;
      if (d.action !== 'allow' || !v1) continue;
      const rule = (direction === 'egress' ? v1.egress : v1.ingress)[d.rule.index];
      if (rule) grants.push({ policy: v1, rule, ports: d.ports });
    }
    return {
      direction,
      isolated: profile.layers.some((l) => l.isolating.length > 0),
      isolatingPolicies: v1Policies.filter((p) =>
        direction === 'egress' ? p.affectsEgress : p.affectsIngress,
      ),
      grants,
      ports: outcome.allowed,
      layered: outcome,
    };
  }

  /**
   * Every destination endpoint that `src` may reach on some port, with the ports. Walks only the
   * candidates the source's egress side allows.
   */
  reachableFrom(src: Endpoint): Array<{ dst: Endpoint; ports: PortSet }> {
    const out: Array<{ dst: Endpoint; ports: PortSet }> = [];
    this.forEachReachable(src, (dst, ports) => out.push({ dst, ports }));
    return out;
  }

  /** {@link reachableFrom} without building the list: for callers that only count or aggregate. */
  forEachReachable(src: Endpoint, visit: (dst: Endpoint, ports: PortSet) => void): void {
    const srcId = this.idOf(src);
    const profile = src.kind === 'class' ? this.egressProfileOf[srcId] : undefined;
    const consider = (dstId: number) => {
      const ports = this.allowedById(srcId, dstId);
      if (!ports.isEmpty) visit(this.endpoints[dstId]!, ports);
    };
    if (profile && !profile.matchesAll && !this.layered) {
      // Only endpoints some egress rule matches can be reached; in the order the rules match them.
      for (const dstId of this.tableOf(profile).signatureOf.keys()) consider(dstId);
    } else {
      const last = src.kind === 'class' ? this.endpoints.length : this.classes.length;
      for (let dstId = 0; dstId < last; dstId++) consider(dstId);
    }
  }

  private idOf(e: Endpoint): number {
    return e.kind === 'class' ? e.cls.id : this.classes.length + e.block.id;
  }

  private allowedById(srcId: number, dstId: number): PortSet {
    if (this.layered) {
      const egress = this.layeredPorts('egress', srcId, dstId, dstId);
      if (egress.isEmpty) return egress;
      const ingress = this.layeredPorts('ingress', dstId, srcId, dstId);
      return egress.intersect(ingress);
    }
    const egress = this.sidePorts(this.egressProfileOf[srcId], dstId, dstId);
    if (egress.isEmpty) return egress;
    const ingress = this.sidePorts(this.ingressProfileOf[dstId], srcId, dstId);
    if (egress.isAll) return ingress;
    if (ingress.isAll) return egress;
    return egress.intersect(ingress);
  }

  /**
   * The ports one side allows: `profile` is the side's own profile (undefined: not isolated), `otherId`
   * the endpoint at the other end, `dstId` the destination, on which named ports resolve.
   */
  private sidePorts(profile: Profile | undefined, otherId: number, dstId: number): PortSet {
    if (!profile) return PortSet.all;
    const table = this.tableOf(profile);
    const signature = table.signatureOf.get(otherId) ?? 0;
    if (signature === 0 && !profile.matchesAll) return PortSet.none;
    const key = signature * this.layoutCount + this.layoutOf[dstId]!;
    let ports = table.ports.get(key);
    if (ports === undefined) {
      const destinationPorts = this.destinationPorts(dstId);
      ports = PortSet.none;
      for (const entry of table.signatures[signature]!)
        ports = ports.union(portsOfRule(profile.entries[entry]!.rule, destinationPorts));
      table.ports.set(key, ports);
    }
    return ports;
  }

  private side(direction: Direction, self: Endpoint, other: Endpoint): SideVerdict {
    const profile =
      self.kind === 'class'
        ? (direction === 'egress' ? this.egressProfileOf : this.ingressProfileOf)[self.cls.id]
        : undefined;
    if (!profile)
      return { direction, isolated: false, isolatingPolicies: [], grants: [], ports: PortSet.all };
    const table = this.tableOf(profile);
    const signature = table.signatureOf.get(this.idOf(other)) ?? 0;
    // Named ports resolve on the destination: `other` on the egress side, `self` on the ingress side.
    const destinationPorts = this.destinationPorts(this.idOf(direction === 'egress' ? other : self));
    const grants = table.signatures[signature]!.map((entry) => {
      const { policy, rule } = profile.entries[entry]!;
      return { policy, rule, ports: portsOfRule(rule, destinationPorts) };
    });
    const ports = grants.reduce((acc, g) => acc.union(g.ports), PortSet.none);
    return { direction, isolated: true, isolatingPolicies: profile.policies, grants, ports };
  }

  private destinationPorts(id: number) {
    const endpoint = this.endpoints[id]!;
    return endpoint.kind === 'class' ? endpoint.cls.representative.ports : undefined;
  }

  /** Numbers the distinct container-port layouts; external blocks get a layout of their own. */
  private portLayouts(): Int32Array {
    const ids = new Map<string, number>([['<external>', 0]]);
    const out = new Int32Array(this.endpoints.length);
    for (const cls of this.classes) {
      const key = cls.representative.ports.map((p) => `${p.name ?? ''}/${p.port}/${p.protocol}`).join(',');
      let id = ids.get(key);
      if (id === undefined) ids.set(key, (id = ids.size));
      out[cls.id] = id;
    }
    this.layoutCount = ids.size;
    return out;
  }

  /** Which rules of a profile match which endpoints. */
  private tableOf(profile: TabledProfile): ProfileTable {
    if (profile.table) return profile.table;
    const everyone: number[] = [];
    const own = new Map<number, number[]>();
    profile.entries.forEach((entry, index) => {
      if (entry.matched === 'all') {
        everyone.push(index);
        // Endpoints matched earlier get this rule too (keeping the entries ascending).
        for (const list of own.values()) list.push(index);
        return;
      }
      for (const ids of entry.matched) {
        for (const id of ids) {
          let list = own.get(id);
          if (!list) own.set(id, (list = [...everyone]));
          // A rule with several peers matching the endpoint counts once.
          if (list[list.length - 1] !== index) list.push(index);
        }
      }
    });
    const signatures: number[][] = [everyone];
    const signatureIds = new Map<string, number>([[everyone.join(','), 0]]);
    const signatureOf = new Map<number, number>();
    for (const [id, list] of own) {
      const key = list.join(',');
      let signature = signatureIds.get(key);
      if (signature === undefined) {
        signature = signatures.length;
        signatures.push(list);
        signatureIds.set(key, signature);
      }
      signatureOf.set(id, signature);
    }
    profile.table = { signatureOf, signatures, ports: new Map() };
    return profile.table;
  }

  private profileFor(
    profiles: Map<string, Profile>,
    selecting: ReadonlyArray<{ policy: NetworkPolicy; index: number }>,
    direction: Direction,
  ): Profile | undefined {
    const applying = selecting.filter(({ policy }) =>
      direction === 'egress' ? policy.affectsEgress : policy.affectsIngress,
    );
    if (applying.length === 0) return undefined;
    const key = `${direction}:${applying.map(({ index }) => index).join(',')}`;
    let profile = profiles.get(key);
    if (!profile) {
      const policies = applying.map(({ policy }) => policy);
      const entries: RuleEntry[] = [];
      for (const policy of policies) {
        for (const rule of rulesOf(policy, direction)) {
          const matched =
            rule.peers === 'all' ? 'all' : rule.peers.map((peer) => this.peerMatches(peer, policy));
          entries.push({ policy, rule, matched });
        }
      }
      profile = {
        policies,
        entries,
        matchesAll: entries.some((e) => e.matched === 'all'),
        table: undefined,
      };
      profiles.set(key, profile);
    }
    return profile;
  }

  private peerMatches(peer: PolicyPeer, policy: NetworkPolicy): Int32Array {
    if (peer.kind === 'ipBlock') {
      const index = this.ipBlockIndex.get(peer.ranges.key);
      return index === undefined ? NO_IDS : this.peerIndex.ipBlockMatches(index);
    }
    return this.peerIndex.podPeerMatches(peer, policy);
  }

  /**
   * Ascending indexes of the distinct ipBlocks holding one of the addresses; for a pod without known
   * addresses, those holding every address of a family when `ipBlocksMatchPods` is set.
   */
  private ipHitsOf(ips: readonly string[]): readonly number[] {
    if (this.ipBlocks.length === 0) return [];
    if (ips.length === 0) {
      if (!this.options.ipBlocksMatchPods) return [];
      // The same for every such pod (every template): found once.
      if (!this.wholeFamilyHits) {
        const out: number[] = [];
        this.ipBlocks.forEach((ranges, index) => {
          if (holdsWholeFamily(ranges)) out.push(index);
        });
        this.wholeFamilyHits = out;
      }
      return this.wholeFamilyHits;
    }
    const hits = new Set<number>();
    for (const ip of ips) {
      const address = parseAddress(ip);
      const block = address && this.externalIndex.blockOf(address.family, address.value);
      if (block) for (const hit of block.hitList) hits.add(hit);
    }
    return [...hits].sort((a, b) => a - b);
  }

  private ipBlockId(ranges: IpRangeSet, text: string): number {
    let id = this.ipBlockIndex.get(ranges.key);
    if (id === undefined) {
      id = this.ipBlocks.length;
      this.ipBlocks.push(ranges);
      this.ipBlockTexts.push(text);
      this.ipBlockIndex.set(ranges.key, id);
    }
    return id;
  }

  /**
   * A readable name for an external block: the ipBlock it is exactly (`0.0.0.0/0 except 10.0.0.0/8`),
   * "addresses outside every ipBlock", or "any address" when no policy uses an ipBlock.
   */
  describeBlock(block: ExternalBlock): string {
    if (block.name !== undefined) return block.name;
    if (this.ipBlocks.length === 0) return 'any address';
    for (const index of block.hitList) {
      if (this.ipBlocks[index]!.key === block.ranges.key) return this.ipBlockTexts[index]!;
    }
    if (block.hitList.length === 0) return 'addresses outside every ipBlock';
    const ranges = block.ranges.ranges.map(formatRange);
    return ranges.length <= 3
      ? ranges.join(', ')
      : `${ranges.slice(0, 3).join(', ')} and ${ranges.length - 3} more ranges`;
  }
}

/**
 * The endpoints each peer matches, as ascending endpoint ids. Pod peers are answered from an index of
 * classes by namespace and by label; the index only narrows the candidates, and
 * {@link peerMatchesWorkload} decides each one, so the semantics stay in one place. Peers with the same
 * selectors (and, without a namespaceSelector, the same policy namespace) share one answer.
 */
class PeerIndex {
  private readonly byNamespace = new Map<string, PodClass[]>();
  /** namespace -> label key -> label value -> classes, ascending. */
  private readonly byLabel = new Map<string, Map<string, Map<string, PodClass[]>>>();
  private readonly namespaceMatches = new Map<string, string[]>();
  private readonly podPeerCache = new Map<string, Int32Array>();
  private readonly ipBlockCache: Int32Array[];

  constructor(
    classes: readonly PodClass[],
    externals: readonly ExternalBlock[],
    ipBlockCount: number,
    private readonly namespaces: ReadonlyMap<string, NamespaceInfo>,
  ) {
    for (const cls of classes) {
      pushTo(this.byNamespace, cls.namespace, cls);
      let labels = this.byLabel.get(cls.namespace);
      if (!labels) this.byLabel.set(cls.namespace, (labels = new Map()));
      for (const [key, value] of Object.entries(cls.representative.labels)) {
        let values = labels.get(key);
        if (!values) labels.set(key, (values = new Map()));
        pushTo(values, value, cls);
      }
    }
    // ipBlock peers: the classes whose IPs and the external blocks that the ipBlock holds.
    const lists: number[][] = Array.from({ length: ipBlockCount }, () => []);
    for (const cls of classes) for (const hit of cls.ipHits) lists[hit]!.push(cls.id);
    for (const block of externals)
      for (const hit of block.hitList) lists[hit]!.push(classes.length + block.id);
    this.ipBlockCache = lists.map((ids) => Int32Array.from(ids));
  }

  ipBlockMatches(index: number): Int32Array {
    return this.ipBlockCache[index]!;
  }

  podPeerMatches(peer: PodPeer, policy: NetworkPolicy): Int32Array {
    const scope = peer.namespaceSelector ? `n${selectorKey(peer.namespaceSelector)}` : `p${policy.namespace}`;
    const key = `${scope}\u0003${peer.podSelector ? selectorKey(peer.podSelector) : '*'}`;
    let ids = this.podPeerCache.get(key);
    if (!ids) {
      const out: number[] = [];
      const namespaces = peer.namespaceSelector
        ? this.namespacesMatching(peer.namespaceSelector)
        : [policy.namespace];
      for (const namespace of namespaces) {
        for (const cls of this.candidates(namespace, peer)) {
          if (peerMatchesWorkload(peer, policy, cls.representative, this.namespaces)) out.push(cls.id);
        }
      }
      ids = Int32Array.from(out).sort();
      this.podPeerCache.set(key, ids);
    }
    return ids;
  }

  /** Namespaces with classes whose labels a namespaceSelector matches (memoised per selector). */
  private namespacesMatching(selector: LabelSelector): string[] {
    const key = selectorKey(selector);
    let names = this.namespaceMatches.get(key);
    if (!names) {
      names = [...this.byNamespace.keys()].filter((ns) =>
        selectorMatches(selector, namespaceLabels(this.namespaces, ns)),
      );
      this.namespaceMatches.set(key, names);
    }
    return names;
  }

  /**
   * Classes of a namespace that may match the peer's podSelector: those carrying a label value the
   * selector's most selective `In` requirement (matchLabels included) asks for; all of them without one.
   */
  private candidates(namespace: string, peer: PodPeer): readonly PodClass[] {
    const all = this.byNamespace.get(namespace) ?? [];
    const selector = peer.podSelector;
    if (!selector || selector.invalid) return all;
    let best: readonly PodClass[] = all;
    const labels = this.byLabel.get(namespace);
    for (const req of selector.requirements) {
      if (req.operator !== 'In') continue;
      const values = labels?.get(req.key);
      const found =
        req.values.length === 1
          ? (values?.get(req.values[0]!) ?? [])
          : req.values.flatMap((v) => values?.get(v) ?? []);
      if (found.length < best.length) best = found;
      if (best.length === 0) break;
    }
    return best;
  }
}

export { rulesOf } from '../semantics/policy-semantics.js';

/** Every selector that is matched against pod labels: the policies' podSelectors and their peers'. */
function* podSelectorsOf(policies: readonly NetworkPolicy[]): Generator<LabelSelector> {
  for (const policy of policies) {
    yield policy.podSelector;
    for (const rule of effectiveRules(policy)) {
      if (rule.peers === 'all') continue;
      for (const peer of rule.peers) if (peer.kind === 'pods' && peer.podSelector) yield peer.podSelector;
    }
  }
}

function effectiveRules(policy: NetworkPolicy): PolicyRule[] {
  return [...rulesOf(policy, 'ingress'), ...rulesOf(policy, 'egress')];
}

/** True when the ranges hold every IPv4 or every IPv6 address. */
export function holdsWholeFamily(ranges: IpRangeSet): boolean {
  return ranges.ranges.some(
    (r) => r.first === 0n && (r.family === 4 ? r.last === 0xffffffffn : r.last === (1n << 128n) - 1n),
  );
}

function ipBlockText(cidr: string, except: readonly string[]): string {
  return except.length === 0 ? cidr : `${cidr} except ${except.join(', ')}`;
}

/** Every endpoint set of the layered policies: subjects, peers and own-side criteria. */
function layeredSets(policies: readonly CommonPolicy[]): WorkloadSet[] {
  const out: WorkloadSet[] = [];
  for (const p of policies) {
    out.push(p.subject);
    for (const r of p.rules) {
      if (r.peers !== 'all') out.push(...r.peers);
      if (r.self) out.push(r.self);
    }
  }
  return out;
}
