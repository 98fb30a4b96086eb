/**
 * The GitHub Action (action.yml): its `run` steps are run locally as the runner runs them (bash, the
 * step's `env` with `${{ inputs.* }}`, `${{ github.* }}` and `${{ steps.*.outputs.* }}` put in,
 * GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_ACTION_PATH) on a fixture repository whose HEAD is the merge
 * commit of a pull request with two commits, against a local stand-in for the GitHub REST API. The `uses`
 * steps (setup-node, the SARIF upload) belong to GitHub's runners and are skipped; the file they read is
 * checked instead. Also the pre-commit hook definition, run as pre-commit runs it on staged files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { cliPath, repoRoot } from '../support/cli.js';
import { edit, exampleRepository, git, proposeReadmeChange } from '../support/git-repo.js';

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
}

interface Action {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}

const action = parse(readFileSync(join(repoRoot, 'action.yml'), 'utf8')) as Action;

/** `${{ inputs.x }}`, `${{ github.a.b }}`, `${{ steps.id.outputs.k }}` (the expressions the run steps use). */
function substitute(text: string, context: Record<string, unknown>): string {
  return text.replace(/\$\{\{\s*([\w.-]+)\s*\}\}/g, (_m, path: string) => {
    let value: unknown = context;
    for (const part of path.split('.')) value = (value as Record<string, unknown> | undefined)?.[part];
    return value === undefined || value === null ? '' : String(value);
  });
}

interface RunResult {
  readonly steps: Array<{ name: string; status: number | null; stdout: string; stderr: string }>;
  readonly outputs: Record<string, string>;
  readonly summary: string;
}

async function runAction(
  cwd: string,
  inputs: Record<string, string>,
  github: Record<string, unknown>,
  apiUrl: string,
): Promise<RunResult> {
  const work = mkdtempSync(join(tmpdir(), 'netpol-scope-runner-'));
  const summaryFile = join(work, 'summary.md');
  writeFileSync(summaryFile, '');
  const values: Record<string, string> = {};
  for (const [name, spec] of Object.entries(action.inputs)) values[name] = inputs[name] ?? spec.default ?? '';
  values['github-token'] = 'test-token';
  const steps: Record<string, { outputs: Record<string, string> }> = {};
  const results: RunResult['steps'] = [];
  for (const step of action.runs.steps) {
    if (step.uses !== undefined) continue;
    assert.equal(step.shell, 'bash');
    const outputFile = join(work, `output-${results.length}`);
    writeFileSync(outputFile, '');
    const context = { inputs: values, github, steps };
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      GITHUB_ACTION_PATH: repoRoot,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      GITHUB_EVENT_NAME: String(github.event_name),
      GITHUB_BASE_REF: String(github.base_ref ?? ''),
      GITHUB_REPOSITORY: String(github.repository),
      GITHUB_API_URL: apiUrl,
    };
    for (const [k, v] of Object.entries(step.env ?? {})) env[k] = substitute(v, context);
    const r = await bash(substitute(step.run!, context), cwd, env);
    results.push({ name: step.name ?? '', status: r.status, stdout: r.stdout, stderr: r.stderr });
    if (step.id !== undefined) {
      const outputs: Record<string, string> = {};
      for (const line of readFileSync(outputFile, 'utf8').split('\n')) {
        const at = line.indexOf('=');
        if (at > 0) outputs[line.slice(0, at)] = line.slice(at + 1);
      }
      steps[step.id] = { outputs };
    }
    if (r.status !== 0) break;
  }
  const outputs: Record<string, string> = {};
  for (const [name, spec] of Object.entries(action.outputs))
    outputs[name] = substitute(spec.value, { steps });
  return { steps: results, outputs, summary: readFileSync(summaryFile, 'utf8') };
}

/**
 * Runs a step's script without blocking the event loop: the stand-in GitHub API answers from this
 * process.
 */
