/**
 * Explanations in plain words: why a connection is allowed or denied, naming each deciding policy and
 * rule with `file:line`. Built from the engine's verdict, so it can never disagree with reachability.
 */
import type { ForeignPolicy } from '../model/foreign-policies.js';
import { foreignPolicyNotes } from '../model/foreign-policies.js';
import type { NetworkPolicy, PolicyRule, Protocol, Workload } from '../model/types.js';
import { qualifiedName } from '../model/types.js';
import type { PortSet } from '../semantics/port-set.js';
import type { Endpoint, PairVerdict, ReachabilityEngine, SideVerdict } from '../reach/engine.js';
import { holdsWholeFamily } from '../reach/engine.js';
import { isStandIn } from '../reach/exposure.js';
import type { LayeredOutcome } from '../reach/layers.js';
import type { CommonRule } from '../model/rule-model.js';
import { commonPolicyName } from '../model/rule-model.js';

export interface PortQuery {
  readonly protocol: Protocol;
  readonly port: number;
}

/** `80`, `80/TCP`, `53/udp`, `2905/SCTP` (TCP when no protocol is given); undefined for anything else. */
export function parsePortQuery(text: string): PortQuery | undefined {
  const m = /^(\d+)(?:\/(tcp|udp|sctp))?$/i.exec(text.trim());
  const port = m ? Number(m[1]) : NaN;
  if (!m || port < 1 || port > 65535) return undefined;
  return { port, protocol: (m[2]?.toUpperCase() ?? 'TCP') as Protocol };
}

export interface Explanation {
  readonly from: string;
  readonly to: string;
  readonly port: PortQuery | undefined;
  /** Allowed ports of the pair (all of them, not only the queried port). */
  readonly ports: PortSet;
  /** For a port query: whether that port is allowed; otherwise whether any port is. */
  readonly allowed: boolean;
  readonly verdict: PairVerdict;
  readonly text: string;
}

/** `name (file:line)` of a policy. */
export function policyRef(policy: NetworkPolicy): string {
  return `${qualifiedName(policy)} (${policy.anchor.file.where(policy.anchor.span.start)})`;
}

/** `ns/name ingress[0] (file:line)` of a rule. */
export function ruleRef(policy: NetworkPolicy, rule: PolicyRule): string {
  return `${qualifiedName(policy)} ${rule.direction}[${rule.index}] (${rule.origin.file.where(rule.origin.span.start)})`;
}

function portText(q: PortQuery): string {
  return `${q.protocol} ${q.port}`;
}

export interface ForeignContext {
  readonly policies: readonly ForeignPolicy[];
  readonly from: Workload | undefined;
  readonly to: Workload | undefined;
}

export function explainConnection(
  engine: ReachabilityEngine,
  src: Endpoint,
  dst: Endpoint,
  names: { from: string; to: string },
  port?: PortQuery,
  /**
   * Policies of other APIs, which the verdict does not include, and the workloads at the two ends (a pod
   * class's members may differ in labels that only those policies read): the text says which may apply.
   */
  foreign: ForeignContext = { policies: [], from: undefined, to: undefined },
): Explanation {
  const verdict = engine.verdict(src, dst);
  const allowed = port ? verdict.ports.has(port.protocol, port.port) : !verdict.ports.isEmpty;
  const lines: string[] = [];
  // A node to itself: traffic between two of the pods it stands for (replicas of a template).
  const among = names.from === names.to ? ' (between two of its pods)' : '';
  const what = port
    ? `${names.from} → ${names.to}${among} on ${portText(port)}`
    : `${names.from} → ${names.to}${among}`;
  if (src.kind === 'external' && dst.kind === 'external') {
    lines.push(`${what}: not analysed (both ends are outside the cluster).`);
  } else if (port) {
    lines.push(`${what}: ${allowed ? 'ALLOWED' : 'DENIED'}.`);
  } else {
    lines.push(`${what}: ${allowed ? `allowed on ${verdict.ports.toString()}` : 'DENIED on every port'}.`);
  }
  lines.push('');
  lines.push(...sideText(verdict.egress, names.from, placeOf(src), names.to, port));
  lines.push('');
  lines.push(...sideText(verdict.ingress, names.to, placeOf(dst), names.from, port));
  if (!port && allowed && !verdict.ports.isAll) {
    const egressOnly = verdict.egress.ports.subtract(verdict.ports);
    const ingressOnly = verdict.ingress.ports.subtract(verdict.ports);
    if (!egressOnly.isEmpty && !verdict.egress.ports.isAll && !ingressOnly.isAll) {
      lines.push('', `Egress also allows ${egressOnly.toString()}, which ingress does not.`);
    }
  }
  // A grant that rests on an ipBlock matching a pod whose IP the manifests do not show (only whole-family
  // blocks do, when the engine is told they match pods: settings.ts ipBlocksMatchPods).
  const byIpBlock = (side: SideVerdict, other: Endpoint) =>
    other.kind === 'class' &&
    other.cls.representative.ips.length === 0 &&
    side.grants.some(
      (g) =>
        g.rule.peers !== 'all' &&
        g.rule.peers.some((p) => p.kind === 'ipBlock' && holdsWholeFamily(p.ranges)) &&
        !g.rule.peers.some((p) => p.kind === 'pods'),
    );
  if (byIpBlock(verdict.egress, dst) || byIpBlock(verdict.ingress, src))
    lines.push(
      '',
      'Depends on the CNI: this takes an ipBlock that holds every address (0.0.0.0/0, ::/0) to match pod IPs, as Calico ' +
        'and the upstream e2e tests do; Cilium does not (setting netpolScope.ipBlockPods, CLI --ipblock-pods).',
    );
  const onHost = [
    { endpoint: src, name: names.from },
    { endpoint: dst, name: names.to },
  ].filter((e) => placeOf(e.endpoint) === 'host-network');
  lines.push(...hostNetworkNote(onHost.map((e) => e.name)));
  // With the CNI unknown, a verdict that rests on another API assumes the cluster enforces it.
  const apis = new Set(
    [verdict.egress, verdict.ingress].flatMap((side) =>
      (side.layered?.decisions ?? []).map((d) => d.rule.policy.api).filter((api) => api !== 'NetworkPolicy'),
    ),
  );
  if (apis.size > 0 && (engine.options.cni ?? 'unknown') === 'unknown')
    lines.push(
      '',
      `Depends on the CNI: this takes the cluster to enforce ${[...apis].join(' and ')}; set netpolScope.cni (CLI --cni) to the cluster's CNI, ` +
        'and policies of an API it does not enforce take no part.',
    );
  const notes = foreignPolicyNotes(foreign.policies, [
    { label: names.from, workload: foreign.from },
    { label: names.to, workload: foreign.to },
  ]);
  if (notes.length > 0) lines.push('', ...notes);
  return {
    from: names.from,
    to: names.to,
    port,
    ports: verdict.ports,
    allowed,
    verdict,
    text: lines.join('\n'),
  };
}

