/**
 * Finding the YAML node under a cursor: the path of nodes from a root to the deepest node whose span
 * holds an offset. Hovers, completion and code actions use it to know "where in the policy" the user is.
 */
import type { SNode, SPair } from './snode.js';

export interface PathStep {
  readonly node: SNode;
  /** The map key through which this node was reached (undefined for the root and list items). */
  readonly key: string | undefined;
  /** The list index through which this node was reached. */
  readonly index: number | undefined;
  /** The pair holding this node as its value, when reached through a map. */
  readonly pair: SPair | undefined;
}

export interface Location {
  /** Root first, deepest last. */
  readonly path: readonly PathStep[];
  /** True when the offset is on the key of the deepest pair rather than in its value. */
  readonly onKey: boolean;
}

function contains(span: { start: number; end: number }, offset: number): boolean {
  return offset >= span.start && offset <= span.end;
}

/** The path to the deepest node at `offset` (inclusive of a node's end, so a cursor just after a value counts). */
export function locate(root: SNode, offset: number): Location | undefined {
  if (!contains(root.span, offset)) return undefined;
  const path: PathStep[] = [{ node: root, key: undefined, index: undefined, pair: undefined }];
  let onKey = false;
  for (;;) {
    const current = path[path.length - 1]!.node;
    let next: PathStep | undefined;
    if (current.kind === 'map') {
      for (const pair of current.pairs) {
        if (
          contains(pair.key.span, offset) &&
          !(offset === pair.key.span.end && contains(pair.value.span, offset))
        ) {
          onKey = true;
          next = { node: pair.value, key: String(pair.key.value), index: undefined, pair };
          path.push(next);
          return { path, onKey };
        }
        if (contains(pair.value.span, offset) && pair.value.span.end > pair.value.span.start) {
          next = { node: pair.value, key: String(pair.key.value), index: undefined, pair };
          break;
        }
      }
    } else if (current.kind === 'seq') {
      current.items.forEach((item, index) => {
        if (!next && contains(item.span, offset) && item.span.end > item.span.start) {
          next = { node: item, key: undefined, index, pair: undefined };
        }
      });
    }
    if (!next) return { path, onKey };
    path.push(next);
  }
}

/** The dotted field path of a location, e.g. `spec.ingress[0].from[1].podSelector`. */
export function fieldPath(location: Location): string {
  let out = '';
  for (const step of location.path.slice(1)) {
    if (step.key !== undefined) out += out ? `.${step.key}` : step.key;
    else if (step.index !== undefined) out += `[${step.index}]`;
  }
  return out;
}
