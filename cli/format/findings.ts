/** `check` output: compiler-style text and the JSON contract. */
import type { Finding } from '../../shared/findings.js';

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

export function formatText(findings: readonly Finding[]): string {
  const lines = findings.map((f) => {
    const r = toRecord(f);
    return `${r.file}:${r.line}:${r.column}: ${r.severity} ${r.rule} ${r.message}`;
  });
  const counts = countBySeverity(findings);
  const summary = (['error', 'warning', 'info', 'hint'] as const)
    .filter((s) => counts[s] > 0)
    .map((s) => `${counts[s]} ${s}${counts[s] === 1 ? '' : 's'}`)
    .join(', ');
  lines.push(findings.length === 0 ? 'No problems found.' : `${summary}.`);
  return lines.join('\n') + '\n';
}

export function formatJson(findings: readonly Finding[]): string {
  return JSON.stringify({ findings: findings.map(toRecord) }, null, 2) + '\n';
}

export function countBySeverity(findings: readonly Finding[]): Record<Finding['severity'], number> {
  const counts = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const f of findings) counts[f.severity]++;
  return counts;
}
