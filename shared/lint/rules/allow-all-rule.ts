/**
 * allow-all-rule: a rule without peers (`- {}`, `- ports: [...]` without `from`/`to`, `from: []`).
 *
 * NetworkPolicyIngressRule.from / NetworkPolicyEgressRule.to: "If this field is empty or missing, this
 * rule matches all sources (traffic not restricted by source)" / "all destinations"
 * (https://kubernetes.io/docs/reference/kubernetes-api/networking-resources/network-policy-v1/): every pod of
 * every namespace and every address outside the cluster. A rule that split-rule reports is left to it.
 */
import type { Finding } from '../../findings.js';
import { qualifiedName } from '../../model/types.js';
import { rulesOf } from '../../reach/engine.js';
import type { LintRule } from '../rule.js';
import { splitPairs } from './split-rule.js';
import { finding, lintIndex, ruleName, rulePortsPhrase } from './support.js';

export const allowAllRuleRule: LintRule = {
  ids: ['allow-all-rule'],
  check(ctx) {
    const out: Finding[] = [];
    for (const policy of lintIndex(ctx).policies) {
      const split = new Set(splitPairs(policy).map((p) => p.second));
      for (const direction of ['ingress', 'egress'] as const) {
        for (const rule of rulesOf(policy, direction)) {
          if (rule.peers !== 'all' || split.has(rule)) continue;
          const text =
            direction === 'ingress'
              ? `has no \`from\` peers, so it allows traffic from every source: every pod of every namespace and every address outside the cluster`
              : `has no \`to\` peers, so it allows traffic to every destination: every pod of every namespace and every address outside the cluster, including the internet and the cloud metadata endpoint`;
          out.push(
            finding(
              'allow-all-rule',
              rule.origin,
              `${ruleName(rule)} of ${qualifiedName(policy)} ${text}, ${rulePortsPhrase(rule)}. ` +
                `Add \`${direction === 'ingress' ? 'from' : 'to'}\` peers unless that is intended.`,
            ),
          );
        }
      }
    }
    return out;
  },
};
