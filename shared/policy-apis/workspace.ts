/**
 * The other policy APIs as editor features and lint rules read them, without building the reachability
 * engine (which the language server builds only when a request needs it): the policies the configured
 * CNI enforces, and the workloads an endpoint set matches, memoised per model.
 */
import type { ClusterModel, Workload } from '../model/types.js';
import type { CommonPolicy, MatchContext, WorkloadSet } from '../model/rule-model.js';
import type { Settings } from '../settings.js';
import { IpRangeSet } from '../semantics/ip-set.js';
import { layeredPolicies } from './plan.js';

interface Memo {
  readonly context: MatchContext;
  readonly sets: Map<string, Workload[]>;
  readonly plans: Map<string, readonly CommonPolicy[]>;
}

const memos = new WeakMap<ClusterModel, Memo>();

function memoOf(model: ClusterModel): Memo {
  let memo = memos.get(model);
  if (!memo) {
    const namespaces = model.namespaces;
    memo = {
      context: {
        namespaces,
        namespaceLabels: (ns) => namespaces.get(ns)?.labels ?? { 'kubernetes.io/metadata.name': ns },
        serviceAccountLabels: (ns, name) => model.serviceAccounts?.get(`${ns}/${name}`) ?? {},
        hasAddressIn: (w, ranges) => w.ips.some((ip) => ranges.containsAddress(ip)),
      },
      sets: new Map(),
      plans: new Map(),
    };
    memos.set(model, memo);
  }
  return memo;
}

/** How matchers see the workspace (pods by their shown IPs). */
export function matchContextOf(model: ClusterModel): MatchContext {
  return memoOf(model).context;
}

/** The policies that take part for the settings' CNI: every API's, NetworkPolicy placed (plan.ts). */
export function enforcedPolicies(model: ClusterModel, settings: Settings): readonly CommonPolicy[] {
  const memo = memoOf(model);
  const key = `${settings.cni}@${settings.cniVersion}`;
  let plan = memo.plans.get(key);
  if (!plan) memo.plans.set(key, (plan = layeredPolicies(model, settings.cni, settings.cniVersion) ?? []));
  return plan;
}

/** The workloads of the model a set matches. */
export function workloadsIn(model: ClusterModel, set: WorkloadSet): Workload[] {
  const memo = memoOf(model);
  let out = memo.sets.get(set.key);
  if (!out) {
    out = model.workloads.filter((w) => set.matchesWorkload(w, memo.context));
    memo.sets.set(set.key, out);
  }
  return out;
}

/** Whether two sets both hold some address outside the cluster. */
export function sharesAddresses(a: WorkloadSet, b: WorkloadSet): boolean {
  const span = (s: WorkloadSet) =>
    s.matchesAddresses(IpRangeSet.all)
      ? IpRangeSet.all
      : s.ranges.reduce((acc, r) => (s.matchesAddresses(r) ? acc.union(r) : acc), IpRangeSet.empty);
  return !span(a).intersect(span(b)).isEmpty;
}
