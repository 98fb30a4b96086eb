/**
 * Reads a LabelSelector (matchLabels + matchExpressions) from YAML. Tolerant: what is malformed marks
 * the selector invalid (so it matches nothing) and is reported by the API validator, not here.
 * https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/label-selector/
 */
import type { SourceFile } from '../source/source-file.js';
import { get, isMap, isNull, isScalar, isSeq, stringValue } from '../parse/snode.js';
import type { SNode } from '../parse/snode.js';
import type { LabelRequirement, LabelSelector, SelectorOperator } from './types.js';

const operators: ReadonlySet<string> = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

/** Builds a selector from its node. A `null` node (or absent fields) is the empty selector. */
export function buildSelector(file: SourceFile, node: SNode): LabelSelector {
  const requirements: LabelRequirement[] = [];
  let invalid = false;
  if (isNull(node)) return { requirements, origin: { file, span: node.span }, invalid: false };
  if (!isMap(node)) return { requirements, origin: { file, span: node.span }, invalid: true };

  const matchLabels = get(node, 'matchLabels');
  if (isMap(matchLabels)) {
    for (const pair of matchLabels.pairs) {
      const value = pair.value;
      if (typeof pair.key.value !== 'string' || !isScalar(value) || typeof value.value !== 'string') {
        // Labels are strings; `app: yes` or `version: 1` is rejected by the API server.
        if (isScalar(value) && value.value === null) {
          invalid = true;
          continue;
        }
        invalid = true;
        continue;
      }
      requirements.push({
        key: pair.key.value,
        operator: 'In',
        values: [value.value],
        origin: { file, span: pair.span },
      });
    }
  } else if (matchLabels !== undefined && !isNull(matchLabels)) invalid = true;

  const matchExpressions = get(node, 'matchExpressions');
  if (isSeq(matchExpressions)) {
    for (const item of matchExpressions.items) {
      const key = stringValue(get(item, 'key'));
      const operator = stringValue(get(item, 'operator'));
      const valuesNode = get(item, 'values');
      const values: string[] = [];
      let ok = key !== undefined && operator !== undefined && operators.has(operator);
      if (isSeq(valuesNode)) {
        for (const v of valuesNode.items) {
          if (isScalar(v) && typeof v.value === 'string') values.push(v.value);
          else ok = false;
        }
      } else if (valuesNode !== undefined && !isNull(valuesNode)) ok = false;
      // LabelSelectorRequirement.values: "If the operator is In or NotIn, the values array must be
      // non-empty. If the operator is Exists or DoesNotExist, the values array must be empty."
      // (https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/label-selector/)
      if (operator === 'In' || operator === 'NotIn') ok &&= values.length > 0;
      else if (isSeq(valuesNode) && valuesNode.items.length > 0) ok = false;
      if (!ok || key === undefined || operator === undefined) {
        invalid = true;
        continue;
      }
      requirements.push({
        key,
        operator: operator as SelectorOperator,
        values,
        origin: { file, span: item.span },
      });
    }
  } else if (matchExpressions !== undefined && !isNull(matchExpressions)) invalid = true;

  return { requirements, origin: { file, span: node.span }, invalid };
}
