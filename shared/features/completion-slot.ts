/**
 * Where a completion would go, read from the text around the cursor: a map key being typed, the value of
 * a key, or a list item, and which YAML node holds that slot. The text is read line by line (indentation
 * for block style, brackets on the cursor's line for flow style) because the document is usually
 * incomplete while the user types: `matchLabels:\n  ap` parses `ap` as the value of matchLabels, and
 * `app: web\n  ti` does not parse at all. The holder is then found in the (possibly leniently parsed)
 * tree with parse/locate.ts, from the offset of a key or bracket the text scan found.
 */
import type { Span } from '../source/source-file.js';
import { lineStartOf } from '../source/source-file.js';

/** How to find the node that holds the slot. */
export type Anchor =
  /** The value of the key starting at `offset`. */
  | { readonly kind: 'valueOfKey'; readonly offset: number }
  /** The map holding the key starting at `offset`. */
  | { readonly kind: 'mapOfKey'; readonly offset: number }
  /** The collection starting at `offset` (a flow `{`/`[`, or the `-` of a sibling list item). */
  | { readonly kind: 'node'; readonly offset: number };

export type Slot =
  | {
      readonly role: 'key';
      readonly holder: Anchor;
      readonly replace: Span;
      /** True when a `:` already follows the word (editing an existing key). */
      readonly colonFollows: boolean;
    }
  | {
      readonly role: 'value';
      /** The key whose value is typed, and where that key starts. */
      readonly key: string;
      readonly keyOffset: number;
      readonly replace: Span;
      /** Inside quotes the user opened: insert the bare text. */
      readonly quoted: boolean;
      /** True when no space follows the `:` yet. */
      readonly needsSpace: boolean;
    }
  | { readonly role: 'item'; readonly holder: Anchor; readonly replace: Span; readonly quoted: boolean };

const WORD = /[A-Za-z0-9._/-]/;

/** The completion slot at `offset`, or undefined when the cursor is not where a key or value goes. */
export function slotAt(text: string, offset: number): Slot | undefined {
  let start = offset;
  while (start > 0 && WORD.test(text[start - 1]!)) start--;
  let end = offset;
  while (end < text.length && WORD.test(text[end]!)) end++;
  const replace = { start, end };
  const lineStart = lineStartOf(text, start);
  const raw = text.slice(lineStart, start);

  // Flow collections and comments on the cursor's line.
  const stack: Array<{ open: string; pos: number; segment: number }> = [];
  let quote: string | undefined;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || raw[i - 1] === ' ')) return undefined;
    else if (c === '{' || c === '[') stack.push({ open: c, pos: i, segment: i + 1 });
    else if ((c === '}' || c === ']') && stack.length > 0) stack.pop();
    else if (c === ',' && stack.length > 0) stack[stack.length - 1]!.segment = i + 1;
  }
  const quoted = quote !== undefined;
  const colonFollows = /^\s*:/.test(text.slice(end, end + 200));
  const top = stack[stack.length - 1];
  if (top) {
    const segment = raw.slice(top.segment, quoted ? raw.length - 1 : raw.length);
    if (top.open === '[')
      return { role: 'item', holder: { kind: 'node', offset: lineStart + top.pos }, replace, quoted };
    const colon = segment.indexOf(':');
    if (colon < 0) {
      if (quoted || segment.trim() !== '') return undefined;
      return { role: 'key', holder: { kind: 'node', offset: lineStart + top.pos }, replace, colonFollows };
    }
    const keyText = segment.slice(0, colon);
    const lead = keyText.length - keyText.trimStart().length;
    return {
      role: 'value',
      key: unquote(keyText.trim()),
      keyOffset: lineStart + top.segment + lead,
      replace,
      quoted,
      needsSpace: false,
    };
  }

  const before = quoted ? raw.slice(0, -1) : raw;
  const value = /^(\s*)((?:-\s+)*)("[^"]*"|'[^']*'|[^\s#'"{}[\],:][^#]*?)\s*:(\s*)$/.exec(before);
  if (value) {
    return {
      role: 'value',
      key: unquote(value[3]!),
      keyOffset: lineStart + value[1]!.length + value[2]!.length,
      replace,
      quoted,
      needsSpace: value[4] === '' && !quoted,
    };
  }
  const blank = /^(\s*)((?:-\s+)*)$/.exec(before);
  if (!blank || quoted) return undefined;
  const column = before.length;
  if (blank[2] === '') {
    const holder = blockKeyHolder(text, lineStart, column);
    return holder && { role: 'key', holder, replace, colonFollows };
  }
  const dash = before.lastIndexOf('-');
  const holder = blockItemHolder(text, lineStart, dash);
  return holder && { role: 'item', holder, replace, quoted: false };
}

interface LineInfo {
  readonly indent: number;
  /** Column of the content after any `- ` markers. */
  readonly keyColumn: number;
  readonly dash: boolean;
  /** True when the content is `key:` (a key with no value on the line). */
  readonly keyOnly: boolean;
  readonly hasKey: boolean;
}

function lineInfo(line: string): LineInfo | undefined {
  const indent = line.length - line.trimStart().length;
  const rest = line.slice(indent);
  if (rest === '' || rest.startsWith('#')) return undefined;
  const dashes = /^(?:-(?:\s+|$))*/.exec(rest)![0];
  const content = rest.slice(dashes.length);
  const key = /^("[^"]*"|'[^']*'|[^\s#'"{}[\],:-][^#]*?)\s*:(?:\s|$)/.exec(content);
  return {
    indent,
    keyColumn: indent + dashes.length,
    dash: dashes.length > 0,
    hasKey: key !== null,
    keyOnly: key !== null && /^\s*(#.*)?$/.test(content.slice(key[0].length)),
  };
}

/** Lines before the one starting at `lineStart`, nearest first, with their start offsets. */
function* linesBefore(text: string, lineStart: number): Generator<{ start: number; line: string }> {
  // `end` is the offset of the line break that ends the line before; every step moves strictly back.
  let end = lineStart - 1;
  while (end >= 0) {
    if (text[end] === '\n' && text[end - 1] === '\r') end--;
    const start = lineStartOf(text, end);
    yield { start, line: text.slice(start, end) };
    end = start - 1;
  }
}

/** The map a new block key at `column` belongs to: a sibling key's map, or the value of the parent `key:`. */
function blockKeyHolder(text: string, lineStart: number, column: number): Anchor | undefined {
  for (const { start, line } of linesBefore(text, lineStart)) {
    const info = lineInfo(line);
    if (!info || info.keyColumn > column) continue;
    if (info.keyColumn === column)
      return info.hasKey ? { kind: 'mapOfKey', offset: start + column } : undefined;
    return info.keyOnly ? { kind: 'valueOfKey', offset: start + info.keyColumn } : undefined;
  }
  return undefined;
}

/** The list a block item whose `-` is at `dashColumn` belongs to: a sibling's list, or the value of the parent `key:`. */
function blockItemHolder(text: string, lineStart: number, dashColumn: number): Anchor | undefined {
  for (const { start, line } of linesBefore(text, lineStart)) {
    const info = lineInfo(line);
    if (!info || info.indent > dashColumn) continue;
    if (info.indent === dashColumn && info.dash) return { kind: 'node', offset: start + dashColumn };
    return info.keyOnly ? { kind: 'valueOfKey', offset: start + info.keyColumn } : undefined;
  }
  return undefined;
}

function unquote(text: string): string {
  if (text.length >= 2 && (text[0] === '"' || text[0] === "'") && text[text.length - 1] === text[0])
    return text.slice(1, -1);
  return text;
}
