/**
 * A guard in front of the YAML parsers: documents whose collections nest far deeper than any manifest
 * are found by a scan of their text and blanked before a parser sees them.
 *
 * The `yaml` package parses nested collections recursively. On a few thousand levels it runs out of
 * stack; it catches that, but a regular expression compiled near the exhausted stack makes V8 end the
 * process ("RegExpCompiler Allocation failed"), which no `try` can catch. Which input does that depends
 * on how deep the caller's stack already is, so the only safe course is not to hand such text over.
 *
 * The scan counts levels approximately (brackets inside plain scalars count; compact notations may
 * count a level less) and trips only at `limit` levels, which the loader sets at twice the depth it
 * reports precisely (MAX_NESTING_DEPTH), so no real manifest is ever blanked. A quote opens a quoted
 * scalar only where a scalar can start, so a stray quote in a plain scalar cannot hide what follows.
 */
import type { Span } from '../source/source-file.js';
import { documentMarkers } from './document-markers.js';

/** A document the guard blanked: its span in the file and where the nesting passed the limit. */
export interface BlankedDocument {
  readonly span: Span;
  readonly at: number;
}

/**
 * The text with every over-deep document blanked (spaces, line breaks kept, so every offset holds),
 * and those documents. The text is returned as it is when nothing is that deep.
 */
export function blankOverDeepDocuments(
  text: string,
  limit: number,
): { text: string; blanked: BlankedDocument[] } {
  if (!mayNestDeeperThan(text, limit)) return { text, blanked: [] };
  const markers = documentMarkers(text);
  const starts = markers[0] === 0 ? markers : [0, ...markers];
  const blanked: BlankedDocument[] = [];
  for (let i = 0; i < starts.length; i++) {
    // The marker itself stays (`---`; anything after it on its line is the document's own text).
    const marked = i > 0 || markers[0] === 0;
    const start = marked ? starts[i]! + 3 : starts[i]!;
    const end = i + 1 < starts.length ? starts[i + 1]! : text.length;
    const at = deepestPoint(text, start, end, limit);
    if (at !== undefined) blanked.push({ span: { start, end }, at });
  }
  if (blanked.length === 0) return { text, blanked };
  let out = '';
  let from = 0;
  for (const { span } of blanked) {
    out += text.slice(from, span.start) + text.slice(span.start, span.end).replace(/[^\n\r]/g, ' ');
    from = span.end;
  }
  return { text: out + text.slice(from), blanked };
}

/**
 * A cheap bound first: nesting deeper than `limit` needs more than `limit` brackets, sequence dashes or
 * indented lines; most files have far fewer of all of them together.
 */
function mayNestDeeperThan(text: string, limit: number): boolean {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 91 /* [ */ || c === 123 /* { */ || c === 45 /* - */ || c === 10 /* \n */) {
      if (++count > limit) return true;
    }
  }
  return false;
}

/**
 * The offset where the nesting of the text between `start` and `end` first exceeds `limit`: block
 * levels (an indentation stack), `- ` entries that open on one line, and flow brackets outside quoted
 * scalars and comments. Block scalars (`|`, `>`) are skipped.
 */
export function deepestPoint(text: string, start: number, end: number, limit: number): number | undefined {
  const indents: number[] = [];
  let flow = 0;
  let quote: 0 | 34 | 39 = 0; // inside a "…" or '…' scalar that may span lines
  let blockScalarParent = -1; // indentation of the line that opened a block scalar
  let lineStart = start;
  while (lineStart < end) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0 || lineEnd > end) lineEnd = end;
    let at = lineStart;
    while (at < lineEnd && text.charCodeAt(at) === 32) at++;
    const indent = at - lineStart;
    const blank = at >= lineEnd || text.charCodeAt(at) === 35 /* # */ || text.charCodeAt(at) === 13;
    if (blockScalarParent >= 0 && (blank || indent > blockScalarParent)) {
      lineStart = lineEnd + 1;
      continue;
    }
    blockScalarParent = -1;
    if (blank && quote === 0) {
      lineStart = lineEnd + 1;
      continue;
    }
    if (quote === 0 && flow === 0) {
      while (indents.length > 0 && indents[indents.length - 1]! > indent) indents.pop();
      if (indents.length === 0 || indents[indents.length - 1]! < indent) indents.push(indent);
    }
    let chain = 0; // `- - - x`: entries opened on this line
    let previous = 0; // the last character of the line that is not a space; 0 at its start
    for (let i = at; i < lineEnd; i++) {
      const c = text.charCodeAt(i);
      if (quote !== 0) {
        if (c === 92 /* \ */ && quote === 34) i++;
        else if (c === quote) {
          if (quote === 39 && text.charCodeAt(i + 1) === 39) i++;
          else quote = 0;
        }
        continue;
      }
      const before = i === lineStart ? 32 : text.charCodeAt(i - 1);
      if (c === 35 /* # */ && (before === 32 || before === 9)) break;
      if (c === 32 || c === 9 || c === 13) continue;
      const scalarStart = previous === 0 || SCALAR_OPENERS.has(previous);
      previous = c;
      if ((c === 34 || c === 39) && scalarStart) quote = c;
      else if (c === 91 || c === 123) flow++;
      else if ((c === 93 || c === 125) && flow > 0) flow--;
      else if (c === 45 && flow === 0 && isSpaceOrEnd(text.charCodeAt(i + 1), i + 1 >= lineEnd)) chain++;
      if (indents.length + chain + flow > limit) return i;
    }
    if (quote === 0 && flow === 0 && blockScalarIndicatorEnds(text, at, lineEnd)) blockScalarParent = indent;
    lineStart = lineEnd + 1;
  }
  return undefined;
}

/** After these (and at a line's start) a scalar may begin: `:` `-` `?` `[` `{` `,`. */
const SCALAR_OPENERS = new Set([58, 45, 63, 91, 123, 44]);

function isSpaceOrEnd(c: number, atEnd: boolean): boolean {
  return atEnd || c === 32 || c === 9 || c === 13;
}

/** `key: |-`, `key: >+2` and the like: a block scalar indicator with modifiers ends the line. */
function blockScalarIndicatorEnds(text: string, from: number, to: number): boolean {
  const line = text.slice(from, to);
  return /(?:^|:\s+|-\s+)[|>][-+0-9]{0,3}\s*(?:#.*)?$/.test(line);
}
