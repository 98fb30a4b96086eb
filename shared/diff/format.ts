/**
 * The semantic diff as text, as the JSON contract (documented in the README) and as markdown for a
 * pull-request comment. Pure functions of a {@link ReachDiff}; the CLI, the MCP server and the editor
 * print what these return.
 */
import type { ObjectChange } from './changes.js';
import type { ConnectionChange, DiffEndpoint, IsolationChange, ReachDiff } from './reach-diff.js';
import { closedPorts, openedPorts } from './reach-diff.js';

/** `opens` counts added connections and widened ones; `closes` removed and narrowed ones. */
export interface DiffCounts {
  readonly added: number;
  readonly removed: number;
  readonly changed: number;
  readonly opens: number;
  readonly closes: number;
  readonly isolation: number;
}

export function diffCounts(diff: ReachDiff): DiffCounts {
  let added = 0;
  let removed = 0;
  let changed = 0;
  let opens = 0;
  let closes = 0;
  for (const c of diff.connections) {
    if (c.kind === 'added') added++;
    else if (c.kind === 'removed') removed++;
    else changed++;
    if (!openedPorts(c).isEmpty) opens++;
    if (!closedPorts(c).isEmpty) closes++;
  }
  return { added, removed, changed, opens, closes, isolation: diff.isolation.length };
}

export interface DiffJson {
  readonly level: string;
  readonly summary: DiffCounts;
  readonly added: ReadonlyArray<{ from: string; to: string; ports: unknown[]; causes: number[] }>;
  readonly removed: ReadonlyArray<{ from: string; to: string; ports: unknown[]; causes: number[] }>;
  readonly changed: ReadonlyArray<{
    from: string;
    to: string;
    before: unknown[];
    after: unknown[];
    causes: number[];
  }>;
  readonly isolation: ReadonlyArray<{
    workload: string;
    direction: string;
    before: boolean;
    after: boolean;
    causes: number[];
  }>;
  readonly causes: ReadonlyArray<Record<string, unknown>>;
}

/** The JSON contract: ids as in `reach`, port entries as in `reach`, causes by index. */
export function diffJson(diff: ReachDiff): DiffJson {
  const of = (kind: ConnectionChange['kind']) => diff.connections.filter((c) => c.kind === kind);
  return {
    level: diff.level,
    summary: diffCounts(diff),
    added: of('added').map((c) => ({
      from: c.from.id,
      to: c.to.id,
      ports: c.after.toRanges(),
      causes: [...c.causes],
    })),
    removed: of('removed').map((c) => ({
      from: c.from.id,
      to: c.to.id,
      ports: c.before.toRanges(),
      causes: [...c.causes],
    })),
    changed: of('changed').map((c) => ({
      from: c.from.id,
      to: c.to.id,
      before: c.before.toRanges(),
      after: c.after.toRanges(),
      causes: [...c.causes],
    })),
    isolation: diff.isolation.map((i) => ({
      workload: i.node.id,
      direction: i.direction,
      before: i.before,
      after: i.after,
      causes: [...i.causes],
    })),
    causes: diff.causes.map(causeJson),
  };
}

function causeJson(c: ObjectChange): Record<string, unknown> {
  const here = c.after ?? c.before;
  return {
    ...(here ? { file: here.file, line: here.line } : {}),
    ...(c.what === 'policy' ? { policy: c.name } : { object: c.name }),
    change: c.change,
    ...(c.detail !== undefined ? { detail: c.detail } : {}),
    ...(c.before ? { before: c.before } : {}),
    ...(c.after ? { after: c.after } : {}),
  };
}

export function formatDiffJson(diff: ReachDiff): string {
  return JSON.stringify(diffJson(diff), null, 2) + '\n';
}

/** "opens 3 connections, closes 1" (the parts that are not zero; "changes no connection" otherwise). */
export function diffSummary(counts: Pick<DiffCounts, 'opens' | 'closes'>): string {
  const parts: string[] = [];
  const n = (k: number, what: string) => `${k} ${what}${k === 1 ? '' : 's'}`;
  if (counts.opens > 0) parts.push(`opens ${n(counts.opens, 'connection')}`);
  if (counts.closes > 0) parts.push(`closes ${counts.closes}`);
  return parts.length > 0 ? parts.join(', ') : 'changes no connection';
}

