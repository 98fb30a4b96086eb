/**
 * `npm run test:e2e`: the extension in a real VS Code workbench, and the server in a second editor.
 *
 *  1. builds and packages the production VSIX (`npm run package`);
 *  2. installs code-server 4.100.3 (VS Code 1.100.3) into a cache folder outside the repository
 *     (scripts/install-code-server.mjs; skipped when already there);
 *  3. the Neovim smoke test (test/e2e/neovim.test.ts);
 *  4. starts code-server with fresh folders and installs the VSIX;
 *  5. runs the mocha suite (test/e2e/suite) inside the real Node extension host, in a development
 *     window whose extension is the installed VSIX's files plus the bundled suite;
 *  6. drives the workbench in Chromium like a user, against the installed VSIX (test/e2e/journeys.ts),
 *     saving a screenshot of every step in test-results/e2e/ (and in docs/images/ with
 *     UPDATE_SCREENSHOTS=1);
 *  7. stops code-server's whole process tree and prints `N passed, N failed`.
 *
 * Environment: NETPOL_SCOPE_CODE_SERVER_DIR (install folder), CHROMIUM (browser binary, default
 * /usr/bin/chromium), KEEP_E2E=1 (keep the temporary folder), UPDATE_SCREENSHOTS=1.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { repoRoot } from '../support/cli.js';
import { buildSuite } from './build-suite.js';
import { CodeServer } from './code-server.js';
import { runJourneys } from './journeys.js';
import { Report, errorText } from './report.js';
import { RESULT_MARKER } from './suite/result.js';
import type { SuiteResult } from './suite/result.js';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];
const EXTENSION_ID = 'netpol-scope.netpol-scope';
const SUITE_TIMEOUT_MS = 180_000;

const report = new Report();

function runOrThrow(what: string, command: string, args: string[]): void {
  const result = spawnSync(command, args, { cwd: repoRoot, stdio: 'inherit' });
  if (result.error) throw new Error(`${what}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${what} failed with exit code ${result.status}`);
}

/** Runs a node:test file and records its tests (from the TAP-like summary of the spec reporter). */
async function nodeTestFile(group: string, file: string): Promise<void> {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', file], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  // Top-level results of the TAP stream: `ok 1 - name`, `not ok 2 - name`, `# SKIP` directives.
  const tests = [...output.matchAll(/^(not ok|ok) \d+ - (.*)$/gm)];
  for (const [, status, title] of tests) {
    if (/ # SKIP/.test(title!)) {
      report.skip(group, title!);
      continue;
    }
    report.record({
      group,
      name: title!,
      ok: status === 'ok',
      ms: Date.now() - started,
      ...(status === 'ok' ? {} : { error: output }),
    });
  }
  if (tests.length === 0 || (code !== 0 && tests.every(([, s]) => s === 'ok'))) {
    report.record({
      group,
      name: file,
      ok: false,
      ms: Date.now() - started,
      error: `exit ${code}\n${output}`,
    });
  }
}

