/**
 * Equivalence classes of pods: pods that share namespace, labels, container ports, host-network
 * mode and IP behaviour (which ipBlocks hold their IPs) are treated alike by every policy, so the
 * engine computes reachability once per class instead of once per pod.
 */
import type { Workload } from '../model/types.js';

export interface PodClass {
  readonly id: number;
  readonly namespace: string;
  /** The first member; all members behave alike. */
  readonly representative: Workload;
  readonly members: Workload[];
  /** Indexes (into the distinct ipBlock sets) of the ipBlocks holding some IP of the members, ascending. */
  readonly ipHits: readonly number[];
}

function labelsKey(labels: Readonly<Record<string, string>>): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}\u0001${labels[k]}`)
    .join('\u0002');
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
): PodClass[] {
  const byKey = new Map<string, PodClass>();
  const classes: PodClass[] = [];
  for (const w of workloads) {
    const ipHits = w.ips.length > 0 ? ipHitsOf(w.ips) : [];
    const key = `${w.namespace}\u0000${labelsKey(w.labels)}\u0000${portsKey(w)}\u0000${w.hostNetwork ? 1 : 0}\u0000${ipHits.join(',')}`;
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
