/**
 * The realworld expectations (../shared/peer-suites/realworld/expectations.json): real repositories
 * analysed unit by unit as its `_doc` says, and each `require` (a finding must match), `forbid` (none may)
 * and `clean` (no warning or error in the file) checked. Entries marked `capability` (a behaviour the
 * suite's authors knew was missing) are checked too and reported apart. Also lists every finding of a
 * severity, for reviews (`npm run peer:measure -- --list`).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { analyze } from '../../shared/analysis.js';
import type { Analysis } from '../../shared/analysis.js';
import type { Finding, Severity } from '../../shared/findings.js';
import { severityRank } from '../../shared/findings.js';
import { SourceFile } from '../../shared/source/source-file.js';
import { peerPath } from './peer-suites.js';

interface Match {
  readonly lines: readonly [number, number] | null;
  readonly min: Severity;
  readonly rules?: readonly string[];
  readonly about?: string;
  readonly capability?: unknown;
}

interface Expectation {
  readonly require?: readonly Match[];
  readonly forbid?: readonly Match[];
  readonly clean?: boolean;
}

export interface ExpectationResult {
  readonly kind: 'require' | 'forbid' | 'clean';
  readonly entry: string;
  readonly about: string;
  readonly capability: boolean;
  readonly met: boolean;
  /** The findings that decided it (matches for require/forbid, loud findings for clean). */
  readonly findings: readonly Finding[];
}

export const realworldDir = peerPath('realworld');

function manifests(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return manifests(path);
      return /\.(ya?ml|json)$/.test(name) ? [path] : [];
    });
}

/** The analysis units of the realworld folder, as paths relative to it. */
export function realworldUnits(): string[][] {
  const dir = realworldDir;
  const expectations = JSON.parse(readFileSync(join(dir, 'expectations.json'), 'utf8')) as {
    units: Record<string, unknown>;
  };
  const rel = (path: string) => relative(dir, path);
  const out: string[][] = [];
  for (const source of readdirSync(dir)
    .filter((n) => statSync(join(dir, n)).isDirectory())
    .sort()) {
    const files = manifests(join(dir, source)).map(rel);
    const units = expectations.units[source];
    if (units === 'per-file') out.push(...files.map((f) => [f]));
    else if (Array.isArray(units)) {
      for (const group of units as string[][]) {
        out.push(
          group.flatMap((p) => {
            const path = join(dir, source, p);
            return statSync(path).isDirectory() ? manifests(path).map(rel) : [rel(path)];
          }),
        );
      }
    } else out.push(files);
  }
  return out;
}

const analyses = new Map<string, Analysis>();

/** The analysis of a unit (memoised). */
export function analyseUnit(unit: readonly string[]): Analysis {
  const key = unit.join('\n');
  let analysis = analyses.get(key);
  if (!analysis) {
    analysis = analyze(unit.map((f) => new SourceFile(f, readFileSync(join(realworldDir, f), 'utf8'))));
    analyses.set(key, analysis);
  }
  return analysis;
}

export function checkRealworld(): ExpectationResult[] {
  const dir = realworldDir;
  const expectations = JSON.parse(readFileSync(join(dir, 'expectations.json'), 'utf8')) as {
    files: Record<string, Expectation>;
  };
  const unitOf = new Map<string, string[]>();
  for (const unit of realworldUnits()) for (const f of unit) unitOf.set(f, unit);
  const out: ExpectationResult[] = [];
  for (const [entry, expectation] of Object.entries(expectations.files)) {
    // An entry may name a whole source folder (lines: null, anywhere in it).
    const folder = statSync(join(dir, entry)).isDirectory();
    const units = folder
      ? realworldUnits().filter((u) => u.every((f) => f.startsWith(`${entry}/`)))
      : [unitOf.get(entry) ?? [entry]];
    const findings = units.flatMap((unit) => {
      const analysis = analyseUnit(unit);
      return folder ? analysis.findings : analysis.findingsOf(entry);
    });
    const matching = (m: Match): Finding[] =>
      findings.filter((f) => {
        const first = f.file.lineColumn(f.span.start).line;
        const last = f.file.lineColumn(f.span.end).line;
        return (
          (m.lines === null || (last >= m.lines[0] && first <= m.lines[1])) &&
          severityRank[f.severity] >= severityRank[m.min] &&
          (!m.rules || m.rules.includes(f.rule))
        );
      });
    for (const [kind, list] of [
      ['require', expectation.require ?? []],
      ['forbid', expectation.forbid ?? []],
    ] as const) {
      for (const m of list) {
        const hits = matching(m);
        out.push({
          kind,
          entry,
          about: m.about ?? '',
          capability: Boolean(m.capability),
          met: kind === 'require' ? hits.length > 0 : hits.length === 0,
          findings: hits,
        });
      }
    }
    if (expectation.clean) {
      const loud = findings.filter((f) => severityRank[f.severity] >= severityRank.warning);
      out.push({
        kind: 'clean',
        entry,
        about: '',
        capability: false,
        met: loud.length === 0,
        findings: loud,
      });
    }
  }
  return out;
}

/** One line about an expectation that is not met. */
export function describeMiss(r: ExpectationResult): string {
  const found = r.findings.map((f) => `${f.rule}@${f.file.lineColumn(f.span.start).line}`).join(', ');
  return `${r.kind} ${r.entry}${r.about ? ` (${r.about})` : ''}: ${found || 'no match'}`;
}
