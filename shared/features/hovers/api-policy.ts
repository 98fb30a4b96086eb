/**
 * Hovers on the policies of the other APIs (ClusterNetworkPolicy, AdminNetworkPolicy, Cilium, Calico),
 * from the common rule model: on the name, the policy's layer, order and whom it applies to; on a rule,
 * its action, ports and peers in evaluation terms; on a subject or a peer selector of any kind, what it
 * selects in plain words with the workloads of the workspace it matches.
 */
import type { AnalysisContext } from '../../context.js';
import type { CommonPolicy, CommonRule, WorkloadSet } from '../../model/rule-model.js';
import { commonPolicyName } from '../../model/rule-model.js';
import type { SourceFile, Span } from '../../source/source-file.js';
import { commonRuleRef } from '../../explain/explain.js';
import { blocks, boundedList, md, plural, whereMd, workloadMd } from '../markdown.js';
import { enforcedPolicies, workloadsIn } from '../../policy-apis/workspace.js';
import { IpRangeSet } from '../../semantics/ip-set.js';

interface Candidate {
  readonly span: Span;
  readonly markdown: () => string;
}

const actionWords = {
  allow: 'allows',
  deny: 'denies',
  pass: 'passes to the next layer',
  log: 'logs (decides nothing)',
} as const;

function setLines(ctx: AnalysisContext, set: WorkloadSet): string[] {
  const workloads = workloadsIn(ctx.workspace.model, set);
  const external = set.matchesAddresses(IpRangeSet.all) || set.ranges.some((r) => set.matchesAddresses(r));
  const lines = [`Selects ${md(set.text)}.`];
  if (workloads.length === 0 && !external) lines.push('It matches no workload of the workspace.');
  else {
    if (workloads.length > 0)
      lines.push(
        `Matches ${plural(workloads.length, 'workload')}:`,
        ...boundedList(workloads.map(workloadMd)),
      );
    if (external) lines.push('It also matches addresses outside the cluster.');
  }
  return lines;
}

function policyMarkdown(ctx: AnalysisContext, policy: CommonPolicy): string {
  const order = policy.orderName ? `, ${policy.orderName} ${policy.order}` : '';
  const directions = [policy.affectsIngress ? 'ingress' : '', policy.affectsEgress ? 'egress' : '']
    .filter(Boolean)
    .join(' and ');
  const isolates =
    policy.isolatesIngress || policy.isolatesEgress
      ? `The pods it applies to are isolated for ${directions} in this layer: what no rule allows is denied.`
      : 'It isolates nothing: what its rules do not decide goes on to the next layer.';
  const enforced = enforcedPolicies(ctx.workspace.model, ctx.settings).includes(policy);
  return blocks(
    `**${md(commonPolicyName(policy))}**: ${md(policy.layer.title)}${md(order)} (${whereMd(policy.anchor)}).`,
    enforced ? undefined : 'It takes no part in reachability: the configured CNI does not enforce this API.',
    `Applies to ${md(directions || 'no direction')}. ${isolates}`,
    setLines(ctx, policy.subject),
  );
}

function ruleMarkdown(ctx: AnalysisContext, rule: CommonRule): string {
  const ports = rule.portsOn(undefined);
  const portText = rule.namedPorts ? 'named ports (resolved on each destination)' : ports.toString();
  const peers =
    rule.peers === 'all'
      ? ['every peer']
      : rule.peers.length === 0
        ? ['no peer']
        : rule.peers.map((p) => p.text);
  return blocks(
    `Rule ${md(commonRuleRef(rule))}: ${actionWords[rule.action]} ${md(portText)} ${rule.direction === 'ingress' ? 'from' : 'to'} ${md(peers.join('; '))}.`,
    rule.http
      ? `Only these HTTP requests pass: ${md(rule.http.map((h) => `${h.method ?? 'any method'} ${h.path ?? 'any path'}`).join('; '))}.`
      : undefined,
    rule.peers !== 'all' && rule.peers.length === 1 ? setLines(ctx, rule.peers[0]!) : undefined,
  );
}

/** The hover at an offset of a policy of another API, if the cursor is on one of its parts. */
export function apiPolicyHover(
  ctx: AnalysisContext,
  file: SourceFile,
  offset: number,
): { markdown: string; span: Span } | undefined {
  const candidates: Candidate[] = [];
  const inside = (span: Span) => span.start <= offset && offset <= span.end;
  for (const policy of ctx.workspace.model.apiPolicies ?? []) {
    if (policy.origin.file !== file || !inside(policy.origin.span)) continue;
    if (inside(policy.anchor.span))
      candidates.push({ span: policy.anchor.span, markdown: () => policyMarkdown(ctx, policy) });
    if (inside(policy.subject.origin.span))
      candidates.push({
        span: policy.subject.origin.span,
        markdown: () => blocks(setLines(ctx, policy.subject)),
      });
    for (const rule of policy.rules) {
      if (!inside(rule.origin.span)) continue;
      candidates.push({ span: rule.origin.span, markdown: () => ruleMarkdown(ctx, rule) });
      if (rule.peers === 'all') continue;
      for (const peer of rule.peers)
        if (inside(peer.origin.span) && peer.origin.span !== rule.origin.span)
          candidates.push({ span: peer.origin.span, markdown: () => blocks(setLines(ctx, peer)) });
    }
  }
  if (candidates.length === 0) return undefined;
  const best = candidates.reduce((a, b) => (b.span.end - b.span.start < a.span.end - a.span.start ? b : a));
  return { markdown: best.markdown(), span: best.span };
}
