/**
 * Quick fixes as plain text edits on source files. Edits are minimal: they replace exactly the range
 * they change, keep comments and formatting elsewhere, and never touch other documents of the file.
 */
import type { SourceFile, Span } from '../source/source-file.js';

export interface TextEdit {
  readonly file: SourceFile;
  /** The replaced range (empty for an insertion), in offsets of the file's current text. */
  readonly span: Span;
  readonly newText: string;
}

export interface Fix {
  /** The title shown in the editor's light bulb menu, e.g. "Add DNS egress (UDP/TCP 53)". */
  readonly title: string;
  /** `quickfix` fixes a finding; `source` acts on the file (e.g. create a default-deny policy). */
  readonly kind: 'quickfix' | 'source';
  readonly edits: readonly TextEdit[];
  /** The fix an editor may apply on its own ("auto fix"): the rule's own, obvious repair. */
  readonly preferred?: boolean;
  /** The fix appends one new `---` document (a new policy) instead of editing the existing ones. */
  readonly addsDocument?: boolean;
}

/** Applies non-overlapping edits of one file to its text (used by tests and the CLI). */
export function applyEdits(text: string, edits: readonly Pick<TextEdit, 'span' | 'newText'>[]): string {
  const sorted = [...edits].sort((a, b) => b.span.start - a.span.start || b.span.end - a.span.end);
  let out = text;
  let limit = Infinity;
  for (const edit of sorted) {
    if (edit.span.end > limit) throw new Error('overlapping edits');
    out = out.slice(0, edit.span.start) + edit.newText + out.slice(edit.span.end);
    limit = edit.span.start;
  }
  return out;
}
