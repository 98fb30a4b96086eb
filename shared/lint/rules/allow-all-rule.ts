/**
 * allow-all-rule: a rule without peers (`- {}`, `- ports: [...]` without `from`/`to`, `from: []`).
 *
 * NetworkPolicyIngressRule.from / NetworkPolicyEgressRule.to: "If this field is empty or missing, this
 * rule matches all sources (traffic not restricted by source)" / "all destinations"
 * (https://kubernetes.io/docs/reference/kubernetes-api/networking-resources/network-policy-v1/): every pod of
 * every namespace and every address outside the cluster.
 *
 * Severity follows the severity policy (docs/rules.md): such rules are commonly intended (egress `[{}]`
 * by design, a ports-only ingress rule for webhooks, metrics or the API server, which no selector can
 * name), so they are info, except where the policy itself says otherwise:
 * the policy's name says it denies, blocks, isolates or restricts (and not that it allows all), or calls
 * it a backdoor: then it is a warning. `from: []` is said to match everyone, like an absent list.
 * A ports-only egress rule on the DNS ports is the standard DNS allow and is not reported. Where `- {}`
 * allows everything, one finding names the rules of that direction it makes redundant, and those rules
 * get none. A rule that split-rule reports, or whose `from`/`to` is null (api-invalid-type), is left to
 * that rule.
 */
import type { Finding } from '../../findings.js';
import type { NetworkPolicy, PolicyRule } from '../../model/types.js';
import { qualifiedName } from '../../model/types.js';
import { get, isNull, isSeq } from '../../parse/snode.js';
import { rulesOf } from '../../reach/engine.js';
import type { AnalysisContext } from '../../context.js';
import type { LintRule } from '../rule.js';
import { splitPairs } from './split-rule.js';
import { namedAgainstOpening, statedIntent } from './intent.js';
import { dnsPortsOnly, finding, joinWords, lintIndex, nodeOf, ruleName, rulePortsPhrase } from './support.js';

export const allowAllRuleRule: LintRule = {
  ids: ['allow-all-rule'],
  check(ctx) {
    const out: Finding[] = [];
    for (const policy of lintIndex(ctx).policies) {
      const split = new Set(splitPairs(policy).map((p) => p.second));
      for (const direction of ['ingress', 'egress'] as const) {
        const rules = rulesOf(policy, direction);
        const open = rules.find((r) => r.peers === 'all' && r.ports === 'all');
        if (open) {
          const field = peersField(ctx, policy, open);
          if (field !== 'null') out.push(openFinding(policy, open, rules, field));
          continue;
        }
        for (const rule of rules) {
          if (rule.peers !== 'all' || split.has(rule)) continue;
          const field = peersField(ctx, policy, rule);
          if (field === 'null') continue;
          if (direction === 'egress' && dnsPortsOnly(rule)) continue;
          out.push(portsOnlyFinding(policy, rule, field));
        }
      }
    }
    return out;
  },
};

const everyone = {
  ingress: 'every source: every pod of every namespace and every address outside the cluster',
  egress:
    'every destination: every pod of every namespace and every address outside the cluster, including the internet and the cloud metadata endpoint',
};

function openFinding(
  policy: NetworkPolicy,
  open: PolicyRule,
  rules: readonly PolicyRule[],
  field: PeersField,
): Finding {
  const direction = open.direction;
  const verb = direction === 'ingress' ? 'admits traffic from' : 'allows traffic to';
  const others = rules.filter((r) => r !== open).map(ruleName);
  const redundant =
    others.length > 0
      ? ` It makes ${joinWords(others)} redundant: ${others.length === 1 ? 'that rule allows' : 'those rules allow'} nothing more.`
      : '';
  const { severity, why } = judged(policy, open, field);
  return finding(
    'allow-all-rule',
    open.origin,
    `${ruleName(open)} of ${qualifiedName(policy)} has no \`${direction === 'ingress' ? 'from' : 'to'}\` peers and no ports, so the policy ` +
      `${verb} ${everyone[direction]}, on all ports.${redundant}${why}`,
    undefined,
    severity,
  );
}

function portsOnlyFinding(policy: NetworkPolicy, rule: PolicyRule, field: PeersField): Finding {
  const direction = rule.direction;
  const { severity, why } = judged(policy, rule, field);
  const common =
    severity === 'info'
      ? direction === 'ingress'
        ? ' Commonly intended for webhooks, metrics or the API server, which no selector can name; select the sources where you can.'
        : ' Commonly intended for clients of the API server or of outside services; add `to` peers where you know them.'
      : '';
  return finding(
    'allow-all-rule',
    rule.origin,
    `${ruleName(rule)} of ${qualifiedName(policy)} has no \`${direction === 'ingress' ? 'from' : 'to'}\` peers, so it allows traffic ` +
      `${direction === 'ingress' ? 'from' : 'to'} ${everyone[direction]}, ${rulePortsPhrase(rule)}.${why}${common}`,
    undefined,
    severity,
  );
}

/** Warning where the policy's name speaks against opening it, else info; and what the message adds. */
function judged(
  policy: NetworkPolicy,
  rule: PolicyRule,
  field: PeersField,
): { severity: 'warning' | 'info'; why: string } {
  const key = rule.direction === 'ingress' ? 'from' : 'to';
  const empty =
    field === 'empty'
      ? ` \`${key}: []\` is no restriction: an empty list matches everyone, like an absent one.`
      : '';
  if (namedAgainstOpening(statedIntent(policy)))
    return {
      severity: 'warning',
      why: ` The policy's name (${policy.name}) speaks against opening it to everyone.${empty}`,
    };
  return { severity: 'info', why: empty };
}

type PeersField = 'absent' | 'empty' | 'null' | 'listed';

/** How the rule writes its `from`/`to`: absent, `[]`, null (api-invalid-type reports it) or a list. */
function peersField(ctx: AnalysisContext, policy: NetworkPolicy, rule: PolicyRule): PeersField {
  const node = nodeOf(ctx, policy, rule.origin);
  const value = get(node, rule.direction === 'ingress' ? 'from' : 'to');
  if (value === undefined) return 'absent';
  if (isNull(value)) return 'null';
  if (isSeq(value) && value.items.length === 0) return 'empty';
  return 'listed';
}
