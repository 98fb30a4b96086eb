/**
 * namespace-selector-all: a peer whose namespaceSelector has no requirements (`{}`, `matchLabels: {}`).
 *
 * An empty label selector "matches all objects"
 * (https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/label-selector/), so the peer
 * admits every namespace of the cluster, including namespaces created later, such as a tenant's or a
 * test's. With a podSelector it admits the matching pods of every namespace
 * (https://kubernetes.io/docs/concepts/services-networking/network-policies/#behavior-of-to-and-from-selectors).
 *
 * Severity (docs/rules.md, "Severity policy"): a warning, except where the opening is plainly intended,
 * which is info:
 * - the policy's name says it is about all namespaces or in-cluster traffic ("allow-all-namespaces",
 *   "deny-external-egress");
 * - an ingress rule for admission webhooks (the name or comments say webhook, or the port is 9443, the
 *   webhook port of controller-runtime): its caller is the API server, which no selector can name;
 * - an egress rule on the DNS ports only (the cluster DNS, wherever it runs).
 * Comments alone do not lower it: "allow from any namespace" on a metrics port states the exposure, it
 * does not make it harmless.
 */
import type { Finding } from '../../findings.js';
import { qualifiedName } from '../../model/types.js';
import { selectsAll } from '../../semantics/selector.js';
import type { LintRule } from '../rule.js';
import type { NetworkPolicy, PolicyRule } from '../../model/types.js';
import { calledByApiServer, namedAsAllNamespaces, statedIntent } from './intent.js';
import { dnsPortsOnly, finding, lintIndex, plural, podsPhrase, ruleName, podPeersOf } from './support.js';

export const namespaceSelectorAllRule: LintRule = {
  ids: ['namespace-selector-all'],
  check(ctx) {
    const index = lintIndex(ctx);
    const count = ctx.workspace.model.namespaces.size;
    const today = `the ${plural(count, 'namespace')} in the workspace today, and every namespace created later`;
    const out: Finding[] = [];
    for (const { policy, direction, rule, peer } of podPeersOf(index.policies)) {
      if (!peer.namespaceSelector || !selectsAll(peer.namespaceSelector)) continue;
      const verb = direction === 'ingress' ? 'admits traffic from' : 'allows traffic to';
      const pods = podsPhrase(peer.podSelector);
      const intended = intendedBecause(policy, rule);
      const what =
        pods === 'all pods'
          ? `every pod of every namespace: ${today}`
          : `${pods} in every namespace: ${today}`;
      out.push(
        finding(
          'namespace-selector-all',
          peer.namespaceSelector.origin,
          `\`namespaceSelector: {}\` selects every namespace, so ${ruleName(rule)} of ${qualifiedName(policy)} ${verb} ${what}. ` +
            (intended
              ? `Reported as info: ${intended}.`
              : `Select the namespaces you mean, e.g. with \`kubernetes.io/metadata.name\`.`),
          { policy: qualifiedName(policy) },
          intended ? 'info' : undefined,
        ),
      );
    }
    return out;
  },
};

/** Why opening this rule to every namespace is plainly intended, or undefined. */
function intendedBecause(policy: NetworkPolicy, rule: PolicyRule): string | undefined {
  const intent = statedIntent(policy);
  if (namedAsAllNamespaces(intent))
    return `the policy's name (${policy.name}) says it is about all namespaces`;
  if (rule.direction === 'egress' && dnsPortsOnly(rule)) return 'the rule allows the DNS ports only';
  const webhookPort =
    rule.ports !== 'all' && rule.ports.some((p) => p.port === 9443 || p.port === 'webhook-server');
  if (rule.direction === 'ingress' && (webhookPort || calledByApiServer(intent)))
    return 'an admission webhook is called by the API server, which no pod or namespace selector can name';
  return undefined;
}
