/**
 * A lenient YAML read for completion: while the user types, the document under the cursor often has a
 * syntax error (`app: web` followed by a bare `ti`, an unclosed `{app: `), and the loader rightly drops
 * such documents (parse/yaml-loader.ts). The `yaml` package still recovers a usable tree from them; this
 * converts that tree into SNodes with file offsets, so parse/locate.ts works on it. It resolves no aliases
 * or merge keys and reports nothing: it is only used to find where the cursor is.
 */
import { parseAllDocuments, isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Document, Node as YamlNode } from 'yaml';
import type { SNode, SPair, SScalar, ScalarValue } from '../parse/snode.js';
import type { Span } from '../source/source-file.js';

export interface LenientDocument {
  readonly span: Span;
  readonly root: SNode | undefined;
}

/** The documents of a text, each with whatever tree the parser recovered. Never throws. */
export function lenientDocuments(text: string): LenientDocument[] {
  let docs: Document.Parsed[];
  try {
    const parsed = parseAllDocuments(text, {
      version: '1.1',
      merge: false,
      prettyErrors: false,
      uniqueKeys: false,
      strict: false,
    });
    docs = Array.isArray(parsed) ? (parsed as Document.Parsed[]) : [parsed as Document.Parsed];
  } catch {
    return [];
  }
  return docs.map((doc) => ({
    span: { start: doc.range[0], end: doc.range[1] },
    root: doc.contents == null ? undefined : convert(doc.contents as YamlNode),
  }));
}

function spanOf(node: { range?: [number, number, number] | null }): Span {
  return node.range ? { start: node.range[0], end: node.range[1] } : { start: 0, end: 0 };
}

function scalar(span: Span, value: ScalarValue, quoted: boolean, implicit: boolean): SScalar {
  return { kind: 'scalar', span, value, quoted, implicit };
}

function scalarValue(value: unknown): ScalarValue {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return value;
  return value === undefined ? null : String(value);
}

function convert(node: YamlNode): SNode {
  if (isMap(node)) {
    const pairs: SPair[] = [];
    for (const item of node.items) {
      if (!isPair(item)) continue;
      const keyNode = item.key as YamlNode | null;
      const keySpan = keyNode ? spanOf(keyNode) : { start: spanOf(node).start, end: spanOf(node).start };
      const key = scalar(
        keySpan,
        keyNode && isScalar(keyNode) ? scalarValue(keyNode.value) : null,
        false,
        false,
      );
      const valueNode = item.value as YamlNode | null;
      const value = valueNode
        ? convert(valueNode)
        : scalar({ start: keySpan.end, end: keySpan.end }, null, false, true);
      pairs.push({ key, value, span: { start: keySpan.start, end: Math.max(keySpan.end, value.span.end) } });
    }
    return { kind: 'map', span: spanOf(node), pairs, flow: node.flow === true };
  }
  if (isSeq(node)) {
    const items = node.items.map((item) =>
      item == null
        ? scalar({ start: spanOf(node).start, end: spanOf(node).start }, null, false, true)
        : convert(item as YamlNode),
    );
    return { kind: 'seq', span: spanOf(node), items, flow: node.flow === true };
  }
  if (isScalar(node)) {
    const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
    return scalar(spanOf(node), scalarValue(node.value), quoted, node.value === null && !node.source);
  }
  // An alias or anything else: a null placeholder at its place.
  return scalar(spanOf(node as { range?: [number, number, number] | null }), null, false, true);
}
