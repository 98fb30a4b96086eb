/**
 * Fix for `split-rule` (on the second of two rules, data `{ direction, index }`): a stray `-` turned
 *
 *     - to:                         - to:
 *       - podSelector: …      into    - podSelector: …
 *     - ports:                        ports:
 *       - port: 5432                  - port: 5432
 *
 * i.e. two rules, the first allowing all ports to the peers and the second the ports to everyone. The
 * fix moves the second rule's `ports` into the first rule and deletes the second rule. In block style
 * that is one edit: the `-` becomes a space (with the lines re-indented when the two rules' keys are
 * not at the same column); in flow style the pair is moved as flow text.
 */
import type { AnalysisContext } from '../context.js';
import type { Finding } from '../findings.js';
import { isMap, toPlain } from '../parse/snode.js';
import type { Fix, TextEdit } from './types.js';
import type { YamlValue } from './yaml-edit.js';
import { editorAt, quickFix } from './target.js';

export function splitRuleFixes(ctx: AnalysisContext, finding: Finding): Fix[] {
  const editor = editorAt(ctx, finding.file, finding.span.start);
  const node = editor?.valueAt(finding.span.start);
  const parent = node && editor?.parentOf(node);
  if (!editor || !isMap(node) || parent?.kind !== 'item' || parent.index === 0) return [];
  const seq = parent.seq;
  const first = seq.items[parent.index - 1];
  if (!isMap(first) || editor.isShared(seq) || editor.isShared(first) || editor.containsShared(node))
    return [];
  const second = node;
  const secondPairs = editor.ownPairs(second);
  const firstPairs = editor.ownPairs(first);
  const ports = secondPairs[0];
  if (secondPairs.length !== 1 || second.pairs.length !== 1 || !ports || ports.key.value !== 'ports')
    return [];
  if (firstPairs.length === 0 || first.pairs.some((p) => p.key.value === 'ports')) return [];
  const title = 'Merge the ports into the previous rule';

  if (!seq.flow && !first.flow && !second.flow) {
    const dash = editor.dashOf(second);
    if (dash === undefined || !editor.startsLine(dash)) return [];
    const keyColumn = editor.column(firstPairs[0]!.key.span.start);
    const portsColumn = editor.column(ports.key.span.start);
    const edits: TextEdit[] =
      keyColumn === portsColumn
        ? [{ file: editor.file, span: { start: dash, end: dash + 1 }, newText: ' ' }]
        : [
            {
              file: editor.file,
              span: { start: editor.lineStart(dash), end: ports.key.span.start },
              newText: ' '.repeat(keyColumn),
            },
          ];
    const rest = editor.nextLineStart(ports.key.span.start);
    const end = editor.blockEnd(editor.contentEnd(second), editor.column(dash));
    if (rest < end) {
      const shifted = editor.shiftLines(rest, end, keyColumn - portsColumn);
      if (!shifted) return [];
      edits.push(...shifted);
    }
    return quickFix(title, edits, true);
  }

  const value = asYamlValue(toPlain(ports.value));
  if (value === undefined) return [];
  const removed = editor.deleteItem(seq, parent.index);
  const added = editor.insertPair(first, 'ports', value);
  if (!removed || !added) return [];
  return quickFix(title, [...added, ...removed], true);
}

/** Plain data from toPlain() as a YamlValue (undefined for anything else). */
export function asYamlValue(value: unknown): YamlValue | undefined {
  if (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean'
  ) {
    return value;
  }
  if (Array.isArray(value)) {
    const items: YamlValue[] = [];
    for (const item of value as unknown[]) {
      const converted = asYamlValue(item);
      if (converted === undefined) return undefined;
      items.push(converted);
    }
    return items;
  }
  if (typeof value === 'object') {
    const out: Record<string, YamlValue> = {};
    for (const [key, item] of Object.entries(value)) {
      const converted = asYamlValue(item);
      if (converted === undefined) return undefined;
      out[key] = converted;
    }
    return out;
  }
  return undefined;
}
