/**
 * Shared plumbing of the validator: where a node sits (its key, its Kubernetes field path), how a finding
 * is pointed at it, and how values are quoted in messages.
 *
 * Field paths are written the way the API server prints them (`spec.ingress[0].from[1].podSelector`).
 */
import type { Finding, RelatedLocation, Severity } from '../findings.js';
import type { RuleId } from '../rules/registry.js';
import type { SourceFile, Span } from '../source/source-file.js';
import { isMap, isScalar, isSeq, pairOf } from '../parse/snode.js';
import type { SNode, SScalar } from '../parse/snode.js';

/** A node with the key that holds it and its field path. */
export interface At {
  readonly node: SNode;
  /** The key of the pair holding the node; undefined for list items and the object itself. */
  readonly key: SScalar | undefined;
  /** The Kubernetes field path; '' for the object itself. */
  readonly path: string;
}

export function joinPath(parent: string, name: string): string {
  return parent === '' ? name : `${parent}.${name}`;
}

/** The field `name` of a map node; undefined when the node is not a map or has no such key. */
export function childAt(parent: At, name: string): At | undefined {
  if (!isMap(parent.node)) return undefined;
  const pair = pairOf(parent.node, name);
  return pair ? { node: pair.value, key: pair.key, path: joinPath(parent.path, name) } : undefined;
}

/** The items of a list node (none when it is not a list). */
export function itemsAt(list: At): At[] {
  if (!isSeq(list.node)) return [];
  return list.node.items.map((node, index) => ({ node, key: undefined, path: `${list.path}[${index}]` }));
}

/**
 * A map key as the API server sees it: sigs.k8s.io/yaml converts YAML int, float and bool keys to
 * strings before JSON decoding and rejects null keys ("unsupported map key of type").
 * Undefined for a null key.
 */
export function keyText(key: SScalar): string | undefined {
  const v = key.value;
  if (v === null) return undefined;
  return typeof v === 'string' ? v : String(v);
}

/** A string scalar's value; undefined for anything else. */
export function stringOf(node: SNode | undefined): string | undefined {
  return isScalar(node) && typeof node.value === 'string' ? node.value : undefined;
}

/** An integer scalar's value; undefined for anything else (fractions included). */
export function integerOf(node: SNode | undefined): number | undefined {
  return isScalar(node) && typeof node.value === 'number' && Number.isInteger(node.value)
    ? node.value
    : undefined;
}

export function isNullNode(node: SNode | undefined): node is SScalar & { readonly value: null } {
  return isScalar(node) && node.value === null;
}

/** Length in bytes of the UTF-8 encoding, which is what Go's len() measures. */
export function byteLength(text: string): number {
  // UTF-8 length without encoding: 1 byte below U+0080, 2 below U+0800, 3 for the rest of the BMP, 4 for
  // a surrogate pair (2 UTF-16 units; a lone surrogate encodes as U+FFFD, 3 bytes). Labels and names are
  // checked by the thousand, and almost all are ASCII.
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** A value quoted for a message, JSON style: "web", "". */
export function quote(text: string): string {
  return JSON.stringify(text);
}

/**
 * The span to underline for a node. An empty value (`key:` with nothing after it) has an empty span, so
 * the key is used; an empty list item (`-` with nothing after it) falls back to its dash.
 */
export function valueSpan(file: SourceFile, at: At): Span {
  const span = trimEnd(file, at.node.span);
  if (span.end > span.start) return span;
  if (at.key) return at.key.span;
  return dashBefore(file, span.start) ?? span;
}

/**
 * A short span standing for a whole node: the node itself when it is a scalar or a flow collection
 * (`{}`, `[a, b]`), else the key holding it, else the first line of a block collection entry.
 */
export function anchorOf(file: SourceFile, at: At): Span {
  const node = at.node;
  if (isScalar(node) || node.flow) return valueSpan(file, at);
  if (at.key) return at.key.span;
  const span = valueSpan(file, at);
  const newline = file.text.indexOf('\n', span.start);
  return trimEnd(file, { start: span.start, end: newline < 0 || newline > span.end ? span.end : newline });
}

function trimEnd(file: SourceFile, span: Span): Span {
  let end = span.end;
  while (end > span.start && /\s/.test(file.text[end - 1]!)) end--;
  return { start: span.start, end };
}

/** Where to point when a field of the object itself is missing: its `kind` key, else its first key. */
export function anchorSpan(root: At): Span {
  if (!isMap(root.node)) return root.node.span;
  const kind = root.node.pairs.find((p) => p.key.value === 'kind');
  return (kind ?? root.node.pairs[0])?.key.span ?? root.node.span;
}

/** The span of the key holding a node, or of the node itself for list items. */
export function keySpan(file: SourceFile, at: At): Span {
  return at.key ? at.key.span : valueSpan(file, at);
}

/** The `-` of a block sequence entry that ends at `offset` with no content. */
function dashBefore(file: SourceFile, offset: number): Span | undefined {
  let i = offset - 1;
  while (i >= 0 && (file.text[i] === ' ' || file.text[i] === '\t')) i--;
  return i >= 0 && file.text[i] === '-' ? { start: i, end: i + 1 } : undefined;
}

/** `has no value` for `key:` with nothing after it, `is null` for an explicit null/~. */
export function nullPhrase(node: SScalar): string {
  return node.implicit ? 'has no value (null)' : 'is null';
}

/** How a scalar was written in the source, for messages about YAML's reading of it. */
export function sourceText(file: SourceFile, node: SNode): string {
  return file.slice(node.span).trim();
}

/** A description of a node's value for "found …" messages: `the string "80"`, `the boolean true (written yes)`. */
export function describeValue(file: SourceFile, node: SNode): string {
  if (isMap(node)) return 'an object';
  if (isSeq(node)) return 'a list';
  const v = node.value;
  if (v === null) return 'null';
  if (typeof v === 'string') return `the string ${quote(v)}`;
  const written = sourceText(file, node);
  const kind = typeof v === 'number' ? 'number' : 'boolean';
  return written !== '' && written !== String(v)
    ? `the ${kind} ${String(v)} (YAML reads \`${written}\` as ${String(v)})`
    : `the ${kind} ${String(v)}`;
}

/** Collects the findings of one object. */
export class Reporter {
  readonly findings: Finding[] = [];

  constructor(readonly file: SourceFile) {}

  report(
    rule: RuleId,
    severity: Severity,
    span: Span,
    message: string,
    data?: Readonly<Record<string, unknown>>,
    related?: readonly RelatedLocation[],
  ): void {
    this.findings.push({
      rule,
      severity,
      message,
      file: this.file,
      span,
      ...(data ? { data } : {}),
      ...(related && related.length > 0 ? { related } : {}),
    });
  }

  /** Everything the API server rejects is an error. */
  error(rule: RuleId, span: Span, message: string, data?: Readonly<Record<string, unknown>>): void {
    this.report(rule, 'error', span, message, data);
  }

  /** Accepted by the API server, but read differently from what was probably meant. */
  warning(rule: RuleId, span: Span, message: string, data?: Readonly<Record<string, unknown>>): void {
    this.report(rule, 'warning', span, message, data);
  }
}
