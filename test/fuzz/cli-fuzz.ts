/**
 * Runs the built CLI (dist/cli.js) on mutated files: `check --format json` must print parseable JSON and
 * exit 0 or 1, `reach --format json` must print parseable JSON and exit 0; neither may print a stack
 * trace or an internal error, or take longer than the limit.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliPath } from '../support/cli.js';
import { mutate, pick } from './mutations.js';
import type { Random } from './mutations.js';
import type { Seed } from './corpus.js';

export const CLI_LIMIT_MS = 20_000;

export class CliFailure extends Error {
  constructor(
    message: string,
    readonly reproduction: { seed: string; steps: readonly string[]; text: string },
  ) {
    super(message);
  }
}

export interface CliStats {
  runs: number;
}

export class CliFuzzer {
  readonly stats: CliStats = { runs: 0 };
  private readonly dir = mkdtempSync(join(tmpdir(), 'netpol-fuzz-cli-'));

  constructor(private readonly random: Random) {}

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  runCase(seed: Seed): void {
    let text = seed.text;
    const steps: string[] = [];
    const count = 1 + Math.floor(this.random() * 4);
    for (let i = 0; i < count; i++) {
      const mutated = mutate(text, this.random);
      steps.push(mutated.name);
      text = mutated.text;
    }
    const file = join(this.dir, `case.${pick(this.random, ['yaml', 'yml', 'json'])}`);
    writeFileSync(file, text);
    const fail = (message: string): never => {
      throw new CliFailure(message, { seed: seed.name, steps, text });
    };
    for (const args of [
      ['check', file, '--format', 'json'],
      ['reach', file, '--format', 'json', '--level', pick(this.random, ['pod', 'workload'])],
    ]) {
      const result = spawnSync(process.execPath, [cliPath, ...args], {
        encoding: 'utf8',
        timeout: CLI_LIMIT_MS,
      });
      this.stats.runs++;
      const what = `netpol-scope ${args[0]}`;
      if (result.error) fail(`${what}: ${result.error.message}`);
      if (result.signal) fail(`${what} was killed by ${result.signal} (a hang or a crash)`);
      if (/\n\s+at |internal error|Error:/.test(result.stderr)) fail(`${what} failed:\n${result.stderr}`);
      const allowed = args[0] === 'check' ? [0, 1] : [0];
      if (!allowed.includes(result.status ?? -1)) fail(`${what} exited ${result.status}:\n${result.stderr}`);
      try {
        JSON.parse(result.stdout);
      } catch {
        fail(`${what} printed no JSON:\n${result.stdout.slice(0, 500)}`);
      }
    }
  }
}
