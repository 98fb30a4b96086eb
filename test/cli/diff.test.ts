/**
 * `netpol-scope diff` through the built CLI, on real git repositories the tests create: `--base REF`
 * against the working tree (paths, subdirectories, deleted files), two paths, every format (the README's
 * pull-request comment is the real output of the change it describes), `--fail-on`, and clear errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, runCli } from '../support/cli.js';
import { edit, exampleRepository, git, proposeReadmeChange } from '../support/git-repo.js';

interface DiffJson {
  summary: Record<string, number>;
  added: Array<{ from: string; to: string; ports: unknown[]; causes: number[] }>;
  removed: Array<{ from: string; to: string; ports: unknown[]; causes: number[] }>;
  changed: Array<{ from: string; to: string; before: unknown[]; after: unknown[]; causes: number[] }>;
  isolation: Array<{
    workload: string;
    direction: string;
    before: boolean;
    after: boolean;
    causes: number[];
  }>;
  causes: Array<{ file?: string; line?: number; policy?: string; change: string }>;
}

test('the README shows the real pull-request comment of its example change', () => {
  const dir = exampleRepository();
  proposeReadmeChange(dir);
  const r = runCli(['diff', '--base', 'HEAD', '--format', 'markdown'], { cwd: dir });
  assert.equal(r.status, 0, r.stderr);
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const block = /<!-- diff-example:start -->\n([\s\S]*?)<!-- diff-example:end -->/.exec(readme)?.[1];
  assert.ok(block, 'README.md has the diff example between its markers');
  assert.equal(block, r.stdout);
});

test('diff --base HEAD: what the change opens and closes, with causes on the changed lines', () => {
  const dir = exampleRepository();
  proposeReadmeChange(dir);
  const r = runCli(['diff', '--base', 'HEAD', 'shop', '--format', 'json'], { cwd: dir });
  assert.equal(r.status, 0, r.stderr);
  const json = JSON.parse(r.stdout) as DiffJson;
  assert.deepEqual(json.summary, { added: 3, removed: 2, changed: 3, opens: 3, closes: 5, isolation: 1 });
  assert.deepEqual(
    json.added.map((a) => `${a.from} -> ${a.to}`),
    [
      '*/* -> payments/payments-api[Deployment]',
      '*{name=monitoring}/* -> payments/payments-api[Deployment]',
      'kube-system/coredns[Deployment] -> payments/payments-api[Deployment]',
    ],
  );
  assert.deepEqual(json.added[0]!.ports, [{ protocol: 'TCP', port: 8443, endPort: 8443 }]);
  assert.deepEqual(json.causes, [
    {
      file: 'shop/monitoring-policy.yaml',
      line: 10,
      policy: 'NetworkPolicy monitoring/prometheus-scrape',
      change: 'modified',
      before: { file: 'shop/monitoring-policy.yaml', line: 10 },
      after: { file: 'shop/monitoring-policy.yaml', line: 10 },
    },
    {
      file: 'shop/payments-policies.yaml',
      line: 19,
      policy: 'NetworkPolicy payments/payments-api',
      change: 'modified',
      before: { file: 'shop/payments-policies.yaml', line: 19 },
      after: { file: 'shop/payments-policies.yaml', line: 19 },
    },
  ]);
  assert.deepEqual(json.isolation, [
    {
      workload: 'monitoring/prometheus[Deployment]',
      direction: 'egress',
      before: false,
      after: true,
      causes: [0],
    },
  ]);
  // From a subdirectory, names are relative to it on both sides.
  const sub = runCli(['diff', '--base', 'HEAD', '.', '--format', 'json'], { cwd: join(dir, 'shop') });
  assert.equal(sub.status, 0, sub.stderr);
  assert.equal((JSON.parse(sub.stdout) as DiffJson).causes[1]!.file, 'payments-policies.yaml');
});

test('SARIF: one result per cause on its changed lines, opened as a warning', () => {
  const dir = exampleRepository();
  proposeReadmeChange(dir);
  const r = runCli(['diff', '--base', 'HEAD', '--format', 'sarif'], { cwd: dir });
  assert.equal(r.status, 0, r.stderr);
  const sarif = JSON.parse(r.stdout) as {
    version: string;
    runs: Array<{
      tool: { driver: { rules: Array<{ id: string }> } };
      results: Array<{
        ruleId: string;
        level: string;
        message: { text: string };
        locations: Array<{
          physicalLocation: {
            artifactLocation: { uri: string };
            region?: { startLine: number; endLine?: number };
          };
        }>;
      }>;
    }>;
  };
  assert.equal(sarif.version, '2.1.0');
  const results = sarif.runs[0]!.results;
  assert.deepEqual(
    results.map((x) => [
      x.ruleId,
      x.level,
      x.locations[0]!.physicalLocation.artifactLocation.uri,
      x.locations[0]!.physicalLocation.region,
    ]),
    [
      ['reachability-closed', 'note', 'shop/monitoring-policy.yaml', { startLine: 10, endLine: 11 }],
      ['reachability-opened', 'warning', 'shop/payments-policies.yaml', { startLine: 19, endLine: 19 }],
    ],
  );
  assert.match(
    results[1]!.message.text,
    /^NetworkPolicy payments\/payments-api modified: opens \*\/\* → payments\/payments-api\[Deployment\] on TCP 8443/,
  );
  assert.match(results[0]!.message.text, /monitoring\/prometheus\[Deployment\] becomes isolated for egress/);
});

