/**
 * A finding: one problem the analysis reports at an exact source range.
 *
 * Findings carry a stable rule id (see rules/registry.ts) and, for quick fixes, a typed `data`
 * payload; front ends dispatch on `rule` + `data`, never on the message text.
 */
import type { SourceFile, Span } from './source/source-file.js';
import type { RuleId } from './rules/registry.js';

export type Severity = 'error' | 'warning' | 'info' | 'hint';

export const severityRank: Readonly<Record<Severity, number>> = { error: 3, warning: 2, info: 1, hint: 0 };

export interface RelatedLocation {
  readonly file: SourceFile;
  readonly span: Span;
  readonly message: string;
}

export interface Finding {
  readonly rule: RuleId;
  readonly severity: Severity;
  readonly message: string;
  readonly file: SourceFile;
  readonly span: Span;
  readonly related?: readonly RelatedLocation[];
  /** Rule-specific facts for quick fixes (JSON-serialisable). */
  readonly data?: Readonly<Record<string, unknown>>;
}

/** Orders findings by file, then position, then rule id. */
export function compareFindings(a: Finding, b: Finding): number {
  if (a.file.path !== b.file.path) return a.file.path < b.file.path ? -1 : 1;
  return (
    a.span.start - b.span.start || a.span.end - b.span.end || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0)
  );
}

/** A finding as the CLI's JSON and the assistants' tools print it. */
export interface FindingRecord {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly severity: Finding['severity'];
  readonly rule: string;
  readonly message: string;
}

/** 1-based lines and columns; the end is exclusive (the column after the last character). */
export function toRecord(finding: Finding): FindingRecord {
  const start = finding.file.lineColumn(finding.span.start);
  const end = finding.file.lineColumn(finding.span.end);
  return {
    file: finding.file.path,
    line: start.line,
    column: start.column,
    endLine: end.line,
    endColumn: end.column,
    severity: finding.severity,
    rule: finding.rule,
    message: finding.message,
  };
}

/** How many findings of each severity (`check`'s summary line, the assistants' check tool). */
export function countBySeverity(findings: readonly Finding[]): Record<Finding['severity'], number> {
  const counts = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const f of findings) counts[f.severity]++;
  return counts;
}
