/**
 * The shared reachability cases (../shared/peer-suites/CASE-FORMAT.md): ahmetb's network policy
 * recipes and kubernetes-sigs policy-assistant's truth tables. Every probe must agree.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { readCase, runCase } from '../support/cases.js';
import { peerPath, peerSuitesAbsentMessage, peerSuitesPresent } from '../support/peer-suites.js';

const suites = [
  { name: 'recipes', dir: ['recipes'] },
  { name: 'policy-assistant', dir: ['policy-assistant', 'cases'] },
];

for (const suite of suites) {
  test(
    `peer suite ${suite.name}: every probe agrees`,
    { skip: peerSuitesPresent ? false : peerSuitesAbsentMessage },
    (t) => {
      const dir = peerPath(...suite.dir);
      const files = readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .sort();
      assert.ok(files.length > 0, `no cases in ${dir}`);
      let probes = 0;
      const wrong: string[] = [];
      for (const file of files) {
        const c = readCase(`${dir}/${file}`);
        for (const { probe, actual } of runCase(c)) {
          probes++;
          if (actual !== probe.allowed) {
            wrong.push(
              `${file}: ${probe.from} -> ${probe.to} ${probe.protocol}/${probe.port}: expected ${probe.allowed ? 'allowed' : 'denied'}`,
            );
          }
        }
      }
      t.diagnostic(
        `${suite.name}: ${files.length} cases, ${probes} probes, ${probes - wrong.length} agree (${(((probes - wrong.length) / probes) * 100).toFixed(1)} %)`,
      );
      assert.deepEqual(wrong, []);
    },
  );
}
