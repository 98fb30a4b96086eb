/**
 * The policy-apis peer suite (../shared/peer-suites/policy-apis/: ClusterNetworkPolicy, AdminNetworkPolicy,
 * Cilium and Calico cases transcribed from upstream): every probe must agree, read from the built CLI's
 * `reach --level pod --format json` output as a user would (probes with `http` read the port entry's
 * `http` list: a request passes when the entry has none or one pattern matches it whole).
 */
import { test } from 'node:test';
import { parse } from 'yaml';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCase, requestMatches, runCase } from '../support/cases.js';
import { lint } from '../support/lint.js';
import { fixesFor } from '../../shared/fixes/index.js';
import { applyEdits } from '../../shared/fixes/types.js';
import type { Probe } from '../support/cases.js';
import { runCli } from '../support/cli.js';
import { peerPath, peerSuitesAbsentMessage, peerSuitesPresent } from '../support/peer-suites.js';

interface PortEntry {
  readonly protocol: string;
  readonly port: number;
  readonly endPort: number;
  readonly http?: ReadonlyArray<{ method?: string; path?: string; host?: string }>;
}

interface ReachJson {
  readonly edges: ReadonlyArray<{ from: string; to: string; ports: readonly PortEntry[] }>;
}

/** The probe's verdict in a `reach` JSON answer. */
function verdictOf(reach: ReachJson, probe: Probe): boolean {
  const edge = reach.edges.find((e) => e.from === probe.from && e.to === probe.to);
  const entry = edge?.ports.find(
    (p) => p.protocol === probe.protocol && p.port <= probe.port && probe.port <= p.endPort,
  );
  if (!entry) return false;
  if (!probe.http || !entry.http) return true;
  return entry.http.some((rule) => requestMatches(rule, probe.http!));
}

test(
  'peer suite policy-apis: every probe agrees through reach --level pod --format json',
  { skip: peerSuitesPresent ? false : peerSuitesAbsentMessage },
  (t) => {
    const dir = peerPath('policy-apis');
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort();
    assert.ok(files.length > 0, `no cases in ${dir}`);
    const work = mkdtempSync(join(tmpdir(), 'policy-apis-'));
    let probes = 0;
    let http = 0;
    const wrong: string[] = [];
    try {
      for (const file of files) {
        const c = readCase(join(dir, file));
        const path = join(work, `${c.id}.json`);
        writeFileSync(path, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: c.objects }, null, 2));
        const result = runCli(['reach', path, '--level', 'pod', '--format', 'json']);
        assert.equal(result.status, 0, `${file}: reach failed: ${result.stderr}`);
        const reach = JSON.parse(result.stdout) as ReachJson;
        for (const probe of c.probes) {
          probes++;
          if (probe.http) http++;
          if (verdictOf(reach, probe) !== probe.allowed)
            wrong.push(
              `${file}: ${probe.from} -> ${probe.to} ${probe.protocol}/${probe.port}${probe.http ? ` ${JSON.stringify(probe.http)}` : ''}: expected ${probe.allowed ? 'allowed' : 'denied'}`,
            );
        }
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
    t.diagnostic(
      `policy-apis: ${files.length} cases, ${probes} probes (${http} HTTP-level), ${probes - wrong.length} agree`,
    );
    assert.deepEqual(wrong, [], `${wrong.length} probes disagree:\n${wrong.join('\n')}`);
  },
);

test(
  'peer suite policy-apis: every AdminNetworkPolicy case, migrated to ClusterNetworkPolicy by the quick fix, still agrees',
  { skip: peerSuitesPresent ? false : peerSuitesAbsentMessage },
  () => {
    const dir = peerPath('policy-apis');
    const files = readdirSync(dir).filter((f) => /^\d+-anp-.*\.json$/.test(f));
    assert.ok(files.length > 0);
    const wrong: string[] = [];
    for (const file of files) {
      const c = readCase(join(dir, file));
      const text = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: c.objects }, null, 2);
      const { ctx } = lint({ [`${c.id}.json`]: text });
      const fixes = ctx.workspace.findings
        .filter((f) => f.rule === 'policy-api-superseded')
        .map((f) => fixesFor(ctx, f)[0]);
      assert.ok(fixes.length > 0 && fixes.every(Boolean), `${file}: a migration fix for each object`);
      const migrated = applyEdits(
        text,
        fixes.flatMap((f) => f!.edits),
      );
      assert.doesNotMatch(migrated, /v1alpha1|AdminNetworkPolicy/, file);
      for (const { probe, actual } of runCase({
        ...c,
        objects: (parse(migrated) as { items: unknown[] }).items,
      }))
        if (actual !== probe.allowed)
          wrong.push(`${file}: ${probe.from} -> ${probe.to} ${probe.protocol}/${probe.port}`);
    }
    assert.deepEqual(wrong, []);
  },
);
