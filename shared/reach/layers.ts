/**
 * The engine's evaluation of the common rule model (model/rule-model.ts): per pod class and direction, a
 * *layered profile* (the rules of the policies that apply to the class, in evaluation order, with the
 * layers in which the class is isolated), and the walk through the layers that decides each port.
 * reach/engine.ts matches peers to endpoints and memoises; this file holds the semantics of the walk.
 */
import type { CommonPolicy, CommonRule, HttpMatch, Layer, RuleAction } from '../model/rule-model.js';
import type { ContainerPort, Direction } from '../model/types.js';
import { PortSet } from '../semantics/port-set.js';
import { compareLayers } from '../policy-apis/layers.js';

export interface LayeredEntry {
  readonly rule: CommonRule;
  /** Endpoint ids each peer matches; 'all' when the rule matches every peer. */
  readonly matched: ReadonlyArray<Int32Array> | 'all';
  /** Index into the profile's layers. */
  readonly layer: number;
}

export interface ProfileLayer {
  readonly layer: Layer;
  /** Policies of the layer that apply to the class and isolate it in this direction. */
  readonly isolating: readonly CommonPolicy[];
}

/**
 * A profile's rules against the endpoints (reach/engine.ts builds it, for v1 and layered profiles alike):
 * endpoints matched by the same rules share a signature; signature 0 is "only the rules that match
 * everyone" (possibly none).
 */
export interface ProfileTable {
  /** Endpoint id -> signature, for endpoints some rule with peers matches; in first-match order. */
  readonly signatureOf: Map<number, number>;
  /** Signature -> indexes into the profile's entries, ascending. */
  readonly signatures: ReadonlyArray<readonly number[]>;
  /** Signature × destination port layout -> allowed ports. */
  readonly ports: Map<number, PortSet>;
}

export interface LayeredProfile {
  readonly direction: Direction;
  readonly policies: readonly CommonPolicy[];
  readonly layers: readonly ProfileLayer[];
  readonly entries: readonly LayeredEntry[];
  /** False when no rule and no isolation applies: the side allows everything. */
  readonly decides: boolean;
  /** Built on first use. */
  table: ProfileTable | undefined;
  /** The hot path's view of the table: signatures by endpoint id, ports by signature and layout. */
  fast: { readonly signatureOf: Int32Array; readonly ports: PortSet[] } | undefined;
}

/** Ports on which only some HTTP requests pass. */
export interface HttpRestriction {
  readonly ports: PortSet;
  readonly rules: readonly HttpMatch[];
}

/** One rule that decided some ports, in evaluation order. */
export interface LayerDecision {
  readonly rule: CommonRule;
  readonly action: RuleAction;
  readonly ports: PortSet;
}

export interface LayeredOutcome {
  readonly allowed: PortSet;
  readonly http: readonly HttpRestriction[];
  readonly decisions: readonly LayerDecision[];
  /** Ports denied at the end of a layer that isolates the pod (no rule of it decided them). */
  readonly endDenied: ReadonlyArray<{ readonly layer: ProfileLayer; readonly ports: PortSet }>;
  /** Ports no layer decided: allowed because nothing isolates the pod for them. */
  readonly defaultAllowed: PortSet;
}

function policyKey(p: CommonPolicy): string {
  return `${p.kind}\u0000${p.namespace ?? ''}\u0000${p.name}`;
}

/**
 * Orders the rules of the applying policies: layers in order; in an 'ordered' layer by policy order,
 * then policy name, then rule position; in a 'deny-first' layer the deny rules before the others.
 */
export function orderRules(
  policies: readonly CommonPolicy[],
  direction: Direction,
  includes: (rule: CommonRule) => boolean,
): { layers: ProfileLayer[]; rules: Array<{ rule: CommonRule; layer: number }> } {
  const byLayer = new Map<string, { layer: Layer; policies: CommonPolicy[] }>();
  for (const p of policies) {
    let entry = byLayer.get(p.layer.id);
    if (!entry) byLayer.set(p.layer.id, (entry = { layer: p.layer, policies: [] }));
    entry.policies.push(p);
  }
  const ordered = [...byLayer.values()].sort((a, b) => compareLayers(a.layer, b.layer));
  const layers: ProfileLayer[] = [];
  const rules: Array<{ rule: CommonRule; layer: number }> = [];
  for (const { layer, policies: members } of ordered) {
    const index = layers.length;
    layers.push({
      layer,
      isolating: members.filter((p) => (direction === 'ingress' ? p.isolatesIngress : p.isolatesEgress)),
    });
    const sorted = [...members].sort(
      (a, b) => a.order - b.order || (policyKey(a) < policyKey(b) ? -1 : policyKey(a) > policyKey(b) ? 1 : 0),
    );
    const list = sorted.flatMap((p) => p.rules.filter((r) => r.direction === direction && includes(r)));
    const inOrder =
      layer.mode === 'deny-first'
        ? [...list.filter((r) => r.action === 'deny'), ...list.filter((r) => r.action !== 'deny')]
        : list;
    for (const rule of inOrder) rules.push({ rule, layer: index });
  }
  return { layers, rules };
}

