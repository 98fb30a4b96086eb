/**
 * A fast reader for the block-style YAML that Kubernetes tooling writes (`kubectl get -o yaml`, Helm and
 * Kustomize output, most hand-written manifests), used by yaml-loader.ts before the general parser.
 *
 * Why: the `yaml` package builds a token stream, a CST and a Document per manifest; on a 16 MB cluster
 * dump that takes seconds. This reader goes straight from text to SNodes, one line at a time.
 *
 * Contract: for a document it accepts, it returns exactly the SNodes (values, spans, flags) that the
 * general path returns — plain scalars are even resolved by the `yaml` package's own YAML 1.1 tags. For
 * anything outside its subset it gives up on that document (`undefined`) and the caller uses the general
 * parser, so unusual YAML costs time, never correctness. The subset: block mappings and sequences
 * (including `key:` followed by a sequence at the same indent and `- key: value` items), single-line
 * plain and quoted scalars, empty flow collections (`{}`, `[]`), comments and blank lines. It gives up on
 * tabs, anchors, aliases, tags, merge keys, block scalars, non-empty flow collections, multi-line scalars,
 * explicit keys, duplicate keys, comments after the last item of a collection or after an empty value
 * (the `yaml` package attaches those to nodes in ways that move span ends) and anything else that might
 * be an error.
 */
import { Document, isScalar as isYamlScalar } from 'yaml';
import type { ParseOptions, ScalarTag } from 'yaml';
import type { SMap, SNode, SPair, SScalar, SSeq, ScalarValue } from './snode.js';

/** Thrown (one shared instance, no stack work) to abandon the fast path for a document. */
class Bail extends Error {}
const BAIL = new Bail('outside the fast YAML subset');

export interface FastDocument {
  readonly start: number;
  readonly end: number;
  readonly root: SNode;
}

const SPACE = 32;
const HASH = 35;
const COLON = 58;
const DASH = 45;
const DQUOTE = 34;
const SQUOTE = 39;
const BACKSLASH = 92;
const LBRACE = 123;
const LBRACKET = 91;

/** Characters that may not start a plain scalar here (indicators the general parser treats specially). */
const NOT_PLAIN_START = new Set([...'?:,[]{}#&*!|>\'"%@`'].map((c) => c.charCodeAt(0)));

/**
 * Characters the fast reader does not model (tabs and other C0 controls, DEL and C1 controls with NEL,
 * LS, PS, BOM): the general parser decides what they mean.
 */
function isSpecial(c: number): boolean {
  return c < SPACE || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029 || c === 0xfeff;
}

/**
 * The tests of the `yaml` package's YAML 1.1 scalar tags that {@link TAGGED_START} was derived from:
 * null and boolean words, integers (binary, octal, decimal, hex, sexagesimal), floats (`.inf`, `.nan`,
 * exponents, decimals, sexagesimal) and timestamps.
 */
const KNOWN_TAG_TESTS = [
  '^(?:~|[Nn]ull|NULL)?$',
  '^(?:Y|y|[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$',
  '^(?:N|n|[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$',
  '^[-+]?0b[0-1_]+$',
  '^[-+]?0[0-7_]+$',
  '^[-+]?[0-9][0-9_]*$',
  '^[-+]?0x[0-9a-fA-F_]+$',
  '^(?:[-+]?\\.(?:inf|Inf|INF)|\\.nan|\\.NaN|\\.NAN)$',
  '^[-+]?(?:[0-9][0-9_]*)?(?:\\.[0-9_]*)?[eE][-+]?[0-9]+$',
  '^[-+]?(?:[0-9][0-9_]*)?\\.[0-9_]*$',
  '^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+$',
  '^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*$',
  '^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:(?:t|T|[ \\t]+)([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2}(\\.[0-9]+)?)(?:[ \\t]*(Z|[-+][012]?[0-9](?::[0-9]{2})?))?)?$',
].join('\n');

/**
 * First characters of the texts those tests can match: digits, signs, `.`, `~`, the initials of the
 * null and boolean words, and `e`/`E` (the exponent test accepts `e5`). A plain scalar starting with
 * any other character is a string, which spares most scalars the tag tests.
 */
