/**
 * Semantic rules for the policy APIs beyond NetworkPolicy v1, read from the common rule model:
 *
 * - admin-priority-overlap: two policies of one tier (Admin or Baseline) at the same priority, both
 *   applying to some pod, with rules of different actions matching a common peer on common ports. "If two
 *   (or more) policies in the same tier with the same priority could match a connection, then the
 *   implementation can apply any of the matching policies" (apis/v1alpha2/clusternetworkpolicy_types.go,
 *   `priority`): the verdict is up to the implementation. Warning.
 * - pass-undecided: a Pass rule whose traffic no lower layer decides in the workspace: no NetworkPolicy
 *   isolates the pods it passes for, and no Baseline rule matches, so the traffic is allowed by default.
 *   Pass delegates to namespace owners, whose NetworkPolicies may live elsewhere, so info.
 * - policy-rule-shadowed: a rule of an ordered layer that an earlier rule of the same policy (or of a
 *   policy before it with the same subject) decides first for every peer and port it names, so it never
 *   decides anything: a Deny behind an Accept of the same traffic, an Accept behind a Deny. Warning.
 * - cilium-fqdn-without-dns: a CiliumNetworkPolicy egress rule with `toFQDNs` while no egress rule of the
 *   policies selecting the same pods sends DNS through Cilium's DNS proxy (`toPorts` with `rules.dns`):
 *   "the DNS proxy must see the lookups for toFQDNs to learn the IPs" (https://docs.cilium.io/en/stable/security/dns/);
 *   without it no name is ever matched. Warning; info when the rule names exact names (`matchName`),
 *   which older Cilium versions resolved by polling DNS themselves.
 */
import type { Finding } from '../../findings.js';
import type { CommonPolicy, CommonRule, WorkloadSet } from '../../model/rule-model.js';
import { commonPolicyName } from '../../model/rule-model.js';
import type { Workload } from '../../model/types.js';
import { commonRuleRef } from '../../explain/explain.js';
import type { LintRule } from '../rule.js';
import { finding } from './support.js';
import {
  enforcedPolicies,
  matchContextOf,
  sharesAddresses,
  workloadsIn,
} from '../../policy-apis/workspace.js';

/**
 * Whether the workspace holds policies of the other APIs: without them these rules have nothing to read,
 * and they must not build the reachability engine on every edit of a NetworkPolicy-only workspace.
 */
function hasOtherApis(ctx: Parameters<LintRule['check']>[0]): boolean {
  return (ctx.workspace.model.apiPolicies?.length ?? 0) > 0;
}

const actionName = { allow: 'Accept/Allow', deny: 'Deny', pass: 'Pass', log: 'Log' } as const;

function workloadSetOf(ctx: Parameters<LintRule['check']>[0], set: WorkloadSet): Set<Workload> {
  return new Set(workloadsIn(ctx.workspace.model, set));
}

function peersOverlap(
  ctx: Parameters<LintRule['check']>[0],
  a: CommonRule,
  b: CommonRule,
  cache: Map<WorkloadSet, Set<Workload>>,
): boolean {
  if (a.peers === 'all' || b.peers === 'all') return (a.peers === 'all' ? b.peers : a.peers).length > 0;
  const of = (set: WorkloadSet) => {
    let out = cache.get(set);
    if (!out) cache.set(set, (out = workloadSetOf(ctx, set)));
    return out;
  };
  for (const pa of a.peers)
    for (const pb of b.peers) {
      if (pa.key === pb.key) return true;
      const wa = of(pa);
      for (const w of of(pb)) if (wa.has(w)) return true;
      if (sharesAddresses(pa, pb)) return true;
    }
  return false;
}

function portsOverlap(a: CommonRule, b: CommonRule): boolean {
  if (a.namedPorts || b.namedPorts) return true;
  return !a.portsOn(undefined).intersect(b.portsOn(undefined)).isEmpty;
}

function isTier(policy: CommonPolicy): boolean {
  return policy.layer.id === 'admin' || policy.layer.id === 'baseline';
}

