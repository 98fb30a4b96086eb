/**
 * Real git repositories for tests (`diff --base`, the GitHub Action's steps): created in a temporary
 * directory with the machine's git, committed with a fixed identity.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { repoRoot } from './cli.js';

const identity = {
  GIT_AUTHOR_NAME: 'netpol-scope tests',
  GIT_AUTHOR_EMAIL: 'tests@netpol-scope.invalid',
  GIT_COMMITTER_NAME: 'netpol-scope tests',
  GIT_COMMITTER_EMAIL: 'tests@netpol-scope.invalid',
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...identity } });
}

/** A new repository holding a copy of the bundled example's `shop/` directory, committed on `main`. */
export function exampleRepository(): string {
  const dir = mkdtempSync(join(tmpdir(), 'netpol-scope-repo-'));
  git(dir, 'init', '-q', '-b', 'main');
  cpSync(join(repoRoot, 'examples', 'shop'), join(dir, 'shop'), { recursive: true });
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'the shop as it runs');
  return dir;
}

export function writeFile(dir: string, path: string, text: string): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), text);
}

/** Replaces a text that must be in the file exactly once. */
export function edit(dir: string, path: string, find: string, replace: string): void {
  const text = readFileSync(join(dir, path), 'utf8');
  const at = text.indexOf(find);
  if (at < 0 || text.indexOf(find, at + 1) >= 0)
    throw new Error(`${path}: "${find}" is not there exactly once`);
  writeFileSync(join(dir, path), text.slice(0, at) + replace + text.slice(at + find.length));
}

/**
 * The pull request the README shows (`diff --format markdown`): it repairs the Prometheus policy's lost
 * indentation and mistyped ports (so Prometheus becomes isolated for egress), and, drafted in a hurry,
 * admits `namespaceSelector: {}` to the payments API.
 */
export function proposeReadmeChange(dir: string): void {
  edit(
    dir,
    'shop/monitoring-policy.yaml',
    '  podSelector:\n  matchLabels:\n    app: prometheus',
    '  podSelector:\n    matchLabels:\n      app: prometheus',
  );
  edit(
    dir,
    'shop/monitoring-policy.yaml',
    '        - port: 9100\n          endPort: 9090\n        - port: metrics\n          protocol: tcp',
    '        - port: 9100\n        - port: metrics',
  );
  edit(
    dir,
    'shop/payments-policies.yaml',
    '              app: cart\n      ports:',
    '              app: cart\n        - namespaceSelector: {}\n      ports:',
  );
}
