/**
 * What the fuzzer holds the server to: every range it sends is a valid position range of the text it is
 * about, and every quick fix is safe (issue 8). A check returns a problem description, or undefined.
 */
import type { Diagnostic, Range, TextEdit } from 'vscode-languageserver-protocol';
import { parseAllDocuments } from 'yaml';
import { offsetAt } from '../support/lsp-client.js';

/** The content of each line (without its line break), as LSP splits lines. */
export function lineContents(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/** Why `range` is not a valid range of `text`, if it is not. */
export function invalidRange(text: string, range: Range, lines = lineContents(text)): string | undefined {
  for (const [name, p] of [
    ['start', range.start],
    ['end', range.end],
  ] as const) {
    if (!Number.isInteger(p.line) || !Number.isInteger(p.character)) return `${name} is not integral`;
    if (p.line < 0 || p.line >= lines.length) return `${name} line ${p.line} of ${lines.length}`;
    const line = lines[p.line]!;
    if (p.character < 0 || p.character > line.length)
      return `${name} character ${p.character} past the line end (${line.length})`;
    const before = line.charCodeAt(p.character - 1);
    const here = line.charCodeAt(p.character);
    if (before >= 0xd800 && before <= 0xdbff && here >= 0xdc00 && here <= 0xdfff)
      return `${name} inside a surrogate pair`;
  }
  const { start, end } = range;
  if (start.line > end.line || (start.line === end.line && start.character > end.character))
    return 'start after end';
  return undefined;
}

/** The line ending a file uses throughout, or undefined when it mixes them (or has none). */
export function uniformEol(text: string): string | undefined {
  const found = new Set(text.match(/\r\n|\r|\n/g) ?? []);
  return found.size === 1 ? [...found][0] : undefined;
}

/** YAML documents in a text, as the `yaml` package counts them (a lone `\r` is a line break, as in YAML). */
export function documentCount(text: string): number {
  try {
    return parseAllDocuments(text.replace(/\r(?!\n)/g, '\n'), { version: '1.1' }).length;
  } catch {
    return -1;
  }
}

/** Comment texts (`# ...`, trimmed) that start inside [start, end) of `text`. */
function commentsIn(text: string, start: number, end: number): string[] {
  const out: string[] = [];
  for (const m of text.slice(start, end).matchAll(/(?:^|[ \t])(#[^\r\n]*)/g)) {
    const comment = m[1]!.trim();
    if (comment.length > 1) out.push(comment);
  }
  return out;
}

export interface FixOutcome {
  readonly title: string;
  readonly rule: string;
  /** The targeted diagnostic's message. */
  readonly message?: string;
  readonly before: string;
  readonly after: string;
  readonly edits: readonly TextEdit[];
  readonly diagnosticsBefore: readonly Diagnostic[];
  readonly diagnosticsAfter: readonly Diagnostic[];
}

function countBy(diagnostics: readonly Diagnostic[], keep: (d: Diagnostic) => boolean): Map<string, number> {
  const out = new Map<string, number>();
  for (const d of diagnostics) if (keep(d)) out.set(String(d.code), (out.get(String(d.code)) ?? 0) + 1);
  return out;
}

/**
 * Why an applied fix was unsafe, if it was: the YAML document count changed, the targeted finding is
 * still there as often as before, a new error appeared, a comment inside a replaced range vanished
 * (unless the title says so), or new text broke the file's line endings.
 */
export function unsafeFix(outcome: FixOutcome): string | undefined {
  const { before, after, edits } = outcome;
  const beforeDocs = documentCount(before);
  const afterDocs = documentCount(after);
  // A fix may append one new document (a new policy): one insertion at the end that starts a document.
  const appends =
    edits.length === 1 &&
    offsetAt(before, edits[0]!.range.start) === before.length &&
    offsetAt(before, edits[0]!.range.end) === before.length &&
    /^(\r\n|\n|\r)?---/.test(edits[0]!.newText);
  if (afterDocs !== beforeDocs + (appends ? 1 : 0))
    return `the YAML document count changed from ${beforeDocs} to ${afterDocs}`;
  // The targeted finding is gone: fewer findings of its rule, or none with its message any more (a
  // repair may reveal another finding of the same rule, such as the next unknown field under a renamed key).
  const ofRule = (d: Diagnostic) => d.code === outcome.rule;
  const same = (d: Diagnostic) => ofRule(d) && d.message === outcome.message;
  const count = (list: readonly Diagnostic[], keep: (d: Diagnostic) => boolean) => list.filter(keep).length;
  const was = count(outcome.diagnosticsBefore, ofRule);
  const now = count(outcome.diagnosticsAfter, ofRule);
  const gone =
    now < was ||
    (outcome.message !== undefined &&
      count(outcome.diagnosticsAfter, same) < count(outcome.diagnosticsBefore, same));
  if (!gone) return `${outcome.rule} is still reported (${was} before, ${now} after)`;
  // A new error of the edited document. Duplicate names are left out: the fuzzer's documents are copies
  // of the workspace's files, so a repair that gives a policy its name back (a renamed `metadata😀:`)
  // truly makes it a duplicate of the original.
  const counted = (d: Diagnostic) => d.severity === 1 && d.code !== 'api-duplicate-policy';
  const errorsBefore = countBy(outcome.diagnosticsBefore, counted);
  for (const [rule, count] of countBy(outcome.diagnosticsAfter, counted)) {
    if (count > (errorsBefore.get(rule) ?? 0)) return `a new ${rule} error appeared`;
  }
  const inserted = edits.map((e) => e.newText).join('\n');
  if (!/comment/i.test(outcome.title)) {
    for (const edit of edits) {
      const [start, end] = [offsetAt(before, edit.range.start), offsetAt(before, edit.range.end)];
      for (const comment of commentsIn(before, start, end))
        if (!inserted.includes(comment)) return `the comment "${comment}" was removed`;
    }
  }
  const eol = uniformEol(before);
  if (eol) {
    for (const edit of edits) {
      const breaks = new Set(edit.newText.match(/\r\n|\r|\n/g) ?? []);
      for (const b of breaks)
        if (b !== eol)
          return `inserted ${JSON.stringify(b)} into a file with ${JSON.stringify(eol)} line endings`;
    }
  }
  return undefined;
}