function endpointText(e: DiffEndpoint): string {
  return e.description !== undefined ? `${e.id} (${e.description})` : e.id;
}

function portsChange(c: ConnectionChange): string {
  if (c.kind === 'added') return c.after.toString();
  if (c.kind === 'removed') return c.before.toString();
  const opened = openedPorts(c);
  const closed = closedPorts(c);
  const parts = [
    ...(opened.isEmpty ? [] : [`opens ${opened.toString()}`]),
    ...(closed.isEmpty ? [] : [`closes ${closed.toString()}`]),
  ];
  return `${c.before.toString()} → ${c.after.toString()} (${parts.join(', ')})`;
}

function causeText(c: ObjectChange): string {
  const where = c.after ?? c.before;
  return `${c.name} ${c.change}${c.detail !== undefined && c.change === 'modified' ? ` (${c.detail})` : ''}${where ? ` at ${where.file}:${where.line}` : ''}`;
}

function isolationText(i: IsolationChange): string {
  return i.after
    ? `${i.node.id} becomes isolated for ${i.direction}: only what policies allow gets ${i.direction === 'ingress' ? 'in' : 'out'}`
    : `${i.node.id} is no longer isolated for ${i.direction}: all ${i.direction} traffic is allowed`;
}

export function formatDiffText(diff: ReachDiff): string {
  const counts = diffCounts(diff);
  const lines: string[] = [];
  lines.push(
    `Reachability changes (${diff.level} level): ${diffSummary(counts)}; ${counts.added} added, ${counts.removed} removed, ${counts.changed} changed; ${counts.isolation} isolation change${counts.isolation === 1 ? '' : 's'}`,
  );
  const because = (indexes: readonly number[]) =>
    indexes.length === 0
      ? ['      because of no object change (the same objects read differently)']
      : indexes.map((i) => `      because ${causeText(diff.causes[i]!)}`);
  for (const [kind, mark] of [
    ['added', '+'],
    ['removed', '-'],
    ['changed', '~'],
  ] as const) {
    const list = diff.connections.filter((c) => c.kind === kind);
    if (list.length === 0) continue;
    lines.push('', `${kind[0]!.toUpperCase()}${kind.slice(1)}:`);
    for (const c of list) {
      lines.push(`  ${mark} ${endpointText(c.from)} → ${endpointText(c.to)}  ${portsChange(c)}`);
      lines.push(...because(c.causes));
    }
  }
  if (diff.isolation.length > 0) {
    lines.push('', 'Isolation:');
    for (const i of diff.isolation) lines.push(`  ${isolationText(i)}`, ...because(i.causes));
  }
  if (diff.causes.length > 0) {
    lines.push('', 'Object changes:');
    for (const c of diff.causes) lines.push(`  ${causeText(c)}`);
  }
  return lines.join('\n') + '\n';
}

/** The marker a bot looks for to update its comment instead of adding one (a "sticky" comment). */
export const diffCommentMarker = '<!-- netpol-scope diff -->';

/** Rows above which each namespace's table is folded in a `<details>` block. */
const FOLD_ABOVE = 20;

