/**
 * namespace-selector-unmatched: a peer that selects namespaces only (no podSelector, or `podSelector: {}`)
 * by a label that no namespace of the workspace carries, while the namespace its value names is declared
 * in the workspace without that label. The usual cause: the author assumed a namespace carries a label
 * named after it (`team: payments`, `ns: payments`), but only `kubernetes.io/metadata.name` is set
 * automatically ("The Kubernetes control plane sets an immutable label kubernetes.io/metadata.name on all
 * namespaces", https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/#automatic-labelling).
 *
 * Judged only where the workspace shows it: the value names a namespace declared here, and no namespace
 * here matches. The key `name` is namespace-name-label's; `kubernetes.io/metadata.name` cannot be missing.
 */
import type { Finding } from '../../findings.js';
import type { NamespaceInfo } from '../../model/types.js';
import { qualifiedName } from '../../model/types.js';
import { METADATA_NAME_LABEL } from '../../model/build-cluster.js';
import { selectorMatches, selectsAll } from '../../semantics/selector.js';
import type { LintRule } from '../rule.js';
import { finding, lintIndex, podPeersOf, ruleName, selectorPhrase } from './support.js';

export const namespaceSelectorUnmatchedRule: LintRule = {
  ids: ['namespace-selector-unmatched'],
  check(ctx) {
    const namespaces = [...ctx.workspace.model.namespaces.values()];
    const out: Finding[] = [];
    for (const { policy, rule, peer } of podPeersOf(lintIndex(ctx).policies)) {
      const selector = peer.namespaceSelector;
      if (!selector || selector.invalid || selectsAll(selector)) continue;
      if (peer.podSelector && !selectsAll(peer.podSelector)) continue;
      if (namespaces.some((ns) => selectorMatches(selector, ns.labels))) continue;
      for (const req of selector.requirements) {
        if (req.operator !== 'In' || req.key === 'name' || req.key === METADATA_NAME_LABEL) continue;
        const lacking = req.values
          .map((v) => ctx.workspace.model.namespaces.get(v))
          .filter(
            (ns): ns is NamespaceInfo =>
              ns?.origin !== undefined && !req.values.includes(ns.labels[req.key] ?? ''),
          );
        const first = lacking[0];
        if (!first) continue;
        const label = `${req.key}=${first.name}`;
        out.push(
          finding(
            'namespace-selector-unmatched',
            req.origin,
            `namespaceSelector ${selectorPhrase(selector)} in ${ruleName(rule)} of ${qualifiedName(policy)} matches no namespace of the ` +
              `workspace: namespace ${first.name} (${first.origin!.file.where(first.origin!.span.start)}) lacks \`${label}\`. ` +
              `\`${METADATA_NAME_LABEL}: ${first.name}\` would match it; or add the label to the Namespace.`,
            { key: req.key, namespace: first.name },
          ),
        );
      }
    }
    return out;
  },
};
