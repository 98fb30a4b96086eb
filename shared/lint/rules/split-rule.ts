/**
 * split-rule: two consecutive rules of one direction, the first with peers and no ports, the second
 * with ports and no peers: usually one rule split by a stray `-` (`- from: [...]` then `- ports: [...]`).
 *
 * Rules are ORed and an absent `from`/`to` or `ports` matches everything
 * (https://kubernetes.io/docs/reference/kubernetes-api/networking-resources/network-policy-v1/, NetworkPolicyIngressRule:
 * "If this field is empty or missing, this rule matches all sources"; "all ports"), so the pair allows
 * the peers on every port and every peer on the ports. An egress pair whose second rule allows only the DNS
 * ports is the standard "peers rule + DNS rule" pair, not a split: merging it would block name lookups.
 */
import type { Finding } from '../../findings.js';
import type { NetworkPolicy, PolicyRule } from '../../model/types.js';
import { qualifiedName } from '../../model/types.js';
import { rulesOf } from '../../reach/engine.js';
import type { LintRule } from '../rule.js';
import { dnsPortsOnly, finding, lintIndex, ruleName, rulePortsPhrase } from './support.js';

export interface SplitPair {
  readonly first: PolicyRule;
  readonly second: PolicyRule;
}

/** The split pairs of a policy's effective rules. */
export function splitPairs(policy: NetworkPolicy): SplitPair[] {
  const out: SplitPair[] = [];
  for (const direction of ['ingress', 'egress'] as const) {
    const rules = rulesOf(policy, direction);
    for (let i = 0; i + 1 < rules.length; i++) {
      const first = rules[i]!;
      const second = rules[i + 1]!;
      if (
        first.peers !== 'all' &&
        first.ports === 'all' &&
        second.peers === 'all' &&
        second.ports !== 'all' &&
        // "peers rule + DNS rule" is the standard pair, not a split: merging would break name lookups.
        !(direction === 'egress' && dnsPortsOnly(second))
      ) {
        out.push({ first, second });
      }
    }
  }
  return out;
}

export const splitRuleRule: LintRule = {
  ids: ['split-rule'],
  check(ctx) {
    const out: Finding[] = [];
    for (const policy of lintIndex(ctx).policies) {
      for (const { first, second } of splitPairs(policy)) {
        const peersKey = first.direction === 'ingress' ? 'from' : 'to';
        const everyone = first.direction === 'ingress' ? 'from every source' : 'to every destination';
        out.push(
          finding(
            'split-rule',
            second.origin,
            `${ruleName(second)} of ${qualifiedName(policy)} has ports but no \`${peersKey}\`, so it allows traffic ` +
              `${everyone} (including outside the cluster) ${rulePortsPhrase(second)}; and ${ruleName(first)} before it has ` +
              `\`${peersKey}\` but no ports, so it allows its peers on all ports. A stray \`-\` probably split one rule in two: ` +
              `remove the \`-\` before \`ports\` to allow only those peers on those ports.`,
            { direction: first.direction, index: first.index },
          ),
        );
      }
    }
    return out;
  },
};
