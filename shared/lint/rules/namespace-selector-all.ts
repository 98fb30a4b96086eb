/**
 * namespace-selector-all: a peer whose namespaceSelector has no requirements (`{}`, `matchLabels: {}`).
 *
 * An empty label selector "matches all objects"
 * (https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/label-selector/), so the peer
 * admits every namespace of the cluster, including namespaces created later, such as a tenant's or a
 * test's. With a podSelector it admits the matching pods of every namespace
 * (https://kubernetes.io/docs/concepts/services-networking/network-policies/#behavior-of-to-and-from-selectors).
 */
import type { Finding } from '../../findings.js';
import { qualifiedName } from '../../model/types.js';
import { selectsAll } from '../../semantics/selector.js';
import type { LintRule } from '../rule.js';
import { finding, lintIndex, plural, podsPhrase, ruleName, podPeersOf } from './support.js';

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
      const what =
        pods === 'all pods'
          ? `every pod of every namespace: ${today}`
          : `${pods} in every namespace: ${today}`;
      out.push(
        finding(
          'namespace-selector-all',
          peer.namespaceSelector.origin,
          `\`namespaceSelector: {}\` selects every namespace, so ${ruleName(rule)} of ${qualifiedName(policy)} ${verb} ${what}. ` +
            `Select the namespaces you mean, e.g. with \`kubernetes.io/metadata.name\`.`,
          { policy: qualifiedName(policy) },
        ),
      );
    }
    return out;
  },
};
