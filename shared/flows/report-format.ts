/**
 * The dry run's report as `flows verify` and the editor show it: the JSON contract (`{summary, wouldBreak, unobserved}`, plus `skipped` reasons and
 * `unresolved` endpoints), a text summary and markdown for a pull request.
 */
import type { VerifyReport } from './verify.js';

export function flowsJson(report: VerifyReport): string {
  return `${JSON.stringify(
    {
      summary: report.summary,
      wouldBreak: report.wouldBreak,
      unobserved: report.unobserved,
      flags: report.flags,
      observed: report.observed,
      skipped: report.skippedReasons,
      unresolved: report.unresolved,
    },
    null,
    2,
  )}\n`;
}

function portsText(ports: VerifyReport['unobserved'][number]['ports']): string {
  return ports
    .map((p) => `${p.protocol} ${p.port === p.endPort ? p.port : `${p.port}-${p.endPort}`}`)
    .join(', ');
}

function skippedText(report: VerifyReport): string {
  const entries = Object.entries(report.skippedReasons);
  return entries.length === 0 ? 'none' : entries.map(([reason, n]) => `${n} ${reason}`).join(', ');
}

export function flowsText(report: VerifyReport, limit = 20): string {
  const s = report.summary;
  const lines = [
    `Flows: ${s.records} records, ${s.resolved} resolved to workloads, ${s.skipped} skipped (${skippedText(report)}); ` +
      `${s.edges} observed connections: ${s.allowed} allowed, ${s.denied} would break on enforce.`,
  ];
  if (report.wouldBreak.length > 0) {
    lines.push('', 'Would break on enforce (observed, denied by the policies):');
    for (const b of report.wouldBreak)
      lines.push(`  ${b.from} -> ${b.to} ${b.protocol} ${b.port} (${b.count} records): ${b.reason}`);
  }
  if (report.unobserved.length > 0) {
    lines.push(
      '',
      `Allowed but never observed (broadest first${report.unobserved.length > limit ? `, ${limit} of ${report.unobserved.length}` : ''}):`,
    );
    for (const u of report.unobserved.slice(0, limit))
      lines.push(`  ${u.from} -> ${u.to}: ${portsText(u.ports)}`);
  }
  if (report.flags.length > 0) {
    lines.push('', 'Flagged (observed, worth a second look):');
    for (const f of report.flags.slice(0, limit))
      lines.push(
        `  [${f.kind}] ${f.from} -> ${f.to} ${f.protocol} ${f.port} (${f.count} records): ${f.reason}`,
      );
  }
  if (report.unresolved.length > 0) {
    lines.push('', 'Endpoints that match no workload of the workspace (their records are left out):');
    for (const u of report.unresolved.slice(0, limit))
      lines.push(`  ${u.endpoint} (${u.records} records): ${u.why}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Markdown for a pull-request comment: markdown special characters in names are escaped. */
export function flowsMarkdown(report: VerifyReport, limit = 50): string {
  const esc = (t: string) => t.replace(/[|\\`*_[\]<>]/g, (c) => `\\${c}`);
  const s = report.summary;
  const lines = [
    `**Observed traffic vs. policies**: ${s.edges} observed connections, ${s.allowed} allowed, **${s.denied} would break on enforce**; ` +
      `${s.resolved} of ${s.records} records resolved (${esc(skippedText(report))} skipped).`,
  ];
  if (report.wouldBreak.length > 0) {
    lines.push('', '| from | to | port | records | reason |', '|---|---|---|---|---|');
    for (const b of report.wouldBreak.slice(0, limit))
      lines.push(
        `| ${esc(b.from)} | ${esc(b.to)} | ${b.protocol} ${b.port} | ${b.count} | ${esc(b.reason)} |`,
      );
  }
  if (report.flags.length > 0) {
    lines.push(
      '',
      '**Flagged** (observed, worth a second look):',
      '',
      '| flag | from | to | port | records | why |',
      '|---|---|---|---|---|---|',
    );
    for (const f of report.flags.slice(0, limit))
      lines.push(
        `| ${f.kind} | ${esc(f.from)} | ${esc(f.to)} | ${f.protocol} ${f.port} | ${f.count} | ${esc(f.reason)} |`,
      );
  }
  if (report.unobserved.length > 0) {
    lines.push(
      '',
      '<details><summary>Allowed but never observed</summary>',
      '',
      '| from | to | ports |',
      '|---|---|---|',
    );
    for (const u of report.unobserved.slice(0, limit))
      lines.push(`| ${esc(u.from)} | ${esc(u.to)} | ${esc(portsText(u.ports))} |`);
    lines.push('', '</details>');
  }
  return `${lines.join('\n')}\n`;
}
