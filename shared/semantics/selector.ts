/**
 * The one label-selector matcher.
 *
 * Semantics from the Kubernetes API reference, LabelSelector
 * (https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/label-selector/) and
 * https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors:
 * - matchLabels `{k: v}` is the requirement `k In [v]`; all requirements are ANDed;
 * - `In`: the label is present and its value is in the set; `NotIn`: the label is absent or its value is
 *   not in the set; `Exists`: present; `DoesNotExist`: absent;
 * - an empty selector (no requirements) matches every object.
 * A selector the API server would reject matches nothing here (it never reaches a cluster).
 */
import type { LabelRequirement, LabelSelector } from '../model/types.js';

export type Labels = Readonly<Record<string, string>>;

export function requirementMatches(req: LabelRequirement, labels: Labels): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, req.key);
  switch (req.operator) {
    case 'In':
      return has && req.values.includes(labels[req.key]!);
    case 'NotIn':
      return !has || !req.values.includes(labels[req.key]!);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
  }
}

export function selectorMatches(selector: LabelSelector, labels: Labels): boolean {
  if (selector.invalid) return false;
  for (const req of selector.requirements) if (!requirementMatches(req, labels)) return false;
  return true;
}

/** True for `{}` (and `matchLabels: null`, etc.): the selector matches every object. */
export function selectsAll(selector: LabelSelector): boolean {
  return !selector.invalid && selector.requirements.length === 0;
}

/** A canonical text of the selector, for keys and messages: `app=web,tier in (a,b),!legacy`. */
export function selectorText(selector: LabelSelector): string {
  if (selector.invalid) return '<invalid selector>';
  if (selector.requirements.length === 0) return '{} (everything)';
  return selector.requirements
    .map((r) => {
      switch (r.operator) {
        case 'In':
          return r.values.length === 1 ? `${r.key}=${r.values[0]}` : `${r.key} in (${r.values.join(',')})`;
        case 'NotIn':
          return `${r.key} notin (${r.values.join(',')})`;
        case 'Exists':
          return r.key;
        case 'DoesNotExist':
          return `!${r.key}`;
      }
    })
    .join(',');
}

/** A key that is equal for selectors that match exactly the same label sets by construction. */
export function selectorKey(selector: LabelSelector): string {
  if (selector.invalid) return '!invalid';
  return selector.requirements
    .map((r) => `${r.key}\u0000${r.operator}\u0000${[...r.values].sort().join('\u0001')}`)
    .sort()
    .join('\u0002');
}
