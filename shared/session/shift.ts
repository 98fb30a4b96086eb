/** Moves span-keeping trees and problems by a number of characters (after an edit earlier in the file). */
import type { Span } from '../source/source-file.js';
import type { SNode, SPair } from '../parse/snode.js';

function shiftSpan(span: Span, delta: number): Span {
  return { start: span.start + delta, end: span.end + delta };
}

/** A copy of `node` with every span moved by `delta`; shared subtrees (aliases) stay shared. */
export function shiftNode(node: SNode, delta: number, seen = new Map<SNode, SNode>()): SNode {
  if (delta === 0) return node;
  const done = seen.get(node);
  if (done) return done;
  let out: SNode;
  switch (node.kind) {
    case 'scalar':
      out = { ...node, span: shiftSpan(node.span, delta) };
      break;
    case 'seq':
      out = {
        ...node,
        span: shiftSpan(node.span, delta),
        items: node.items.map((i) => shiftNode(i, delta, seen)),
      };
      break;
    case 'map':
      out = {
        ...node,
        span: shiftSpan(node.span, delta),
        pairs: node.pairs.map((p): SPair => ({
          key: shiftNode(p.key, delta, seen) as SPair['key'],
          value: shiftNode(p.value, delta, seen),
          span: shiftSpan(p.span, delta),
        })),
      };
      break;
  }
  seen.set(node, out);
  return out;
}

export function shiftSpanBy<T extends { readonly span: Span }>(item: T, delta: number): T {
  return delta === 0 ? item : { ...item, span: shiftSpan(item.span, delta) };
}
