/**
 * other-side-denies: a rule explicitly allows a connection that the other side's policies deny.
 *
 * A connection needs both sides: the source's egress and the destination's ingress ("for a connection
 * from a source pod to a destination pod to be allowed, both the egress policy on the source pod and the
 * ingress policy on the destination pod need to allow the connection",
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/#the-two-sorts-of-pod-isolation).
 * When the database's ingress admits the API on 5432 while the API is isolated for egress and no egress
 * rule of its policies reaches the database there, the connection fails: the commonest outage of an egress
 * default-deny rollout. Reported on both policies: on the peer of the rule that allows (naming the
 * workloads it cannot reach), and on the policy of the other side that a fix would extend; the quick fix
 * adds the missing rule there.
 *
 * A rule that names ports is judged on those ports; one without ports (every port) is judged broken only when
 * the other side allows no port at all (it means "these pods", not "every port of them").
 *
 * Only what the workspace shows for certain is judged: peers with a podSelector that names pods (not
 * `{}`, not a namespace alone), other workloads that policies select for the direction, and no ipBlock in
 * the other side's rules (whether it holds pod addresses depends on the cluster's pod network). With
 * policies of other APIs in the workspace, NetworkPolicy alone does not decide a side, and nothing is
 * reported.
 */
import type { Finding } from '../../findings.js';
import { METADATA_NAME_LABEL } from '../../model/build-cluster.js';
import type {
  ClusterModel,
  Direction,
  NetworkPolicy,
  PodPeer,
  PolicyRule,
  Workload,
} from '../../model/types.js';
import { qualifiedName, stableLabels } from '../../model/types.js';
import { PortSet } from '../../semantics/port-set.js';
import { peerMatchesWorkload, portsOfRule, rulesOf } from '../../semantics/policy-semantics.js';
import type { LintRule } from '../rule.js';
import type { LintIndex } from './support.js';
import { finding, lintIndex, ruleName } from './support.js';

/** What the quick fix adds: a rule in `policy`'s `direction` list to `peer` on `ports`. */
export interface MissingSide {
  readonly policy: string;
  readonly direction: Direction;
  readonly peer: {
    readonly namespaceSelector?: { readonly matchLabels: Readonly<Record<string, string>> };
    readonly podSelector: { readonly matchLabels: Readonly<Record<string, string>> };
  };
  readonly ports: ReadonlyArray<{
    readonly protocol: string;
    readonly port: number;
    readonly endPort?: number;
  }>;
}

/** How many blocked workloads a message names before "and N more". */
const LISTED = 3;

function portsText(ports: PortSet): string {
  return ports
    .toRanges()
    .map((r) => `${r.protocol} ${r.port === r.endPort ? r.port : `${r.port}-${r.endPort}`}`)
    .join(', ');
}

