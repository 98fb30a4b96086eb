/**
 * The seeded mutation fuzzer (issue 8): `npm run fuzz -- --cases N --seed S [--steps K] [--cli-every M]`.
 *
 * It mutates the bundled examples, the test fixtures, the examples of docs/rules.md and (when present)
 * ../shared/peer-suites, and drives the real language server over stdio (lsp-fuzz.ts) and the built CLI
 * (cli-fuzz.ts). It fails (exit 1) on a hang, a server exit, an internal error or logged exception, an
 * invalid range, an unsafe fix or a CLI stack trace, and prints what reproduces it. `npm test` runs a
 * short fixed-seed run (`npm run test:fuzz`).
 */
import { parseArgs } from 'node:util';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { prng } from '../support/prng.js';
import { cliPath, repoRoot } from '../support/cli.js';
import { serverPath } from '../support/lsp-client.js';
import { loadCorpus, peerSuites } from './corpus.js';
import { pick } from './mutations.js';
import { FuzzFailure, LspFuzzer } from './lsp-fuzz.js';
import { CliFailure, CliFuzzer } from './cli-fuzz.js';
import { looksLikeManifest } from '../../server/indexer.js';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '100' },
    seed: { type: 'string', default: '1' },
    steps: { type: 'string', default: '8' },
    'cli-every': { type: 'string', default: '5' },
  },
});
const cases = Number(values.cases);
const seed = Number(values.seed);
const steps = Number(values.steps);
const cliEvery = Number(values['cli-every']);

function mb(bytes: number | undefined): string {
  return bytes === undefined ? '?' : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function report(failure: FuzzFailure | CliFailure): void {
  const dir = join(repoRoot, 'test-results', 'fuzz');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `failure-seed-${seed}.yaml`);
  writeFileSync(file, failure.reproduction.text);
  process.stderr.write(
    `\nFUZZ FAILURE (seed ${seed}): ${failure.message}\n` +
      `  started from: ${failure.reproduction.seed}\n` +
      `  steps:\n${failure.reproduction.steps.map((s) => `    - ${s}`).join('\n')}\n` +
      `  the text at the failure: ${file}\n`,
  );
}

async function main(): Promise<void> {
  for (const path of [serverPath, cliPath])
    if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run build\` first`);
  const corpus = loadCorpus();
  // The server analyses the documents that look like manifests; the others would never be answered.
  const seeds = corpus.seeds.filter((s) => looksLikeManifest(s.text));
  console.log(
    `fuzz: seed ${seed}, ${cases} cases of ${steps} steps, ${seeds.length} seed texts` +
      (corpus.peerSuites
        ? ' (peer suites included)'
        : ` (peer suites absent at ${peerSuites}: bundled seeds only)`),
  );
  const random = prng(seed);
  const lsp = new LspFuzzer(random);
  const cli = new CliFuzzer(random);
  const started = Date.now();
  let failed = false;
  await lsp.start();
  try {
    for (let i = 0; i < cases; i++) {
      await lsp.runCase(pick(random, seeds), steps);
      if (cliEvery > 0 && i % cliEvery === 0) cli.runCase(pick(random, seeds));
      if ((i + 1) % 100 === 0)
        console.log(
          `  ${i + 1} cases: ${lsp.stats.edits} edits, ${lsp.stats.fixesApplied} fixes, ${cli.stats.runs} CLI runs (${((Date.now() - started) / 1000).toFixed(0)} s)`,
        );
    }
  } catch (error) {
    if (!(error instanceof FuzzFailure || error instanceof CliFailure)) throw error;
    report(error);
    failed = true;
  } finally {
    await lsp.stop().catch(() => {});
    cli.dispose();
  }
  const s = lsp.stats;
  const rules = [...s.fixesByRule].sort((a, b) => b[1] - a[1]).map(([r, n]) => `${r} ${n}`);
  console.log(
    `fuzz: ${s.cases} cases, ${s.edits} edits, ${s.fixesApplied} fixes applied (${s.crossDocumentFixes} more offered in other files), ${s.requests} requests, ` +
      `${s.rangesChecked} ranges checked, ${cli.stats.runs} CLI runs in ${((Date.now() - started) / 1000).toFixed(0)} s\n` +
      `  fixes by rule: ${rules.join(', ') || 'none'}\n` +
      `  server heap after a forced GC: ${mb(s.memoryBefore)} before, ${mb(s.memoryAfter)} after\n` +
      `  ${failed ? 'FAILED' : '0 hangs, 0 crashes, 0 internal errors, 0 invalid ranges, 0 unsafe fixes'}`,
  );
  process.exitCode = failed ? 1 : 0;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
