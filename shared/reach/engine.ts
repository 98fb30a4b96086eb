/**
 * The reachability engine: for every ordered pair of endpoints (pod classes and external blocks), the
 * ports on which traffic is allowed, and why.
 *
 * A connection is allowed on a port when the source's egress side and the destination's ingress side
 * both allow it (see semantics/policy-semantics.ts for the rules and their sources). Each side is either
 * not isolated (everything allowed) or isolated by the policies that select the pod for that direction,
 * in which case the union of their matching rules' ports is allowed.
 *
 * Speed: classes (reach/classes.ts) and external blocks (reach/externals.ts) stand for many pods and
 * addresses; pods isolated by the same set of policies share one "profile" whose rule matches are
 * computed once. Pair results are memoised.
 */
import type { NamespaceInfo, NetworkPolicy, PolicyPeer, PolicyRule, Workload, ClusterModel, Direction } from '../model/types.js';
import { PortSet } from '../semantics/port-set.js';
import type { IpRangeSet } from '../semantics/ip-set.js';
import { peerMatchesWorkload, policySelects, portsOfRule } from '../semantics/policy-semantics.js';
import { selectorMatches } from '../semantics/selector.js';
import { namespaceLabels } from '../semantics/policy-semantics.js';
import { buildClasses } from './classes.js';
import type { PodClass } from './classes.js';
import { buildExternalBlocks } from './externals.js';
import type { ExternalBlock } from './externals.js';

export type Endpoint = { readonly kind: 'class'; readonly cls: PodClass } | { readonly kind: 'external'; readonly block: ExternalBlock };

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
}

export interface PairVerdict {
  readonly egress: SideVerdict;
  readonly ingress: SideVerdict;
  /** Allowed ports: egress ∩ ingress. */
  readonly ports: PortSet;
}

interface Match {
  readonly policy: NetworkPolicy;
  readonly rule: PolicyRule;
}

/** The rules of a profile that match one endpoint, with their ports memoised per destination port layout. */
interface MatchList {
  readonly matches: Match[];
  readonly portsByLayout: Map<string, PortSet>;
}

interface Profile {
  readonly policies: readonly NetworkPolicy[];
  /** Endpoint key -> the rules of the profile's policies that match it; built on first use. */
  matches: Map<string, MatchList> | undefined;
  /** True when some rule of the profile matches every peer. */
  readonly matchesAll: boolean;
}

interface IndexedPeer {
  readonly peer: PolicyPeer;
  readonly policy: NetworkPolicy;
}

const classKey = (id: number) => `c${id}`;
const blockKey = (id: number) => `x${id}`;

function endpointKey(e: Endpoint): string {
  return e.kind === 'class' ? classKey(e.cls.id) : blockKey(e.block.id);
}

export class ReachabilityEngine {
  readonly classes: readonly PodClass[];
  readonly externals: readonly ExternalBlock[];
  /** Policies taking part in the analysis (those the API server would accept). */
  readonly policies: readonly NetworkPolicy[];
  private readonly namespaces: ReadonlyMap<string, NamespaceInfo>;
  private readonly ipBlocks: IpRangeSet[] = [];
  private readonly ipBlockIndex = new Map<string, number>();
  private readonly classIpHits: Array<ReadonlySet<number>>;
  private readonly classOfWorkload = new Map<Workload, PodClass>();
  private readonly egressProfileOf: Array<Profile | undefined>;
  private readonly ingressProfileOf: Array<Profile | undefined>;
  private readonly peerMatchCache = new Map<PolicyPeer, Set<string>>();
  private readonly layoutKeys = new Map<PodClass, string>();

  constructor(model: ClusterModel) {
    this.namespaces = model.namespaces;
    this.policies = model.policies.filter((p) => !p.rejected);
    for (const policy of this.policies) {
      for (const rule of effectiveRules(policy)) {
        if (rule.peers === 'all') continue;
        for (const peer of rule.peers) if (peer.kind === 'ipBlock') this.ipBlockId(peer.ranges);
      }
    }
    this.classes = buildClasses(model.workloads, this.ipBlocks);
    for (const cls of this.classes) for (const m of cls.members) this.classOfWorkload.set(m, cls);
    this.classIpHits = this.classes.map((cls) => {
      const hits = new Set<number>();
      const ips = cls.representative.ips;
      if (ips.length > 0) this.ipBlocks.forEach((b, i) => ips.some((ip) => b.containsAddress(ip)) && hits.add(i));
      return hits;
    });
    this.externals = buildExternalBlocks(this.ipBlocks);

    // Profiles: the set of policies isolating a class, per direction.
    const egressProfiles = new Map<string, Profile>();
    const ingressProfiles = new Map<string, Profile>();
    const byNamespace = new Map<string, NetworkPolicy[]>();
    for (const p of this.policies) byNamespace.set(p.namespace, [...(byNamespace.get(p.namespace) ?? []), p]);
    this.egressProfileOf = [];
    this.ingressProfileOf = [];
    for (const cls of this.classes) {
      const selecting = (byNamespace.get(cls.namespace) ?? []).filter((p) => policySelects(p, cls.representative));
      this.egressProfileOf.push(profileFor(egressProfiles, selecting.filter((p) => p.affectsEgress), 'egress'));
      this.ingressProfileOf.push(profileFor(ingressProfiles, selecting.filter((p) => p.affectsIngress), 'ingress'));
    }
  }

