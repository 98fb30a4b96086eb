/**
 * Building blocks for the endpoint sets of the common rule model (model/rule-model.ts): pods chosen by
 * a predicate, address ranges, everything, nothing, and their combinations. Each policy API module
 * composes its subjects and peers from these.
 */
import type { LabelSelector, Origin, Workload } from '../model/types.js';
import type { LabelUse, MatchContext, WorkloadSet } from '../model/rule-model.js';
import { IpRangeSet } from '../semantics/ip-set.js';
import { selectorKey, selectorMatches, selectorText } from '../semantics/selector.js';

export interface PodSetSpec {
  readonly key: string;
  readonly text: string;
  readonly labelUse?: LabelUse;
  readonly readsServiceAccount?: boolean;
  readonly ranges?: readonly IpRangeSet[];
  readonly origin: Origin;
  /** Pods; host-network pods are offered too, so each API decides about them. */
  readonly pods?: (workload: Workload, context: MatchContext) => boolean;
  /** External address blocks: true when the block belongs. */
  readonly addresses?: (block: IpRangeSet) => boolean;
  readonly everyPod?: boolean;
}

export function endpointSet(spec: PodSetSpec): WorkloadSet {
  const pods = spec.pods;
  const addresses = spec.addresses;
  return {
    key: spec.key,
    text: spec.text,
    labelUse: spec.labelUse ?? [],
    readsServiceAccount: spec.readsServiceAccount ?? false,
    ranges: spec.ranges ?? [],
    origin: spec.origin,
    ...(spec.everyPod ? { everyPod: true } : {}),
    matchesWorkload: pods ?? (() => false),
    matchesAddresses: addresses ?? (() => false),
  };
}

/** The label keys and listed values of a LabelSelector. */
export function selectorLabelUse(selector: LabelSelector, rename?: (key: string) => string): LabelUse {
  return selector.requirements.map((r) => [rename ? rename(r.key) : r.key, r.values] as const);
}

/**
 * Pods (never on the host network) in the namespaces a LabelSelector over namespace labels matches
 * (undefined: every namespace; a string: that namespace) whose labels `podSelector` matches (undefined:
 * every pod).
 */
export function podsBySelectors(
  namespaces: LabelSelector | string | undefined,
  podSelector: LabelSelector | undefined,
  origin: Origin,
  what?: string,
): WorkloadSet {
  const nsKey =
    namespaces === undefined
      ? '*'
      : typeof namespaces === 'string'
        ? `=${namespaces}`
        : selectorKey(namespaces);
  const podKey = podSelector ? selectorKey(podSelector) : '*';
  const nsText =
    namespaces === undefined
      ? 'in every namespace'
      : typeof namespaces === 'string'
        ? `in namespace ${namespaces}`
        : `in namespaces with ${selectorText(namespaces)}`;
  const podText = podSelector ? `pods with ${selectorText(podSelector)}` : 'all pods';
  const all = (s: LabelSelector | string | undefined) =>
    s === undefined || (typeof s !== 'string' && !s.invalid && s.requirements.length === 0);
  return endpointSet({
    key: `pods\u0000${nsKey}\u0000${podKey}`,
    everyPod: typeof namespaces !== 'string' && all(namespaces) && all(podSelector),
    text: what ?? `${podText} ${nsText}`,
    labelUse: podSelector ? selectorLabelUse(podSelector) : [],
    origin,
    pods: (w, context) =>
      !w.hostNetwork &&
      (namespaces === undefined ||
        (typeof namespaces === 'string'
          ? w.namespace === namespaces
          : selectorMatches(namespaces, context.namespaceLabels(w.namespace)))) &&
      (podSelector === undefined || selectorMatches(podSelector, w.labels)),
  });
}

/**
 * Addresses: the external blocks inside `ranges`, and (with `matchPods`) the pods whose addresses are
 * inside, as the engine places pod IPs.
 */
export function addressSet(
  ranges: IpRangeSet,
  text: string,
  origin: Origin,
  matchPods: boolean,
): WorkloadSet {
  return endpointSet({
    key: `addr\u0000${matchPods ? 1 : 0}\u0000${ranges.key}`,
    text,
    ranges: [ranges],
    origin,
    pods: matchPods ? (w, context) => context.hasAddressIn(w, ranges) : undefined,
    addresses: (block) => ranges.contains(block),
  });
}

/** Every endpoint the set is meant to hold; `pods`/`external` choose the halves. */
export function everything(
  origin: Origin,
  text: string,
  options: { pods: boolean; hostNetwork: boolean; external: boolean },
): WorkloadSet {
  return endpointSet({
    key: `all\u0000${options.pods ? 1 : 0}${options.hostNetwork ? 1 : 0}${options.external ? 1 : 0}`,
    text,
    origin,
    pods:
      options.pods || options.hostNetwork
        ? (w) => (w.hostNetwork ? options.hostNetwork : options.pods)
        : undefined,
    addresses: options.external ? () => true : undefined,
  });
}

/** Matches nothing (a peer the analysis cannot model, or one that is invalid). */
export function nothing(origin: Origin, text: string): WorkloadSet {
  return endpointSet({ key: `none\u0000${text}`, text, origin });
}

/** Every endpoint that all of the parts match. */
export function allOf(parts: readonly WorkloadSet[], origin: Origin, text?: string): WorkloadSet {
  if (parts.length === 1) return parts[0]!;
  return endpointSet({
    key: `and(${parts.map((p) => p.key).join('|')})`,
    text: text ?? parts.map((p) => p.text).join(' and '),
    labelUse: parts.flatMap((p) => p.labelUse),
    readsServiceAccount: parts.some((p) => p.readsServiceAccount),
    ranges: parts.flatMap((p) => p.ranges),
    origin,
    pods: (w, c) => parts.every((p) => p.matchesWorkload(w, c)),
    addresses: (b) => parts.every((p) => p.matchesAddresses(b)),
  });
}

/** The endpoints that `base` matches and `excluded` does not. */
export function except(base: WorkloadSet, excluded: WorkloadSet, origin: Origin): WorkloadSet {
  return endpointSet({
    key: `minus(${base.key}|${excluded.key})`,
    text: `${base.text} except ${excluded.text}`,
    labelUse: [...base.labelUse, ...excluded.labelUse],
    readsServiceAccount: base.readsServiceAccount || excluded.readsServiceAccount,
    ranges: [...base.ranges, ...excluded.ranges],
    origin,
    pods: (w, c) => base.matchesWorkload(w, c) && !excluded.matchesWorkload(w, c),
    addresses: (b) => base.matchesAddresses(b) && !excluded.matchesAddresses(b),
  });
}

/** A set that matches everything one of the ranges holds, for `nets` lists. */
export function rangesUnion(list: readonly IpRangeSet[]): IpRangeSet {
  return list.reduce((acc, r) => acc.union(r), IpRangeSet.empty);
}

/** Every endpoint that one of the parts matches (none for no parts). */
export function anyOf(parts: readonly WorkloadSet[], origin: Origin, text: string): WorkloadSet {
  return endpointSet({
    key: `or(${parts.map((p) => p.key).join('|')})`,
    text,
    labelUse: parts.flatMap((p) => p.labelUse),
    readsServiceAccount: parts.some((p) => p.readsServiceAccount),
    ranges: parts.flatMap((p) => p.ranges),
    origin,
    pods: (w, c) => parts.some((p) => p.matchesWorkload(w, c)),
    addresses: (b) => parts.some((p) => p.matchesAddresses(b)),
  });
}