/** Runs the mocha suite in the extension host of a development window; resolves with its results. */
async function extensionHostSuite(
  browser: Browser,
  server: CodeServer,
  devExtension: string,
  workspace: string,
) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const lines: string[] = [];
  let exitCode: (code: number) => void = () => undefined;
  const exited = new Promise<number>((resolve) => (exitCode = resolve));
  await page.exposeFunction('codeAutomationLog', (type: string, args: unknown) => {
    const text = Array.isArray(args) ? args.map(String).join(' ') : String(args);
    for (const line of text.split('\n')) lines.push(`[${type}] ${line}`);
  });
  await page.exposeFunction('codeAutomationExit', (code: number) => exitCode(code));
  const url = server.workbenchUrl(workspace, {
    extensionDevelopmentPath: devExtension,
    extensionTestsPath: join(devExtension, 'dist', 'test', 'suite.js'),
  });
  try {
    await page.goto(url);
    const code = await Promise.race([
      exited,
      new Promise<never>((_, reject) =>
        setTimeout(
          () => reject(new Error(`the extension-host suite did not finish within ${SUITE_TIMEOUT_MS} ms`)),
          SUITE_TIMEOUT_MS,
        ),
      ),
    ]);
    const marker = lines
      .map((line) => line.replace(/^\[\w+\] /, ''))
      .find((line) => line.startsWith(RESULT_MARKER));
    if (!marker)
      throw new Error(`the suite exited with ${code} without results; its log:\n${lines.join('\n')}`);
    const result = JSON.parse(marker.slice(RESULT_MARKER.length)) as SuiteResult;
    if (result.failed > 0) console.log(`  the workbench log of the failed suite:\n${lines.join('\n')}`);
    if (result.failed > 0 !== (code !== 0)) {
      throw new Error(`exit code ${code} does not match ${result.failed} failures`);
    }
    return result;
  } finally {
    await page
      .screenshot({ path: join(repoRoot, 'test-results/e2e/00-extension-host-suite.png') })
      .catch(() => undefined);
    await context.close();
  }
}

/** The files the VSIX may hold (.vscodeignore denies everything else), and its size limit. */
const VSIX_FILES = [
  'CHANGELOG.md',
  'LICENSE',
  'README.md',
  'dist/client.js',
  'dist/media/reachability.css',
  'dist/media/reachability.js',
  'dist/server.js',
  'media/icon.png',
  'package.json',
  // The JSON Schema of netpol-scope.assertions.yaml, contributed to the YAML extension (yamlValidation).
  'schemas/assertions.schema.json',
];
const VSIX_MAX_BYTES = 2 * 1024 * 1024;

function checkVsix(vsix: string): void {
  const size = statSync(vsix).size;
  if (size >= VSIX_MAX_BYTES) throw new Error(`the VSIX is ${size} bytes, above the 2 MB limit`);
  const listed = spawnSync(
    process.execPath,
    [join(repoRoot, 'node_modules/@vscode/vsce/vsce'), 'ls', '--no-dependencies'],
    {
      cwd: repoRoot,
      encoding: 'utf8',
    },
  );
  const files = listed.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .sort();
  if (JSON.stringify(files) !== JSON.stringify(VSIX_FILES)) {
    throw new Error(`the VSIX holds ${files.join(', ')}; expected exactly ${VSIX_FILES.join(', ')}`);
  }
  console.log(`  VSIX: ${(size / 1024).toFixed(0)} KB, ${files.length} files: ${files.join(', ')}`);
}

