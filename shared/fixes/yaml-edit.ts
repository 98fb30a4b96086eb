/**
 * Minimal YAML text edits over SNode trees: the toolkit every quick fix builds on.
 *
 * An edit replaces exactly the range it changes, so comments, blank lines, formatting and the other `---`
 * documents of the file stay byte-identical. New text follows the file: its line ending (LF or CRLF), its
 * indent unit, whether sequences are indented under their key (`key:\n- a` or `key:\n  - a`), and the
 * style of the collection being edited (a flow collection gets flow text, a block one block lines). An
 * empty `{}`/`[]` written as the value of a block mapping becomes a block collection when something is
 * added to it.
 *
 * Values that come from an alias or a merge key (`*anchor`, `<<: *anchor`) share the anchor's nodes: an
 * edit there would change every use of the anchor, so the editor refuses (returns undefined) to edit such
 * nodes. Every operation returns undefined when it cannot edit safely; callers then offer no fix.
 */
import { parse } from 'yaml';
import type { SourceFile, Span } from '../source/source-file.js';
import type { SMap, SNode, SPair, SScalar, SSeq } from '../parse/snode.js';
import type { TextEdit } from './types.js';

export type YamlScalar = string | number | boolean | null;

/** Plain data to render as YAML; object keys are written in their insertion order. */
export type YamlValue = YamlScalar | readonly YamlValue[] | { readonly [key: string]: YamlValue };

export interface YamlStyle {
  /** The line ending of the file: `\n`, `\r\n` or `\r`. */
  readonly eol: string;
  /** Columns from a key to the keys of the mapping under it. */
  readonly indentUnit: number;
  /** Columns from a key to the `-` of a block sequence under it: 0 for `key:\n- a`, 2 for `key:\n  - a`. */
  readonly sequenceIndent: number;
}

export const defaultStyle: YamlStyle = { eol: '\n', indentUnit: 2, sequenceIndent: 2 };

export function isList(value: YamlValue): value is readonly YamlValue[] {
  return Array.isArray(value);
}

