/**
 * policy-api-not-analysed: a policy of another API (Cilium, Calico, Antrea, AdminNetworkPolicy, ...) that
 * the analysis does not read yet (shared/model/foreign-policies.ts). It is info: nothing is wrong with the
 * object, but every reachability result and explanation here reads NetworkPolicy v1 only, and this policy
 * can deny what v1 allows. The message names the workloads it selects where that can be told.
 */
import type { Finding } from '../../findings.js';
import { foreignPolicyRef } from '../../model/foreign-policies.js';
import type { LintRule } from '../rule.js';
import { cniEnforces, enforcedApis, enforcedSince } from '../../policy-apis/cni.js';
import { commonPolicyName } from '../../model/rule-model.js';
import { finding, lintIndex, listOf, workloadRef } from './support.js';

export const policyApiNotAnalysedRule: LintRule = {
  ids: ['policy-api-not-analysed'],
  check(ctx) {
    const index = lintIndex(ctx);
    const out: Finding[] = [];
    for (const policy of ctx.workspace.foreignPolicies) {
      const candidates =
        policy.namespace === undefined
          ? index.workloads
          : (index.workloadsByNamespace.get(policy.namespace) ?? []);
      const verdicts = candidates.map((w) => [w, policy.appliesTo(w)] as const);
      const selected = verdicts.filter(([, v]) => v === true).map(([w]) => w);
      const known = verdicts.every(([, v]) => v !== undefined);
      const selects =
        selected.length > 0
          ? ` It selects ${listOf(selected.map(workloadRef), 3)}.`
          : known && candidates.length > 0
            ? ' It selects no workload of the workspace.'
            : '';
      out.push(
        finding(
          'policy-api-not-analysed',
          policy.anchor,
          `${foreignPolicyRef(policy)} is a ${policy.api} policy (${policy.apiVersion}), which netpol-scope does not analyse yet: ` +
            `reachability, explanations and findings here read NetworkPolicy v1 only and may overstate what is allowed.${selects}`,
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
