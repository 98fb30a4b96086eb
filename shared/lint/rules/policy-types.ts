/**
 * policy-types-ignored-rules and policy-types-implicit: what `policyTypes` does to the rules.
 *
 * From the API reference (NetworkPolicySpec.policyTypes,
 * https://kubernetes.io/docs/reference/kubernetes-api/networking-resources/network-policy-v1/): "If this
 * field is not specified, it will default based on the existence of ingress or egress rules; policies
 * that contain an egress section are assumed to affect egress, and all policies (whether or not they
 * contain an ingress section) are assumed to affect ingress." When it is given, a direction it omits is
 * not affected: the rules of that direction are ignored (the defaulting tests `len(spec.Egress) != 0`,
 * so `egress: []` does not count as an egress section).
 */
import type { Finding } from '../../findings.js';
import { qualifiedName } from '../../model/types.js';
import { get, isSeq } from '../../parse/snode.js';
import type { LintRule } from '../rule.js';
import { finding, keySpan, lintIndex, plural, policyRoot } from './support.js';

export const policyTypesRule: LintRule = {
  ids: ['policy-types-ignored-rules', 'policy-types-implicit'],
  check(ctx) {
    const out: Finding[] = [];
    for (const policy of lintIndex(ctx).policies) {
      const root = policyRoot(ctx, policy);
      const spec = get(root, 'spec');
      const file = policy.anchor.file;
      const name = qualifiedName(policy);
      if (policy.policyTypesExplicit) {
        const declared = [
          policy.affectsIngress ? 'Ingress' : '',
          policy.affectsEgress ? 'Egress' : '',
        ].filter(Boolean);
        for (const [direction, type, affected, rules] of [
          ['ingress', 'Ingress', policy.affectsIngress, policy.ingress],
          ['egress', 'Egress', policy.affectsEgress, policy.egress],
        ] as const) {
          if (affected || rules.length === 0) continue;
          const key = keySpan(spec, direction);
          if (!key) continue;
          const isolation = type === 'Ingress' ? 'ingress-isolated' : 'egress-isolated';
          out.push(
            finding(
              'policy-types-ignored-rules',
              { file, span: key },
              `policyTypes of ${name} is [${declared.join(', ')}], without ${type}, so Kubernetes ignores its ` +
                `${plural(rules.length, `${direction} rule`)}. Add ${type} to policyTypes if they should apply (the selected ` +
                `pods then become ${isolation}), or remove them.`,
              { direction: type },
            ),
          );
        }
        continue;
      }
      const effective = policy.affectsEgress ? ['Ingress', 'Egress'] : ['Ingress'];
      const egressNode = get(spec, 'egress');
      const why = policy.affectsEgress
        ? 'affects Ingress and Egress (it has egress rules): the pods it selects are isolated in both directions'
        : isSeq(egressNode)
          ? 'affects Ingress only (its egress list is empty, which does not count as egress rules): it does not restrict egress; list Egress in policyTypes to deny all egress'
          : 'affects Ingress only (it has no egress rules)';
      const noIngress =
        policy.ingress.length === 0
          ? ' With no ingress rules, it denies all ingress to the pods it selects.'
          : '';
      const specKey = keySpan(root, 'spec');
      out.push(
        finding(
          'policy-types-implicit',
          specKey ? { file, span: specKey } : policy.anchor,
          `policyTypes is omitted, so ${name} ${why}.${noIngress} Write policyTypes to make the intent explicit.`,
          { effective },
        ),
      );
    }
    return out;
  },
};