/** matchLabels of a selector made of equality requirements only; undefined otherwise or when empty. */
function plainLabels(policy: NetworkPolicy): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const r of policy.podSelector.requirements) {
    if (r.operator !== 'In' || r.values.length !== 1) return undefined;
    out[r.key] = r.values[0]!;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * Workloads that policies cannot tell apart here (same namespace, labels and container ports) share a
 * number.
 */
const behaviourKeys = new WeakMap<Workload, number>();
const behaviourIds = new Map<string, number>();
function behaviour(w: Workload): number {
  let id = behaviourKeys.get(w);
  if (id === undefined) {
    const labels = Object.entries(w.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const key = JSON.stringify([w.namespace, labels, w.ports]);
    id = behaviourIds.get(key);
    if (id === undefined) behaviourIds.set(key, (id = behaviourIds.size));
    behaviourKeys.set(w, id);
  }
  return id;
}

/** One workload per behaviour (the first, in model order). */
function representatives(workloads: readonly Workload[]): Workload[] {
  const byBehaviour = new Map<number, Workload>();
  for (const w of workloads)
    if (!w.hostNetwork && !byBehaviour.has(behaviour(w))) byBehaviour.set(behaviour(w), w);
  return [...byBehaviour.values()];
}

type Side = { readonly allowed: PortSet; readonly target: NetworkPolicy } | 'open' | 'unknown';

/** A workload's isolating policies for a direction, read once: their rules, and the policy a fix extends. */
interface Isolation {
  readonly rules: ReadonlyArray<{ readonly policy: NetworkPolicy; readonly rule: PolicyRule }>;
  /** The most specific policy (a default deny selects everything). */
  readonly target: NetworkPolicy;
}

function isolationOf(
  index: LintIndex,
  direction: Direction,
  other: Workload,
): Isolation | 'open' | 'unknown' {
  const isolating = index
    .selecting(other)
    .filter((p) => (direction === 'egress' ? p.affectsEgress : p.affectsIngress));
  if (isolating.length === 0) return 'open';
  const rules = isolating.flatMap((policy) => rulesOf(policy, direction).map((rule) => ({ policy, rule })));
  // Whether an ipBlock holds pod addresses depends on the pod network: not judged.
  if (rules.some(({ rule }) => rule.peers !== 'all' && rule.peers.some((p) => p.kind === 'ipBlock')))
    return 'unknown';
  const target = [...isolating].sort(
    (a, b) => b.podSelector.requirements.length - a.podSelector.requirements.length,
  )[0]!;
  return { rules, target };
}

/** What an isolation allows with `self` on the other end, towards `destination`'s container ports. */
function allowedBy(
  isolation: Isolation,
  namespaces: ClusterModel['namespaces'],
  self: Workload,
  destination: Workload,
): PortSet {
  let allowed = PortSet.none;
  for (const { policy, rule } of isolation.rules)
    if (
      rule.peers === 'all' ||
      rule.peers.some((peer) => peerMatchesWorkload(peer, policy, self, namespaces))
    )
      allowed = allowed.union(portsOfRule(rule, destination.ports));
  return allowed;
}

export const otherSideDeniesRule: LintRule = {
  ids: ['other-side-denies'],
  check(ctx) {
    const model = ctx.workspace.model;
    if ((model.apiPolicies?.length ?? 0) > 0) return [];
    const index = lintIndex(ctx);
    const out: Finding[] = [];
    // Sides by behaviour: pods of one workload (and alike workloads) are judged once.
    const isolations = new Map<number, Isolation | 'open' | 'unknown'>();
    const sides = new Map<number, Side>();
    const side = (direction: Direction, other: Workload, self: Workload, destination: Workload): Side => {
      const otherKey = behaviour(other) * 2 + (direction === 'egress' ? 1 : 0);
      let isolation = isolations.get(otherKey);
      if (!isolation) isolations.set(otherKey, (isolation = isolationOf(index, direction, other)));
      if (typeof isolation === 'string') return isolation;
      const key = otherKey * 0x100000 + behaviour(self);
      let found = sides.get(key);
      if (!found)
        sides.set(
          key,
          (found = {
            allowed: allowedBy(isolation, model.namespaces, self, destination),
            target: isolation.target,
          }),
        );
      return found;
    };
    // Findings on the other side's policies, gathered per (policy, allowing rule).
    // (One finding per policy and direction: a default deny may leave out both.)
    const onTarget = new Map<string, { target: NetworkPolicy; blocked: Blocked[] }>();
    // The namespaces where some policy isolates pods for a direction: the other side of a connection can
    // only deny it there (most workspaces isolate egress nowhere, and the egress side needs no look).
    const isolating = { ingress: new Set<string>(), egress: new Set<string>() };
    for (const p of index.policies) {
      if (p.affectsIngress) isolating.ingress.add(p.namespace);
      if (p.affectsEgress) isolating.egress.add(p.namespace);
    }
    for (const policy of index.policies) {
      for (const direction of ['ingress', 'egress'] as const) {
        const rules = rulesOf(policy, direction);
        if (rules.length === 0) continue;
        const otherIsolated = isolating[direction === 'ingress' ? 'egress' : 'ingress'];
        if (otherIsolated.size === 0) continue;
        const selected = representatives(index.selectedBy(policy));
        if (selected.length === 0) continue;
        const otherDirection: Direction = direction === 'ingress' ? 'egress' : 'ingress';
        for (const rule of rules) {
          if (rule.peers === 'all') continue;
          for (const peer of rule.peers) {
            if (peer.kind !== 'pods' || !peer.podSelector || peer.podSelector.requirements.length === 0)
              continue;
            const blocked: Blocked[] = [];
            const others = representatives(
              index.matchedBy(policy, peer).filter((w) => otherIsolated.has(w.namespace)),
            );
            for (const other of others)
              for (const self of selected) {
                if (behaviour(self) === behaviour(other)) continue;
                // The destination of the connection: `self` for an ingress rule, `other` for an egress rule.
                const destination = direction === 'ingress' ? self : other;
                const found = side(otherDirection, other, self, destination);
                if (typeof found === 'string') continue;
                const opened = portsOfRule(rule, destination.ports);
                if (opened.isEmpty) continue;
                // A rule that names ports means those; one without (every port) means the pods: it is
                // broken only when the other side allows no port at all.
                const denied =
                  rule.ports === 'all'
                    ? found.allowed.intersect(opened).isEmpty
                      ? opened
                      : PortSet.none
                    : opened.subtract(found.allowed);
                if (denied.isEmpty) continue;
                const b: Blocked = { policy, rule, self, other, denied, target: found.target };
                blocked.push(b);
                const targetKey = `${otherDirection}\u0000${qualifiedName(found.target)}`;
                let entry = onTarget.get(targetKey)?.blocked;
                if (!entry) onTarget.set(targetKey, { target: found.target, blocked: (entry = []) });
                entry.push(b);
              }
            if (blocked.length === 0) continue;
            out.push(onPeer(policy, rule, peer, blocked));
          }
        }
      }
    }
    for (const { target, blocked } of onTarget.values()) {
      const direction: Direction = blocked[0]!.rule.direction === 'ingress' ? 'egress' : 'ingress';
      const listed =
        blocked
          .slice(0, LISTED)
          .map(
            (b) =>
              `${connection(b)} on ${portsText(b.denied)} (which ${ruleName(b.rule)} of ${qualifiedName(b.policy)} allows)`,
          )
          .join(', ') + (blocked.length > LISTED ? `, and ${blocked.length - LISTED} more` : '');
      out.push(
        finding(
          'other-side-denies',
          target.anchor,
          `${qualifiedName(target)} isolates ${direction} of the pods it selects, and no ${direction} rule of their policies allows ${listed}: those connections fail. Add the ${direction} rule (quick fix) or remove the other side's.`,
          { fixes: fixesOf(blocked) },
        ),
      );
    }
    return out;
  },
};

/** A connection an allowing rule opens that the other side denies. */
interface Blocked {
  readonly policy: NetworkPolicy;
  readonly rule: PolicyRule;
  /** The pods the allowing policy selects, and those on the other side. */
  readonly self: Workload;
  readonly other: Workload;
  readonly denied: PortSet;
  /** The other side's policy a fix extends. */
  readonly target: NetworkPolicy;
}

/** `source → destination`. */
function connection(b: Blocked): string {
  return b.rule.direction === 'ingress'
    ? `${qualifiedName(b.other)} → ${qualifiedName(b.self)}`
    : `${qualifiedName(b.self)} → ${qualifiedName(b.other)}`;
}

function onPeer(
  policy: NetworkPolicy,
  rule: PolicyRule,
  peer: PodPeer,
  blocked: readonly Blocked[],
): Finding {
  const side = rule.direction === 'ingress' ? 'egress' : 'ingress';
  const listed = blocked
    .slice(0, LISTED)
    .map(
      (b) =>
        `${connection(b)} on ${portsText(b.denied)} (the ${side} policies of ${qualifiedName(b.other)}, such as ${qualifiedName(b.target)}, do not allow it)`,
    )
    .join(', ');
  const more = blocked.length > LISTED ? `, and ${blocked.length - LISTED} more` : '';
  return finding(
    'other-side-denies',
    peer.origin,
    `${ruleName(rule)} of ${qualifiedName(policy)} allows connections that the other side denies: ${listed}${more}. ` +
      `A connection needs the ${side === 'egress' ? 'source' : 'destination'}'s ${side} too; add the ${side} rule (quick fix).`,
    { fixes: fixesOf(blocked) },
  );
}

/** The distinct fixes of blocked connections, at most the three that fixes/other-side.ts offers. */
function fixesOf(blocked: readonly Blocked[]): MissingSide[] {
  const out: MissingSide[] = [];
  const keys = new Set<string>();
  // The first connections give the fixes (a rule opened to many alike pods needs one or two).
  for (const b of blocked.slice(0, 20)) {
    if (out.length >= 3) break;
    const fix = missingSide(b);
    const key = JSON.stringify(fix);
    if (keys.has(key)) continue;
    keys.add(key);
    out.push(fix);
  }
  return out;
}

/** The rule to add on the other side: to (or from) the pods `self` stands for, on the denied ports. */
function missingSide(b: Blocked): MissingSide {
  const { policy, rule, self, other, target, denied } = b;
  const labels = plainLabels(policy) ?? stableLabels(self);
  const crossNamespace = self.namespace !== target.namespace;
  const direction = rule.direction === 'ingress' ? 'egress' : 'ingress';
  const others = stableLabels(other);
  return {
    policy: qualifiedName(target),
    direction,
    peer: {
      ...(crossNamespace
        ? { namespaceSelector: { matchLabels: { [METADATA_NAME_LABEL]: self.namespace } } }
        : {}),
      podSelector: { matchLabels: { ...labels } },
    },
    ports: denied.toRanges().map((r) => ({
      protocol: r.protocol,
      port: r.port,
      ...(r.endPort !== r.port ? { endPort: r.endPort } : {}),
    })),
    ...(target.podSelector.requirements.length === 0 && Object.keys(others).length > 0
      ? {
          newPolicy: {
            namespace: other.namespace,
            name: `${other.name}-${direction}-from-${self.name}`
              .toLowerCase()
              .replace(/[^a-z0-9.-]/g, '-')
              .slice(0, 253),
            podSelector: { matchLabels: others },
          },
        }
      : {}),
  };
}