/**
 * Where an endpoint is: a pod of the workspace, one on the host network, an address outside the
 * cluster, or an exposure stand-in.
 */
type Place = 'workspace' | 'host-network' | 'external' | 'stand-in';

function placeOf(endpoint: Endpoint): Place {
  if (endpoint.kind === 'external') return 'external';
  if (isStandIn(endpoint.cls.representative)) return 'stand-in';
  return endpoint.cls.representative.hostNetwork ? 'host-network' : 'workspace';
}

/**
 * What a host-network endpoint changes. The API reference leaves NetworkPolicy for hostNetwork pods
 * undefined and names the common implementation: policies do not select them and their traffic is the
 * node's (https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-and-hostnetwork-pods);
 * and "traffic to and from the node where a Pod is running is always allowed"
 * (https://kubernetes.io/docs/concepts/services-networking/network-policies/#what-you-can-t-do-with-network-policies-at-least-not-yet
 * and the isolation paragraphs of the same page).
 */
function hostNetworkNote(names: readonly string[]): string[] {
  if (names.length === 0) return [];
  const which = names.join(' and ');
  return [
    '',
    `${which} ${names.length === 1 ? 'runs' : 'run'} on the host network: NetworkPolicies do not select ${names.length === 1 ? 'it' : 'them'} ` +
      'and pod selectors do not match ' +
      `${names.length === 1 ? 'it' : 'them'}; ${names.length === 1 ? 'its' : 'their'} traffic is node traffic, which only ipBlocks holding node addresses match ` +
      '(the behaviour is undefined by the API; this is the most common implementation). Traffic between a pod and its own node is always ' +
      'allowed, so pods on the same node as a host-network pod reach it and are reached by it whatever the policies say.',
  ];
}

