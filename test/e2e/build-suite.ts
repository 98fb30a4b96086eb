/**
 * Bundles the extension-host test suite (test/e2e/suite/index.ts, mocha included) into one CommonJS
 * file, so that a development extension needs nothing but the shipped files plus this bundle.
 */
import { build } from 'esbuild';
import { join } from 'node:path';
import { repoRoot } from '../support/cli.js';

export async function buildSuite(outfile: string): Promise<void> {
  await build({
    entryPoints: [join(repoRoot, 'test/e2e/suite/index.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    external: ['vscode'],
    logLevel: 'error',
    // mocha's optional loaders (ESM files, the browser build) are never reached: we register the
    // suites ourselves instead of letting mocha require files.
    logOverride: { 'require-resolve-not-external': 'silent' },
  });
}
