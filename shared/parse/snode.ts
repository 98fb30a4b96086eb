/**
 * SNode: a YAML/JSON value tree in which every node keeps its source span.
 *
 * The `yaml` package's AST is converted once into this small, immutable shape so that the rest of the
 * core never touches parser internals. Aliases are resolved (sharing the anchor's nodes, so spans point
 * at the anchor's text) and merge keys (`<<`) are applied, as Kubernetes' YAML decoder does.
 */
import type { Span } from '../source/source-file.js';

export type ScalarValue = string | number | boolean | null;

export interface SScalar {
  readonly kind: 'scalar';
  readonly span: Span;
  /** The decoded value (YAML 1.1 rules, as Kubernetes' decoder applies). Timestamps and other exotic
   * scalars are kept as their source text. */
  readonly value: ScalarValue;
  /** True when the source spelled the scalar with quotes (`"80"`), which tells a string from a number. */
  readonly quoted: boolean;
  /** True for an empty value (`key:` with nothing after it), as opposed to an explicit `null`/`~`. */
  readonly implicit: boolean;
}

export interface SPair {
  readonly key: SScalar;
  readonly value: SNode;
  /** From the start of the key to the end of the value. */
  readonly span: Span;
}

export interface SMap {
  readonly kind: 'map';
  readonly span: Span;
  readonly pairs: readonly SPair[];
  /** `{...}` flow style (or JSON) rather than block style. */
  readonly flow: boolean;
}

export interface SSeq {
  readonly kind: 'seq';
  readonly span: Span;
  readonly items: readonly SNode[];
  readonly flow: boolean;
}

export type SNode = SScalar | SMap | SSeq;

export function isMap(node: SNode | undefined): node is SMap {
  return node?.kind === 'map';
}

export function isSeq(node: SNode | undefined): node is SSeq {
  return node?.kind === 'seq';
}

export function isScalar(node: SNode | undefined): node is SScalar {
  return node?.kind === 'scalar';
}

export function isNull(node: SNode | undefined): boolean {
  return node?.kind === 'scalar' && node.value === null;
}

/** The pair for `key` in a map (the last one, as Go's decoder keeps the last duplicate). */
export function pairOf(map: SMap, key: string): SPair | undefined {
  for (let i = map.pairs.length - 1; i >= 0; i--) {
    const pair = map.pairs[i]!;
    if (pair.key.value === key) return pair;
  }
  return undefined;
}

/** The value for `key` in a map node; undefined when the node is not a map or the key is absent. */
export function get(node: SNode | undefined, key: string): SNode | undefined {
  return isMap(node) ? pairOf(node, key)?.value : undefined;
}

/** Follows a path of keys through nested maps. */
export function getPath(node: SNode | undefined, ...keys: string[]): SNode | undefined {
  let current = node;
  for (const key of keys) current = get(current, key);
  return current;
}

export function stringValue(node: SNode | undefined): string | undefined {
  return isScalar(node) && typeof node.value === 'string' ? node.value : undefined;
}

export function numberValue(node: SNode | undefined): number | undefined {
  return isScalar(node) && typeof node.value === 'number' ? node.value : undefined;
}

export function boolValue(node: SNode | undefined): boolean | undefined {
  return isScalar(node) && typeof node.value === 'boolean' ? node.value : undefined;
}

/** A map of string keys to string values (labels, matchLabels); non-string entries are skipped. */
export function stringMap(node: SNode | undefined): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  if (!isMap(node)) return out;
  for (const pair of node.pairs) {
    if (typeof pair.key.value !== 'string') continue;
    const v = pair.value;
    if (isScalar(v) && v.value !== null && typeof v.value !== 'object') out[pair.key.value] = String(v.value);
  }
  return out;
}

/** A short human name for a node's type, for messages ("a list", "null", "the number 80"). */
export function describeNode(node: SNode): string {
  switch (node.kind) {
    case 'map':
      return 'an object';
    case 'seq':
      return 'a list';
    case 'scalar':
      if (node.value === null) return 'null';
      if (typeof node.value === 'string') return 'a string';
      if (typeof node.value === 'number') return 'a number';
      return 'a boolean';
  }
}

/** Converts a tree to plain JSON data (for tests and JSON output). */
export function toPlain(node: SNode): unknown {
  switch (node.kind) {
    case 'scalar':
      return node.value;
    case 'seq':
      return node.items.map(toPlain);
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const pair of node.pairs) out[String(pair.key.value)] = toPlain(pair.value);
      return out;
    }
  }
}

/**
 * The deepest node under `root` whose span is exactly `span` (model elements keep the span of the node
 * they were read from). Iterative, and without pruning by containment: aliases share their anchor's
 * nodes, whose spans lie elsewhere.
 */
export function nodeWithSpan(root: SNode | undefined, span: Span): SNode | undefined {
  if (!root) return undefined;
  const stack: SNode[] = [root];
  let found: SNode | undefined;
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.span.start === span.start && node.span.end === span.end) found = node;
    if (node.kind === 'map') for (const pair of node.pairs) stack.push(pair.value);
    else if (node.kind === 'seq') for (const item of node.items) stack.push(item);
  }
  return found;
}
