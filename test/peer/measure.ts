/**
 * Figures for the peer suites that `npm run test:peer` does not hold at 100 % yet, printed, not asserted
 * (`npm run peer:measure`):
 * - `policy-apis/`: reachability cases for ClusterNetworkPolicy, AdminNetworkPolicy, Cilium and Calico
 *   (issue 10). netpol-scope reads NetworkPolicy v1 only, so a probe agrees only where those APIs do not
 *   change the answer;
 * - `realworld/`: expert expectations on real repositories (issue 9): `require` (a finding must match),
 *   `forbid` (none may), `clean` (no warning or error in the file), read as `expectations.json`'s `_doc`
 *   says; entries marked `capability` are counted apart. Each mismatch is listed.
 * Read in place from ../shared/peer-suites; says so and stops when it is absent.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { analyze } from '../../shared/analysis.js';
import type { Analysis } from '../../shared/analysis.js';
import type { Finding, Severity } from '../../shared/findings.js';
import { severityRank } from '../../shared/findings.js';
import { SourceFile } from '../../shared/source/source-file.js';
import { readCase, runCase } from '../support/cases.js';
import { repoRoot } from '../support/cli.js';

const peers = join(repoRoot, '..', 'shared', 'peer-suites');

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

function manifests(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return manifests(path);
    return /\.(ya?ml|json)$/.test(name) ? [path] : [];
  });
}

function policyApis(): void {
  const dir = join(peers, 'policy-apis');
  let cases = 0;
  let probes = 0;
  let agree = 0;
  for (const name of readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .sort()) {
    cases++;
    for (const result of runCase(readCase(join(dir, name)))) {
      probes++;
      if (result.actual === result.probe.allowed) agree++;
    }
  }
  console.log(
    `policy-apis: ${cases} cases, ${probes} probes, ${agree} agree (${((100 * agree) / probes).toFixed(1)} %)`,
  );
}

function realworld(): void {
  const dir = join(peers, 'realworld');
  const expectations = JSON.parse(readFileSync(join(dir, 'expectations.json'), 'utf8')) as {
    units: Record<string, unknown>;
    files: Record<string, Expectation>;
  };
  const rel = (path: string) => relative(dir, path);
  // The unit (files analysed together) of each file.
  const unitOf = new Map<string, string[]>();
  for (const source of readdirSync(dir).filter((n) => statSync(join(dir, n)).isDirectory())) {
    const files = manifests(join(dir, source)).map(rel);
    const units = expectations.units[source];
    if (units === 'per-file') for (const f of files) unitOf.set(f, [f]);
    else if (Array.isArray(units)) {
      for (const group of units as string[][]) {
        const paths = group.flatMap((p) => {
          const path = join(dir, source, p);
          return statSync(path).isDirectory() ? manifests(path).map(rel) : [rel(path)];
        });
        for (const f of paths) unitOf.set(f, paths);
      }
    } else for (const f of files) unitOf.set(f, files);
  }
  const analyses = new Map<string, Analysis>();
  const analysed = (unit: readonly string[]) => {
    const key = unit.join('\n');
    let analysis = analyses.get(key);
    if (!analysis) {
      analysis = analyze(unit.map((f) => new SourceFile(f, readFileSync(join(dir, f), 'utf8'))));
      analyses.set(key, analysis);
    }
    return analysis;
  };
  const counts = { require: [0, 0], forbid: [0, 0], clean: [0, 0], capability: 0 };
  const misses: string[] = [];
  for (const [entry, expectation] of Object.entries(expectations.files)) {
    // An entry may name a whole source folder (lines: null, anywhere in it).
    const folder = statSync(join(dir, entry)).isDirectory();
    const unit = folder ? manifests(join(dir, entry)).map(rel) : (unitOf.get(entry) ?? [entry]);
    const analysis = analysed(unit);
    const findings = folder ? analysis.findings : analysis.findingsOf(entry);
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
        if (m.capability) {
          counts.capability++;
          continue;
        }
        counts[kind][1]++;
        const hits = matching(m);
        if (kind === 'require' ? hits.length > 0 : hits.length === 0) counts[kind][0]++;
        else
          misses.push(
            `  ${kind} ${entry} (${m.about ?? ''}): ${hits.map((f) => `${f.rule}@${f.file.lineColumn(f.span.start).line}`).join(', ') || 'no match'}`,
          );
      }
    }
    if (expectation.clean) {
      counts.clean[1]++;
      const loud = findings.filter((f) => severityRank[f.severity] >= severityRank.warning);
      if (loud.length === 0) counts.clean[0]++;
      else misses.push(`  clean ${entry}: ${loud.map((f) => f.rule).join(', ')}`);
    }
  }
  console.log(
    `realworld: require ${counts.require[0]}/${counts.require[1]}, forbid ${counts.forbid[0]}/${counts.forbid[1]}, ` +
      `clean ${counts.clean[0]}/${counts.clean[1]} (${counts.capability} capability entries not counted)`,
  );
  for (const miss of misses) console.log(miss);
}

if (!existsSync(peers)) console.log(`peer suites absent at ${peers}: nothing measured`);
else {
  policyApis();
  realworld();
}
