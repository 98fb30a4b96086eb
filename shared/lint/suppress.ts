/**
 * Inline suppression: a comment line `# netpol-scope-disable-next-line <id> [<id> ...]` hides the
 * findings of those rules (or of every rule, when no id is given) that start on the next line.
 * Ids may be separated by spaces or commas; text after ` -- ` is a free-form reason.
 */
import type { Finding } from '../findings.js';
import type { SourceFile } from '../source/source-file.js';
import type { Fix } from '../fixes/types.js';

const DIRECTIVE = /#\s*netpol-scope-disable-next-line\b([^\n\r]*)/g;

export interface Suppression {
  /** 0-based line the suppression applies to. */
  readonly line: number;
  /** Rule ids; empty means every rule. */
  readonly ids: ReadonlySet<string>;
}

const cache = new WeakMap<SourceFile, readonly Suppression[]>();

export function suppressionsOf(file: SourceFile): readonly Suppression[] {
  let found = cache.get(file);
  if (found) return found;
  const list: Suppression[] = [];
  if (file.text.includes('netpol-scope-disable-next-line')) {
    for (const match of file.text.matchAll(DIRECTIVE)) {
      const rest = (match[1] ?? '').split(' -- ')[0]!;
      const ids = new Set(rest.split(/[\s,]+/).filter((s) => s !== ''));
      list.push({ line: file.positionAt(match.index).line + 1, ids });
    }
  }
  found = list;
  cache.set(file, found);
  return found;
}

export function isSuppressed(finding: Finding): boolean {
  const suppressions = suppressionsOf(finding.file);
  if (suppressions.length === 0) return false;
  const line = finding.file.positionAt(finding.span.start).line;
  return suppressions.some((s) => s.line === line && (s.ids.size === 0 || s.ids.has(finding.rule)));
}

/**
 * The fix that silences one finding: a `# netpol-scope-disable-next-line <rule>` comment inserted above
 * the finding's line, with the line's indentation and line ending.
 */
export function suppressionFix(finding: Finding): Fix {
  const file = finding.file;
  const line = file.positionAt(finding.span.start).line;
  const lineStart = file.lineStarts[line]!;
  const indent = /^[ \t]*/.exec(file.text.slice(lineStart))![0];
  const eol = file.text.includes('\r\n') ? '\r\n' : '\n';
  return {
    title: `Disable ${finding.rule} for this line`,
    kind: 'quickfix',
    edits: [
      {
        file,
        span: { start: lineStart, end: lineStart },
        newText: `${indent}# netpol-scope-disable-next-line ${finding.rule}${eol}`,
      },
    ],
  };
}
