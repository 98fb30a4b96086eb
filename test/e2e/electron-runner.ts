/**
 * `npm run test:e2e:electron`: the same extension-host suite (test/e2e/suite) in desktop VS Code,
 * with @vscode/test-electron, for machines that can download VS Code (a developer laptop, a public
 * CI). It cannot run where only package registries are reachable: there, `npm run test:e2e` runs the
 * suite in code-server instead (test/e2e/run.ts).
 *
 * The development extension is the repository itself (dist/ from `npm run build`), plus the suite
 * bundled to dist/test/suite.js; the workspace is a temporary copy of examples/. VS Code is pinned to
 * the version code-server 4.100.3 bundles (override with VSCODE_VERSION, e.g. `stable`). On a Linux
 * machine without a display, run it under `xvfb-run -a`.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { repoRoot } from '../support/cli.js';
import { buildSuite } from './build-suite.js';
import { QUIET_SETTINGS } from './code-server.js';

const VSCODE_VERSION = process.env.VSCODE_VERSION ?? '1.100.3';

async function main(): Promise<number> {
  const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: repoRoot, stdio: 'inherit' });
  if (build.status !== 0) throw new Error(`npm run build failed with exit code ${build.status}`);
  const extensionTestsPath = join(repoRoot, 'dist/test/suite.js');
  await buildSuite(extensionTestsPath);

  const root = mkdtempSync(join(tmpdir(), 'netpol-e2e-electron-'));
  try {
    const workspace = join(root, 'workspace');
    cpSync(join(repoRoot, 'examples'), workspace, { recursive: true });
    mkdirSync(join(root, 'user-data/User'), { recursive: true });
    writeFileSync(join(root, 'user-data/User/settings.json'), JSON.stringify(QUIET_SETTINGS, null, 2));
    await runTests({
      version: VSCODE_VERSION,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath,
      launchArgs: [
        workspace,
        '--disable-extensions',
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
        '--user-data-dir',
        join(root, 'user-data'),
        '--extensions-dir',
        join(root, 'extensions'),
      ],
    });
    return 0;
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 1;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
