/**
 * A manifest file as text, with offset <-> line/column conversion.
 *
 * Contract: offsets are UTF-16 code unit indexes into `text` (what JavaScript strings and LSP use),
 * spans are end-exclusive. Lines and characters returned by {@link SourceFile.positionAt} are 0-based
 * (LSP style); {@link SourceFile.lineColumn} gives the 1-based pair that compilers print.
 */
export interface Span {
  readonly start: number;
  readonly end: number;
}

export interface Position {
  /** 0-based line. */
  readonly line: number;
  /** 0-based UTF-16 column. */
  readonly character: number;
}

/**
 * Where a text changed from its previous version (an editor's change event): [start, oldEnd) of the
 * previous text became [start, newEnd) of the new one. Not a fix's edit (fixes/types.ts TextChange).
 */
export interface TextChange {
  readonly start: number;
  readonly oldEnd: number;
  readonly newEnd: number;
}

export class SourceFile {
  private lineStartsCache: number[] | undefined;
  /** The file this one was edited from, until the line starts are derived from it. */
  private previous: { readonly file: SourceFile; readonly edit: TextChange } | undefined;

  constructor(
    /** The path or URI the file was read from, as the user named it. */
    readonly path: string,
    readonly text: string,
  ) {}

  /**
   * A file made by one edit of `previous`: its line starts are derived from the previous ones (those
   * before the edit kept, those after it moved, only the edited lines scanned), so a keystroke in a
   * large file does not rescan the whole text.
   */
  static edited(previous: SourceFile, text: string, edit: TextChange): SourceFile {
    const file = new SourceFile(previous.path, text);
    file.previous = { file: previous, edit };
    return file;
  }

  /** Offsets at which each line starts; line 0 starts at 0. `\r\n`, `\n` and lone `\r` end lines. */
  get lineStarts(): readonly number[] {
    if (this.lineStartsCache) return this.lineStartsCache;
    if (this.previous) {
      const { file, edit } = this.previous;
      this.previous = undefined;
      this.lineStartsCache = deriveLineStarts(file.lineStarts, this.text, edit);
      return this.lineStartsCache;
    }
    const starts = [0];
    const text = this.text;
    if (!text.includes('\r')) {
      // The common case, found with the native search (a large file is re-read on every edit).
      for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) starts.push(at + 1);
    } else {
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 10 /* \n */) starts.push(i + 1);
        else if (c === 13 /* \r */) {
          if (text.charCodeAt(i + 1) === 10) i++;
          starts.push(i + 1);
        }
      }
    }
    this.lineStartsCache = starts;
    return starts;
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /**
   * The 0-based position of an offset; offsets outside the text are clamped. Every position returned is
   * a valid one of the text: an offset between the `\r` and the `\n` of a CRLF is taken as the line's end
   * (before the `\r`), and one between the two halves of a UTF-16 surrogate pair as the pair's start.
   */
  positionAt(offset: number): Position {
    const starts = this.lineStarts;
    const clamped = snapOffset(this.text, offset);
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= clamped) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: clamped - starts[lo]! };
  }

  /**
   * The offset of a 0-based position; positions past a line's end are clamped to it, and one inside a
   * surrogate pair moves to the pair's start.
   */
  offsetAt(position: Position): number {
    const starts = this.lineStarts;
    if (position.line < 0) return 0;
    if (position.line >= starts.length) return this.text.length;
    const lineStart = starts[position.line]!;
    const nextStart = position.line + 1 < starts.length ? starts[position.line + 1]! : this.text.length;
    let lineEnd = nextStart;
    while (lineEnd > lineStart && (this.text[lineEnd - 1] === '\n' || this.text[lineEnd - 1] === '\r'))
      lineEnd--;
    const character = Number.isFinite(position.character) ? Math.max(0, position.character) : 0;
    return snapOffset(this.text, Math.min(lineStart + character, lineEnd));
  }

  /** 1-based line and column, as `file:line:col` output prints them. */
  lineColumn(offset: number): { line: number; column: number } {
    const p = this.positionAt(offset);
    return { line: p.line + 1, column: p.character + 1 };
  }

  /** `path:line` of an offset, for explanations. */
  where(offset: number): string {
    return `${this.path}:${this.lineColumn(offset).line}`;
  }

  slice(span: Span): string {
    return this.text.slice(span.start, span.end);
  }
}

/** The offset at which the line holding `offset` starts (`\n` and lone `\r` end lines). */
export function lineStartOf(text: string, offset: number): number {
  let at = Math.max(0, Math.min(offset, text.length));
  while (at > 0) {
    const c = text.charCodeAt(at - 1);
    if (c === 10 /* \n */ || (c === 13 /* \r */ && text.charCodeAt(at) !== 10)) return at;
    at--;
  }
  return 0;
}

/**
 * An offset clamped into the text and moved off the inside of a CRLF (to the `\r`) and of a surrogate
 * pair (to its first half): the nearest offset at or before it that is a valid LSP position.
 */
export function snapOffset(text: string, offset: number): number {
  let at = Math.max(0, Math.min(Number.isFinite(offset) ? Math.floor(offset) : 0, text.length));
  if (at > 0 && at < text.length) {
    const before = text.charCodeAt(at - 1);
    const here = text.charCodeAt(at);
    if (before === 13 && here === 10) at--;
    else if (before >= 0xd800 && before <= 0xdbff && here >= 0xdc00 && here <= 0xdfff) at--;
  }
  return at;
}

/**
 * The line starts of `text` from those of the text before `edit`. A line start depends on the two
 * characters around it (`\n`; a `\r` not followed by `\n`), so starts before the edit are kept, starts
 * more than one character after it are moved, and only the window between is scanned.
 */
function deriveLineStarts(old: readonly number[], text: string, edit: TextChange): number[] {
  const delta = edit.newEnd - edit.oldEnd;
  const kept = firstAtLeast(old, edit.start);
  const out = old.slice(0, kept);
  const from = kept > 0 ? out[kept - 1]! : 0;
  if (kept === 0) out.push(0);
  const to = Math.min(text.length, edit.newEnd + 2);
  for (let at = from; at < to; at++) {
    const c = text.charCodeAt(at);
    if (c === 10) out.push(at + 1);
    else if (c === 13 && text.charCodeAt(at + 1) !== 10) out.push(at + 1); // a CRLF's line ends at its \n
  }
  // Starts after the window, moved: old starts s with s + delta > to (they lie past oldEnd).
  for (let j = firstAtLeast(old, to - delta + 1); j < old.length; j++) out.push(old[j]! + delta);
  return out;
}

/** The index of the first entry of an ascending list that is at least `value` (the length if none). */
function firstAtLeast(list: readonly number[], value: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The rest of the line that `start` is on, up to `limit` (default the end of the text), without its line
 * break (`\n` or `\r\n`): where a code lens or a one-line diagnostic sits.
 */
export function lineSpanFrom(text: string, start: number, limit = text.length): Span {
  const newline = text.indexOf('\n', start);
  const end = newline < 0 || newline > limit ? limit : newline;
  return { start, end: end > start && text[end - 1] === '\r' ? end - 1 : end };
}