/**
 * Walks the layers for one side: `entryIndexes` are the profile entries whose peers match the other end
 * (ascending = evaluation order), `destinationPorts` the destination's container ports. With `explain`,
 * the deciding rules are collected too.
 */
export function evaluateLayers(
  profile: LayeredProfile,
  entryIndexes: readonly number[],
  destinationPorts: readonly ContainerPort[] | undefined,
  explain: boolean,
): LayeredOutcome {
  let undecided = PortSet.all;
  let allowed = PortSet.none;
  const http: HttpRestriction[] = [];
  const decisions: LayerDecision[] = [];
  const endDenied: Array<{ layer: ProfileLayer; ports: PortSet }> = [];
  let cursor = 0;
  for (let li = 0; li < profile.layers.length && !undecided.isEmpty; li++) {
    const layer = profile.layers[li]!;
    let passed = PortSet.none;
    const inLayer: LayeredEntry[] = [];
    while (cursor < entryIndexes.length && profile.entries[entryIndexes[cursor]!]!.layer === li)
      inLayer.push(profile.entries[entryIndexes[cursor++]!]!);
    if (layer.layer.mode === 'deny-first') {
      // Deny rules first (they come first in the entries), then the union of the allow rules.
      let unrestricted = PortSet.none;
      const restricted: HttpRestriction[] = [];
      let layerAllowed = PortSet.none;
      for (const entry of inLayer) {
        const ports = entry.rule.portsOn(destinationPorts).intersect(undecided);
        if (ports.isEmpty) continue;
        if (entry.rule.action === 'deny') {
          undecided = undecided.subtract(ports);
          if (explain) decisions.push({ rule: entry.rule, action: 'deny', ports });
        } else if (entry.rule.action === 'allow') {
          layerAllowed = layerAllowed.union(ports);
          if (entry.rule.http) restricted.push({ ports, rules: entry.rule.http });
          else unrestricted = unrestricted.union(ports);
          if (explain) decisions.push({ rule: entry.rule, action: 'allow', ports });
        } else if (entry.rule.action === 'pass') {
          passed = passed.union(ports);
          if (explain) decisions.push({ rule: entry.rule, action: 'pass', ports });
        }
      }
      allowed = allowed.union(layerAllowed);
      undecided = undecided.subtract(layerAllowed).subtract(passed);
      for (const r of restricted) {
        const ports = r.ports.subtract(unrestricted);
        if (!ports.isEmpty) http.push({ ports, rules: r.rules });
      }
    } else {
      for (const entry of inLayer) {
        const ports = entry.rule.portsOn(destinationPorts).intersect(undecided);
        if (ports.isEmpty) continue;
        const action = entry.rule.action;
        if (action === 'log') {
          if (explain) decisions.push({ rule: entry.rule, action, ports });
          continue;
        }
        undecided = undecided.subtract(ports);
        if (action === 'allow') {
          allowed = allowed.union(ports);
          if (entry.rule.http) http.push({ ports, rules: entry.rule.http });
        } else if (action === 'pass') passed = passed.union(ports);
        if (explain) decisions.push({ rule: entry.rule, action, ports });
      }
    }
    if (layer.isolating.length > 0 && !undecided.isEmpty) {
      if (explain) endDenied.push({ layer, ports: undecided });
      undecided = PortSet.none;
    }
    undecided = undecided.union(passed);
  }
  return { allowed: allowed.union(undecided), http, decisions, endDenied, defaultAllowed: undecided };
}

/**
 * The requests that pass both sides: where both restrict a port, each pair of patterns combined (a
 * request must match one pattern of each side; regular expressions combined by lookahead).
 */
export function combineHttp(
  egress: readonly HttpRestriction[],
  ingress: readonly HttpRestriction[],
  allowed: PortSet,
): HttpRestriction[] {
  const out: HttpRestriction[] = [];
  const clip = (list: readonly HttpRestriction[]) =>
    list.map((r) => ({ ports: r.ports.intersect(allowed), rules: r.rules })).filter((r) => !r.ports.isEmpty);
  const e = clip(egress);
  const i = clip(ingress);
  const both = (a: string | undefined, b: string | undefined) =>
    a === undefined ? b : b === undefined ? a : a === b ? a : `(?=(?:${a})$)(?:${b})`;
  for (const re of e) {
    let rest = re.ports;
    for (const ri of i) {
      const common = re.ports.intersect(ri.ports);
      if (common.isEmpty) continue;
      rest = rest.subtract(common);
      out.push({
        ports: common,
        rules: re.rules.flatMap((a) =>
          ri.rules.map((b) => ({
            method: both(a.method, b.method),
            path: both(a.path, b.path),
            host: both(a.host, b.host),
            headers: [...(a.headers ?? []), ...(b.headers ?? [])],
          })),
        ),
      });
    }
    if (!rest.isEmpty) out.push({ ports: rest, rules: re.rules });
  }
  for (const ri of i) {
    const rest = e.reduce((acc, re) => acc.subtract(re.ports), ri.ports);
    if (!rest.isEmpty) out.push({ ports: rest, rules: ri.rules });
  }
  return out;
}
