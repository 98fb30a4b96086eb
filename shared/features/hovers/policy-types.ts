/**
 * Hover on `spec.policyTypes` (or on `spec` when it is omitted): the effective types and why, and which
 * rule lists are ignored. Defaulting, from the API reference (NetworkPolicySpec.policyTypes): "If this
 * field is not specified, it will default based on the existence of ingress or egress rules; policies that
 * contain an egress section are assumed to affect egress, and all policies (whether or not they contain an
 * ingress section) are assumed to affect ingress." (see model/build-policy.ts: `egress: []` adds nothing).
 */
import type { NetworkPolicy } from '../../model/types.js';
import { qualifiedName } from '../../model/types.js';
import { rejectedBanner } from '../describe.js';
import { blocks, md, plural } from '../markdown.js';

/** `declared`: the entries of `spec.policyTypes` as written (strings; other entries as ''). */
export function policyTypesHover(policy: NetworkPolicy, declared: readonly string[] = []): string {
  const types = [policy.affectsIngress && 'Ingress', policy.affectsEgress && 'Egress'].filter(
    (t) => t !== false,
  );
  const effective = types.length > 0 ? types.join(', ') : 'none';
  const header = `**policyTypes** of NetworkPolicy **${md(qualifiedName(policy))}**: ${effective}`;
  const unknown = declared.filter((t) => t !== 'Ingress' && t !== 'Egress');
  const why = policy.policyTypesExplicit
    ? `Set explicitly to ${effective}.${
        unknown.length > 0
          ? ` ${unknown.map((t) => (t === '' ? 'An empty entry' : md(t))).join(', ')} ${unknown.length === 1 ? 'is not a policy type' : 'are not policy types'}: the API server accepts only Ingress and Egress.`
          : ''
      }`
    : `Not set, so the API server defaults it to ${effective}: Ingress always; ${
        policy.affectsEgress
          ? 'Egress because the policy has egress rules.'
          : 'Egress only when the policy has egress rules, and it has none (an empty `egress: []` does not count).'
      }`;
  const effects = (['ingress', 'egress'] as const).map((direction) => {
    const affected = direction === 'ingress' ? policy.affectsIngress : policy.affectsEgress;
    const rules = direction === 'ingress' ? policy.ingress : policy.egress;
    const Dir = direction === 'ingress' ? 'Ingress' : 'Egress';
    if (!affected) {
      return rules.length > 0
        ? `${Dir}: not affected, and the ${plural(rules.length, `${direction} rule`)} of this policy ${rules.length === 1 ? 'is' : 'are'} ignored because ${Dir} is not in policyTypes.`
        : `${Dir}: not affected by this policy.`;
    }
    return rules.length > 0
      ? `${Dir}: the selected pods are isolated for ${direction}; a connection passes only when an ${direction} rule allows it (this policy has ${plural(rules.length, `${direction} rule`)}; policies selecting the same pods add theirs).`
      : `${Dir}: the selected pods are isolated for ${direction} and this policy has no ${direction} rule, so it denies all ${direction} unless another policy selecting them allows it.`;
  });
  return blocks(
    header,
    rejectedBanner(policy),
    why,
    effects.map((e) => `- ${e}`),
  );
}