  classOf(workload: Workload): PodClass | undefined {
    return this.classOfWorkload.get(workload);
  }

  /** The external block holding an address, if the address is valid. */
  externalOf(address: string): ExternalBlock | undefined {
    return this.externals.find((b) => b.ranges.containsAddress(address));
  }

  /** Allowed ports from `src` to `dst`: the fast path of {@link verdict}, without the reasons. */
  allowed(src: Endpoint, dst: Endpoint): PortSet {
    if (src.kind === 'external' && dst.kind === 'external') return PortSet.none;
    const egress = this.sidePorts('egress', src, dst);
    if (egress.isEmpty) return egress;
    const ingress = this.sidePorts('ingress', dst, src);
    if (egress.isAll) return ingress;
    if (ingress.isAll) return egress;
    return egress.intersect(ingress);
  }

  /** The full verdict for a pair: both sides with their isolating policies and matching rules. */
  verdict(src: Endpoint, dst: Endpoint): PairVerdict {
    const egress = this.side('egress', src, dst);
    const ingress = this.side('ingress', dst, src);
    return { egress, ingress, ports: egress.ports.intersect(ingress.ports) };
  }

  /**
   * Every destination endpoint that `src` may reach on some port, with the ports. Walks only the
   * candidates the source's egress side allows.
   */
  reachableFrom(src: Endpoint): Array<{ dst: Endpoint; ports: PortSet }> {
    const out: Array<{ dst: Endpoint; ports: PortSet }> = [];
    const profile = src.kind === 'class' ? this.egressProfileOf[src.cls.id] : undefined;
    const candidates: Endpoint[] = [];
    if (profile && !profile.matchesAll) {
      const matches = this.profileMatches(profile, 'egress');
      for (const key of matches.keys()) candidates.push(this.endpointByKey(key));
    } else {
      for (const cls of this.classes) candidates.push({ kind: 'class', cls });
      if (src.kind === 'class') for (const block of this.externals) candidates.push({ kind: 'external', block });
    }
    for (const dst of candidates) {
      const ports = this.allowed(src, dst);
      if (!ports.isEmpty) out.push({ dst, ports });
    }
    return out;
  }

  private endpointByKey(key: string): Endpoint {
    const id = Number(key.slice(1));
    return key[0] === 'c' ? { kind: 'class', cls: this.classes[id]! } : { kind: 'external', block: this.externals[id]! };
  }

  private profileOf(direction: Direction, self: Endpoint): Profile | undefined {
    if (self.kind !== 'class') return undefined;
    return (direction === 'egress' ? this.egressProfileOf : this.ingressProfileOf)[self.cls.id];
  }

  /** Named ports resolve on the destination: `other` on the egress side, `self` on the ingress side. */
  private destinationOf(direction: Direction, self: Endpoint, other: Endpoint): Endpoint {
    return direction === 'egress' ? other : self;
  }

  private side(direction: Direction, self: Endpoint, other: Endpoint): SideVerdict {
    const profile = this.profileOf(direction, self);
    if (!profile) return { direction, isolated: false, isolatingPolicies: [], grants: [], ports: PortSet.all };
    const list = this.profileMatches(profile, direction).get(endpointKey(other));
    const destination = this.destinationOf(direction, self, other);
    const destinationPorts = destination.kind === 'class' ? destination.cls.representative.ports : undefined;
    const grants = (list?.matches ?? []).map(({ policy, rule }) => ({ policy, rule, ports: portsOfRule(rule, destinationPorts) }));
    const ports = grants.reduce((acc, g) => acc.union(g.ports), PortSet.none);
    return { direction, isolated: true, isolatingPolicies: profile.policies, grants, ports };
  }

