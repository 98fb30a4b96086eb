/**
 * `netpol-scope test` through the built CLI: the bundled example's assertions hold; the README's pull
 * request breaks one (text, JSON and JUnit say which connection and which rule); a malformed file and
 * a missing one are clear; other commands leave the assertions file alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, runCli } from '../support/cli.js';
import { exampleRepository, proposeReadmeChange } from '../support/git-repo.js';

test('the bundled example holds its assertions', () => {
  const r = runCli(['test', 'examples']);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^✓ the cart reaches the payments API on 8443: holds \(1 connection checked\)$/m);
  assert.match(r.stdout, /\n4 of 4 assertions hold\n$/);
  // check and reach read the directory without a word about the assertions file.
  const check = runCli(['check', 'examples', '--fail-on', 'never']);
  assert.doesNotMatch(check.stderr, /assertions/);
});

test('a change that admits namespaceSelector: {} fails an assertion, naming the connection and the rule', () => {
  const dir = exampleRepository();
  proposeReadmeChange(dir);
  copyFileSync(
    join(repoRoot, 'examples', 'netpol-scope.assertions.yaml'),
    join(dir, 'shop', 'netpol-scope.assertions.yaml'),
  );
  const r = runCli(['test', 'shop'], { cwd: dir });
  assert.equal(r.status, 1, r.stderr);
  assert.match(
    r.stdout,
    /^✗ nothing but the shop's cart reaches the payments API: fails: kube-system\/coredns\[Deployment\] → payments\/payments-api\[Deployment\] is allowed on TCP 8443 \(and 2 more\)\n {4}kube-system\/coredns\[Deployment\] → payments\/payments-api\[Deployment\] on TCP 8443\n {6}egress: no policy isolates this side, so everything is allowed\n {6}ingress: payments\/payments-api \(shop\/payments-policies.yaml:12\) allows it$/m,
  );
  assert.match(r.stdout, /\n3 of 4 assertions hold, 1 fail\n$/);
  const json = JSON.parse(runCli(['test', 'shop', '--format', 'json'], { cwd: dir }).stdout) as {
    summary: Record<string, number>;
    results: Array<{
      name: string;
      holds: boolean;
      violationCount: number;
      violations: Array<{ from: string }>;
    }>;
  };
  assert.deepEqual(json.summary, { assertions: 4, holds: 3, fails: 1, errors: 0 });
  assert.deepEqual(
    json.results[1]!.violations.map((v) => v.from),
    ['kube-system/coredns[Deployment]', '*/*', '*{name=monitoring}/*'],
  );
  const junit = runCli(['test', 'shop', '-f', 'junit'], { cwd: dir });
  assert.equal(junit.status, 1);
  assert.match(junit.stdout, /<testsuites name="netpol-scope" tests="4" failures="1" errors="0">/);
  assert.match(
    junit.stdout,
    /<failure message="fails: kube-system\/coredns\[Deployment\] → payments\/payments-api\[Deployment\] is allowed on TCP 8443 \(and 2 more\)" type="violation">/,
  );
});

test('a malformed assertions file is reported with line and column; a missing one is a usage error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netpol-scope-assert-'));
  const file = join(dir, 'intent.yaml');
  writeFileSync(
    file,
    'assertions:\n  - from: {namespace: shop}\n    to: {pods: {app: db}}\n    expect: never\n',
  );
  const r = runCli(['test', 'examples', '--assertions', file]);
  assert.equal(r.status, 1);
  assert.match(
    r.stdout,
    new RegExp(
      `^error ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4:13: "assertion 1": expect must be allow or deny$`,
      'm',
    ),
  );
  const missing = runCli(['test', dir]);
  assert.equal(missing.status, 2);
  assert.match(
    missing.stderr,
    /^netpol-scope: no assertions file: none of .*netpol-scope\.assertions\.yaml.* exists \(name one with --assertions\)/,
  );
});