/** Text for a markdown table cell: nothing in it can close the cell, start HTML or a code span. */
function cell(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '&#124;')
    .replace(/`/g, '&#96;')
    .replace(/[\r\n]+/g, ' ');
}

function code(text: string): string {
  return `<code>${cell(text)}</code>`;
}

/**
 * A pull-request comment: the marker, a summary line, then one table per namespace (the destination's,
 * or the source's for traffic to addresses and to pods beyond the workspace), folded when the diff is large, then isolation and object
 * changes.
 */
export function formatDiffMarkdown(diff: ReachDiff, title = 'netpol-scope: reachability changes'): string {
  const counts = diffCounts(diff);
  const out: string[] = [diffCommentMarker, `### ${cell(title)}`, ''];
  const policies = diff.causes.filter((c) => c.what === 'policy').length;
  out.push(
    `**${cap(diffSummary(counts))}** (${counts.added} added, ${counts.removed} removed, ${counts.changed} changed at ${diff.level} level; ${counts.isolation} isolation change${counts.isolation === 1 ? '' : 's'}; ${policies} polic${policies === 1 ? 'y' : 'ies'} changed)`,
    '',
  );
  const causeCell = (indexes: readonly number[]) =>
    indexes.length === 0
      ? '—'
      : indexes
          .map((i) => {
            const c = diff.causes[i]!;
            const where = c.after ?? c.before;
            return `${cell(c.name)} ${c.change}${where ? ` (${code(`${where.file}:${where.line}`)})` : ''}`;
          })
          .join('<br>');
  const groups = new Map<string, ConnectionChange[]>();
  for (const c of diff.connections) {
    // The namespace of the workspace's end: the destination's, or the source's for traffic to addresses
    // and to pods beyond the workspace.
    const beyond = (e: DiffEndpoint) => e.kind === 'External' || e.kind === 'Exposure';
    const ns = (beyond(c.to) ? c.from.namespace : c.to.namespace) || '(outside the cluster)';
    const list = groups.get(ns);
    if (list) list.push(c);
    else groups.set(ns, [c]);
  }
  const fold = diff.connections.length > FOLD_ABOVE;
  const mark = { added: '🟢 opens', removed: '🔴 closes', changed: '🟠 changes' } as const;
  for (const ns of [...groups.keys()].sort()) {
    const list = groups.get(ns)!;
    const table = [
      '| | From | To | Ports | Because |',
      '|---|---|---|---|---|',
      ...list.map(
        (c) =>
          `| ${mark[c.kind]} | ${code(c.from.id)}${c.from.description ? ` ${cell(c.from.description)}` : ''} | ${code(c.to.id)}${c.to.description ? ` ${cell(c.to.description)}` : ''} | ${cell(portsChange(c))} | ${causeCell(c.causes)} |`,
      ),
    ];
    const heading = `Namespace ${code(ns)}: ${groupSummary(list)}`;
    if (fold) out.push('<details>', `<summary>${heading}</summary>`, '', ...table, '', '</details>', '');
    else out.push(`#### ${heading}`, '', ...table, '');
  }
  if (diff.isolation.length > 0) {
    out.push('#### Isolation', '', '| Workload | Change | Because |', '|---|---|---|');
    for (const i of diff.isolation)
      out.push(
        `| ${code(i.node.id)} | ${cell(isolationText(i).slice(i.node.id.length + 1))} | ${causeCell(i.causes)} |`,
      );
    out.push('');
  }
  if (diff.causes.length > 0) {
    const items = diff.causes.map((c) => {
      const where = c.after ?? c.before;
      return `- ${cell(c.name)} ${c.change}${where ? ` at ${code(`${where.file}:${where.line}`)}` : ''}${c.detail !== undefined && c.change === 'modified' ? ` (${cell(c.detail)})` : ''}`;
    });
    if (items.length > FOLD_ABOVE)
      out.push(
        '<details>',
        `<summary>Object changes (${items.length})</summary>`,
        '',
        ...items,
        '',
        '</details>',
      );
    else out.push('#### Object changes', '', ...items);
    out.push('');
  }
  return out.join('\n');
}

function groupSummary(list: readonly ConnectionChange[]): string {
  const n = (kind: ConnectionChange['kind']) => list.filter((c) => c.kind === kind).length;
  return [`${n('added')} opened`, `${n('removed')} closed`, `${n('changed')} changed`]
    .filter((s) => !s.startsWith('0 '))
    .join(', ');
}

function cap(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Per object change (by index into `causes`): how many connections it takes part in opening and
 * closing, and how many isolation changes; what the editor's "since HEAD" lens says.
 */
export function causeCounts(
  diff: ReachDiff,
): Map<number, { opens: number; closes: number; isolation: number }> {
  const out = new Map<number, { opens: number; closes: number; isolation: number }>();
  const of = (i: number) => {
    let c = out.get(i);
    if (!c) out.set(i, (c = { opens: 0, closes: 0, isolation: 0 }));
    return c;
  };
  for (const c of diff.connections) {
    const opens = !openedPorts(c).isEmpty;
    const closes = !closedPorts(c).isEmpty;
    for (const i of c.causes) {
      if (opens) of(i).opens++;
      if (closes) of(i).closes++;
    }
  }
  for (const iso of diff.isolation) for (const i of iso.causes) of(i).isolation++;
  return out;
}
