/**
 * Equivalence classes of pods: pods that share namespace, labels, container ports, host-network
 * mode and IP behaviour (which ipBlocks hold their IPs) are treated alike by every policy, so the
 * engine computes reachability once per class instead of once per pod.
 */
import type { Workload } from '../model/types.js';
import type { IpRangeSet } from '../semantics/ip-set.js';
import { parseAddress } from '../semantics/ip-set.js';

export interface PodClass {
  readonly id: number;
  readonly namespace: string;
  /** The first member; all members behave alike. */
  readonly representative: Workload;
  readonly members: Workload[];
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
 * Groups workloads into classes. `ipBlocks` are the distinct ipBlock address sets in use; a pod's IP
 * behaviour is the list of those that hold one of its IPs.
 */
export function buildClasses(workloads: readonly Workload[], ipBlocks: readonly IpRangeSet[]): PodClass[] {
  const byKey = new Map<string, PodClass>();
  const classes: PodClass[] = [];
  for (const w of workloads) {
    let ipKey = '';
    if (w.ips.length > 0 && ipBlocks.length > 0) {
      const parsed = w.ips.map(parseAddress).filter((a) => a !== undefined);
      const hits: number[] = [];
      ipBlocks.forEach((block, index) => {
        if (parsed.some((a) => block.ranges.some((r) => r.family === a.family && a.value >= r.first && a.value <= r.last))) {
          hits.push(index);
        }
      });
      ipKey = hits.join(',');
    }
    const key = `${w.namespace}\u0000${labelsKey(w.labels)}\u0000${portsKey(w)}\u0000${w.hostNetwork ? 1 : 0}\u0000${ipKey}`;
    let cls = byKey.get(key);
    if (!cls) {
      cls = { id: classes.length, namespace: w.namespace, representative: w, members: [] };
      byKey.set(key, cls);
      classes.push(cls);
    }
    cls.members.push(w);
  }
  return classes;
}