function bash(
  script: string,
  cwd: string,
  env: Record<string, string>,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-e', '-c', script], { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** A stand-in for the issue-comments endpoints of the GitHub REST API. */
async function fakeGitHub(): Promise<{
  url: string;
  comments: Array<{ id: number; body: string }>;
  requests: string[];
  close: () => void;
}> {
  const comments: Array<{ id: number; body: string }> = [];
  const requests: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      requests.push(`${req.method} ${req.url} ${req.headers.authorization}`);
      const json = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      if (req.method === 'GET' && req.url?.startsWith('/repos/acme/shop/issues/7/comments'))
        return json(200, comments);
      if (req.method === 'POST' && req.url === '/repos/acme/shop/issues/7/comments') {
        const created = { id: 100 + comments.length, body: (JSON.parse(body) as { body: string }).body };
        comments.push(created);
        return json(201, created);
      }
      const patch = /^\/repos\/acme\/shop\/issues\/comments\/(\d+)$/.exec(req.url ?? '');
      if (req.method === 'PATCH' && patch) {
        const c = comments.find((x) => x.id === Number(patch[1]));
        if (!c) return json(404, {});
        c.body = (JSON.parse(body) as { body: string }).body;
        return json(200, c);
      }
      json(404, { message: 'not found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, comments, requests, close: () => server.close() };
}

/** The repository as actions/checkout leaves it for a pull_request event: HEAD is the merge commit. */
function pullRequestCheckout(): string {
  const dir = exampleRepository();
  copyFileSync(
    join(repoRoot, 'examples', 'netpol-scope.assertions.yaml'),
    join(dir, 'shop', 'netpol-scope.assertions.yaml'),
  );
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'assertions');
  git(dir, 'checkout', '-q', '-b', 'feature');
  proposeReadmeChange(dir);
  git(dir, 'commit', '-q', '-am', 'repair the Prometheus policy; open the payments API');
  edit(
    dir,
    'shop/policies.yaml',
    '# The database only accepts the cart.',
    '# The database accepts the cart only.',
  );
  git(dir, 'commit', '-q', '-am', 'reword a comment');
  git(dir, 'checkout', '-q', 'main');
  git(dir, 'merge', '-q', '--no-ff', '-m', 'Merge pull request #7', 'feature');
  return dir;
}

const pullRequest = {
  event_name: 'pull_request',
  base_ref: 'main',
  repository: 'acme/shop',
  event: { pull_request: { number: 7 } },
};

test('the Action checks, comments the diff (once, then updates it), tests the assertions, then fails the job', async () => {
  const api = await fakeGitHub();
  try {
    const dir = pullRequestCheckout();
    const first = await runAction(dir, { paths: 'shop', 'fail-on': 'warning' }, pullRequest, api.url);
    const byName = Object.fromEntries(first.steps.map((s) => [s.name, s]));
    assert.equal(byName['Build netpol-scope']!.status, 0, byName['Build netpol-scope']!.stderr);
    // check: SARIF for the upload step, and the findings' status.
    const sarif = JSON.parse(readFileSync(join(dir, 'netpol-scope.sarif'), 'utf8')) as {
      runs: Array<{ results: unknown[] }>;
    };
    assert.equal(String(sarif.runs[0]!.results.length), first.outputs.findings);
    assert.ok(Number(first.outputs.findings) > 0);
    // diff: one comment, the markdown of `diff --format markdown` against the merge's first parent.
    assert.equal(first.outputs.opens, '3');
    assert.equal(first.outputs.closes, '5');
    assert.equal(api.comments.length, 1);
    const expected = spawnSync(
      process.execPath,
      [cliPath, 'diff', '--base', 'HEAD^1', 'shop', '--format', 'markdown'],
      { cwd: dir, encoding: 'utf8' },
    ).stdout;
    assert.equal(api.comments[0]!.body, expected);
    assert.ok(api.requests.every((r) => r.endsWith('Bearer test-token')));
    assert.match(first.summary, /<!-- netpol-scope diff -->/);
    // test: the namespaceSelector: {} breaks an assertion; JUnit for the test report.
    assert.equal(first.outputs['failed-assertions'], '1');
    assert.match(readFileSync(join(dir, 'netpol-scope-junit.xml'), 'utf8'), /failures="1"/);
    // The verdict fails the job, saying why.
    const verdict = byName['Verdict']!;
    assert.equal(verdict.status, 1);
    assert.match(verdict.stdout, /::error::netpol-scope: assertions fail/);
    assert.match(verdict.stdout, /::error::netpol-scope: check found problems/);

    // Another push: the same comment is updated, not a second one added.
    const second = await runAction(
      dir,
      { paths: 'shop', 'fail-on': 'never', 'diff-fail-on': 'added' },
      pullRequest,
      api.url,
    );
    assert.equal(api.comments.length, 1);
    assert.ok(api.requests.some((r) => r.startsWith('PATCH /repos/acme/shop/issues/comments/100')));
    const verdict2 = second.steps.find((s) => s.name === 'Verdict')!;
    assert.doesNotMatch(verdict2.stdout, /check found problems/);
    assert.match(verdict2.stdout, /the pull request changes reachability beyond diff-fail-on/);

    // A push to main (no pull request): no diff, no comment.
    const push = await runAction(
      dir,
      { paths: 'shop', 'fail-on': 'never', assertions: 'none.yaml' },
      { ...pullRequest, event_name: 'push', event: {} },
      api.url,
    );
    assert.match(
      push.steps.find((s) => s.name?.startsWith('What the pull request'))!.stdout,
      /Not a pull request: no diff/,
    );
    assert.equal(api.comments.length, 1);
  } finally {
    api.close();
  }
});

test('the pre-commit hook checks the staged manifests as pre-commit passes them', () => {
  const hooks = parse(readFileSync(join(repoRoot, '.pre-commit-hooks.yaml'), 'utf8')) as Array<{
    id: string;
    entry: string;
    language: string;
    files: string;
    exclude: string;
    args: string[];
  }>;
  const hook = hooks.find((h) => h.id === 'netpol-scope-check')!;
  assert.equal(hook.language, 'node');
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
    bin: Record<string, string>;
    scripts: Record<string, string>;
  };
  const [command, ...entryArgs] = hook.entry.split(' ');
  // The entry is the package's bin, which the `prepare` script builds when pre-commit installs the repository.
  assert.ok(pkg.bin[command!]);
  assert.match(pkg.scripts.prepare!, /esbuild/);
  const dir = exampleRepository();
  edit(
    dir,
    'shop/policies.yaml',
    '  podSelector: {}\n  policyTypes: [Ingress, Egress]',
    '  podSelector: {}\n  policyTypes: [Ingress, Egres]',
  );
  writeFileSync(join(dir, 'notes.txt'), 'not a manifest');
  git(dir, 'add', '-A');
  const staged = git(dir, 'diff', '--cached', '--name-only')
    .split('\n')
    .filter((f) => f !== '' && new RegExp(hook.files).test(f) && !new RegExp(hook.exclude).test(f));
  assert.deepEqual(staged, ['shop/policies.yaml']);
  const r = spawnSync(
    process.execPath,
    [join(repoRoot, pkg.bin[command!]!), ...entryArgs, ...hook.args, ...staged],
    { cwd: dir, encoding: 'utf8' },
  );
  assert.equal(r.status, 1);
  assert.match(r.stdout, /shop\/policies.yaml:9:\d+: error api-invalid-policy-type/);
  assert.ok(existsSync(join(dir, 'notes.txt')));
});