test('--fail-on added|any|never, and a change of nothing', () => {
  const dir = exampleRepository();
  proposeReadmeChange(dir);
  assert.equal(runCli(['diff', '--base', 'HEAD', '--fail-on', 'added'], { cwd: dir }).status, 1);
  assert.equal(runCli(['diff', '--base', 'HEAD', '--fail-on', 'any'], { cwd: dir }).status, 1);
  assert.equal(runCli(['diff', '--base', 'HEAD'], { cwd: dir }).status, 0);
  git(dir, 'commit', '-qam', 'the change');
  // A change that only closes fails --fail-on any, not --fail-on added.
  edit(dir, 'shop/payments-policies.yaml', '        - namespaceSelector: {}\n', '');
  const closes = runCli(['diff', '--base', 'HEAD', '--fail-on', 'added'], { cwd: dir });
  assert.equal(closes.status, 0, closes.stdout);
  assert.match(closes.stdout, /closes 3;/);
  assert.equal(runCli(['diff', '--base', 'HEAD', '--fail-on', 'any'], { cwd: dir }).status, 1);
  // Comments and formatting only: nothing changes.
  git(dir, 'checkout', '-q', '--', '.');
  edit(
    dir,
    'shop/policies.yaml',
    '# The database only accepts the cart.',
    '# The database accepts the cart, nothing else.',
  );
  const none = runCli(['diff', '--base', 'HEAD', '--fail-on', 'any'], { cwd: dir });
  assert.equal(none.status, 0, none.stdout);
  assert.match(none.stdout, /^Reachability changes \(workload level\): changes no connection; 0 added/);
});

test('a deleted file removes its policies; two paths compare directories', () => {
  const dir = exampleRepository();
  rmSync(join(dir, 'shop', 'monitoring-policy.yaml'));
  // The deleted file's policy was rejected by the API server (its selector is null): it changed nothing.
  const r = runCli(['diff', '--base', 'HEAD', '--format', 'json'], { cwd: dir });
  assert.equal(r.status, 0, r.stderr);
  const json = JSON.parse(r.stdout) as DiffJson;
  assert.deepEqual(json.causes, [
    {
      file: 'shop/monitoring-policy.yaml',
      line: 3,
      policy: 'NetworkPolicy monitoring/prometheus-scrape',
      change: 'removed',
      before: { file: 'shop/monitoring-policy.yaml', line: 3 },
    },
  ]);
  assert.equal(json.summary.added + json.summary.removed + json.summary.changed, 0);
  // Two directories: the bundled example against a changed copy.
  const copy = exampleRepository();
  proposeReadmeChange(copy);
  const two = runCli(['diff', join(repoRoot, 'examples', 'shop'), join(copy, 'shop'), '--format', 'json']);
  assert.equal(two.status, 0, two.stderr);
  const both = JSON.parse(two.stdout) as DiffJson;
  assert.deepEqual(both.summary, { added: 3, removed: 2, changed: 3, opens: 3, closes: 5, isolation: 1 });
});

test('usage and repository errors are clear, exit code 2', () => {
  const one = runCli(['diff', 'examples']);
  assert.equal(one.status, 2);
  assert.match(one.stderr, /diff takes two paths \(BEFORE AFTER\), or --base REF/);
  const dir = exampleRepository();
  const ref = runCli(['diff', '--base', 'no-such-branch'], { cwd: dir });
  assert.equal(ref.status, 2);
  assert.match(ref.stderr, /^netpol-scope: git rev-parse/);
  const outside = join(dir, '..', `not-a-repo-${process.pid}`);
  mkdirSync(outside, { recursive: true });
  const notRepo = runCli(['diff', '--base', 'HEAD'], { cwd: outside });
  assert.equal(notRepo.status, 2);
  assert.match(notRepo.stderr, /^netpol-scope: git rev-parse: fatal: not a git repository/);
});
