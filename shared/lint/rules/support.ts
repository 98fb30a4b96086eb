/**
 * What the lint rule modules share: building findings at the registry's default severity, an index of
 * the workspace (active policies, workloads, who selects whom) computed once per analysis, the YAML
 * nodes behind model elements (for exact spans), and the phrases messages use to name things.
 */
import type { AnalysisContext } from '../../context.js';
import type { Finding } from '../../findings.js';
import { ruleById } from '../../rules/registry.js';
import type { RuleId } from '../../rules/registry.js';
import type { SourceFile, Span } from '../../source/source-file.js';
import type { SMap, SNode } from '../../parse/snode.js';
import { get, isMap, isScalar, isSeq, pairOf } from '../../parse/snode.js';
import type {
  Direction,
  LabelSelector,
  NetworkPolicy,
  PodPeer,
  PolicyPeer,
  PolicyPort,
  PolicyRule,
  Workload,
} from '../../model/types.js';
import { qualifiedName } from '../../model/types.js';
import { peerMatchesWorkload, policySelects } from '../../semantics/policy-semantics.js';
import { selectorKey, selectorMatches, selectorText } from '../../semantics/selector.js';
import { editDistance } from '../../validate/suggest.js';
import { rulesOf } from '../../reach/engine.js';

export interface At {
  readonly file: SourceFile;
  readonly span: Span;
}

/** A finding of `rule` at its default severity (settings are applied afterwards, apply-settings.ts). */
export function finding(
  rule: RuleId,
  at: At,
  message: string,
  data?: Readonly<Record<string, unknown>>,
): Finding {
  const definition = ruleById.get(rule);
  if (!definition) throw new Error(`unknown rule id ${rule}`);
  const out: Finding = { rule, severity: definition.defaultSeverity, message, file: at.file, span: at.span };
  return data === undefined ? out : { ...out, data };
}

/** The workspace as the rules read it, built once per analysis. */
export interface LintIndex {
  /** Policies the API server would accept; rejected ones take no part in the analysis. */
  readonly policies: readonly NetworkPolicy[];
  readonly workloads: readonly Workload[];
  readonly workloadsByNamespace: ReadonlyMap<string, readonly Workload[]>;
  /** The workloads a policy selects (policy-semantics.ts `policySelects`). */
  selectedBy(policy: NetworkPolicy): readonly Workload[];
  /** The active policies selecting a workload (any direction). */
  selecting(workload: Workload): readonly NetworkPolicy[];
  /** The workloads a peer matches (policy-semantics.ts `peerMatchesWorkload`), looking only where it can. */
  matchedBy(policy: NetworkPolicy, peer: PolicyPeer): readonly Workload[];
  /** True when the peer matches at least one workload (cheaper than `matchedBy`). */
  matchesAny(policy: NetworkPolicy, peer: PolicyPeer): boolean;
}

const indexes = new WeakMap<AnalysisContext['workspace'], LintIndex>();