const TAGGED_START = new Uint8Array(128);
for (const c of '0123456789+-.~yYnNtTfFoOeE') TAGGED_START[c.charCodeAt(0)] = 1;

/** The `yaml` package's YAML 1.1 scalar tags, in the order its composer tries them. */
interface ScalarSchema {
  readonly tags: ReadonlyArray<ScalarTag & { test: RegExp }>;
  readonly options: ParseOptions;
  /** False when the installed `yaml` package has other tags than {@link KNOWN_TAG_TESTS}. */
  readonly shortcut: boolean;
}

let sharedSchema: ScalarSchema | undefined;

function scalarSchema(): ScalarSchema {
  if (!sharedSchema) {
    const doc = new Document(undefined, { version: '1.1', merge: true, uniqueKeys: true, strict: false });
    // Collection tags have no `test`; the merge tag (default 'key') is for `<<`, which bails.
    const tags = doc.schema.tags.filter(
      (tag): tag is ScalarTag & { test: RegExp } => tag.default === true && tag.test !== undefined,
    );
    const shortcut = tags.map((tag) => tag.test.source).join('\n') === KNOWN_TAG_TESTS;
    sharedSchema = { tags, options: doc.options, shortcut };
  }
  return sharedSchema;
}

/** True when plain scalars can skip the tag tests by their first character (see {@link TAGGED_START}). */
export function plainShortcutEnabled(): boolean {
  return scalarSchema().shortcut;
}

/** Normalises raw values as yaml-loader.ts does for the general path. */
export interface ValueNormaliser {
  value(raw: unknown, source: string): ScalarValue;
  key(raw: unknown): ScalarValue;
}

/**
 * Reads the documents of one file. Its caches live as long as the reader: plain scalars resolved with
 * the YAML 1.1 tags, and interned strings (manifests repeat the same keys and values; one string object
 * per distinct text also keeps the heap, and so garbage collection, smaller).
 */
export class FastYamlReader {
  private readonly schema = scalarSchema();
  private readonly values = new Map<string, unknown>();
  private readonly strings = new Map<string, string>();

  constructor(
    readonly normalise: ValueNormaliser,
    /** Deeper collections are left to the general path, which reports them (see LoadLimits.maxDepth). */
    readonly maxDepth: number = Number.POSITIVE_INFINITY,
  ) {}

  /**
   * Parses one document of `text`: from `start` (a `---` line when `marker` is true) to `end`.
   * Returns undefined when the document is outside the subset, and null when it holds nothing (a
   * segment before the first `---` with only blank lines).
   */
  parseDocument(text: string, start: number, end: number, marker: boolean): FastDocument | null | undefined {
    const parser = new DocumentParser(text, end, this);
    try {
      return parser.parseDocument(start, marker);
    } catch (error) {
      if (error === BAIL) return undefined;
      throw error;
    }
  }

  /** The raw value the composer would give the plain scalar `text` (a string when no tag matches). */
  resolve(text: string): unknown {
    const first = text.charCodeAt(0);
    if (this.schema.shortcut && first < 128 && TAGGED_START[first] === 0) return this.intern(text);
    let value = this.values.get(text);
    if (value === undefined && !this.values.has(text)) {
      value = text;
      const tag = this.schema.tags.find((t) => t.test.test(text));
      if (tag) {
        const res: unknown = tag.resolve(
          text,
          () => {
            throw BAIL;
          },
          this.schema.options,
        );
        value = isYamlScalar(res) ? res.value : res;
      }
      this.values.set(text, value);
    }
    return value;
  }

  /** The one string object of this reader for `text`. */
  intern(text: string): string {
    const known = this.strings.get(text);
    if (known !== undefined) return known;
    this.strings.set(text, text);
    return text;
  }
}

class DocumentParser {
  // The current content line (blank and comment lines are skipped by `seek`).
  private lineStart = 0;
  private indent = 0;
  private content = 0;
  private lineEnd = 0;
  private atEnd = false;
  /**
   * The largest indent of the comment lines `seek` skipped to reach the current line, -1 for none. The
   * general parser attaches comment lines after a collection's last item to that collection (or to its
   * last scalar) when they are indented at least as deep, which moves span ends: such documents bail.
   */
  private commentIndent = -1;
  /** range[2] of the node parsed last: where its trailing space, comment and line break end. */
  private lastEnd = 0;
  /** Collections open around the current line. */
  private depth = 0;

