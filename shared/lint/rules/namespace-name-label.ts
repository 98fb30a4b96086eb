/**
 * namespace-name-label: a namespaceSelector requirement on the label key `name`.
 *
 * Kubernetes labels every namespace with `kubernetes.io/metadata.name: <name>` ("The Kubernetes control
 * plane sets an immutable label kubernetes.io/metadata.name on all namespaces",
 * https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/#automatic-labelling);
 * it sets no `name` label. Selecting `name: X` matches only namespaces someone labelled by hand, so it
 * is reported unless a Namespace of the workspace carries a `name` label.
 */
import type { Finding } from '../../findings.js';
import type { LabelRequirement, NamespaceInfo } from '../../model/types.js';
import { METADATA_NAME_LABEL } from '../../model/build-cluster.js';
import { get, isMap, isSeq, pairOf, stringValue } from '../../parse/snode.js';
import { requirementMatches } from '../../semantics/selector.js';
import type { LintRule } from '../rule.js';
import { finding, joinWords, lintIndex, listOf, nodeOf, podPeersOf } from './support.js';

export const namespaceNameLabelRule: LintRule = {
  ids: ['namespace-name-label'],
  check(ctx) {
    const namespaces = ctx.workspace.model.namespaces;
    const labelled = [...namespaces.values()].some(
      (ns) => ns.origin !== undefined && ns.labels['name'] !== undefined,
    );
    if (labelled) return [];
    const index = lintIndex(ctx);
    const out: Finding[] = [];
    for (const { policy, peer } of podPeersOf(index.policies)) {
      // Only a selector with a requirement on `name` can be reported; finding its node walks the policy.
      if (!peer.namespaceSelector?.requirements.some((r) => r.key === 'name')) continue;
      const node = nodeOf(ctx, policy, peer.namespaceSelector.origin);
      const file = peer.namespaceSelector.origin.file;
      const matchLabels = get(node, 'matchLabels');
      if (isMap(matchLabels)) {
        const pair = pairOf(matchLabels, 'name');
        const value = stringValue(pair?.value);
        if (pair && value !== undefined) {
          const req: LabelRequirement = {
            key: 'name',
            operator: 'In',
            values: [value],
            origin: { file, span: pair.span },
          };
          out.push(
            finding('namespace-name-label', { file, span: pair.key.span }, message(req, namespaces), {
              namespaces: [value],
            }),
          );
        }
      }
      const expressions = get(node, 'matchExpressions');
      if (isSeq(expressions)) {
        for (const item of expressions.items) {
          const key = get(item, 'key');
          if (stringValue(key) !== 'name' || !key) continue;
          const req = peer.namespaceSelector.requirements.find(
            (r) =>
              r.key === 'name' &&
              r.origin.span.start === item.span.start &&
              r.origin.span.end === item.span.end,
          );
          if (!req) continue;
          out.push(
            finding('namespace-name-label', { file, span: key.span }, message(req, namespaces), {
              namespaces: [...req.values],
            }),
          );
        }
      }
    }
    return out;
  },
};

function message(req: LabelRequirement, namespaces: ReadonlyMap<string, NamespaceInfo>): string {
  const fixed: LabelRequirement = { ...req, key: METADATA_NAME_LABEL };
  const would = [...namespaces.values()]
    .filter((ns) => requirementMatches(fixed, ns.labels))
    .map((ns) => ns.name)
    .sort();
  const unknown = req.operator === 'In' ? req.values.filter((v) => !namespaces.has(v)) : [];
  let then: string;
  if (would.length > 0) {
    then = `With \`${METADATA_NAME_LABEL}\` it would match ${would.length === 1 ? 'namespace' : 'namespaces'} ${listOf(would)}`;
    if (unknown.length > 0) then += ` (and ${joinWords(unknown)}, which the workspace does not show)`;
    then += '.';
  } else if (unknown.length > 0) {
    then = `With \`${METADATA_NAME_LABEL}\` it would match namespace ${joinWords(unknown)} (not in the workspace).`;
  } else {
    then = `With \`${METADATA_NAME_LABEL}\` it would match no namespace of the workspace.`;
  }
  return (
    `Kubernetes does not set a \`name\` label on namespaces; it sets \`${METADATA_NAME_LABEL}\` automatically. ` +
    `Unless you label namespaces with \`name\` yourself, this requirement matches no namespace. ${then}`
  );
}
