/**
 * Code lenses: one per NetworkPolicy of a file, above its first line, summing up what it does:
 * `selects 3 workloads · ingress from 2 workloads · egress to 4 workloads + 1 IP block`.
 *
 * Counts are per policy and at workload level (model workloads; a Deployment counts once): the workloads
 * it selects, and the workloads its rules' pod/namespace peers match. ipBlock peers are counted apart, as
 * distinct address blocks. It runs on every edit, so it reads the memoised workspace index the lint rules
 * build (selections and peer matches looked up by namespace and label), not engine pairs.
 */
import type { AnalysisContext } from '../context.js';
import type { Direction, NetworkPolicy, PolicyRule, Workload } from '../model/types.js';
import { lintIndex } from '../lint/rules/support.js';
import type { LintIndex } from '../lint/rules/support.js';
import type { SourceFile, Span } from '../source/source-file.js';
import { lineSpanFrom } from '../source/source-file.js';
import { enforcedPolicies, workloadsIn } from '../policy-apis/workspace.js';
import { assertionLenses, assertionsOf } from './hovers/assertion.js';

export interface CodeLens {
  /** The first line of the policy object. */
  readonly span: Span;
  readonly title: string;
}

export function codeLenses(ctx: AnalysisContext, file: SourceFile): CodeLens[] {
  // An assertions file: each assertion's verdict.
  if (assertionsOf(ctx, file)) return assertionLenses(ctx, file);
  const index = lintIndex(ctx);
  const lenses: CodeLens[] = [];
  for (const [policy, object] of ctx.workspace.policyObjects) {
    if (object.file !== file && (object.file.path !== file.path || object.file.text !== file.text)) continue;
    lenses.push({
      span: lineSpanFrom(object.file.text, object.node.span.start),
      title: titleOf(index, policy),
    });
  }
  lenses.push(...apiPolicyLenses(ctx, file));
  return lenses.sort((a, b) => a.span.start - b.span.start);
}

/**
 * Lenses of the policies of other APIs (one per policy; a Cilium object with `specs` gets one per spec):
 * `Admin tier · priority 10 · applies to 3 workloads · 2 ingress rules, 1 egress rule`, or that the
 * configured CNI does not enforce it.
 */
function apiPolicyLenses(ctx: AnalysisContext, file: SourceFile): CodeLens[] {
  const out: CodeLens[] = [];
  const seen = new Set<number>();
  for (const policy of ctx.workspace.model.apiPolicies ?? []) {
    const origin = policy.origin;
    if (origin.file !== file && (origin.file.path !== file.path || origin.file.text !== file.text)) continue;
    const start = origin.span.start;
    if (seen.has(start)) continue;
    seen.add(start);
    const enforced = enforcedPolicies(ctx.workspace.model, ctx.settings).includes(policy);
    const rules = (d: Direction) => policy.rules.filter((r) => r.direction === d).length;
    const title = enforced
      ? [
          policy.layer.title,
          ...(policy.orderName ? [`${policy.orderName} ${policy.order}`] : []),
          `applies to ${count(workloadsIn(ctx.workspace.model, policy.subject).length, 'workload')}`,
          `${count(rules('ingress'), 'ingress rule')}, ${count(rules('egress'), 'egress rule')}`,
        ].join(' · ')
      : `not enforced by the configured CNI (${ctx.settings.cni}): takes no part`;
    out.push({ span: lineSpanFrom(origin.file.text, start), title });
  }
  return out;
}

/** The lens title of one policy; selections come from the workspace index the lint rules share. */
function titleOf(index: LintIndex, policy: NetworkPolicy): string {
  if (policy.rejected) return 'rejected by the API server: see problems';
  return [
    `selects ${count(index.selectedBy(policy).length, 'workload')}`,
    directionTitle(index, policy, 'ingress'),
    directionTitle(index, policy, 'egress'),
  ].join(' · ');
}

function directionTitle(index: LintIndex, policy: NetworkPolicy, direction: Direction): string {
  const affected = direction === 'ingress' ? policy.affectsIngress : policy.affectsEgress;
  if (!affected) return `not isolating ${direction}`;
  const rules: readonly PolicyRule[] = direction === 'ingress' ? policy.ingress : policy.egress;
  if (rules.length === 0) return `denies all ${direction}`;
  const towards = direction === 'ingress' ? 'from' : 'to';
  if (rules.some((r) => r.peers === 'all')) return `${direction} ${towards} anywhere`;
  const matched = new Set<Workload>();
  const blocks = new Set<string>();
  for (const rule of rules) {
    if (rule.peers === 'all') continue;
    for (const peer of rule.peers) {
      if (peer.kind === 'ipBlock') {
        if (!peer.ranges.isEmpty) blocks.add(peer.ranges.key);
        continue;
      }
      for (const w of index.matchedBy(policy, peer)) matched.add(w);
    }
  }
  const parts = [count(matched.size, 'workload')];
  if (blocks.size > 0) parts.push(count(blocks.size, 'IP block'));
  return `${direction} ${towards} ${parts.join(' + ')}`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