  constructor(
    private readonly text: string,
    private readonly end: number,
    private readonly reader: FastYamlReader,
  ) {}

  parseDocument(start: number, marker: boolean): FastDocument | null {
    const { text } = this;
    if (marker) {
      // Only a bare `---` line; anything after the marker goes to the general parser.
      const after = start + 3;
      if (after < this.end && text.charCodeAt(after) !== 10) throw BAIL;
      this.seek(after + 1);
      if (this.atEnd) {
        if (this.commentIndent >= 0) throw BAIL;
        const empty = emptyScalar(after);
        return { start, end: after, root: empty };
      }
    } else {
      this.seek(start);
      if (this.atEnd) {
        if (this.commentIndent >= 0) throw BAIL;
        return null;
      }
    }
    const docStart = marker ? start : this.lineStart;
    const root = this.parseBlock();
    if (!this.atEnd || this.commentIndent >= 0) throw BAIL;
    return { start: docStart, end: this.lastEnd, root };
  }

  /** Moves to the first line at or after `pos` that has content. */
  private seek(pos: number): void {
    const { text, end } = this;
    this.commentIndent = -1;
    while (pos < end) {
      let nl = text.indexOf('\n', pos);
      if (nl < 0 || nl > end) nl = end;
      let i = pos;
      while (i < nl && text.charCodeAt(i) === SPACE) i++;
      if (i === nl) {
        pos = nl + 1;
        continue;
      }
      const c = text.charCodeAt(i);
      if (c === HASH) {
        this.commentIndent = Math.max(this.commentIndent, i - pos);
        pos = nl + 1;
        continue;
      }
      if (isSpecial(c)) throw BAIL;
      this.lineStart = pos;
      this.indent = i - pos;
      this.content = i;
      this.lineEnd = nl;
      return;
    }
    this.atEnd = true;
  }

  /** Where a node ending on the current line ends, its line break included. */
  private lineBreakEnd(): number {
    return this.lineEnd < this.text.length ? this.lineEnd + 1 : this.lineEnd;
  }

  private isDashLine(): boolean {
    const next = this.content + 1;
    return (
      this.text.charCodeAt(this.content) === DASH &&
      (next === this.lineEnd || this.text.charCodeAt(next) === SPACE)
    );
  }

  /** A block mapping or sequence starting at the current line's content. */
  private parseBlock(): SMap | SSeq {
    if (this.isDashLine()) return this.parseSeq(this.indent);
    const colon = this.keyEnd(this.content);
    if (colon < 0) throw BAIL; // a root or nested scalar: not in the subset
    return this.parseMap(this.indent, this.content, colon);
  }

  /**
   * Block mapping whose entries sit at column `indent`; the first key starts at `first` on the current
   * line and ends at its `:` at `colon`.
   */
  private parseMap(indent: number, first: number, colon: number): SMap {
    // A collection at level n holds values at level n + 1 (the limit counts scalars too).
    if (++this.depth >= this.reader.maxDepth) throw BAIL;
    const pairs: SPair[] = [];
    let keyPos = first;
    for (;;) {
      const key = this.parseKey(keyPos, colon);
      for (const pair of pairs) if (pair.key.value === key.value) throw BAIL; // duplicate: the general parser reports it
      const value = this.parseValueAfter(colon + 1, indent);
      pairs.push({
        key,
        value,
        span: { start: key.span.start, end: Math.max(value.span.end, key.span.end) },
      });
      // `parseValueAfter` left the cursor on the next content line.
      if (this.atEnd || this.indent < indent) break;
      if (this.indent > indent || this.isDashLine()) throw BAIL;
      keyPos = this.content;
      colon = this.keyEnd(keyPos);
      if (colon < 0) throw BAIL;
    }
    if (this.commentIndent >= indent) throw BAIL;
    this.depth--;
    return {
      kind: 'map',
      span: { start: first, end: pairs[pairs.length - 1]!.span.end },
      pairs,
      flow: false,
    };
  }

