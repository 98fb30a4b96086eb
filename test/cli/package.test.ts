/**
 * The npm package: `npm pack` carries only what the CLI needs (one self-contained bundle, the assertions
 * schema, the README, the licence), has no runtime dependencies to install, and `npx` runs it from the
 * tarball in an empty directory.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../support/cli.js';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

test('npm pack holds the CLI bundle only, and npx runs it from the tarball', () => {
  const out = mkdtempSync(join(tmpdir(), 'netpol-scope-pack-'));
  // The bundle is built already (npm test builds first); `prepare` builds it when the package is packed
  // or installed from git, and is not run again here (other tests read dist/ meanwhile).
  const packed = JSON.parse(
    execFileSync(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', out], {
      cwd: repoRoot,
      encoding: 'utf8',
    }),
  ) as Array<{ filename: string; files: Array<{ path: string }> }>;
  assert.deepEqual(packed[0]!.files.map((f) => f.path).sort(), [
    'LICENSE',
    'README.md',
    'dist/cli.js',
    'package.json',
    'schemas/assertions.schema.json',
  ]);
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  assert.deepEqual(pkg.dependencies ?? {}, {}, 'everything is bundled: no runtime dependency to install');
  const tarball = join(out, packed[0]!.filename);
  const empty = mkdtempSync(join(tmpdir(), 'netpol-scope-npx-'));
  const env = {
    ...process.env,
    npm_config_cache: join(empty, '.npm-cache'),
    npm_config_update_notifier: 'false',
  };
  const npx = (args: string[]) =>
    spawnSync(npm, ['exec', '--yes', `--package=${tarball}`, '--', 'netpol-scope', ...args], {
      cwd: empty,
      env,
      encoding: 'utf8',
      timeout: 120_000,
    });
  const version = npx(['--version']);
  assert.equal(version.status, 0, version.stderr);
  assert.equal(
    version.stdout.trim(),
    (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version,
  );
  const check = npx(['check', join(repoRoot, 'examples'), '--format', 'json', '--fail-on', 'never']);
  assert.equal(check.status, 0, check.stderr);
  const findings = (JSON.parse(check.stdout) as { findings: Array<{ rule: string }> }).findings;
  assert.ok(findings.some((f) => f.rule === 'dns-egress-missing'));
});