function sideText(
  side: SideVerdict,
  self: string,
  place: Place,
  other: string,
  port: PortQuery | undefined,
): string[] {
  const label = side.direction === 'egress' ? `Egress from ${self}` : `Ingress to ${self}`;
  if (side.layered) return layeredSideText(side, side.layered, label, self, place, other, port);
  if (!side.isolated) {
    const why =
      place === 'external'
        ? `${self} is outside the cluster, where no NetworkPolicy applies`
        : place === 'stand-in'
          ? `${self} stands for pods the workspace does not show; the policies of their namespaces are not known here and are taken as none`
          : place === 'host-network'
            ? `${self} runs on the host network, where NetworkPolicies do not apply`
            : `no NetworkPolicy selects ${self} with ${side.direction === 'egress' ? 'Egress' : 'Ingress'} in its policyTypes, so it is not isolated for ${side.direction}`;
    return [`${label}: allowed (${why}).`];
  }
  const sideAllows = port ? side.ports.has(port.protocol, port.port) : !side.ports.isEmpty;
  const lines = [
    `${label}: ${sideAllows ? 'allowed' : 'denied'}${!port && sideAllows ? ` on ${side.ports.toString()}` : ''}.`,
    `  ${self} is isolated for ${side.direction} by ${side.isolatingPolicies.map(policyRef).join(', ')}.`,
  ];
  if (side.grants.length === 0) {
    lines.push(
      `  No ${side.direction} rule of ${side.isolatingPolicies.length > 1 ? 'these policies' : 'this policy'} matches ${other}.`,
    );
    return lines;
  }
  for (const grant of side.grants) {
    const opens = grant.ports.isEmpty
      ? 'but opens no port on it (its named ports do not resolve there)'
      : `and allows ${grant.ports.toString()}`;
    const covers = port
      ? grant.ports.has(port.protocol, port.port)
        ? ' (covers the port)'
        : ` (not ${portText(port)})`
      : '';
    lines.push(`  Rule ${ruleRef(grant.policy, grant.rule)} matches ${other} ${opens}${covers}.`);
  }
  return lines;
}

/** `ClusterNetworkPolicy sec-baseline (priority 10) ingress[2] "allow-dns" (file:line)`. */
export function commonRuleRef(rule: CommonRule): string {
  const p = rule.policy;
  const order = p.orderName ? ` (${p.orderName} ${p.order})` : '';
  const list =
    p.api === 'CiliumNetworkPolicy' && rule.action === 'deny' ? `${rule.direction}Deny` : rule.direction;
  const name = rule.name ? ` "${rule.name}"` : '';
  return `${commonPolicyName(p)}${order} ${list}[${rule.index}]${name} (${rule.origin.file.where(rule.origin.span.start)})`;
}

const verbs = {
  allow: (ports: string) => `allows ${ports}`,
  deny: (ports: string) => `denies ${ports}`,
  pass: (ports: string) => `passes ${ports} to the next layer`,
  log: (ports: string) => `logs ${ports} (decides nothing)`,
};

/**
 * A side decided by the layers of several policy APIs (reach/layers.ts): every rule that decided ports,
 * in evaluation order, with its layer, order and action; the layers that denied the rest because they
 * isolate the pod; and what no layer decided (allowed: nothing isolates the pod for it). A Deny rule and
 * "isolated, and no rule allows it" read differently.
 */
function layeredSideText(
  side: SideVerdict,
  outcome: LayeredOutcome,
  label: string,
  self: string,
  place: Place,
  other: string,
  port: PortQuery | undefined,
): string[] {
  const sideAllows = port ? side.ports.has(port.protocol, port.port) : !side.ports.isEmpty;
  const lines = [
    `${label}: ${sideAllows ? 'allowed' : 'denied'}${!port && sideAllows && !side.ports.isAll ? ` on ${side.ports.toString()}` : ''}.`,
  ];
  const relevant = (ports: PortSet) => (port ? ports.has(port.protocol, port.port) : !ports.isEmpty);
  const shown = (ports: PortSet) => (port ? portText(port) : ports.toString());
  const decisions = outcome.decisions.filter((d) => relevant(d.ports));
  const ended = outcome.endDenied.filter((e) => relevant(e.ports));
  if (decisions.length === 0 && ended.length === 0) {
    const why =
      place === 'external'
        ? `${self} is outside the cluster, where no policy applies`
        : place === 'host-network'
          ? `${self} runs on the host network, where these policies do not apply`
          : `no policy of any API decides it for ${other}, and none isolates ${self} for ${side.direction}`;
    lines.push(`  Allowed by default: ${why}.`);
    return lines;
  }
  lines.push('  In evaluation order:');
  for (const d of decisions) {
    lines.push(
      `  - ${d.rule.policy.layer.title}: ${commonRuleRef(d.rule)} matches ${other} and ${verbs[d.action](shown(d.ports))}.`,
    );
    if (d.action === 'allow' && d.rule.http) {
      const requests = d.rule.http
        .map((h) =>
          [h.method ?? 'any method', h.path ?? 'any path', h.host ? `host ${h.host}` : '']
            .filter(Boolean)
            .join(' '),
        )
        .join('; ');
      lines.push(`    Only these HTTP requests pass (the proxy answers 403 to others): ${requests}.`);
    }
  }
  for (const e of ended)
    lines.push(
      `  - ${e.layer.layer.title}: ${self} is isolated for ${side.direction} by ${e.layer.isolating.map((p) => `${commonPolicyName(p)} (${p.anchor.file.where(p.anchor.span.start)})`).join(', ')}, ` +
        `and no rule of it allows ${shown(e.ports)} from ${other}: denied.`,
    );
  if (relevant(outcome.defaultAllowed) && !outcome.defaultAllowed.isEmpty)
    lines.push(
      `  - No layer decided ${shown(outcome.defaultAllowed)}: allowed (nothing isolates ${self} for it).`,
    );
  return lines;
}
