/**
 * LabelSelector validation, following ValidateLabelSelector / ValidateLabelSelectorRequirement /
 * ValidateLabels in kubernetes/kubernetes staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/validation/validation.go,
 * as NetworkPolicy creation calls them (ValidationOptionsForNetworking: AllowInvalidLabelValueInSelector
 * is false for a new object):
 * - matchLabels: every key must be a qualified name, every value a valid label value;
 * - matchExpressions: In/NotIn need at least one value ("must be specified when `operator` is 'In' or
 *   'NotIn'"), Exists/DoesNotExist take none ("may not be specified"), any other operator (including
 *   "" and a different case) is "not a valid selector operator"; the key must be a qualified name; every
 *   value must be a valid label value, whatever the operator.
 * A null matchLabels value or values entry decodes as "" (a valid label value), which matches only an
 * empty label: accepted, so it is a warning.
 */
import { isMap, isSeq } from '../parse/snode.js';
import { labelValueProblems, qualifiedNameProblems } from './labels.js';
import {
  anchorOf,
  childAt,
  isNullNode,
  itemsAt,
  joinPath,
  keyText,
  nullPhrase,
  quote,
  stringOf,
  valueSpan,
} from './report.js';
import type { At, Reporter } from './report.js';

const operators = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;

export function validateSelector(r: Reporter, selector: At): void {
  if (!isMap(selector.node)) return;
  const matchLabels = childAt(selector, 'matchLabels');
  if (matchLabels) validateLabelMap(r, matchLabels, 'selector');
  const expressions = childAt(selector, 'matchExpressions');
  if (expressions && isSeq(expressions.node)) {
    for (const entry of itemsAt(expressions)) validateRequirement(r, entry);
  }
}

/**
 * ValidateLabels over a map of labels (metadata.labels or matchLabels): keys and string values.
 * In a selector, a null value is read as "" and selects only pods with that label set to "".
 */
export function validateLabelMap(r: Reporter, map: At, use: 'selector' | 'object'): void {
  if (!isMap(map.node)) return;
  for (const pair of map.node.pairs) {
    const key = keyText(pair.key);
    if (key === undefined) continue; // null key: reported by the structure check
    const problems = qualifiedNameProblems(key);
    if (problems.length > 0) {
      r.error(
        'api-invalid-label',
        pair.key.span,
        `Label key ${quote(key)} is invalid: ${problems.join('; ')}.`,
        {
          path: joinPath(map.path, key),
        },
      );
    }
    const value: At = { node: pair.value, key: pair.key, path: joinPath(map.path, key) };
    if (isNullNode(pair.value)) {
      if (use === 'selector') {
        r.warning(
          'api-invalid-type',
          valueSpan(r.file, value),
          `The value of label ${quote(key)} ${nullPhrase(pair.value)}; Kubernetes reads it as "", so this selects only pods whose ${quote(key)} label is the empty string.`,
          { path: value.path, null: true },
        );
      }
      continue;
    }
    const text = stringOf(pair.value);
    if (text !== undefined) checkLabelValue(r, value, text);
  }
}

function checkLabelValue(r: Reporter, at: At, text: string): void {
  const problems = labelValueProblems(text);
  if (problems.length > 0) {
    r.error(
      'api-invalid-label',
      valueSpan(r.file, at),
      `Label value ${quote(text)} is invalid: it ${problems.join(', and ')}.`,
      {
        path: at.path,
      },
    );
  }
}

