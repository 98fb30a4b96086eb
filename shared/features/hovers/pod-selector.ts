/**
 * Hover on a policy's `spec.podSelector`: the workloads it selects now, that future pods with the labels
 * are included, and near misses when it selects nothing. A policy's podSelector only selects pods in the
 * policy's own namespace, and not host-network pods (see semantics/policy-semantics.ts).
 */
import type { AnalysisContext } from '../../context.js';
import type { LabelRequirement, NetworkPolicy, Workload } from '../../model/types.js';
import { qualifiedName } from '../../model/types.js';
import { requirementMatches, selectorMatches, selectorText, selectsAll } from '../../semantics/selector.js';
import { rejectedBanner, selectedWorkloads, selectorMd, workloadCount } from '../describe.js';
import { blocks, boundedList, md, workloadMd } from '../markdown.js';

export function podSelectorHover(ctx: AnalysisContext, policy: NetworkPolicy): string {
  const selector = policy.podSelector;
  const ns = `**${md(policy.namespace)}**`;
  const header = `**podSelector** of NetworkPolicy **${md(qualifiedName(policy))}**`;
  if (selector.invalid) {
    return blocks(
      header,
      rejectedBanner(policy),
      'This selector is invalid (see problems): it selects no pod.',
    );
  }
  const workloads = ctx.workspace.model.workloads;
  const selected = selectedWorkloads(policy, workloads);
  const hostNetwork = workloads.filter(
    (w) => w.hostNetwork && w.namespace === policy.namespace && selectorMatches(selector, w.labels),
  );
  const hostNote = hostNetwork.length > 0 && [
    `Not selected: ${workloadCount(hostNetwork.length)} with matching labels run on the host network, which NetworkPolicies do not select:`,
    ...boundedList(hostNetwork.map(workloadMd), 5),
  ];

  if (selectsAll(selector)) {
    return blocks(
      header,
      rejectedBanner(policy),
      `Selects every pod in namespace ${ns} (\`{}\`): ${workloadCount(selected.length)} now, and every pod created there later.`,
      boundedList(selected.map(workloadMd)),
      hostNote,
    );
  }
  if (selected.length > 0) {
    return blocks(
      header,
      rejectedBanner(policy),
      `Selects the pods of ${workloadCount(selected.length)} in namespace ${ns} (${selectorMd(selector)}):`,
      boundedList(selected.map(workloadMd)),
      `Pods created later in ${ns} with these labels are selected too.`,
      hostNote,
    );
  }
  const inNamespace = workloads.filter((w) => w.namespace === policy.namespace && !w.hostNetwork);
  const nearMisses = inNamespace.flatMap((w) => nearMiss(w, selector.requirements));
  const elsewhere = workloads.filter(
    (w) => w.namespace !== policy.namespace && !w.hostNetwork && selectorMatches(selector, w.labels),
  );
  const keys = [...new Set(selector.requirements.map((r) => r.key))].slice(0, 3);
  const valuesSeen = keys.flatMap((key) => {
    const counts = new Map<string, number>();
    for (const w of inNamespace) {
      const value = w.labels[key];
      if (value !== undefined) counts.set(value, (counts.get(value) ?? 0) + 1);
    }
    if (counts.size === 0) return [`No workload in ${ns} has a label ${md(key)}.`];
    const shown = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 8);
    return [
      `Values of ${md(key)} in ${ns}: ${shown.map(([v, n]) => `${md(v)} (${n})`).join(', ')}${counts.size > 8 ? ', …' : ''}.`,
    ];
  });
  return blocks(
    header,
    rejectedBanner(policy),
    `Selects no pod in namespace ${ns} yet (${selectorMd(selector)}); pods created there later with these labels will be selected.`,
    nearMisses.length > 0 && ['Near misses:', ...boundedList(nearMisses, 5)],
    valuesSeen.join(' '),
    elsewhere.length > 0 && [
      `These workloads in other namespaces carry the labels, but a policy only selects pods in its own namespace (${ns}):`,
      ...boundedList(elsewhere.map(workloadMd), 5),
    ],
    hostNote,
  );
}

/**
 * A near miss: the workload fails exactly one requirement, an `In` on a label it carries with a similar
 * value (a typo, a plural, another case): "Deployment **shop/cart** (…) has app=carts; the selector wants app=cart".
 */
export function nearMiss(w: Workload, requirements: readonly LabelRequirement[]): string[] {
  const failing = requirements.filter((r) => !requirementMatches(r, w.labels));
  if (failing.length !== 1) return [];
  const r = failing[0]!;
  const value = w.labels[r.key];
  if (r.operator !== 'In' || value === undefined || !r.values.some((v) => similar(v, value))) return [];
  const wants = md(selectorText({ requirements: [r], origin: r.origin, invalid: false }));
  return [`${workloadMd(w)} has ${md(`${r.key}=${value}`)}; the selector wants ${wants}`];
}

/** Equal ignoring case, one containing the other, or at most two edits apart. */
function similar(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (x === y || (x.length >= 3 && y.includes(x)) || (y.length >= 3 && x.includes(y))) return true;
  if (Math.abs(x.length - y.length) > 2) return false;
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      current.push(
        Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1)),
      );
    }
    previous = current;
  }
  return previous[y.length]! <= 2;
}
