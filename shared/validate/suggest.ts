/**
 * "Did you mean" for unknown fields.
 *
 * Two mistakes produce nearly all unknown fields in hand-written policies:
 * - a typo of a field of the same level (`podSelecter`, `namespaceSelectors`, `PodSelector`: the API
 *   server matches field names case-sensitively), found by edit distance;
 * - a right name at the wrong level, typically because indentation was lost (`matchLabels` directly
 *   under `spec`, `ports` inside a peer, `- podSelector` as a sibling rule of `- from:`), found by
 *   looking the name up in the levels just below and above.
 * The suggestion goes into the finding's data (`suggestion` or `belongsUnder`) for a later quick fix.
 */
import { isMap, isNull, isScalar, isSeq } from '../parse/snode.js';
import type { SMap, SNode } from '../parse/snode.js';
import { joinPath } from './report.js';
import type { At } from './report.js';
import { containerOf, fieldNames, fieldOf } from './schema.js';
import type { FieldType, ObjectType } from './schema.js';

/** One object on the way from the policy's root to the node being checked. */
export interface Frame {
  readonly at: At;
  readonly type: ObjectType;
  /** Set when the object is an entry of a list. */
  readonly item?: { readonly list: At; readonly index: number };
}

export type Suggestion =
  /** A field of the same level with a similar name. */
  | { readonly kind: 'typo'; readonly field: string }
  /**
   * The name is a field of the object at `belongsUnder` (`[]` stands for "an entry of the list").
   * `emptyKey` is the key with no value that the field most likely belonged under.
   */
  | { readonly kind: 'misplaced'; readonly belongsUnder: string; readonly emptyKey?: string }
  /** A scalar under an object that has a map of strings (labels): it probably belongs in that map. */
  | { readonly kind: 'map-entry'; readonly belongsUnder: string };

/**
 * Optimal string alignment distance (Levenshtein plus adjacent transpositions). With `max`, the answer is
 * exact up to `max` and any larger distance is reported as `max + 1`: strings whose lengths differ by
 * more, and rows whose every entry is already above it, stop early (typo searches only ask "within 2?").
 */
export function editDistance(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const cols = b.length + 1;
  // Three rolling rows: the one before the previous (transpositions), the previous and the current.
  let before = new Int32Array(cols);
  let previous = new Int32Array(cols);
  let current = new Int32Array(cols);
  for (let j = 0; j < cols; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = i;
    for (let j = 1; j < cols; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let best = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (
        i > 1 &&
        j > 1 &&
        a.charCodeAt(i - 1) === b.charCodeAt(j - 2) &&
        a.charCodeAt(i - 2) === b.charCodeAt(j - 1)
      )
        best = Math.min(best, before[j - 2]! + 1);
      current[j] = best;
      if (best < rowMin) rowMin = best;
    }
    if (rowMin > max) return max + 1;
    [before, previous, current] = [previous, current, before];
  }
  return Math.min(previous[b.length]!, max + 1);
}

