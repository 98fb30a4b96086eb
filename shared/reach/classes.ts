/**
 * Equivalence classes of pods: pods that share namespace, the labels the policies look at, container
 * ports, host-network mode and IP behaviour (which ipBlocks hold their IPs) are treated alike by every
 * policy, so the engine computes reachability once per class instead of once per pod.
 *
 * Labels count only as far as some selector can tell them apart: a key no selector names is ignored,
 * and the value of a named key matters only when a selector lists it (`In`, `NotIn`, matchLabels);
 * otherwise only its presence does (`Exists`, `DoesNotExist`, or a value no selector lists). Pods with a
 * unique label each (`statefulset.kubernetes.io/pod-name`, a hash) therefore still share a class.
 */
import type { LabelSelector, Workload } from '../model/types.js';
import { ANY_VALUE } from '../model/rule-model.js';

export interface PodClass {
  readonly id: number;
  readonly namespace: string;
  /** The first member; all members behave alike. */
  readonly representative: Workload;
  readonly members: Workload[];
  /** Indexes (into the distinct ipBlock sets) of the ipBlocks holding some IP of the members, ascending. */
  readonly ipHits: readonly number[];
}

/** Label keys the selectors name, with the values they list (an empty set: only presence is tested). */
export type LabelRelevance = ReadonlyMap<string, ReadonlySet<string>>;

/** What the pod selectors can tell apart (namespace selectors read namespace labels, not pods'). */
export function labelRelevance(selectors: Iterable<LabelSelector>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const selector of selectors) {
    for (const req of selector.requirements) {
      let values = out.get(req.key);
      if (!values) out.set(req.key, (values = new Set()));
      for (const v of req.values) values.add(v);
    }
  }
  return out;
}

function labelsKey(labels: Readonly<Record<string, string>>, relevance: LabelRelevance | undefined): string {
  const keys = Object.keys(labels).sort();
  if (!relevance) return keys.map((k) => `${k}\u0001${labels[k]}`).join('\u0002');
  const out: string[] = [];
  for (const k of keys) {
    const values = relevance.get(k);
    if (!values) continue;
    const v = labels[k]!;
    // ANY_VALUE: a selector tests the value with a pattern (Calico `contains`), so every value counts.
    out.push(values.has(v) || values.has(ANY_VALUE) ? `${k}\u0001${v}` : `${k}\u0003`);
  }
  return out.join('\u0002');
}

function portsKey(w: Workload): string {
  return w.ports
    .map((p) => `${p.name ?? ''}/${p.port}/${p.protocol}`)
    .sort()
    .join(',');
}

/**
 * Groups workloads into classes. `ipHitsOf` gives the IP behaviour of a workload's IPs: the ascending
 * indexes of the distinct ipBlock sets that hold one of them.
 */
export function buildClasses(
  workloads: readonly Workload[],
  ipHitsOf: (ips: readonly string[]) => readonly number[],
  /** The labels that matter (labelRelevance); every label when absent. */
  relevance?: LabelRelevance,
  /** Anything else the policies tell pods apart by (the service account), as a string. */
  extraKey?: (w: Workload) => string,
): PodClass[] {
  const byKey = new Map<string, PodClass>();
  const classes: PodClass[] = [];
  for (const w of workloads) {
    const ipHits = ipHitsOf(w.ips);
    const key = `${w.namespace}\u0000${labelsKey(w.labels, relevance)}\u0000${portsKey(w)}\u0000${w.hostNetwork ? 1 : 0}\u0000${ipHits.join(',')}\u0000${extraKey ? extraKey(w) : ''}`;
    let cls = byKey.get(key);
    if (!cls) {
      cls = { id: classes.length, namespace: w.namespace, representative: w, members: [], ipHits };
      byKey.set(key, cls);
      classes.push(cls);
    }
    cls.members.push(w);
  }
  return classes;
}