export const adminPriorityOverlapRule: LintRule = {
  ids: ['admin-priority-overlap'],
  check(ctx) {
    const out: Finding[] = [];
    if (!hasOtherApis(ctx)) return out;
    const policies = enforcedPolicies(ctx.workspace.model, ctx.settings).filter(isTier);
    const cache = new Map<WorkloadSet, Set<Workload>>();
    const reported = new Set<string>();
    for (let i = 0; i < policies.length; i++)
      for (let j = i + 1; j < policies.length; j++) {
        const [a, b] = [policies[i]!, policies[j]!];
        if (a.layer.id !== b.layer.id || a.order !== b.order) continue;
        const subjects = workloadSetOf(ctx, a.subject);
        if (![...workloadSetOf(ctx, b.subject)].some((w) => subjects.has(w))) continue;
        for (const ra of a.rules)
          for (const rb of b.rules) {
            if (ra.direction !== rb.direction || ra.action === rb.action) continue;
            if (!portsOverlap(ra, rb) || !peersOverlap(ctx, ra, rb, cache)) continue;
            const [first, second] = commonPolicyName(a) < commonPolicyName(b) ? [ra, rb] : [rb, ra];
            const key = `${commonPolicyName(first.policy)}|${commonPolicyName(second.policy)}`;
            if (reported.has(key)) continue;
            reported.add(key);
            out.push(
              finding(
                'admin-priority-overlap',
                second.policy.anchor,
                `${commonPolicyName(second.policy)} and ${commonPolicyName(first.policy)} are both in the ${a.layer.title} at priority ${a.order}, ` +
                  `apply to the same pods, and their rules ${commonRuleRef(second)} (${actionName[second.action]}) and ${commonRuleRef(first)} ` +
                  `(${actionName[first.action]}) match the same traffic: the implementation may apply either. Give them different priorities.`,
                { other: commonPolicyName(first.policy), priority: a.order },
              ),
            );
          }
      }
    return out;
  },
};

export const passUndecidedRule: LintRule = {
  ids: ['pass-undecided'],
  check(ctx) {
    const out: Finding[] = [];
    if (!hasOtherApis(ctx)) return out;
    const model = ctx.workspace.model;
    const enforced = enforcedPolicies(model, ctx.settings);
    for (const policy of enforced) {
      if (policy.layer.id !== 'admin') continue;
      for (const rule of policy.rules) {
        if (rule.action !== 'pass') continue;
        const subjects = workloadsIn(model, policy.subject);
        if (subjects.length === 0) continue;
        // Does any lower layer decide what this rule passes for some pod of the subject?
        const match = matchContextOf(model);
        const lower = enforced.filter(
          (p) =>
            p.layer.order > policy.layer.order &&
            (rule.direction === 'ingress' ? p.affectsIngress : p.affectsEgress) &&
            ((rule.direction === 'ingress' ? p.isolatesIngress : p.isolatesEgress) ||
              p.rules.some((r) => r.direction === rule.direction)),
        );
        const decided = subjects.some((w) => lower.some((p) => p.subject.matchesWorkload(w, match)));
        if (decided) continue;
        out.push(
          finding(
            'pass-undecided',
            rule.origin,
            `${commonRuleRef(rule)} passes ${rule.direction} traffic to NetworkPolicy and the Baseline tier, but no NetworkPolicy in the workspace ` +
              `isolates ${subjects.length === 1 ? 'its pod' : `its ${subjects.length} pods`} for ${rule.direction} and no Baseline rule applies to them: ` +
              'what it passes is allowed by default. If namespace owners keep their NetworkPolicies elsewhere, this is intended.',
            { direction: rule.direction },
          ),
        );
      }
    }
    return out;
  },
};

