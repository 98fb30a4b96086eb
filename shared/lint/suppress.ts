/**
 * Inline suppression: a comment line `# netpol-scope-disable-next-line <id> [<id> ...]` hides the
 * findings of those rules (or of every rule, when no id is given) that start on the next line.
 * Ids may be separated by spaces or commas; text after ` -- ` is a free-form reason.
 */
import type { Finding } from '../findings.js';
import { SourceFile } from '../source/source-file.js';
import type { Span } from '../source/source-file.js';
import type { Fix } from '../fixes/types.js';
import { detectEol } from '../fixes/yaml-edit.js';
import { loadManifests } from '../parse/yaml-loader.js';
import type { LoadedFile } from '../parse/yaml-loader.js';
import type { SNode } from '../parse/snode.js';
import { chunkAt, documentChunks } from '../session/document-chunks.js';

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

/** Findings about a file or document that is not read: a comment line does not make sense there. */
const wholeFileRules: ReadonlySet<string> = new Set(['helm-template', 'file-too-large', 'yaml-too-deep']);

/**
 * The fix that silences one finding: a `# netpol-scope-disable-next-line <rule>` comment inserted above
 * the finding's line, with the line's indentation and the file's line ending. Offered only when the
 * inserted line is a comment that changes nothing else: in a block scalar or a multi-line string it would
 * be content, and in broken YAML it can move or change the syntax errors; then there is no fix (the rule
 * can still be turned off in the settings).
 */
export function suppressionFix(finding: Finding): Fix | undefined {
  if (wholeFileRules.has(finding.rule)) return undefined;
  const file = finding.file;
  const line = file.positionAt(finding.span.start).line;
  const title = `Disable ${finding.rule} for this line`;
  // A directive already above the line: add the rule to it (a second comment line would separate it
  // from the line it silences).
  if (line > 0) {
    const start = file.lineStarts[line - 1]!;
    const previous = file.text.slice(start, file.lineStarts[line]!).replace(/\r?\n$|\r$/, '');
    const directive = /^[ \t]*#\s*netpol-scope-disable-next-line\b/.exec(previous);
    if (directive) {
      const reason = previous.indexOf(' -- ', directive[0].length);
      const at = start + (reason >= 0 ? reason : previous.trimEnd().length);
      return {
        title,
        kind: 'quickfix',
        edits: [{ file, span: { start: at, end: at }, newText: ` ${finding.rule}` }],
      };
    }
  }
  const lineStart = file.lineStarts[line]!;
  const indent = /^[ \t]*/.exec(file.text.slice(lineStart))![0];
  const newText = `${indent}# netpol-scope-disable-next-line ${finding.rule}${detectEol(file.text)}`;
  if (!insertionKeepsYaml(file.text, lineStart, newText)) return undefined;
  return { title, kind: 'quickfix', edits: [{ file, span: { start: lineStart, end: lineStart }, newText }] };
}

/**
 * True when inserting `insert` at `at` leaves the YAML document there as it was: the same documents with
 * the same values at the same places, and the same problems at the same places (all moved by the
 * insertion where they follow it).
 */
export function insertionKeepsYaml(text: string, at: number, insert: string): boolean {
  const chunks = documentChunks(text);
  // At the end of the text no chunk holds `at`: the last document is the one it extends.
  const chunk = chunkAt(chunks, at) ?? chunks[chunks.length - 1]!;
  const before = text.slice(chunk.start, chunk.end);
  const offset = at - chunk.start;
  const after = before.slice(0, offset) + insert + before.slice(offset);
  const moved: SpanMap = {
    start: (o) => (o >= offset ? o + insert.length : o),
    end: (o) => (o > offset ? o + insert.length : o),
  };
  const same: SpanMap = { start: (o) => o, end: (o) => o };
  const a = loadManifests(new SourceFile('before.yaml', before));
  const b = loadManifests(new SourceFile('after.yaml', after));
  return shape(a, moved) === shape(b, same);
}

interface SpanMap {
  start(offset: number): number;
  end(offset: number): number;
}

/** Documents, trees with their spans, and problems, as one comparable string. */
function shape(loaded: LoadedFile, map: SpanMap): string {
  const span = (s: Span) => [map.start(s.start), map.end(s.end)];
  const node = (n: SNode): unknown => {
    if (n.kind === 'scalar') return [span(n.span), n.value];
    if (n.kind === 'seq') return [span(n.span), n.items.map(node)];
    return [span(n.span), n.pairs.map((p) => [span(p.span), node(p.key), node(p.value)])];
  };
  return JSON.stringify({
    documents: loaded.documents.map((d) => [d.broken, span(d.span), d.root ? node(d.root) : null]),
    problems: loaded.problems.map((p) => [p.code, p.message, map.start(p.span.start)]),
  });
}
