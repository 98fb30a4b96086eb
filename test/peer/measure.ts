/**
 * Figures for peer suites, printed with every mismatch, not asserted (`npm run peer:measure`; the tests
 * of `npm run test:peer` hold both at 100 %):
 * - `policy-apis/`: reachability cases for ClusterNetworkPolicy, AdminNetworkPolicy, Cilium and Calico
 *   (`--misses` lists the probes that disagree);
 * - `realworld/`: expert expectations on real repositories (test/support/realworld.ts; held at 100 % by
 *   test/peer/realworld.test.ts), with counts per kind and each mismatch listed. `--list [severity]`
 *   prints every finding of at least that severity (default warning) on the realworld units, for reviews.
 * Read in place from ../shared/peer-suites; says so and stops when it is absent.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Severity } from '../../shared/findings.js';
import { severityRank } from '../../shared/findings.js';
import { readCase, runCase } from '../support/cases.js';
import { analyseUnit, checkRealworld, describeMiss, realworldUnits } from '../support/realworld.js';
import { repoRoot } from '../support/cli.js';

const peers = join(repoRoot, '..', 'shared', 'peer-suites');

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
      else if (process.argv.includes('--misses'))
        console.log(
          `  ${name}: ${result.probe.from} -> ${result.probe.to} ${result.probe.protocol}/${result.probe.port}${result.probe.http ? ` ${JSON.stringify(result.probe.http)}` : ''} expected ${result.probe.allowed}`,
        );
    }
  }
  console.log(
    `policy-apis: ${cases} cases, ${probes} probes, ${agree} agree (${((100 * agree) / probes).toFixed(1)} %)`,
  );
}

function realworld(): void {
  const results = checkRealworld();
  const count = (kind: string) => {
    const of = results.filter((r) => r.kind === kind && !r.capability);
    return `${of.filter((r) => r.met).length}/${of.length}`;
  };
  const capability = results.filter((r) => r.capability);
  console.log(
    `realworld: ${results.length} expectations, ${results.filter((r) => r.met).length} met: require ${count('require')}, ` +
      `forbid ${count('forbid')}, clean ${count('clean')}, capability ${capability.filter((r) => r.met).length}/${capability.length}`,
  );
  for (const miss of results.filter((r) => !r.met)) console.log(`  ${describeMiss(miss)}`);
}

/** `--list [severity]`: every finding of at least that severity (default warning) on the realworld units. */
function list(min: Severity): void {
  for (const unit of realworldUnits()) {
    for (const f of analyseUnit(unit).findings) {
      if (severityRank[f.severity] < severityRank[min]) continue;
      console.log(
        `${f.severity}\t${f.rule}\t${f.file.path}:${f.file.lineColumn(f.span.start).line}\t${f.message}`,
      );
    }
  }
}

if (!existsSync(peers)) console.log(`peer suites absent at ${peers}: nothing measured`);
else if (process.argv.includes('--list')) {
  const min = process.argv[process.argv.indexOf('--list') + 1];
  list(min === 'error' || min === 'info' || min === 'hint' ? min : 'warning');
} else {
  policyApis();
  realworld();
}