  /** The ports one side allows, memoised per match list and destination port layout. */
  private sidePorts(direction: Direction, self: Endpoint, other: Endpoint): PortSet {
    const profile = this.profileOf(direction, self);
    if (!profile) return PortSet.all;
    const list = this.profileMatches(profile, direction).get(endpointKey(other));
    if (!list) return PortSet.none;
    const destination = this.destinationOf(direction, self, other);
    const layout = destination.kind === 'class' ? this.layoutKey(destination.cls) : '';
    let ports = list.portsByLayout.get(layout);
    if (ports === undefined) {
      const destinationPorts = destination.kind === 'class' ? destination.cls.representative.ports : undefined;
      ports = PortSet.none;
      for (const { rule } of list.matches) ports = ports.union(portsOfRule(rule, destinationPorts));
      list.portsByLayout.set(layout, ports);
    }
    return ports;
  }

  private layoutKey(cls: PodClass): string {
    let key = this.layoutKeys.get(cls);
    if (key === undefined) {
      key = cls.representative.ports.map((p) => `${p.name ?? ''}/${p.port}/${p.protocol}`).join(',');
      this.layoutKeys.set(cls, key);
    }
    return key;
  }

  /** Endpoint key -> matching rules, for the rules of one direction of a profile's policies. */
  private profileMatches(profile: Profile, direction: Direction): Map<string, MatchList> {
    if (profile.matches) return profile.matches;
    const matches = new Map<string, MatchList>();
    const add = (key: string, policy: NetworkPolicy, rule: PolicyRule) => {
      const list = matches.get(key);
      if (!list) matches.set(key, { matches: [{ policy, rule }], portsByLayout: new Map() });
      else if (list.matches[list.matches.length - 1]!.rule !== rule) list.matches.push({ policy, rule });
    };
    for (const policy of profile.policies) {
      for (const rule of rulesOf(policy, direction)) {
        if (rule.peers === 'all') {
          for (const cls of this.classes) add(classKey(cls.id), policy, rule);
          for (const block of this.externals) add(blockKey(block.id), policy, rule);
          continue;
        }
        for (const peer of rule.peers) for (const key of this.peerMatches({ peer, policy })) add(key, policy, rule);
      }
    }
    profile.matches = matches;
    return matches;
  }

  /** Endpoint keys a peer matches (memoised per peer). */
  private peerMatches({ peer, policy }: IndexedPeer): Set<string> {
    const cached = this.peerMatchCache.get(peer);
    if (cached) return cached;
    const out = new Set<string>();
    if (peer.kind === 'ipBlock') {
      const index = this.ipBlockIndex.get(peer.ranges.key);
      if (index !== undefined) {
        this.classes.forEach((cls) => this.classIpHits[cls.id]!.has(index) && out.add(classKey(cls.id)));
        for (const block of this.externals) if (block.hits.has(index)) out.add(blockKey(block.id));
      }
    } else {
      const nsMatch = new Map<string, boolean>();
      for (const cls of this.classes) {
        let inNamespace = nsMatch.get(cls.namespace);
        if (inNamespace === undefined) {
          inNamespace = peer.namespaceSelector
            ? selectorMatches(peer.namespaceSelector, namespaceLabels(this.namespaces, cls.namespace))
            : cls.namespace === policy.namespace;
          nsMatch.set(cls.namespace, inNamespace);
        }
        if (inNamespace && peerMatchesWorkload(peer, policy, cls.representative, this.namespaces)) out.add(classKey(cls.id));
      }
    }
    this.peerMatchCache.set(peer, out);
    return out;
  }

  private ipBlockId(ranges: IpRangeSet): number {
    let id = this.ipBlockIndex.get(ranges.key);
    if (id === undefined) {
      id = this.ipBlocks.length;
      this.ipBlocks.push(ranges);
      this.ipBlockIndex.set(ranges.key, id);
    }
    return id;
  }
}

/** Rules of a direction, only when the policy's types include it (otherwise they are ignored). */
export function rulesOf(policy: NetworkPolicy, direction: Direction): readonly PolicyRule[] {
  if (direction === 'ingress') return policy.affectsIngress ? policy.ingress : [];
  return policy.affectsEgress ? policy.egress : [];
}

function effectiveRules(policy: NetworkPolicy): PolicyRule[] {
  return [...rulesOf(policy, 'ingress'), ...rulesOf(policy, 'egress')];
}

function profileFor(profiles: Map<string, Profile>, policies: NetworkPolicy[], direction: Direction): Profile | undefined {
  if (policies.length === 0) return undefined;
  const key = policies.map((p) => `${p.namespace}/${p.name}@${p.origin.file.path}:${p.origin.span.start}`).join('|');
  let profile = profiles.get(key);
  if (!profile) {
    profile = { policies, matches: undefined, matchesAll: policies.some((p) => rulesOf(p, direction).some((r) => r.peers === 'all')) };
    profiles.set(key, profile);
  }
  return profile;
}