async function main(): Promise<number> {
  const started = Date.now();
  mkdirSync(join(repoRoot, 'test-results/e2e'), { recursive: true });
  for (const old of readdirSync(join(repoRoot, 'test-results/e2e'))) {
    if (old.endsWith('.png')) rmSync(join(repoRoot, 'test-results/e2e', old));
  }

  await report.phase('build and package the VSIX (npm run package)', () =>
    runOrThrow('npm run package', 'npm', ['run', 'package', '--silent']),
  );
  const vsix = join(repoRoot, 'netpol-scope.vsix');
  if (!existsSync(vsix)) throw new Error(`npm run package did not write ${vsix}`);
  checkVsix(vsix);

  const installer = join(repoRoot, 'scripts/install-code-server.mjs');
  await report.phase('install code-server (cached outside the repository)', () =>
    runOrThrow('installing code-server', process.execPath, [installer]),
  );
  const dirResult = spawnSync(process.execPath, [installer, '--print-dir'], { encoding: 'utf8' });
  const entry = join(dirResult.stdout.trim(), 'node_modules/code-server/out/node/entry.js');

  await report.phase('Neovim as the LSP client (test/e2e/neovim.test.ts)', () =>
    nodeTestFile('neovim', 'test/e2e/neovim.test.ts'),
  );

  const root = mkdtempSync(join(tmpdir(), 'netpol-e2e-'));
  const server = new CodeServer({ entry, root });
  // Whatever happens to this process, code-server's tree goes with it.
  const emergency = () => {
    server.killNow();
    if (process.env.KEEP_E2E !== '1') rmSync(root, { recursive: true, force: true });
  };
  process.once('exit', emergency);
  for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(name, () => {
      emergency();
      process.exit(130);
    });
  }
  let browser: Browser | undefined;
  try {
    const devExtension = join(root, 'dev-extension');
    const wsSuite = join(root, 'workspace-suite');
    const wsUi = join(root, 'workspace-ui');
    await report.phase('start code-server and install the VSIX', async () => {
      const output = server.installExtension(vsix);
      const installed = readdirSync(server.extensionsDir).find((name) => name.startsWith(`${EXTENSION_ID}-`));
      if (!installed) throw new Error(`the VSIX did not install:\n${output}`);
      // The development extension = exactly the installed files, plus the bundled mocha suite.
      cpSync(join(server.extensionsDir, installed), devExtension, { recursive: true });
      await buildSuite(join(devExtension, 'dist/test/suite.js'));
      cpSync(join(repoRoot, 'examples'), wsSuite, { recursive: true });
      cpSync(join(repoRoot, 'examples'), wsUi, { recursive: true });
      // The journeys' workspace is a git repository: "since HEAD" lenses and Compare Reachability with HEAD.
      commitAll(wsUi);
      const url = await server.start();
      browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
      console.log(`  code-server ${url}, extension ${installed}, temporary folder ${root}`);
    });
    const launched = browser!;

    await report.phase('extension-host suite (mocha in the real Node extension host)', async () => {
      const suiteStarted = Date.now();
      try {
        const result = await extensionHostSuite(launched, server, devExtension, wsSuite);
        for (const test of result.tests) {
          const { title, ok, ms, error } = test;
          report.record({ group: 'extension host', name: title, ok, ms, ...(error ? { error } : {}) });
        }
        console.log(`  extension host: ${result.passed} passed, ${result.failed} failed`);
      } catch (error) {
        report.record({
          group: 'extension host',
          name: 'the suite ran to the end',
          ok: false,
          ms: Date.now() - suiteStarted,
          error: `${errorText(error)}\ncode-server log:\n${server.log}`,
        });
      }
    });

    await report.phase('user journeys in Chromium (installed VSIX)', () =>
      runJourneys({ browser: launched, server, workspace: wsUi, report }),
    );
  } finally {
    await report.phase('stop code-server and its process tree', async () => {
      await browser?.close();
      const stragglers = await server.stop();
      if (stragglers.length > 0)
        console.log(`  ended ${stragglers.length} processes outside the group: ${stragglers.join(', ')}`);
    });
    if (process.env.KEEP_E2E === '1') console.log(`kept ${root}`);
    else rmSync(root, { recursive: true, force: true });
  }
  report.timings.push({ phase: 'total', ms: Date.now() - started });
  console.log(report.summary());
  return report.failed > 0 ? 1 : 0;
}

// A closed stdout (`| head`) must not kill the run before it cleans up.
process.stdout.on('error', () => undefined);

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    // A phase that could not run (packaging, installing code-server, starting it) is a failure too.
    report.record({
      group: 'run',
      name: 'the end-to-end run completed',
      ok: false,
      ms: 0,
      error: errorText(error),
    });
    console.log(report.summary());
    process.exit(1);
  },
);

/** Makes a folder a git repository with everything in one commit (a fixed identity, no user config). */
function commitAll(dir: string): void {
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 'netpol-scope e2e',
    GIT_AUTHOR_EMAIL: 'e2e@netpol-scope.invalid',
    GIT_COMMITTER_NAME: 'netpol-scope e2e',
    GIT_COMMITTER_EMAIL: 'e2e@netpol-scope.invalid',
  };
  for (const args of [
    ['init', '-q', '-b', 'main'],
    ['add', '-A'],
    ['commit', '-q', '-m', 'the examples'],
  ]) {
    const r = spawnSync('git', args, { cwd: dir, env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ${args[0]} failed: ${r.stderr}`);
  }
}