export function lintIndex(ctx: AnalysisContext): LintIndex {
  const cached = indexes.get(ctx.workspace);
  if (cached) return cached;
  const model = ctx.workspace.model;
  const policies = model.policies.filter((p) => !p.rejected);
  const workloadsByNamespace = new Map<string, Workload[]>();
  for (const w of model.workloads) {
    const list = workloadsByNamespace.get(w.namespace);
    if (list) list.push(w);
    else workloadsByNamespace.set(w.namespace, [w]);
  }
  const policiesByNamespace = new Map<string, NetworkPolicy[]>();
  for (const p of policies) {
    const list = policiesByNamespace.get(p.namespace);
    if (list) list.push(p);
    else policiesByNamespace.set(p.namespace, [p]);
  }
  const withIps = model.workloads.filter((w) => w.ips.length > 0);
  const namespaceList = [...model.namespaces.values()];
  // Peers are memoised by what they select, not by object: generated manifests repeat the same peers.
  const matchedCache = new Map<string, readonly Workload[]>();
  const anyCache = new Map<string, boolean>();
  const namespaceMatches = new Map<string, readonly Workload[]>();
  const byLabel = new Map<string, Workload[]>();
  for (const w of model.workloads) {
    for (const [k, v] of Object.entries(w.labels)) {
      const key = `${k}=${v}`;
      const list = byLabel.get(key);
      if (list) list.push(w);
      else byLabel.set(key, [w]);
    }
  }
  const inNamespaces = (policy: NetworkPolicy, peer: PolicyPeer & { kind: 'pods' }): readonly Workload[] => {
    if (!peer.namespaceSelector) return workloadsByNamespace.get(policy.namespace) ?? [];
    const selector = peer.namespaceSelector;
    const key = selectorKey(selector);
    let out = namespaceMatches.get(key);
    if (!out) {
      out = namespaceList
        .filter((ns) => selectorMatches(selector, ns.labels))
        .flatMap((ns) => workloadsByNamespace.get(ns.name) ?? []);
      namespaceMatches.set(key, out);
    }
    return out;
  };
  /**
   * The workloads a peer can match at all: those with an IP for an ipBlock; else the smaller of those of
   * the namespaces it can select and those carrying a label its podSelector requires (`In`).
   */
  const candidatesOf = (policy: NetworkPolicy, peer: PolicyPeer): readonly Workload[] => {
    if (peer.kind === 'ipBlock') return withIps;
    const byNamespace = inNamespaces(policy, peer);
    const required = peer.podSelector?.requirements.find((r) => r.operator === 'In');
    if (!required) return byNamespace;
    const lists = required.values.map((v) => byLabel.get(`${required.key}=${v}`) ?? []);
    const size = lists.reduce((n, l) => n + l.length, 0);
    return size < byNamespace.length ? lists.flat() : byNamespace;
  };
  const selectedCache = new Map<NetworkPolicy, readonly Workload[]>();
  const selectingCache = new Map<Workload, readonly NetworkPolicy[]>();
  const index: LintIndex = {
    policies,
    workloads: model.workloads,
    workloadsByNamespace,
    selectedBy(policy) {
      let out = selectedCache.get(policy);
      if (!out) {
        out = (workloadsByNamespace.get(policy.namespace) ?? []).filter((w) => policySelects(policy, w));
        selectedCache.set(policy, out);
      }
      return out;
    },
    selecting(workload) {
      let out = selectingCache.get(workload);
      if (!out) {
        out = (policiesByNamespace.get(workload.namespace) ?? []).filter((p) => policySelects(p, workload));
        selectingCache.set(workload, out);
      }
      return out;
    },
    matchedBy(policy, peer) {
      const key = peerKey(policy, peer);
      let out = matchedCache.get(key);
      if (!out) {
        out = candidatesOf(policy, peer).filter((w) =>
          peerMatchesWorkload(peer, policy, w, model.namespaces),
        );
        matchedCache.set(key, out);
      }
      return out;
    },
    matchesAny(policy, peer) {
      const key = peerKey(policy, peer);
      const matched = matchedCache.get(key);
      if (matched) return matched.length > 0;
      let any = anyCache.get(key);
      if (any === undefined) {
        any = candidatesOf(policy, peer).some((w) => peerMatchesWorkload(peer, policy, w, model.namespaces));
        anyCache.set(key, any);
      }
      return any;
    },
  };
  indexes.set(ctx.workspace, index);
  return index;
}

/** What a peer selects, as a key: equal keys match the same workloads. */
function peerKey(policy: NetworkPolicy, peer: PolicyPeer): string {
  if (peer.kind === 'ipBlock') return `ip|${peer.ranges.key}`;
  const ns = peer.namespaceSelector ? `s:${selectorKey(peer.namespaceSelector)}` : `n:${policy.namespace}`;
  const pods = peer.podSelector ? selectorKey(peer.podSelector) : '*';
  return `pods|${ns}|${pods}`;
}

// ---- YAML nodes behind model elements ----

/** The object node a policy was read from. */
export function policyRoot(ctx: AnalysisContext, policy: NetworkPolicy): SMap | undefined {
  return ctx.workspace.policyObjects.get(policy)?.node;
}

/** The deepest node whose span is exactly `span` (model elements keep the span of their node). */
export function nodeAt(root: SNode | undefined, span: Span): SNode | undefined {
  if (!root) return undefined;
  const stack: SNode[] = [root];
  let found: SNode | undefined;
  while (stack.length > 0) {
    const node = stack.pop()!;
    // No pruning by containment: aliases share their anchor's nodes, whose spans lie elsewhere.
    if (node.span.start === span.start && node.span.end === span.end) found = node;
    if (node.kind === 'map') for (const pair of node.pairs) stack.push(pair.value);
    else if (node.kind === 'seq') for (const item of node.items) stack.push(item);
  }
  return found;
}

/** The node of a model element of `policy` (a rule, a peer, a port, a selector), found by its span. */
export function nodeOf(ctx: AnalysisContext, policy: NetworkPolicy, at: At): SNode | undefined {
  return nodeAt(policyRoot(ctx, policy), at.span);
}

/** The span of the key `key` in a map node. */
export function keySpan(node: SNode | undefined, key: string): Span | undefined {
  if (!isMap(node)) return undefined;
  return pairOf(node, key)?.key.span;
}

/** The span of the value of `key` in a map node. */
export function valueSpan(node: SNode | undefined, key: string): Span | undefined {
  return get(node, key)?.span;
}

/**
 * Where findings about a policy's types point: the `Egress`/`Ingress` entry of `policyTypes` when
 * present, else the `egress`/`ingress` key, else `metadata.name`.
 */
