/**
 * namespace-name-label: a namespaceSelector requirement on the label key `name`.
 *
 * Kubernetes labels every namespace with `kubernetes.io/metadata.name: <name>` ("The Kubernetes control
 * plane sets an immutable label kubernetes.io/metadata.name on all namespaces",
 * https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/#automatic-labelling);
 * it sets no `name` label. Selecting `name: X` matches only namespaces someone labelled by hand.
 *
 * Judged per requirement, not per workspace (one labelled namespace does not vouch for the others):
 * - a Namespace of the workspace carries the label the requirement asks for: no finding;
 * - the namespace the value names is declared in the workspace without a `name` label: warning;
 * - a namespace the platform labels itself: OpenShift gives its `openshift-*` namespaces
 *   `name: <namespace>` (the cluster operators' Namespace manifests, e.g. openshift-monitoring's):
 *   no finding, unless the workspace declares that namespace without it;
 * - otherwise the workspace cannot tell whether someone labelled it: info.
 */
import type { Finding } from '../../findings.js';
import type { LabelRequirement, NamespaceInfo } from '../../model/types.js';
import { METADATA_NAME_LABEL } from '../../model/build-cluster.js';
import { get, isMap, isSeq, pairOf, stringValue } from '../../parse/snode.js';
import { requirementMatches } from '../../semantics/selector.js';
import type { LintRule } from '../rule.js';
import type { At } from './support.js';
import { finding, joinWords, lintIndex, listOf, nodeOf, podPeersOf } from './support.js';

export const namespaceNameLabelRule: LintRule = {
  ids: ['namespace-name-label'],
  check(ctx) {
    const namespaces = ctx.workspace.model.namespaces;
    const index = lintIndex(ctx);
    const out: Finding[] = [];
    const report = (req: LabelRequirement, at: At, values: readonly string[]) => {
      const verdict = judge(req, namespaces);
      if (verdict === undefined) return;
      out.push(
        finding(
          'namespace-name-label',
          at,
          `${message(req, namespaces)} ${verdict.why}`,
          { namespaces: [...values] },
          verdict.severity,
        ),
      );
    };
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
          report(req, { file, span: pair.key.span }, [value]);
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
          report(req, { file, span: key.span }, req.values);
        }
      }
    }
    return out;
  },
};

/** OpenShift labels its own `openshift-*` namespaces `name: <namespace>`. */
function platformLabelled(value: string): boolean {
  return value.startsWith('openshift-') || value === 'openshift';
}

/** The finding's severity and what it rests on, or undefined when the requirement is fine. */
function judge(
  req: LabelRequirement,
  namespaces: ReadonlyMap<string, NamespaceInfo>,
): { severity: 'warning' | 'info'; why: string } | undefined {
  const declared = [...namespaces.values()].filter((ns) => ns.origin !== undefined);
  if (declared.some((ns) => ns.labels['name'] !== undefined && requirementMatches(req, ns.labels)))
    return undefined;
  if (req.operator !== 'In')
    return declared.some((ns) => ns.labels['name'] !== undefined)
      ? undefined
      : { severity: 'info', why: 'No Namespace of the workspace carries a `name` label.' };
  const unlabelled = req.values
    .map((v) => namespaces.get(v))
    .filter((ns): ns is NamespaceInfo => ns?.origin !== undefined && ns.labels['name'] !== ns.name);
  if (unlabelled.length > 0) {
    const where = unlabelled.map((ns) => `${ns.name} (${ns.origin!.file.where(ns.origin!.span.start)})`);
    return {
      severity: 'warning',
      why: `The workspace declares ${listOf(where)} without a \`name\` label.`,
    };
  }
  const unknown = req.values.filter((v) => !platformLabelled(v));
  if (unknown.length === 0) return undefined;
  return {
    severity: 'info',
    why: `The workspace does not declare ${unknown.length === 1 ? 'namespace' : 'namespaces'} ${joinWords(unknown)}, so whether someone labelled ${unknown.length === 1 ? 'it' : 'them'} cannot be told from here.`,
  };
}

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