export function isRecord(value: YamlValue): value is { readonly [key: string]: YamlValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------------------

const INDICATORS = new Set([...'-?:,[]{}#&*!|>\'"%@`']);

/** True when `text` reads back as the same string, plain, under YAML 1.1 (Kubernetes) and 1.2. */
function plainSafe(text: string, flow: boolean): boolean {
  if (text === '' || text.trim() !== text) return false;
  if (INDICATORS.has(text[0]!)) return false;
  for (const char of text) {
    const code = char.charCodeAt(0);
    if (
      code < 0x20 ||
      (code >= 0x7f && code <= 0x9f) ||
      code === 0x2028 ||
      code === 0x2029 ||
      code === 0xfeff
    )
      return false;
  }
  if (text.includes(': ') || text.includes(' #') || text.endsWith(':')) return false;
  if (flow && /[,[\]{}:]/.test(text)) return false;
  try {
    return parse(text, { version: '1.1' }) === text && parse(text, { version: '1.2' }) === text;
  } catch {
    return false;
  }
}

/** A scalar as YAML text: plain when it reads back unchanged, else double-quoted. */
export function formatScalar(value: YamlScalar, flow = false): string {
  if (value === null) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return plainSafe(value, flow) ? value : JSON.stringify(value);
}

/** A mapping key as YAML text. */
export function formatKey(key: string, flow = false): string {
  return plainSafe(key, flow) && !key.includes(':') ? key : JSON.stringify(key);
}

/** A value in flow style: `{a: b, c: [d, e]}`. */
export function renderFlow(value: YamlValue): string {
  if (isList(value)) return `[${value.map(renderFlow).join(', ')}]`;
  if (isRecord(value)) {
    const entries = Object.entries(value);
    return `{${entries.map(([k, v]) => `${formatKey(k, true)}: ${renderFlow(v)}`).join(', ')}}`;
  }
  return formatScalar(value, true);
}

function inlineValue(value: YamlValue): string | undefined {
  if (isList(value)) return value.length === 0 ? '[]' : undefined;
  if (isRecord(value)) return Object.keys(value).length === 0 ? '{}' : undefined;
  return formatScalar(value);
}

/** The lines (no line endings) of `key: value` with the key at column `indent`, in block style. */
export function renderPair(
  key: string,
  value: YamlValue,
  indent: number,
  style: YamlStyle = defaultStyle,
): string[] {
  const head = ' '.repeat(indent) + formatKey(key) + ':';
  const inline = inlineValue(value);
  if (inline !== undefined) return [`${head} ${inline}`];
  const childIndent = indent + (isList(value) ? style.sequenceIndent : style.indentUnit);
  return [head, ...renderBlock(value, childIndent, style)];
}

/** The lines of a block sequence entry with its `-` at column `dash`. */
export function renderItem(value: YamlValue, dash: number, style: YamlStyle = defaultStyle): string[] {
  const inline = inlineValue(value);
  if (inline !== undefined) return [`${' '.repeat(dash)}- ${inline}`];
  const lines = renderBlock(value, dash + 2, style);
  lines[0] = `${' '.repeat(dash)}- ${lines[0]!.slice(dash + 2)}`;
  return lines;
}

/**
 * The lines of a value in block style at column `indent`: a mapping's keys, a sequence's dashes, or a
 * scalar. Empty collections are written `{}` and `[]`.
 */
export function renderBlock(value: YamlValue, indent: number, style: YamlStyle = defaultStyle): string[] {
  if (isList(value)) {
    if (value.length === 0) return [`${' '.repeat(indent)}[]`];
    return value.flatMap((item) => renderItem(item, indent, style));
  }
  if (isRecord(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0) return [`${' '.repeat(indent)}{}`];
    return entries.flatMap(([k, v]) => renderPair(k, v, indent, style));
  }
  return [' '.repeat(indent) + formatScalar(value)];
}

/** A YAML fragment at column `indent` in block style, each line ended by the style's line ending. */
export function renderYaml(value: YamlValue, indent: number, style: YamlStyle = defaultStyle): string {
  return renderBlock(value, indent, style)
    .map((line) => line + style.eol)
    .join('');
}

// ---------------------------------------------------------------------------------------------------------
// Style detection
// ---------------------------------------------------------------------------------------------------------

/** The file's line ending: the first one it uses, `\n` when it has none. */
export function detectEol(text: string): string {
  const at = text.search(/\r\n|\r|\n/);
  if (at < 0) return '\n';
  return text.startsWith('\r\n', at) ? '\r\n' : text[at]!;
}

function column(file: SourceFile, offset: number): number {
  return offset - file.lineStarts[file.positionAt(offset).line]!;
}

function mostCommon(counts: Map<number, number>): number | undefined {
  let best: number | undefined;
  let bestCount = 0;
  for (const [value, count] of counts) {
    if (count > bestCount || (count === bestCount && best !== undefined && value < best)) {
      best = value;
      bestCount = count;
    }
  }
  return best;
}

/** Counts indentation evidence in trees: nested block mappings and block sequences under keys. */
function collectIndents(
  file: SourceFile,
  node: SNode,
  units: Map<number, number>,
  seqs: Map<number, number>,
): void {
  if (node.kind === 'scalar') return;
  if (node.kind === 'seq') {
    for (const item of node.items) collectIndents(file, item, units, seqs);
    return;
  }
  for (const pair of node.pairs) {
    const value = pair.value;
    if (!node.flow && value.kind !== 'scalar' && !value.flow) {
      const keyColumn = column(file, pair.key.span.start);
      if (
        value.kind === 'map' &&
        value.pairs.length > 0 &&
        value.pairs[0]!.key.span.start > pair.key.span.end
      ) {
        const delta = column(file, value.pairs[0]!.key.span.start) - keyColumn;
        if (delta > 0) units.set(delta, (units.get(delta) ?? 0) + 1);
      } else if (
        value.kind === 'seq' &&
        value.span.start > pair.key.span.end &&
        file.text[value.span.start] === '-'
      ) {
        const delta = column(file, value.span.start) - keyColumn;
        if (delta >= 0) seqs.set(delta, (seqs.get(delta) ?? 0) + 1);
      }
    }
    collectIndents(file, value, units, seqs);
  }
}

/**
 * The style of a file. The indent unit and the sequence indentation are each taken from the trees given
 * first (the document being edited), else from `fallback` (the file's other documents), else the defaults
 * (2 spaces; sequences indented by the unit).
 */
export function detectStyle(
  file: SourceFile,
  roots: readonly SNode[],
  fallback: readonly SNode[] = [],
): YamlStyle {
  const eol = detectEol(file.text);
  let indentUnit: number | undefined;
  let sequenceIndent: number | undefined;
  for (const trees of [roots, fallback]) {
    const units = new Map<number, number>();
    const seqs = new Map<number, number>();
    for (const root of trees) collectIndents(file, root, units, seqs);
    indentUnit ??= mostCommon(units);
    sequenceIndent ??= mostCommon(seqs);
  }
  indentUnit ??= defaultStyle.indentUnit;
  return { eol, indentUnit, sequenceIndent: sequenceIndent ?? indentUnit };
}

// ---------------------------------------------------------------------------------------------------------
// The editor
// ---------------------------------------------------------------------------------------------------------

/** Thrown by the geometry when an alias makes a position unknowable; edits then return undefined. */
class UnknownPosition extends Error {}

/** Where a node sits: the value of a pair of a mapping, or an entry of a sequence. */
export type Parent =
  | { readonly kind: 'pair'; readonly map: SMap; readonly pair: SPair }
  | { readonly kind: 'item'; readonly seq: SSeq; readonly index: number };

/**
 * Edits one document (tree) of a file. Built once per tree: it records every node's parent and how often
 * each node occurs (more than once means it is shared through an alias or a merge key).
 */
export class YamlEditor {
  readonly text: string;
  private readonly parents = new Map<SNode, Parent>();
  private readonly pairParents = new Map<SPair, SMap>();
  private readonly counts = new Map<object, number>();

  constructor(
    readonly file: SourceFile,
    readonly root: SNode,
    readonly style: YamlStyle = detectStyle(file, [root]),
  ) {
    this.text = file.text;
    this.walk(root);
  }

  private walk(node: SNode): void {
    this.count(node);
    if (node.kind === 'map') {
      for (const pair of node.pairs) {
        this.count(pair);
        if (!this.pairParents.has(pair)) this.pairParents.set(pair, node);
        if (!this.parents.has(pair.value)) this.parents.set(pair.value, { kind: 'pair', map: node, pair });
        this.walk(pair.value);
      }
    } else if (node.kind === 'seq') {
      node.items.forEach((item, index) => {
        if (!this.parents.has(item)) this.parents.set(item, { kind: 'item', seq: node, index });
        this.walk(item);
      });
    }
  }

  private count(node: object): void {
    this.counts.set(node, (this.counts.get(node) ?? 0) + 1);
  }

  // ----- structure -----

  parentOf(node: SNode): Parent | undefined {
    return this.parents.get(node);
  }

  /** The mapping holding a pair. */
  mapOf(pair: SPair): SMap | undefined {
    return this.pairParents.get(pair);
  }

  /**
   * True when the node (or pair) occurs more than once in the tree: it comes from an anchor that an alias
   * or a merge key reuses, and editing its text would change every use.
   */
  isShared(node: SNode | SPair): boolean {
    return (this.counts.get(node) ?? 0) !== 1;
  }

  /** True when the node or anything below it is shared (deleting or replacing it would break an alias). */
  containsShared(node: SNode): boolean {
    if (this.isShared(node)) return true;
    if (node.kind === 'map') return node.pairs.some((p) => this.isShared(p) || this.containsShared(p.value));
    if (node.kind === 'seq') return node.items.some((item) => this.containsShared(item));
    return false;
  }

  /** True when a pair's value is written as an alias (`key: *name`): its node is the anchor's, earlier. */
  private aliasValue(pair: SPair): boolean {
    return pair.value.span.start < pair.key.span.end;
  }

  /** True when a sequence entry is written as an alias (`- *name`). */
  private aliasItem(seq: SSeq, index: number): boolean {
    const item = seq.items[index]!;
    if (item.span.start < seq.span.start) return true;
    const previous = seq.items[index - 1];
    return previous !== undefined && item.span.start <= previous.span.start;
  }

  /** The end of an alias token (`*name`) that is the next thing after `from` (separators skipped). */
  private aliasEnd(from: number): number {
    let i = from;
    for (;;) {
      const c = this.text[i];
      if (c === undefined) throw new UnknownPosition('no alias found');
      if (c === '#') {
        i = this.lineContentEnd(i);
      } else if (/[\s,\-:[]/.test(c)) {
        i++;
      } else break;
    }
    if (this.text[i] !== '*') throw new UnknownPosition('no alias found');
    i++;
    while (i < this.text.length && !/[\s,\]}]/.test(this.text[i]!)) i++;
    return i;
  }

  /** Runs an edit, returning undefined when an alias made a position unknowable. */
  private guard<T>(make: () => T | undefined): T | undefined {
    try {
      return make();
    } catch (error) {
      if (error instanceof UnknownPosition) return undefined;
      throw error;
    }
  }

  /** True when the node is a flow collection or sits inside one. */
  inFlow(node: SNode): boolean {
    if (node.kind !== 'scalar' && node.flow) return true;
    for (let parent = this.parentOf(node); parent;) {
      const holder: SMap | SSeq = parent.kind === 'pair' ? parent.map : parent.seq;
      if (holder.flow) return true;
      parent = this.parentOf(holder);
    }
    return false;
  }

  /**
   * The pairs written in the mapping itself, in source order: pairs a merge key (`<<`) brings in come
   * last in `pairs` and point into the anchor's text, so they are left out.
   */
  ownPairs(map: SMap): SPair[] {
    const out: SPair[] = [];
    let last = -1;
    for (const pair of map.pairs) {
      if (this.isShared(pair) || pair.key.span.start <= last) break;
      const previous = out[out.length - 1];
      if (previous && pair.key.span.start < this.pairEnd(previous)) break;
      out.push(pair);
      last = pair.key.span.start;
    }
    return out;
  }

  /** The outermost value node (a pair's value or a sequence entry) that starts at `offset`. */
  valueAt(offset: number): SNode | undefined {
    const visit = (node: SNode): SNode | undefined => {
      if (node.span.start === offset && node !== this.root) return node;
      if (offset < node.span.start || offset > node.span.end) return undefined;
      const children =
        node.kind === 'map' ? node.pairs.map((p) => p.value) : node.kind === 'seq' ? node.items : [];
      for (const child of children) {
        const found = visit(child);
        if (found) return found;
      }
      return undefined;
    };
    return visit(this.root);
  }

  /** The pair whose key starts at `offset`. */
  pairWithKeyAt(offset: number): SPair | undefined {
    for (const pair of this.pairParents.keys()) if (pair.key.span.start === offset) return pair;
    return undefined;
  }

  // ----- text geometry -----

  lineStart(offset: number): number {
    return this.file.lineStarts[this.file.positionAt(offset).line]!;
  }

  /** The end of the line holding `offset`, before its line ending. */
  lineContentEnd(offset: number): number {
    let end = offset;
    while (end < this.text.length && this.text[end] !== '\n' && this.text[end] !== '\r') end++;
    return end;
  }

  /** The start of the next line (or the end of the text on the last line). */
  nextLineStart(offset: number): number {
    const end = this.lineContentEnd(offset);
    if (this.text.startsWith('\r\n', end)) return end + 2;
    return end < this.text.length ? end + 1 : end;
  }

  /** 0-based column of an offset. */
  column(offset: number): number {
    return offset - this.lineStart(offset);
  }

  /** The number of spaces that start the line holding `offset`. */
  lineIndent(offset: number): number {
    const start = this.lineStart(offset);
    let i = start;
    while (this.text[i] === ' ') i++;
    return i - start;
  }

  /** True when only spaces precede `offset` on its line. */
  startsLine(offset: number): boolean {
    return /^ *$/.test(this.text.slice(this.lineStart(offset), offset));
  }

  /** The column at which a node's content is laid out: a block mapping's keys, a block sequence's dashes. */
  indentOf(node: SNode): number {
    if (node.kind === 'map' && !node.flow) {
      const first = this.ownPairs(node)[0];
      if (first) return this.column(first.key.span.start);
    }
    if (node.kind === 'seq' && !node.flow) {
      const dash = this.firstDash(node);
      if (dash !== undefined) return this.column(dash);
    }
    return this.column(node.span.start);
  }

  /** The offset of the first `-` of a block sequence. */
  firstDash(seq: SSeq): number | undefined {
    return !seq.flow && this.text[seq.span.start] === '-' ? seq.span.start : undefined;
  }

  /** The offset of the `-` of a block sequence entry (not for an entry written as an alias). */
  dashOf(item: SNode): number | undefined {
    let i = item.span.start - 1;
    while (i >= 0 && this.text[i] === ' ') i--;
    return i >= 0 && this.text[i] === '-' ? i : undefined;
  }

  private trimBack(start: number, end: number): number {
    while (end > start && /\s/.test(this.text[end - 1]!)) end--;
    return end;
  }

  /** The offset of the `:` after a key, plus one; the key's end when no colon follows. */
  afterColon(pair: SPair): number {
    let i = pair.key.span.end;
    while (this.text[i] === ' ' || this.text[i] === '\t') i++;
    if (this.text[i] === ':') return i + 1;
    return pair.key.span.end;
  }

  /** Where a node's own text ends: trailing blank lines and comments that the parser attached are left out. */
  contentEnd(node: SNode): number {
    if (node.kind === 'scalar' || node.flow) return this.trimBack(node.span.start, node.span.end);
    if (node.kind === 'map') {
      const pairs = this.ownPairs(node);
      const last = pairs[pairs.length - 1];
      return last ? this.pairEnd(last) : this.trimBack(node.span.start, node.span.end);
    }
    return node.items.length > 0
      ? this.itemEnd(node, node.items.length - 1)
      : this.trimBack(node.span.start, node.span.end);
  }

  /** Where a sequence entry's text ends (after the alias token for `- *name`). */
  itemEnd(seq: SSeq, index: number): number {
    if (!this.aliasItem(seq, index)) return this.contentEnd(seq.items[index]!);
    const from = index === 0 ? seq.span.start : this.itemEnd(seq, index - 1);
    return this.aliasEnd(from);
  }

  /** Where a pair's text ends (after the colon for a key without value). */
  pairEnd(pair: SPair): number {
    const value = pair.value;
    if (value.kind === 'scalar' && value.implicit) return this.afterColon(pair);
    if (this.aliasValue(pair)) return this.aliasEnd(this.afterColon(pair));
    return Math.max(this.contentEnd(value), pair.key.span.end);
  }

  /**
   * The start of the line after the block that ends at `end`: comment lines indented deeper than `column`
   * belong to the block (a commented-out entry) and are included.
   */
  blockEnd(end: number, column: number): number {
    let at = this.nextLineStart(end);
    for (;;) {
      if (at >= this.text.length) return at;
      const lineEnd = this.lineContentEnd(at);
      const line = this.text.slice(at, lineEnd);
      const indent = /^ */.exec(line)![0].length;
      if (line[indent] !== '#' || indent <= column) return at;
      at = this.nextLineStart(at);
    }
  }

  private edit(start: number, end: number, newText: string): TextEdit {
    return { file: this.file, span: { start, end }, newText };
  }

  /** An insertion of whole lines (without line endings) at the start of the line at `at`. */
  private insertLines(at: number, lines: readonly string[]): TextEdit {
    const eol = this.style.eol;
    if (at >= this.text.length && !/[\r\n]$/.test(this.text)) {
      return this.edit(this.text.length, this.text.length, eol + lines.join(eol));
    }
    return this.edit(at, at, lines.map((l) => l + eol).join(''));
  }

  /**
   * Edits that shift every non-blank line starting in [from, to) by `delta` columns (adding or removing
   * leading spaces). Undefined when a line has too few spaces to remove.
   */
  shiftLines(from: number, to: number, delta: number): TextEdit[] | undefined {
    const edits: TextEdit[] = [];
    if (delta === 0) return edits;
    for (let at = this.lineStart(from); at < to;) {
      const end = this.lineContentEnd(at);
      const line = this.text.slice(at, end);
      if (line.trim() !== '') {
        if (delta > 0) edits.push(this.edit(at, at, ' '.repeat(delta)));
        else if (/^ */.exec(line)![0].length >= -delta) edits.push(this.edit(at, at - delta, ''));
        else return undefined;
      }
      const next = this.nextLineStart(at);
      if (next <= at) break;
      at = next;
    }
    return edits;
  }

  // ----- edits -----

  /** Replaces a scalar value. */
  replaceScalar(node: SScalar, value: YamlScalar): TextEdit[] | undefined {
    return this.guard(() => {
      if (this.isShared(node)) return undefined;
      const parent = this.parentOf(node);
      const text = formatScalar(value, this.inFlow(node));
      if (node.implicit) {
        if (parent?.kind !== 'pair') return undefined;
        const at = this.afterColon(parent.pair);
        return [this.edit(at, at, ` ${text}`)];
      }
      return [this.edit(node.span.start, this.contentEnd(node), text)];
    });
  }

  /** Renames a key (keeping its value). */
  replaceKey(pair: SPair, key: string): TextEdit[] | undefined {
    const map = this.mapOf(pair);
    if (!map || this.isShared(pair) || this.isShared(map)) return undefined;
    return [this.edit(pair.key.span.start, pair.key.span.end, formatKey(key, this.inFlow(map)))];
  }

  /**
   * Replaces a pair's value. A non-empty collection under a block key is written as block lines; in a flow
   * collection the value is written in flow style.
   */
  setValue(pair: SPair, value: YamlValue): TextEdit[] | undefined {
    return this.guard(() => {
      const map = this.mapOf(pair);
      const old = pair.value;
      if (!map || this.isShared(pair) || this.isShared(map) || this.containsShared(old)) return undefined;
      const colon = this.afterColon(pair);
      // No colon right after the key (an explicit `? key` or another unusual layout): not edited.
      if (this.text[colon - 1] !== ':') return undefined;
      const implicit = old.kind === 'scalar' && old.implicit;
      const oldEnd = this.pairEnd(pair);
      if (this.inFlow(map)) {
        if (implicit) return [this.edit(colon, colon, ` ${renderFlow(value)}`)];
        return [this.edit(old.span.start, oldEnd, renderFlow(value))];
      }
      const inline = inlineValue(value);
      const oldIsBlock = old.kind !== 'scalar' && !old.flow;
      if (inline !== undefined) {
        if (implicit) return [this.edit(colon, colon, ` ${inline}`)];
        if (oldIsBlock) return [this.edit(colon, oldEnd, ` ${inline}`)];
        return [this.edit(old.span.start, oldEnd, inline)];
      }
      if (oldIsBlock && old.kind === (isList(value) ? 'seq' : 'map')) {
        // Same kind of block collection: keep its indentation, replace from its first key or dash.
        const indent = this.indentOf(old);
        const start = old.kind === 'seq' ? this.firstDash(old) : this.ownPairs(old)[0]?.key.span.start;
        if (start === undefined || !this.startsLine(start)) return undefined;
        const lines = renderBlock(value, indent, this.style);
        lines[0] = lines[0]!.slice(indent);
        return [this.edit(start, oldEnd, lines.join(this.style.eol))];
      }
      const keyColumn = this.column(pair.key.span.start);
      const indent = keyColumn + (isList(value) ? this.style.sequenceIndent : this.style.indentUnit);
      return [this.replaceAfterKey(colon, oldEnd, renderBlock(value, indent, this.style))];
    });
  }

  /**
   * Replaces [colon, valueEnd) with a line break and `lines`, keeping a comment that follows the value
   * on the key's line (`key: {} # note` becomes `key: # note` followed by the lines).
   */
  private replaceAfterKey(colon: number, valueEnd: number, lines: readonly string[]): TextEdit {
    const eol = this.style.eol;
    const lineEnd = this.lineContentEnd(valueEnd);
    const tail = this.text.slice(valueEnd, lineEnd);
    if (tail.trim() === '') return this.edit(colon, valueEnd, eol + lines.join(eol));
    // A comment needs a space before it (`{}# note` was one after the value, `:# note` is not one).
    const kept = /^[ \t]/.test(tail) ? tail : ` ${tail}`;
    return this.edit(colon, lineEnd, kept + eol + lines.join(eol));
  }

  /**
   * Inserts `key: value` into a mapping, after the pair `after` (when given and present) or at the end.
   * An empty `{}` under a block key becomes a block mapping.
   */
  insertPair(map: SMap, key: string, value: YamlValue, after?: string): TextEdit[] | undefined {
    return this.guard(() => {
      if (this.isShared(map)) return undefined;
      const own = this.ownPairs(map);
      if (own.length === 0 && map.pairs.length > 0) return undefined;
      if (map.pairs.some((p) => p.key.value === key)) return undefined;
      const anchor =
        (after !== undefined ? own.find((p) => p.key.value === after) : undefined) ?? own[own.length - 1];
      if (map.flow) {
        if (!anchor)
          return this.fillEmpty(map, { [key]: value }, `${formatKey(key, true)}: ${renderFlow(value)}`);
        const at = this.pairEnd(anchor);
        return [this.edit(at, at, `, ${formatKey(key, true)}: ${renderFlow(value)}`)];
      }
      if (!anchor) return undefined;
      const keyColumn = this.column(own[0]!.key.span.start);
      const at = this.blockEnd(this.pairEnd(anchor), keyColumn);
      return [this.insertLines(at, renderPair(key, value, keyColumn, this.style))];
    });
  }

  /**
   * Adds an entry to a sequence, after entry `afterIndex` (default: the last). An empty `[]` under a block
   * key becomes a block sequence.
   */
  insertItem(seq: SSeq, value: YamlValue, afterIndex = seq.items.length - 1): TextEdit[] | undefined {
    return this.guard(() => {
      if (this.isShared(seq)) return undefined;
      const anchor = seq.items[afterIndex];
      if (seq.flow) {
        if (!anchor) return this.fillEmpty(seq, [value], renderFlow(value));
        const at = this.itemEnd(seq, afterIndex);
        return [this.edit(at, at, `, ${renderFlow(value)}`)];
      }
      const first = this.firstDash(seq);
      if (!anchor || first === undefined) return undefined;
      const dashColumn = this.column(first);
      const at = this.blockEnd(this.itemEnd(seq, afterIndex), dashColumn);
      return [this.insertLines(at, renderItem(value, dashColumn, this.style))];
    });
  }

  /** Adds an entry at the end of a sequence. */
  appendItem(seq: SSeq, value: YamlValue): TextEdit[] | undefined {
    return this.insertItem(seq, value);
  }

  /**
   * Fills an empty flow collection (`{}` or `[]`): in block context it becomes a block collection holding
   * `value`; inside a flow collection (or as `- []`) `inner` is written between its brackets.
   */
  private fillEmpty(node: SMap | SSeq, value: YamlValue, inner: string): TextEdit[] | undefined {
    const end = this.contentEnd(node);
    const open = node.kind === 'map' ? '{' : '[';
    const close = node.kind === 'map' ? '}' : ']';
    if (this.text.slice(node.span.start, end).replace(/\s/g, '') !== open + close) return undefined;
    const parent = this.parentOf(node);
    if (!parent) return undefined;
    const holder = parent.kind === 'pair' ? parent.map : parent.seq;
    if (this.inFlow(holder) || (node.kind === 'seq' && parent.kind === 'item')) {
      return [this.edit(node.span.start, end, open + inner + close)];
    }
    if (parent.kind === 'pair') return this.setValue(parent.pair, value);
    // `- {}` becomes `- key: value`: the first line goes after the dash.
    const dash = this.dashOf(node);
    if (dash === undefined) return undefined;
    const indent = this.column(dash) + 2;
    const lines = renderBlock(value, indent, this.style);
    lines[0] = lines[0]!.slice(indent);
    const tail = this.text.slice(end, this.lineContentEnd(end));
    if (tail.trim() !== '') return undefined;
    return [this.edit(node.span.start, end, lines.join(this.style.eol))];
  }

  /**
   * Deletes a pair with its line(s). Comments above and below it stay; comments in its lines (on the key's
   * line, inside its value, indented under it) are kept on lines of their own at the key's column. The
   * last pair of a mapping leaves `{}`.
   */
  deletePair(map: SMap, pair: SPair): TextEdit[] | undefined {
    return this.guard(() => {
      if (this.isShared(map) || this.isShared(pair) || this.containsShared(pair.value)) return undefined;
      const own = this.ownPairs(map);
      const index = own.indexOf(pair);
      if (index < 0 || own.length !== map.pairs.length) return undefined;
      if (map.flow) {
        if (own.length === 1) return [this.edit(pair.key.span.start, this.pairEnd(pair), '')];
        if (index < own.length - 1)
          return [this.edit(pair.key.span.start, own[index + 1]!.key.span.start, '')];
        return [this.edit(this.pairEnd(own[index - 1]!), this.pairEnd(pair), '')];
      }
      if (own.length === 1) {
        const parent = this.parentOf(map);
        if (parent?.kind === 'pair') return this.setValue(parent.pair, {});
        if (parent?.kind === 'item' && !this.startsLine(pair.key.span.start)) {
          return [this.edit(pair.key.span.start, this.pairEnd(pair), '{}')];
        }
        return undefined;
      }
      const keyStart = pair.key.span.start;
      const end = this.blockEnd(this.pairEnd(pair), this.column(keyStart));
      if (this.startsLine(keyStart))
        return [this.deleteLines(this.lineStart(keyStart), end, this.column(keyStart))];
      // First pair of a sequence entry (`- key: v`): the next pair moves up onto the dash line.
      const next = own[index + 1];
      if (!next) return undefined;
      // Comments of the deleted pair would have nowhere to go on the dash line: not edited.
      if (this.commentsIn(keyStart, end).length > 0) return undefined;
      const nextLine = this.lineStart(next.key.span.start);
      for (let at = end; at < nextLine; at = this.nextLineStart(at)) {
        const hash = this.text.slice(at, this.lineContentEnd(at)).indexOf('#');
        // A comment line in between stays: the entry starts with it (`- # comment`).
        if (hash >= 0) return [this.edit(keyStart, at + hash, '')];
      }
      return [this.edit(keyStart, next.key.span.start, '')];
    });
  }

  /** Deletes a sequence entry with its line(s), keeping the comments in them. The last entry leaves `[]`. */
  deleteItem(seq: SSeq, index: number): TextEdit[] | undefined {
    return this.guard(() => {
      const item = seq.items[index];
      if (!item || this.isShared(seq) || this.containsShared(item)) return undefined;
      if (seq.flow) {
        if (seq.items.length === 1) return [this.edit(item.span.start, this.itemEnd(seq, index), '')];
        if (index < seq.items.length - 1) {
          if (this.aliasItem(seq, index + 1)) return undefined;
          return [this.edit(item.span.start, seq.items[index + 1]!.span.start, '')];
        }
        return [this.edit(this.itemEnd(seq, index - 1), this.itemEnd(seq, index), '')];
      }
      if (seq.items.length === 1) {
        const parent = this.parentOf(seq);
        return parent?.kind === 'pair' ? this.setValue(parent.pair, []) : undefined;
      }
      const dash = this.dashOf(item);
      if (dash === undefined || !this.startsLine(dash)) return undefined;
      const end = this.blockEnd(this.itemEnd(seq, index), this.column(dash));
      return [this.deleteLines(this.lineStart(dash), end, this.column(dash))];
    });
  }

  /**
   * Deletes whole lines [start, end) but keeps the comments written in them (a user's notes), each on a
   * line of its own at `column`, where the deleted block was.
   */
  private deleteLines(start: number, end: number, column: number): TextEdit {
    const comments = this.commentsIn(start, end);
    const kept = comments.map((c) => ' '.repeat(column) + c + this.style.eol).join('');
    if (kept !== '' && end >= this.text.length && !/[\r\n]$/.test(this.text))
      return this.edit(start, end, kept.slice(0, -this.style.eol.length));
    return this.edit(start, end, kept);
  }

  /**
   * The comments (`# ...`, to the end of their line) that start in [start, end): a `#` at the start of a
   * line or after a space or tab, outside every scalar of the tree (a quoted scalar may hold ` #`).
   */
  commentsIn(start: number, end: number): string[] {
    const scalars: Span[] = [];
    const visit = (node: SNode, seen: Set<SNode>) => {
      if (seen.has(node) || node.span.end <= start || node.span.start >= end) return;
      seen.add(node);
      if (node.kind === 'scalar') scalars.push(node.span);
      else if (node.kind === 'seq') for (const item of node.items) visit(item, seen);
      else
        for (const pair of node.pairs) {
          visit(pair.key, seen);
          visit(pair.value, seen);
        }
    };
    visit(this.root, new Set());
    const out: string[] = [];
    for (let at = start; at < end;) {
      const lineEnd = this.lineContentEnd(at);
      for (let i = at; i < Math.min(lineEnd, end); i++) {
        if (this.text[i] !== '#' || (i > at && this.text[i - 1] !== ' ' && this.text[i - 1] !== '\t'))
          continue;
        if (scalars.some((s) => i >= s.start && i < s.end)) continue;
        out.push(this.text.slice(i, lineEnd).trimEnd());
        break;
      }
      const next = this.nextLineStart(at);
      if (next <= at) break;
      at = next;
    }
    return out;
  }
}