export function directionAnchor(ctx: AnalysisContext, policy: NetworkPolicy, type: 'Ingress' | 'Egress'): At {
  const file = policy.anchor.file;
  const spec = get(policyRoot(ctx, policy), 'spec');
  const types = get(spec, 'policyTypes');
  if (isSeq(types)) {
    const entry = types.items.find((item) => isScalar(item) && item.value === type);
    if (entry) return { file, span: entry.span };
  }
  const key = keySpan(spec, type === 'Egress' ? 'egress' : 'ingress');
  if (key) return { file, span: key };
  return policy.anchor;
}

// ---- phrases ----

/** `ns/name (Kind, file:line)`. */
export function workloadRef(w: Workload): string {
  return `${qualifiedName(w)} (${w.kind}, ${w.anchor.file.where(w.anchor.span.start)})`;
}

/** `ns/name (file:line)`. */
export function policyRef(policy: NetworkPolicy): string {
  return `${qualifiedName(policy)} (${policy.anchor.file.where(policy.anchor.span.start)})`;
}

/** A list of items, at most `max` of them, with "and N more". */
export function listOf(items: readonly string[], max = 5): string {
  if (items.length <= max) return joinWords(items);
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

export function joinWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** `app=web` or `app=web,tier in (a,b)`; `{}` for an empty selector. */
export function selectorPhrase(selector: LabelSelector): string {
  return selector.requirements.length === 0 && !selector.invalid ? '{}' : selectorText(selector);
}

/** `pods labelled app=web` or `all pods`. */
export function podsPhrase(selector: LabelSelector | undefined): string {
  if (!selector || (selector.requirements.length === 0 && !selector.invalid)) return 'all pods';
  return `pods labelled ${selectorText(selector)}`;
}

/** One NetworkPolicyPort in words: `TCP 80`, `TCP 8000-9000`, `the TCP port named http`, `all UDP ports`. */
export function portPhrase(port: PolicyPort): string {
  if (port.port === undefined) return `all ${port.protocol} ports`;
  if (typeof port.port === 'string') return `the ${port.protocol} port named ${port.port}`;
  if (port.endPort !== undefined && port.endPort > port.port)
    return `${port.protocol} ${port.port}-${port.endPort}`;
  return `${port.protocol} ${port.port}`;
}

/** The ports of a rule in words: `on all ports` or `on TCP 80 and UDP 53`. */
export function rulePortsPhrase(rule: PolicyRule): string {
  if (rule.ports === 'all') return 'on all ports';
  return `on ${joinWords(rule.ports.map(portPhrase))}`;
}

/** `ingress[0]`. */
export function ruleName(rule: PolicyRule): string {
  return `${rule.direction}[${rule.index}]`;
}

/**
 * Workloads whose labels are close to what a selector asks for: a matchLabels/In requirement `k=v`
 * and a label `k=v'` with v' a likely typo of v (or `k'=v` with k' a likely typo of k). Phrases like
 * `shop/carts (Deployment, file:line) is labelled name=carts`.
 */
export function similarlyLabelled(selector: LabelSelector, candidates: readonly Workload[]): string[] {
  const out: string[] = [];
  const close = (a: string, b: string) =>
    a !== b && editDistance(a.toLowerCase(), b.toLowerCase()) <= (a.length <= 4 ? 1 : 2);
  for (const w of candidates) {
    const hits: string[] = [];
    for (const req of selector.requirements) {
      if (req.operator !== 'In') continue;
      for (const [key, value] of Object.entries(w.labels)) {
        const sameKeyNearValue =
          key === req.key && !req.values.includes(value) && req.values.some((v) => close(v, value));
        const nearKeySameValue =
          close(req.key, key) && req.values.includes(value) && w.labels[req.key] === undefined;
        if (sameKeyNearValue || nearKeySameValue) hits.push(`${key}=${value}`);
      }
    }
    if (hits.length > 0) out.push(`${workloadRef(w)} is labelled ${joinWords(hits)}`);
  }
  return out;
}

/**
 * Every pod-selecting peer (podSelector and/or namespaceSelector) of the policies' effective rules; rules
 * of a direction missing from policyTypes are left out (policy-types-ignored-rules speaks of those).
 */
export function podPeersOf(
  policies: readonly NetworkPolicy[],
): Array<{ policy: NetworkPolicy; direction: Direction; rule: PolicyRule; peer: PodPeer }> {
  const out: Array<{ policy: NetworkPolicy; direction: Direction; rule: PolicyRule; peer: PodPeer }> = [];
  for (const policy of policies) {
    for (const direction of ['ingress', 'egress'] as const) {
      for (const rule of rulesOf(policy, direction)) {
        if (rule.peers === 'all') continue;
        for (const peer of rule.peers) if (peer.kind === 'pods') out.push({ policy, direction, rule, peer });
      }
    }
  }
  return out;
}
