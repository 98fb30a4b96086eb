/**
 * A second, independent LSP client: headless Neovim (0.7+) runs test/e2e/neovim-probe.lua against the
 * shipped server (`node dist/server.js --stdio`) on a copy of examples/, and writes what it saw as
 * JSON. Skipped, saying so, when `nvim` is not on PATH. Needs dist/ (`npm run build`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { repoRoot } from '../support/cli.js';

interface LspDiagnostic {
  readonly code?: string;
  readonly severity?: number;
  readonly source?: string;
  readonly message: string;
  readonly range: { readonly start: { readonly line: number; readonly character: number } };
}

interface ProbeResult {
  readonly error?: string;
  readonly steps: string[];
  readonly diagnostics?: LspDiagnostic[];
  readonly nvim_diagnostics?: Array<{ lnum: number; col: number; severity: number; message: string }>;
  readonly hover?: { kind: string; value: string };
  readonly actions?: Array<{ title: string; kind: string; isPreferred?: boolean }>;
  readonly applied?: string;
  readonly after?: LspDiagnostic[];
  readonly buffer?: string;
}

const nvim = (process.env.PATH ?? '')
  .split(delimiter)
  .map((dir) => join(dir, 'nvim'))
  .find((file) => existsSync(file));
const skip = nvim ? false : 'nvim is not on PATH (apt-get install neovim): the Neovim smoke test is skipped';
if (skip) console.log(skip);

const server = join(repoRoot, 'dist', 'server.js');
let probe: ProbeResult | undefined;

function runProbe(): ProbeResult {
  if (probe) return probe;
  assert.ok(existsSync(server), `${server} is missing: run npm run build first`);
  const root = mkdtempSync(join(tmpdir(), 'netpol-nvim-'));
  try {
    const workspace = join(root, 'examples');
    cpSync(join(repoRoot, 'examples'), workspace, { recursive: true });
    const out = join(root, 'result.json');
    const run = spawnSync(
      nvim!,
      [
        '--headless',
        '-u',
        'NONE',
        '-i',
        'NONE',
        '-n',
        '-c',
        `luafile ${join(repoRoot, 'test/e2e/neovim-probe.lua')}`,
      ],
      {
        cwd: workspace,
        encoding: 'utf8',
        timeout: 90_000,
        env: {
          ...process.env,
          HOME: root,
          XDG_CONFIG_HOME: join(root, 'config'),
          XDG_DATA_HOME: join(root, 'data'),
          XDG_STATE_HOME: join(root, 'state'),
          XDG_CACHE_HOME: join(root, 'cache'),
          NETPOL_SERVER: server,
          NETPOL_ROOT: workspace,
          NETPOL_FILE: join(workspace, 'shop/policies.yaml'),
          NETPOL_OUT: out,
        },
      },
    );
    assert.ok(
      existsSync(out),
      `nvim wrote no result (exit ${run.status}, signal ${run.signal}):\n${run.stdout}\n${run.stderr}`,
    );
    probe = JSON.parse(readFileSync(out, 'utf8')) as ProbeResult;
    assert.equal(probe.error, undefined, `the probe failed after ${probe.steps.join(', ')}: ${probe.error}`);
    return probe;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const summary = (diagnostics: readonly LspDiagnostic[] | undefined) =>
  (diagnostics ?? []).map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.code}`).sort();

test('Neovim receives the diagnostics of shop/policies.yaml, with its settings applied', { skip }, () => {
  const result = runProbe();
  // `allow-all-rule` is turned off through `settings.netpolScope.rules` (workspace/configuration).
  assert.deepEqual(summary(result.diagnostics), [
    '55:15 namespace-name-label',
    '93:1 policy-types-implicit',
    '9:26 dns-egress-missing',
  ]);
  assert.ok(result.diagnostics!.every((d) => d.source === 'netpol-scope'));
  const dns = result.diagnostics!.find((d) => d.range.start.line === 8)!;
  assert.equal(dns.severity, 2);
  assert.match(dns.message, /^shop\/default-deny isolates egress of shop\/frontend/);
  // vim.diagnostic has them too (Neovim's own pipeline).
  assert.deepEqual(
    result.nvim_diagnostics!.map((d) => d.lnum + 1).sort((a, b) => a - b),
    [9, 55, 93],
  );
});

test('Neovim shows the hover of a podSelector with the workloads it selects', { skip }, () => {
  const hover = runProbe().hover!;
  assert.equal(hover.kind, 'markdown');
  assert.match(hover.value, /\*\*podSelector\*\* of NetworkPolicy \*\*shop\/default\\-deny\*\*/);
  for (const workload of ['shop/frontend', 'shop/cart', 'shop/db'])
    assert.ok(hover.value.includes(`**${workload}**`));
});

test(
  'Neovim gets the quick fixes of dns-egress-missing and applying one clears the warning',
  { skip },
  () => {
    const result = runProbe();
    assert.deepEqual(
      result.actions!.map((a) => a.title),
      [
        'Add DNS egress (UDP/TCP 53)',
        'Disable dns-egress-missing for this line',
        'Create a default-deny policy for namespace shop',
      ],
    );
    assert.equal(result.applied, 'Add DNS egress (UDP/TCP 53)');
    assert.ok(
      !summary(result.after).some((d) => d.endsWith('dns-egress-missing')),
      summary(result.after).join(', '),
    );
    assert.match(result.buffer!, /policyTypes: \[Ingress, Egress\]\n {2}egress:\n {4}- to:\n/);
    assert.match(result.buffer!, /k8s-app: kube-dns/);
  },
);