/** True when `earlier` decides everything `later` could: every peer of `later`, on a superset of its ports. */
function covers(earlier: CommonRule, later: CommonRule): boolean {
  if (earlier.action === 'log' || earlier.self || later.self) return false;
  if (earlier.direction !== later.direction) return false;
  if (earlier.peers !== 'all') {
    if (later.peers === 'all') return false;
    const keys = new Set(earlier.peers.map((p) => p.key));
    // Every pod of every namespace covers any peer made of pods only.
    const everyPod = earlier.peers.some((p) => p.everyPod);
    if (!later.peers.every((p) => keys.has(p.key) || (everyPod && p.key.startsWith('pods\u0000'))))
      return false;
  }
  if (earlier.namedPorts) return false;
  const earlierPorts = earlier.portsOn(undefined);
  if (later.namedPorts) return earlierPorts.isAll;
  const laterPorts = later.portsOn(undefined);
  return !laterPorts.isEmpty && earlierPorts.contains(laterPorts);
}

export const policyRuleShadowedRule: LintRule = {
  ids: ['policy-rule-shadowed'],
  check(ctx) {
    const out: Finding[] = [];
    if (!hasOtherApis(ctx)) return out;
    const policies = enforcedPolicies(ctx.workspace.model, ctx.settings).filter(
      (p) => p.layer.mode === 'ordered' && !p.v1,
    );
    for (const policy of policies) {
      // Earlier rules: this policy's, and those of policies before it in the layer with the same subject.
      const before = policies.filter(
        (q) =>
          q !== policy &&
          q.layer.id === policy.layer.id &&
          q.order < policy.order &&
          q.subject.key === policy.subject.key,
      );
      policy.rules.forEach((rule, position) => {
        if (rule.action === 'log') return;
        const earlier = [...before.flatMap((q) => q.rules), ...policy.rules.slice(0, position)];
        const shadow = earlier.find((e) => covers(e, rule));
        if (!shadow) return;
        const same = shadow.action === rule.action;
        out.push(
          finding(
            'policy-rule-shadowed',
            rule.origin,
            `${commonRuleRef(rule)} never decides anything: ${commonRuleRef(shadow)} comes first in the ${policy.layer.title} and ` +
              `${same ? `already ${actionName[shadow.action]}s` : `${actionName[shadow.action]}s`} the same peers on ${
                shadow.portsOn(undefined).isAll ? 'every port' : 'these ports'
              }${same ? '' : `, so this ${actionName[rule.action]} never applies`}. Remove it, or move it before the other rule.`,
            { shadowedBy: commonRuleRef(shadow) },
          ),
        );
      });
    }
    return out;
  },
};

export const ciliumFqdnWithoutDnsRule: LintRule = {
  ids: ['cilium-fqdn-without-dns'],
  check(ctx) {
    const out: Finding[] = [];
    const cilium = (ctx.workspace.model.apiPolicies ?? []).filter((p) => p.api === 'CiliumNetworkPolicy');
    const match = matchContextOf(ctx.workspace.model);
    for (const policy of cilium) {
      for (const rule of policy.rules) {
        if (!rule.fqdns || rule.direction !== 'egress') continue;
        const pods = workloadsIn(ctx.workspace.model, policy.subject);
        // The DNS rule may sit in any Cilium policy that selects the same pods (or in this one).
        const proxied = cilium.some(
          (p) =>
            p.rules.some((r) => r.direction === 'egress' && r.dnsProxy) &&
            (p === policy || pods.some((w) => p.subject.matchesWorkload(w, match))),
        );
        if (proxied) continue;
        out.push(
          finding(
            'cilium-fqdn-without-dns',
            rule.origin,
            `${commonRuleRef(rule)} allows ${rule.fqdns.join(', ')} by name, but no egress rule of the Cilium policies that select ` +
              `${pods.length > 0 ? 'these pods' : 'the same pods'} sends DNS through Cilium's DNS proxy (toPorts on port 53 with rules.dns): ` +
              'Cilium learns the addresses of a name only from the lookups it sees, so this rule never matches. Add an egress rule to the ' +
              'cluster DNS with `rules: {dns: [{matchPattern: "*"}]}`.',
            { names: [...rule.fqdns] },
            // Older Cilium versions resolved `matchName` names themselves (DNS polling); only patterns
            // always need the proxy. Which version runs is not in the workspace: info for names.
            rule.fqdnNames ? 'info' : undefined,
          ),
        );
      }
    }
    return out;
  },
};
