/**
 * What the lint rule modules share: building findings at the registry's default severity, an index of
 * the workspace (active policies, workloads, who selects whom) computed once per analysis, the YAML
 * nodes behind model elements (for exact spans), and the phrases messages use to name things.
 */
import type { AnalysisContext } from '../../context.js';
import type { Finding, Severity } from '../../findings.js';
import { ruleById } from '../../rules/registry.js';
import type { RuleId } from '../../rules/registry.js';
import type { SourceFile, Span } from '../../source/source-file.js';
import type { SMap, SNode } from '../../parse/snode.js';
import { get, isMap, isScalar, isSeq, nodeWithSpan, pairOf } from '../../parse/snode.js';
import { groupBy, pushTo } from '../../collections.js';
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

/**
 * A finding of `rule` at its default severity, or at `severity` where the rule's context decides (a rule
 * whose finding is commonly intended in one context reports info there: docs/rules.md, "Severity policy").
 * Settings are applied afterwards (apply-settings.ts): a severity set for the rule replaces either.
 */
export function finding(
  rule: RuleId,
  at: At,
  message: string,
  data?: Readonly<Record<string, unknown>>,
  severity?: Severity,
): Finding {
  const definition = ruleById.get(rule);
  if (!definition) throw new Error(`unknown rule id ${rule}`);
  if (
    severity !== undefined &&
    severity !== definition.defaultSeverity &&
    !definition.contextual.includes(severity)
  )
    throw new Error(`${rule} reported at ${severity}, which the registry does not declare for it`);
  const out: Finding = {
    rule,
    severity: severity ?? definition.defaultSeverity,
    message,
    file: at.file,
    span: at.span,
  };
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
  const workloadsByNamespace = groupBy(model.workloads, (w) => w.namespace);
  const policiesByNamespace = groupBy(policies, (p) => p.namespace);
  const withIps = model.workloads.filter((w) => w.ips.length > 0);
  const namespaceList = [...model.namespaces.values()];
  // Peers are memoised by what they select, not by object: generated manifests repeat the same peers.
  const matchedCache = new Map<string, readonly Workload[]>();
  const anyCache = new Map<string, boolean>();
  const namespaceMatches = new Map<string, readonly Workload[]>();
  // Workloads by label, across namespaces and within each (`namespace\nkey=value`), in model order.
  const byLabel = new Map<string, Workload[]>();
  const byNamespacedLabel = new Map<string, Workload[]>();
  for (const w of model.workloads) {
    for (const [k, v] of Object.entries(w.labels)) {
      pushTo(byLabel, `${k}=${v}`, w);
      pushTo(byNamespacedLabel, `${w.namespace}\n${k}=${v}`, w);
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
  /**
   * The workloads of the policy's namespace that may be selected: with an `In` requirement (matchLabels
   * included), only those carrying one of its values; policySelects decides each.
   */
  const selectionCandidates = (policy: NetworkPolicy): readonly Workload[] => {
    const inNamespace = workloadsByNamespace.get(policy.namespace) ?? [];
    const required = policy.podSelector.requirements.find((r) => r.operator === 'In');
    if (!required || policy.podSelector.invalid) return inNamespace;
    const lists = required.values.map(
      (v) => byNamespacedLabel.get(`${policy.namespace}\n${required.key}=${v}`) ?? [],
    );
    // The lists follow the model's order; several values are merged back into that order.
    if (lists.length <= 1) return lists[0] ?? [];
    const set = new Set(lists.flat());
    return inNamespace.filter((w) => set.has(w));
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
        out = selectionCandidates(policy).filter((w) => policySelects(policy, w));
        selectedCache.set(policy, out);
      }
      return out;
    },
    selecting(workload) {
      // Inverted once per namespace from the selections of its policies (in policy order), so that a
      // namespace of n workloads and m policies costs the selections, not n·m selector evaluations.
      if (!selectingCache.has(workload)) {
        for (const w of workloadsByNamespace.get(workload.namespace) ?? []) selectingCache.set(w, []);
        for (const policy of policiesByNamespace.get(workload.namespace) ?? [])
          for (const w of index.selectedBy(policy)) (selectingCache.get(w) as NetworkPolicy[]).push(policy);
      }
      return selectingCache.get(workload) ?? [];
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

/** The node of a model element of `policy` (a rule, a peer, a port, a selector), found by its span. */
export function nodeOf(ctx: AnalysisContext, policy: NetworkPolicy, at: At): SNode | undefined {
  return nodeWithSpan(policyRoot(ctx, policy), at.span);
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

/**
 * Every ports entry of the rule is a DNS port: 53, or 5353 (OpenShift's DNS pods, behind a Service on 53),
 * on UDP or TCP, by number or by the names DNS pods give them (`dns`, `dns-tcp`).
 */
export function dnsPortsOnly(rule: PolicyRule): boolean {
  if (rule.ports === 'all') return false;
  return rule.ports.every(
    (p) =>
      p.protocol !== 'SCTP' &&
      (p.port === 53 || p.port === 5353 || p.port === 'dns' || p.port === 'dns-tcp') &&
      (p.endPort === undefined || p.endPort === p.port),
  );
}

/** `ingress[0]`. */
export function ruleName(rule: PolicyRule): string {
  return `${rule.direction}[${rule.index}]`;
}

/**
 * Workloads whose labels are close to what a selector asks for: a matchLabels/In requirement `k=v`
 * and a label `k=v'` with v' a likely typo of v (or `k'=v` with k' a likely typo of k). Phrases like
 * `shop/carts (Deployment, file:line) is labelled name=carts`. Candidates are found through a
 * neighbourhood index of the label values (see {@link LabelNeighbourhood}), so a workspace of thousands
 * of workloads is not compared value by value for every selector.
 */
export function similarlyLabelled(
  selector: LabelSelector,
  /** The candidates, as lists that stay the same within an analysis (one per namespace). */
  lists: ReadonlyArray<readonly Workload[]>,
  /** Phrases are made for the first `shown` workloads only; `total` counts them all. */
  shown = 3,
): { readonly phrases: readonly string[]; readonly total: number } {
  const requirements = selector.requirements.filter((r) => r.operator === 'In');
  if (requirements.length === 0) return { phrases: [], total: 0 };
  const near = new Set<Workload>();
  for (const list of lists) {
    const neighbourhood = neighbourhoodOf(list);
    for (const req of requirements) neighbourhood.collect(list, req.key, req.values, near);
  }
  if (near.size === 0) return { phrases: [], total: 0 };
  const phrases: string[] = [];
  let total = 0;
  for (const list of lists) {
    for (const w of list) {
      if (!near.has(w)) continue;
      total++;
      if (phrases.length >= shown) continue;
      const hits: string[] = [];
      for (const req of requirements) {
        for (const [key, value] of Object.entries(w.labels)) {
          const sameKeyNearValue =
            key === req.key && !req.values.includes(value) && req.values.some((v) => isClose(v, value));
          const nearKeySameValue =
            isClose(req.key, key) && req.values.includes(value) && w.labels[req.key] === undefined;
          if (sameKeyNearValue || nearKeySameValue) hits.push(`${key}=${value}`);
        }
      }
      phrases.push(`${workloadRef(w)} is labelled ${joinWords(hits)}`);
    }
  }
  return { phrases, total };
}

/** {@link listOf} for a list of which only the first phrases were made. */
export function listOfCounted(phrases: readonly string[], total: number, max: number): string {
  if (total <= max) return joinWords(phrases);
  return `${phrases.slice(0, max).join(', ')} and ${total - max} more`;
}

/** The edit distance up to which `b` counts as a likely typo of `a` (case ignored). */
function typoDistance(a: string): number {
  return a.length <= 4 ? 1 : 2;
}

function isClose(a: string, b: string): boolean {
  const max = typoDistance(a);
  return a !== b && editDistance(a.toLowerCase(), b.toLowerCase(), max) <= max;
}

/** Every string made from `text` by deleting at most `count` characters. */
function deletions(text: string, count: number, out = new Set<string>()): Set<string> {
  out.add(text);
  if (count === 0) return out;
  for (let i = 0; i < text.length; i++) {
    const shorter = text.slice(0, i) + text.slice(i + 1);
    if (!out.has(shorter)) deletions(shorter, count - 1, out);
  }
  return out;
}

/** Values longer than this are compared one by one instead of indexed (label values have at most 63). */
const INDEXED_LENGTH = 24;

/**
 * The label keys and values of a list of workloads, indexed for typo search: two strings within edit
 * distance d have a common string obtained from each by at most d deletions (the "symmetric delete"
 * method), so a value's near values are found by looking up its deletion variants, then confirmed with
 * the edit distance. The index holds label texts and positions in the list, not the workloads, so an
 * analysis whose list has the same labels (every edit that does not touch a workload's labels) reuses it
 * with the answers it already gave.
 */
class LabelNeighbourhood {
  /** key -> lowercased value -> positions in the list. */
  private readonly values = new Map<string, Map<string, number[]>>();
  /** key -> deletion variants -> lowercased values, and the values too long to index; built on first use. */
  private readonly variants = new Map<string, { near: Map<string, string[]>; long: string[] }>();
  /** `key\0value` -> the lowercased values of `key` within typo distance of `value`. */
  private readonly answers = new Map<string, readonly string[]>();

  constructor(workloads: readonly Workload[]) {
    workloads.forEach((w, position) => {
      for (const [key, value] of Object.entries(w.labels)) {
        let byValue = this.values.get(key);
        if (!byValue) this.values.set(key, (byValue = new Map()));
        const lower = value.toLowerCase();
        const list = byValue.get(lower);
        if (list) list.push(position);
        else byValue.set(lower, [position]);
      }
    });
  }

  /**
   * Adds the workloads of `list` (the list this index was built for, or one with the same labels) that
   * carry `key` with a value that is a likely typo of one of `values` (and none of them), or carry one of
   * `values` under a likely typo of `key` (and not `key` itself): exactly those {@link similarlyLabelled}
   * describes.
   */
  collect(list: readonly Workload[], key: string, values: readonly string[], into: Set<Workload>): void {
    const byValue = this.values.get(key);
    if (byValue) {
      for (const value of values) {
        for (const near of this.nearValues(key, value, byValue)) {
          for (const position of byValue.get(near)!) {
            const w = list[position]!;
            const actual = w.labels[key]!;
            if (actual !== value && !values.includes(actual)) into.add(w);
          }
        }
      }
    }
    for (const [other, byValueOfOther] of this.values) {
      if (!isClose(key, other)) continue;
      for (const value of values)
        for (const position of byValueOfOther.get(value.toLowerCase()) ?? []) {
          const w = list[position]!;
          if (w.labels[other] === value && w.labels[key] === undefined) into.add(w);
        }
    }
  }

  private nearValues(
    key: string,
    value: string,
    byValue: ReadonlyMap<string, readonly number[]>,
  ): readonly string[] {
    const memo = `${key}\0${value}`;
    const known = this.answers.get(memo);
    if (known) return known;
    const lower = value.toLowerCase();
    const max = typoDistance(value);
    const index = this.variantsOf(key, byValue);
    const found = new Set<string>(index.long);
    if (lower.length > INDEXED_LENGTH + 2) for (const v of byValue.keys()) found.add(v);
    else
      for (const variant of deletions(lower, max))
        for (const v of index.near.get(variant) ?? []) found.add(v);
    const out = [...found].filter((v) => v === lower || editDistance(lower, v, max) <= max);
    this.answers.set(memo, out);
    return out;
  }

  private variantsOf(
    key: string,
    byValue: ReadonlyMap<string, readonly number[]>,
  ): { near: Map<string, string[]>; long: string[] } {
    let index = this.variants.get(key);
    if (!index) {
      index = { near: new Map(), long: [] };
      for (const value of byValue.keys()) {
        if (value.length > INDEXED_LENGTH) {
          index.long.push(value);
          continue;
        }
        for (const variant of deletions(value, 2)) {
          const list = index.near.get(variant);
          if (list) list.push(value);
          else index.near.set(variant, [value]);
        }
      }
      this.variants.set(key, index);
    }
    return index;
  }
}

/**
 * Neighbourhood indexes by the labels of the list they index (one per namespace of an analysis), kept
 * across analyses: most edits leave every workload's labels as they were. A bounded number is kept.
 */
const neighbourhoods = new Map<string, LabelNeighbourhood>();
const signatures = new WeakMap<readonly Workload[], string>();
const KEPT_NEIGHBOURHOODS = 256;

function neighbourhoodOf(workloads: readonly Workload[]): LabelNeighbourhood {
  let signature = signatures.get(workloads);
  if (signature === undefined) {
    signature = workloads.map((w) => JSON.stringify(w.labels)).join('\n');
    signatures.set(workloads, signature);
  }
  let found = neighbourhoods.get(signature);
  if (found) {
    // Most recently used last, so the oldest is dropped first.
    neighbourhoods.delete(signature);
  } else {
    found = new LabelNeighbourhood(workloads);
    if (neighbourhoods.size >= KEPT_NEIGHBOURHOODS)
      neighbourhoods.delete(neighbourhoods.keys().next().value!);
  }
  neighbourhoods.set(signature, found);
  return found;
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
