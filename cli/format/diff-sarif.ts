/**
 * The semantic diff as SARIF 2.1.0 (the shape GitHub code scanning accepts, as cli/format/sarif.ts): one
 * result per changed object whose change opens or closes connections, on the lines that changed, saying
 * what the change does. `reachability-opened` (warning) where it opens anything, `reachability-closed`
 * (note) where it only closes or changes isolation.
 */
import type { ReachDiff } from '../../shared/diff/reach-diff.js';
import { closedPorts, openedPorts } from '../../shared/diff/reach-diff.js';
import type { ObjectChange } from '../../shared/diff/changes.js';
import { artifactUri, INFORMATION_URI, sarifLog } from './sarif.js';

const diffRules = [
  {
    id: 'reachability-opened',
    text: 'A change opens connections (or widens their ports) that the previous version denied',
    level: 'warning',
  },
  {
    id: 'reachability-closed',
    text: 'A change closes connections (or narrows their ports) or changes isolation',
    level: 'note',
  },
] as const;

/** Connections listed in a result's message before "and N more". */
const LISTED = 5;

export function formatDiffSarif(diff: ReachDiff, version: string, cwd: string): string {
  const opened = new Map<number, string[]>();
  const closed = new Map<number, string[]>();
  const note = (map: Map<number, string[]>, causes: readonly number[], text: string) => {
    for (const i of causes) {
      const list = map.get(i);
      if (list) list.push(text);
      else map.set(i, [text]);
    }
  };
  for (const c of diff.connections) {
    const opens = openedPorts(c);
    const closes = closedPorts(c);
    if (!opens.isEmpty) note(opened, c.causes, `${c.from.id} → ${c.to.id} on ${opens.toString()}`);
    if (!closes.isEmpty) note(closed, c.causes, `${c.from.id} → ${c.to.id} on ${closes.toString()}`);
  }
  const isolation = new Map<number, string[]>();
  for (const i of diff.isolation)
    note(
      isolation,
      i.causes,
      `${i.node.id} ${i.after ? 'becomes isolated' : 'is no longer isolated'} for ${i.direction}`,
    );
  const results = diff.causes.flatMap((cause, index) => {
    const opens = opened.get(index) ?? [];
    const closes = closed.get(index) ?? [];
    const isolates = isolation.get(index) ?? [];
    if (opens.length + closes.length + isolates.length === 0) return [];
    const parts = [
      ...(opens.length > 0 ? [`opens ${listed(opens)}`] : []),
      ...(closes.length > 0 ? [`closes ${listed(closes)}`] : []),
      ...isolates,
    ];
    const ruleIndex = opens.length > 0 ? 0 : 1;
    return [
      {
        ruleId: diffRules[ruleIndex].id,
        ruleIndex,
        level: diffRules[ruleIndex].level,
        message: { text: `${cause.name} ${cause.change}: ${parts.join('; ')}.` },
        locations: location(cause, cwd),
      },
    ];
  });
  return sarifLog(
    diffRules.map((r) => ({
      id: r.id,
      text: r.text,
      level: r.level,
      helpUri: `${INFORMATION_URI}#semantic-diff`,
      tags: ['kubernetes', 'networkpolicy', 'diff'],
    })),
    results,
    version,
    cwd,
  );
}

function listed(items: readonly string[]): string {
  const shown = items.slice(0, LISTED).join(', ');
  return items.length > LISTED ? `${shown} and ${items.length - LISTED} more` : shown;
}

/**
 * Where a result goes: the changed lines of the later version (the first range), or the file where a
 * removed object was (no region: its lines are gone).
 */
function location(cause: ObjectChange, cwd: string) {
  const range = cause.afterLines[0];
  if (cause.after && range)
    return [
      {
        physicalLocation: {
          artifactLocation: { uri: artifactUri(cause.after.file, cwd), uriBaseId: '%SRCROOT%' },
          region: { startLine: range[0], endLine: range[1] },
        },
      },
    ];
  const place = cause.after ?? cause.before;
  // A namespace only referenced (no Namespace object) has no place in either version.
  if (!place) return [];
  return [
    {
      physicalLocation: {
        artifactLocation: { uri: artifactUri(place.file, cwd), uriBaseId: '%SRCROOT%' },
        ...(cause.after ? { region: { startLine: place.line } } : {}),
      },
    },
  ];
}