  /** Block sequence whose dashes sit at column `indent` (its first dash is the current line's content). */
  private parseSeq(indent: number): SSeq {
    if (++this.depth >= this.reader.maxDepth) throw BAIL;
    const start = this.content;
    const items: SNode[] = [];
    for (;;) {
      items.push(this.parseValueAfter(this.content + 1, indent));
      if (this.atEnd || this.indent < indent) break;
      if (this.indent > indent) throw BAIL;
      // A line at the same indent that is not an item ends a sequence written under a mapping key.
      if (!this.isDashLine()) break;
    }
    if (this.commentIndent >= indent) throw BAIL;
    this.depth--;
    return { kind: 'seq', span: { start, end: items[items.length - 1]!.span.end }, items, flow: false };
  }

  /**
   * The value after a mapping's `:` or a sequence's `-` at `pos` on the current line, in a collection at
   * column `indent`. Leaves the cursor on the next content line and `lastEnd` at the value's end.
   */
  private parseValueAfter(pos: number, indent: number): SNode {
    const { text } = this;
    const lineEnd = this.lineEnd;
    let q = pos;
    while (q < lineEnd && text.charCodeAt(q) === SPACE) q++;
    if (q === lineEnd || text.charCodeAt(q) === HASH) {
      // Nothing on this line: the value is on the next lines, or empty.
      const commented = q < lineEnd;
      this.seek(lineEnd + 1);
      if (!this.atEnd && this.indent > indent) return this.parseBlock();
      // `key:` followed by a sequence at the key's own column.
      const isMapValue = text.charCodeAt(pos - 1) === COLON;
      if (!this.atEnd && isMapValue && this.indent === indent && this.isDashLine())
        return this.parseSeq(indent);
      // An empty value's end runs over a trailing comment into the next line's indent: not modelled.
      if (this.commentIndent >= 0 || commented) throw BAIL;
      this.lastEnd = q;
      return emptyScalar(q);
    }
    if (q > pos && text.charCodeAt(pos - 1) === DASH) {
      // `- key: value`: a mapping whose column is that of its first key.
      const colon = this.keyEnd(q);
      if (colon >= 0) return this.parseMap(indent + (q - this.content), q, colon);
    }
    const node = this.parseInline(q);
    this.lastEnd = this.lineBreakEnd();
    this.seek(lineEnd + 1);
    return node;
  }

  /** A scalar or an empty flow collection that ends the current line (up to a comment). */
  private parseInline(q: number): SNode {
    const { text } = this;
    const c = text.charCodeAt(q);
    let node: SNode;
    let after: number;
    if (c === DQUOTE || c === SQUOTE) {
      const close = this.quotedEnd(q);
      node = scalarNode(q, close + 1, this.quotedValue(q, close), true, false);
      after = close + 1;
    } else if (c === LBRACE || c === LBRACKET) {
      const closing = c === LBRACE ? 125 : 93;
      if (text.charCodeAt(q + 1) !== closing) throw BAIL;
      const span = { start: q, end: q + 2 };
      node =
        c === LBRACE
          ? { kind: 'map', span, pairs: [], flow: true }
          : { kind: 'seq', span, items: [], flow: true };
      after = q + 2;
    } else {
      const end = this.plainEnd(q);
      const source = text.slice(q, end);
      node = scalarNode(
        q,
        end,
        this.reader.normalise.value(this.reader.resolve(source), source),
        false,
        false,
      );
      after = end;
    }
    this.expectLineEnd(after);
    return node;
  }

  /** Checks that only spaces and a comment follow `pos` on the current line. */
  private expectLineEnd(pos: number): void {
    const { text } = this;
    let i = pos;
    while (i < this.lineEnd && text.charCodeAt(i) === SPACE) i++;
    if (i < this.lineEnd && (i === pos || text.charCodeAt(i) !== HASH)) throw BAIL;
  }