/** The field of `type` closest to `name`, if close enough to be a typo and able to hold `value`. */
export function closestField(type: ObjectType, name: string, value: SNode): string | undefined {
  const lower = name.toLowerCase();
  const limit = name.length <= 4 ? 1 : 2;
  let best: { name: string; distance: number } | undefined;
  for (const candidate of fieldNames(type)) {
    if (!fits(fieldOf(type, candidate)!.type, value)) continue;
    // A difference of case alone is the likeliest typo of all.
    const distance = candidate.toLowerCase() === lower ? 0 : editDistance(lower, candidate.toLowerCase());
    if (distance <= limit && (!best || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}

/** Whether a node could be the value of a field of this type (null fits anything). */
export function fits(type: FieldType, node: SNode): boolean {
  if (isNull(node)) return true;
  switch (type.kind) {
    case 'object':
    case 'map':
      return isMap(node);
    case 'list':
      return isSeq(node);
    case 'scalar':
      return isScalar(node);
  }
}

/** Suggests where an unknown field `name` (with `value`) was meant to go; `trail` ends at its object. */
export function suggestField(name: string, value: SNode, trail: readonly Frame[]): Suggestion | undefined {
  const current = trail[trail.length - 1]!;
  return (
    emptyContainer(name, value, current) ??
    typo(name, value, current.type) ??
    below(name, value, current.type, current.at.path, 1) ??
    above(name, value, trail) ??
    below(name, value, current.type, current.at.path, 2) ??
    besideAbove(name, value, trail) ??
    mapEntry(value, current)
  );
}

function typo(name: string, value: SNode, type: ObjectType): Suggestion | undefined {
  const field = closestField(type, name, value);
  return field === undefined ? undefined : { kind: 'typo', field };
}

/**
 * The strongest sign of lost indentation: a key with no value right next to the unknown field (in the
 * same object, or in the previous entry of the same list) whose type has a field of that name.
 */
function emptyContainer(name: string, value: SNode, frame: Frame): Suggestion | undefined {
  const here = emptyKeyHolding(name, value, frame.at.node, frame.type, frame.at.path);
  if (here) return here;
  if (frame.item && frame.item.index > 0 && isSeq(frame.item.list.node)) {
    const previous = frame.item.list.node.items[frame.item.index - 1];
    const previousPath = `${frame.item.list.path}[${frame.item.index - 1}]`;
    if (previous) return emptyKeyHolding(name, value, previous, frame.type, previousPath);
  }
  return undefined;
}

function emptyKeyHolding(name: string, value: SNode, node: SNode, type: ObjectType, path: string) {
  if (!isMap(node)) return undefined;
  for (const pair of (node as SMap).pairs) {
    if (!isNull(pair.value) || typeof pair.key.value !== 'string') continue;
    const field = fieldOf(type, pair.key.value);
    const container = field && containerOf(field.type);
    const target = container && fieldOf(container.object, name);
    if (container && target && fits(target.type, value)) {
      const belongsUnder = joinPath(path, pair.key.value) + (container.viaList ? '[]' : '');
      return { kind: 'misplaced', belongsUnder, emptyKey: pair.key.value } as const;
    }
  }
  return undefined;
}

/** The first field `depth` levels below `type` that is named `name` (schema order). */
function below(
  name: string,
  value: SNode,
  type: ObjectType,
  path: string,
  depth: number,
): Suggestion | undefined {
  for (const childName of fieldNames(type)) {
    const container = containerOf(fieldOf(type, childName)!.type);
    if (!container) continue;
    const childPath = joinPath(path, childName) + (container.viaList ? '[]' : '');
    if (depth === 1) {
      const target = fieldOf(container.object, name);
      if (target && fits(target.type, value)) return { kind: 'misplaced', belongsUnder: childPath };
    } else {
      const found = below(name, value, container.object, childPath, depth - 1);
      if (found) return found;
    }
  }
  return undefined;
}

/** A field of the enclosing object (or the one enclosing that), for keys indented too deep. */
function above(name: string, value: SNode, trail: readonly Frame[]): Suggestion | undefined {
  for (let i = trail.length - 2; i >= Math.max(0, trail.length - 3); i--) {
    const frame = trail[i]!;
    const target = fieldOf(frame.type, name);
    if (target && fits(target.type, value)) return { kind: 'misplaced', belongsUnder: frame.at.path };
  }
  return undefined;
}

/** A field of a sibling of an enclosing object (`name` under spec belongs in metadata). */
function besideAbove(name: string, value: SNode, trail: readonly Frame[]): Suggestion | undefined {
  for (let i = trail.length - 2; i >= Math.max(0, trail.length - 3); i--) {
    const frame = trail[i]!;
    const found = below(name, value, frame.type, frame.at.path, 1);
    if (found) return found;
  }
  return undefined;
}

function mapEntry(value: SNode, frame: Frame): Suggestion | undefined {
  if (!isScalar(value) || value.value === null) return undefined;
  for (const name of fieldNames(frame.type)) {
    const type = fieldOf(frame.type, name)!.type;
    if (type.kind === 'map' && type.values.kind === 'scalar' && type.values.scalar === 'string') {
      return { kind: 'map-entry', belongsUnder: joinPath(frame.at.path, name) };
    }
  }
  return undefined;
}