function validateRequirement(r: Reporter, entry: At): void {
  if (isNullNode(entry.node)) {
    r.error(
      'api-invalid-selector',
      valueSpan(r.file, entry),
      `The entry ${entry.path} ${nullPhrase(entry.node)}; Kubernetes reads it as a requirement with no key and no operator, which it rejects.`,
      { path: entry.path },
    );
    return;
  }
  if (!isMap(entry.node)) return;
  const keyAt = childAt(entry, 'key');
  const operatorAt = childAt(entry, 'operator');
  const valuesAt = childAt(entry, 'values');

  // The key: a qualified name; absent and null both decode as "".
  if (!keyAt) {
    r.error(
      'api-missing-field',
      anchorOf(r.file, entry),
      `${entry.path} has no key: a selector requirement needs the label key to test.`,
      {
        path: `${entry.path}.key`,
      },
    );
  } else if (isNullNode(keyAt.node)) {
    r.error(
      'api-missing-field',
      valueSpan(r.file, keyAt),
      `${keyAt.path} ${nullPhrase(keyAt.node)}; a selector requirement needs the label key to test.`,
      {
        path: keyAt.path,
      },
    );
  } else {
    const key = stringOf(keyAt.node);
    const problems = key === undefined ? [] : qualifiedNameProblems(key);
    if (key !== undefined && problems.length > 0) {
      r.error(
        'api-invalid-label',
        valueSpan(r.file, keyAt),
        `Label key ${quote(key)} is invalid: ${problems.join('; ')}.`,
        {
          path: keyAt.path,
        },
      );
    }
  }

  const values = valuesAt && isSeq(valuesAt.node) ? itemsAt(valuesAt) : [];
  const valuesTyped = !valuesAt || isNullNode(valuesAt.node) || isSeq(valuesAt.node);

  // The operator.
  let operator: string | undefined;
  if (!operatorAt) {
    r.error(
      'api-missing-field',
      anchorOf(r.file, entry),
      `${entry.path} has no operator: use In, NotIn, Exists or DoesNotExist.`,
      { path: `${entry.path}.operator` },
    );
  } else if (isNullNode(operatorAt.node)) {
    r.error(
      'api-invalid-selector',
      valueSpan(r.file, operatorAt),
      `${operatorAt.path} ${nullPhrase(operatorAt.node)}; use In, NotIn, Exists or DoesNotExist.`,
      { path: operatorAt.path },
    );
  } else {
    operator = stringOf(operatorAt.node);
    if (operator !== undefined && !(operators as readonly string[]).includes(operator)) {
      const match = operators.find((o) => o.toLowerCase() === operator!.toLowerCase());
      const hint = match ? ` Operators are case-sensitive: write ${match}.` : '';
      r.error(
        'api-invalid-selector',
        valueSpan(r.file, operatorAt),
        `${quote(operator)} is not a valid selector operator: use In, NotIn, Exists or DoesNotExist.${hint}`,
        { path: operatorAt.path, ...(match ? { suggestion: match } : {}) },
      );
      operator = undefined;
    }
  }

  if (operator !== undefined && operatorAt && valuesTyped) {
    if ((operator === 'In' || operator === 'NotIn') && values.length === 0) {
      const state = !valuesAt ? 'missing' : isNullNode(valuesAt.node) ? 'null' : 'an empty list';
      r.error(
        'api-invalid-selector',
        anchorOf(r.file, valuesAt ?? operatorAt),
        `Operator ${operator} needs at least one value, but ${entry.path}.values is ${state}.`,
        { path: `${entry.path}.values` },
      );
    }
    if ((operator === 'Exists' || operator === 'DoesNotExist') && values.length > 0 && valuesAt) {
      r.error(
        'api-invalid-selector',
        anchorOf(r.file, valuesAt),
        `Operator ${operator} takes no values; remove ${valuesAt.path} (or use In/NotIn to match values).`,
        { path: valuesAt.path },
      );
    }
  }

  for (const value of values) {
    if (isNullNode(value.node)) {
      r.warning(
        'api-invalid-type',
        valueSpan(r.file, value),
        `The entry ${value.path} ${nullPhrase(value.node)}; Kubernetes reads it as the empty label value "".`,
        { path: value.path, null: true },
      );
      continue;
    }
    const text = stringOf(value.node);
    if (text !== undefined) checkLabelValue(r, value, text);
  }
}