  /** End of a plain scalar starting at `q` (trailing spaces and comment excluded). */
  private plainEnd(q: number): number {
    const { text } = this;
    const lineEnd = this.lineEnd;
    const first = text.charCodeAt(q);
    if (NOT_PLAIN_START.has(first)) throw BAIL;
    if (first === DASH && (q + 1 === lineEnd || text.charCodeAt(q + 1) === SPACE)) throw BAIL;
    let last = q;
    for (let i = q; i < lineEnd; i++) {
      const c = text.charCodeAt(i);
      if (c === SPACE) {
        if (text.charCodeAt(i + 1) === HASH) break;
        continue;
      }
      if (c === COLON && (i + 1 === lineEnd || text.charCodeAt(i + 1) === SPACE)) throw BAIL;
      if (isSpecial(c)) throw BAIL;
      last = i;
    }
    return last + 1;
  }

  /**
   * Where the implicit key starting at `q` ends (the position of its `:`), or -1 when the line holds no
   * `key:` there. Quoted keys count; anything unusual before the `:` bails.
   */
  private keyEnd(q: number): number {
    const { text } = this;
    const lineEnd = this.lineEnd;
    const first = text.charCodeAt(q);
    let colon: number;
    if (first === DQUOTE || first === SQUOTE) {
      colon = this.quotedEnd(q) + 1;
      if (text.charCodeAt(colon) !== COLON) return -1;
    } else {
      colon = -1;
      for (let i = q; i < lineEnd; i++) {
        const c = text.charCodeAt(i);
        if (c === COLON && (i + 1 === lineEnd || text.charCodeAt(i + 1) === SPACE)) {
          colon = i;
          break;
        }
        if (c === HASH && text.charCodeAt(i - 1) === SPACE) return -1;
        if (isSpecial(c)) throw BAIL;
      }
      if (colon < 0) return -1;
      if (NOT_PLAIN_START.has(first) || first === DASH || text.charCodeAt(colon - 1) === SPACE) throw BAIL;
    }
    if (colon + 1 < lineEnd && text.charCodeAt(colon + 1) !== SPACE) return -1;
    // The general parser limits implicit keys to 1024 characters.
    if (colon - q > 1000) throw BAIL;
    return colon;
  }

  /** The key from `q` to its `:` at `colon`. */
  private parseKey(q: number, colon: number): SScalar {
    const first = this.text.charCodeAt(q);
    if (first === DQUOTE || first === SQUOTE)
      return scalarNode(q, colon, this.quotedValue(q, colon - 1), true, false);
    const source = this.text.slice(q, colon);
    if (source === '<<') throw BAIL; // merge key
    return scalarNode(q, colon, this.reader.normalise.key(this.reader.resolve(source)), false, false);
  }

  /** Position of the closing quote of the quoted scalar at `q`, which must close on this line. */
  private quotedEnd(q: number): number {
    const { text } = this;
    const quote = text.charCodeAt(q);
    for (let i = q + 1; i < this.lineEnd; i++) {
      const c = text.charCodeAt(i);
      if (c === quote) {
        if (quote === SQUOTE && text.charCodeAt(i + 1) === SQUOTE) {
          i++;
          continue;
        }
        return i;
      }
      if (quote === DQUOTE && c === BACKSLASH) i++;
      else if (isSpecial(c)) throw BAIL;
    }
    throw BAIL;
  }

  private quotedValue(q: number, close: number): string {
    const { text } = this;
    const inner = text.slice(q + 1, close);
    if (text.charCodeAt(q) === SQUOTE) return inner.includes("''") ? inner.replace(/''/g, "'") : inner;
    if (!inner.includes('\\')) return this.reader.intern(inner);
    // The escapes YAML shares with JSON decode alike; YAML's own (\x, \e, \N, \_ ...) go to the general parser.
    if (/\\[^"\\/bfnrtu]/.test(inner)) throw BAIL;
    try {
      return JSON.parse(text.slice(q, close + 1)) as string;
    } catch {
      throw BAIL;
    }
  }
}

function scalarNode(
  start: number,
  end: number,
  value: ScalarValue,
  quoted: boolean,
  implicit: boolean,
): SScalar {
  return { kind: 'scalar', span: { start, end }, value, quoted, implicit };
}

function emptyScalar(at: number): SScalar {
  return scalarNode(at, at, null, false, true);
}
