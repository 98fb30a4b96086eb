/**
 * Hover on a NetworkPolicy's `metadata.name`: what it selects, its isolation effect per direction, each
 * rule in words, and (from the reachability engine, all policies combined) how many workloads and address
 * blocks can reach the selected pods and be reached by them.
 */
import type { AnalysisContext } from '../../context.js';
import type { Direction, NetworkPolicy, Workload } from '../../model/types.js';
import { policyRef } from '../../explain/explain.js';
import type { Endpoint } from '../../reach/engine.js';
import type { PodClass } from '../../reach/classes.js';
import { selectsAll } from '../../semantics/selector.js';
import { rejectedBanner, ruleWords, selectedWorkloads, selectorMd, workloadCount } from '../describe.js';
import { blocks, md, plural } from '../markdown.js';

export function policySummaryHover(ctx: AnalysisContext, policy: NetworkPolicy): string {
  const header = `**NetworkPolicy ${md(policyRef(policy))}**`;
  const selected = selectedWorkloads(policy, ctx.workspace.model.workloads);
  const ns = `**${md(policy.namespace)}**`;
  const selects = policy.podSelector.invalid
    ? 'Its podSelector is invalid: it selects no pod.'
    : selectsAll(policy.podSelector)
      ? `Selects every pod in namespace ${ns} (${workloadCount(selected.length)} now).`
      : selected.length === 0
        ? `Selects no pod in namespace ${ns} yet (${selectorMd(policy.podSelector)}).`
        : `Selects the pods of ${workloadCount(selected.length)} in namespace ${ns} (${selectorMd(policy.podSelector)}).`;
  const directions = (['ingress', 'egress'] as const).map((direction) => directionText(policy, direction));
  const combined = !policy.rejected && selected.length > 0 ? combinedText(ctx, policy, selected) : undefined;
  return blocks(header, rejectedBanner(policy), selects, ...directions, combined);
}

function directionText(policy: NetworkPolicy, direction: Direction): string[] {
  const affected = direction === 'ingress' ? policy.affectsIngress : policy.affectsEgress;
  const rules = direction === 'ingress' ? policy.ingress : policy.egress;
  const Dir = direction === 'ingress' ? '**Ingress**' : '**Egress**';
  if (!affected) {
    const ignored =
      rules.length > 0
        ? ` Its ${plural(rules.length, `${direction} rule`)} ${rules.length === 1 ? 'is' : 'are'} ignored.`
        : '';
    return [
      `${Dir}: not isolated by this policy (${direction === 'ingress' ? 'Ingress' : 'Egress'} is not in policyTypes).${ignored}`,
    ];
  }
  if (rules.length === 0) {
    return [
      `${Dir}: isolates the selected pods and allows nothing (deny all ${direction}, unless another policy selecting them allows it).`,
    ];
  }
  return [
    `${Dir}: isolates the selected pods; allowed ${direction === 'ingress' ? 'sources' : 'destinations'}:`,
    ...rules.slice(0, 8).map((r) => `- rule ${r.index + 1}: ${ruleWords(r, policy)}`),
    ...(rules.length > 8 ? [`- … and ${rules.length - 8} more rules`] : []),
  ];
}

/** With every policy combined: distinct workloads and external blocks that reach / are reached by the selection. */
function combinedText(ctx: AnalysisContext, policy: NetworkPolicy, selected: readonly Workload[]): string {
  const engine = ctx.engine;
  const targets = new Set<PodClass>();
  for (const w of selected) {
    const cls = engine.classOf(w);
    if (cls) targets.add(cls);
  }
  const single = selected.length === 1 ? selected[0] : undefined;
  const parts: string[] = [];
  if (policy.affectsIngress) {
    let sources = 0;
    let blocksIn = 0;
    for (const cls of engine.classes) {
      const src: Endpoint = { kind: 'class', cls };
      if (![...targets].some((t) => !engine.allowed(src, { kind: 'class', cls: t }).isEmpty)) continue;
      sources += cls.members.filter((m) => m !== single).length;
    }
    for (const block of engine.externals) {
      if (
        [...targets].some(
          (t) => !engine.allowed({ kind: 'external', block }, { kind: 'class', cls: t }).isEmpty,
        )
      )
        blocksIn++;
    }
    parts.push(
      `can be reached from ${workloadCount(sources)} and ${plural(blocksIn, 'external address block')}`,
    );
  }
  if (policy.affectsEgress) {
    const dsts = new Set<Workload>();
    const blocksOut = new Set<number>();
    for (const t of targets) {
      for (const { dst } of engine.reachableFrom({ kind: 'class', cls: t })) {
        if (dst.kind === 'external') blocksOut.add(dst.block.id);
        else for (const m of dst.cls.members) if (m !== single) dsts.add(m);
      }
    }
    parts.push(
      `can reach ${workloadCount(dsts.size)} and ${plural(blocksOut.size, 'external address block')}`,
    );
  }
  return `With every policy of the workspace combined, the selected pods ${parts.join(', and ')}.`;
}
