/**
 * policy-api-not-analysed: a policy of an API (Antrea, GKE, OVN-Kubernetes, ...) that the analysis does not
 * read (shared/model/foreign-policies.ts). It is info: nothing is wrong with the object, but reachability
 * and explanations here read the analysed policy APIs only, and this policy can deny what they allow.
 */
import type { Finding } from '../../findings.js';
import { foreignPolicyRef } from '../../model/foreign-policies.js';
import type { LintRule } from '../rule.js';
import { cniEnforces, enforcedApis, enforcedSince } from '../../policy-apis/cni.js';
import { commonPolicyName } from '../../model/rule-model.js';
import { finding } from './support.js';

export const policyApiNotAnalysedRule: LintRule = {
  ids: ['policy-api-not-analysed'],
  check(ctx) {
    const out: Finding[] = [];
    for (const policy of ctx.workspace.foreignPolicies) {
      out.push(
        finding(
          'policy-api-not-analysed',
          policy.anchor,
          `${foreignPolicyRef(policy)} is a ${policy.api} policy (${policy.apiVersion}), which netpol-scope does not analyse: ` +
            'reachability, explanations and findings here read the analysed policy APIs only and may overstate what is allowed.',
          { api: policy.api, kind: policy.kind },
        ),
      );
    }
    return out;
  },
};

/**
 * policy-api-not-enforced: a policy of an API the configured CNI does not enforce (policy-apis/cni.ts):
 * a Calico policy on Cilium, a CiliumNetworkPolicy on Calico, an AdminNetworkPolicy on Cilium. It does
 * nothing on that cluster and takes no part in reachability (policy-apis/plan.ts). With `unknown`, every
 * API is taken as enforced and nothing is reported.
 */
export const policyApiNotEnforcedRule: LintRule = {
  ids: ['policy-api-not-enforced'],
  check(ctx) {
    const cni = ctx.settings.cni;
    const version = ctx.settings.cniVersion;
    const out: Finding[] = [];
    for (const policy of ctx.workspace.model.apiPolicies ?? []) {
      if (cniEnforces(cni, policy.api, version)) continue;
      const since = enforcedSince(cni, policy.api);
      if (since !== undefined && cniEnforces(cni, policy.api)) {
        out.push(
          finding(
            'policy-api-not-enforced',
            policy.anchor,
            `${commonPolicyName(policy)} is a ${policy.api} object, which ${cni} enforces from version ${since}; the configured ` +
              `version ${version} does not: it does nothing on this cluster and takes no part in reachability here.`,
            { api: policy.api, cni, version },
          ),
        );
        continue;
      }
      out.push(
        finding(
          'policy-api-not-enforced',
          policy.anchor,
          `${commonPolicyName(policy)} is a ${policy.api} object, which the configured CNI (${cni}) does not enforce: ` +
            `it does nothing on this cluster and takes no part in reachability here. ${cni} enforces ${enforcedApis(cni).join(', ') || 'no network policy'}.`,
          { api: policy.api, cni },
        ),
      );
    }
    return out;
  },
};
