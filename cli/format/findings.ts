/** `check` output: compiler-style text and the JSON contract. */
import type { Finding } from '../../shared/findings.js';
import { countBySeverity, toRecord } from '../../shared/findings.js';

export { toRecord };

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
