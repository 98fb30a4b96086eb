/**
 * Whole-process benchmark of `netpol-scope reach --format summary` on generated clusters.
 *
 *   npm run bench [-- <size>... ] [--runs <n>] [--cli <path>] [--no-build]
 *
 * Sizes default to small, medium and large (xlarge, 50,000 pods, on request). Data is generated into
 * `.bench-data/<size>/` when missing or stale. Each size runs once untimed (to warm the file cache),
 * then `--runs` times (default 5); the table gives wall time (median/min/max, from spawn to exit), CPU
 * time (user + system, with GNU time), peak RSS and the median of each phase the CLI reports with
 * `--timings`. Figures only: no thresholds.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensureData, sizes } from './generate.js';

const root = resolve(__dirname, '..');

interface Options {
  readonly sizes: string[];
  readonly runs: number;
  readonly cli: string;
  readonly build: boolean;
}

function parseArgs(argv: readonly string[]): Options {
  const chosen: string[] = [];
  let runs = 5;
  let cli: string | undefined;
  let build = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--runs') runs = Number(argv[++i]);
    else if (arg === '--cli') cli = resolve(argv[++i] ?? '');
    else if (arg === '--no-build') build = false;
    else if (arg in sizes) chosen.push(arg);
    else throw new Error(`unknown argument ${arg}; sizes are ${Object.keys(sizes).join(', ')}`);
  }
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs needs a positive integer');
  return {
    sizes: chosen.length > 0 ? chosen : ['small', 'medium', 'large'],
    runs,
    cli: cli ?? join(root, 'dist', 'cli.js'),
    build: build && cli === undefined,
  };
}

function dataSize(directory: string): number {
  return readdirSync(directory)
    .filter((name) => /\.ya?ml$/.test(name))
    .reduce((n, name) => n + statSync(join(directory, name)).size, 0);
}

interface Run {
  readonly wallMs: number;
  /** User + system CPU time (GNU time only): steadier than wall time on a busy machine. */
  readonly cpuMs: number;
  readonly rssMb: number;
  readonly phases: ReadonlyMap<string, number>;
  readonly figures: ReadonlyMap<string, string>;
}

const timeBinary = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

function runOnce(cli: string, directory: string): Run {
  const args = [cli, 'reach', directory, '--format', 'summary', '--timings'];
  const command = timeBinary ?? process.execPath;
  const commandArgs = timeBinary ? ['-v', process.execPath, ...args] : args;
  const start = process.hrtime.bigint();
  const result = spawnSync(command, commandArgs, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`netpol-scope failed (${result.status}):\n${result.stderr}`);

  const phases = new Map<string, number>();
  let rssMb = NaN;
  let cpuMs = 0;
  for (const line of result.stderr.split('\n')) {
    const phase = /^ {2}(.+?)\s+([\d.]+) ms$/.exec(line);
    if (phase) phases.set(phase[1]!, Number(phase[2]));
    const cliRss = /^ {2}peak RSS\s+([\d.]+) MB$/.exec(line);
    if (cliRss && Number.isNaN(rssMb)) rssMb = Number(cliRss[1]);
    // GNU time's figure (the whole process, in kilobytes) wins over the CLI's own.
    const timeRss = /Maximum resident set size \(kbytes\): (\d+)/.exec(line);
    if (timeRss) rssMb = Number(timeRss[1]) / 1024;
    const cpu = /(?:User|System) time \(seconds\): ([\d.]+)/.exec(line);
    if (cpu) cpuMs += Number(cpu[1]) * 1000;
  }
  const figures = new Map<string, string>();
  for (const line of result.stdout.split('\n')) {
    const m = /^(.+?)\s{2,}(.+)$/.exec(line);
    if (m) figures.set(m[1]!, m[2]!);
  }
  return { wallMs, cpuMs: timeBinary ? cpuMs : NaN, rssMb, phases, figures };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const PHASES = ['read files', 'YAML parse', 'validate+model', 'engine classes', 'pairs'];

function table(rows: ReadonlyArray<readonly string[]>): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: readonly string[]) =>
    r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

function main(): void {
  const options = parseArgs(process.argv.slice(2));
  if (options.build) {
    const build = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('build failed');
  }
  if (!existsSync(options.cli)) throw new Error(`${options.cli} does not exist; run npm run build`);

  const header = [
    'size',
    'pods',
    'policies',
    'YAML MB',
    'classes',
    'wall median',
    'min',
    'max',
    'CPU',
    'peak RSS',
    ...PHASES,
  ];
  const rows: string[][] = [header];
  for (const size of options.sizes) {
    const directory = ensureData(size);
    runOnce(options.cli, directory); // warm-up: file cache, not counted
    const runs: Run[] = [];
    for (let i = 0; i < options.runs; i++) runs.push(runOnce(options.cli, directory));
    const walls = runs.map((r) => r.wallMs);
    const figures = runs[0]!.figures;
    const ms = (n: number) => `${Math.round(n)} ms`;
    rows.push([
      size,
      figures.get('pods') ?? '?',
      (figures.get('policies') ?? '?').replace(/ \(.*\)$/, ''),
      (dataSize(directory) / 1024 / 1024).toFixed(1),
      figures.get('pod classes') ?? '?',
      ms(median(walls)),
      ms(Math.min(...walls)),
      ms(Math.max(...walls)),
      ms(median(runs.map((r) => r.cpuMs))),
      `${Math.round(median(runs.map((r) => r.rssMb)))} MB`,
      ...PHASES.map((phase) => ms(median(runs.map((r) => r.phases.get(phase) ?? NaN)))),
    ]);
    process.stderr.write(`${size}: done (${options.runs} runs)\n`);
  }
  const cpu = spawnSync('nproc', { encoding: 'utf8' }).stdout.trim();
  process.stdout.write(
    `netpol-scope reach --format summary, whole process; node ${process.version}, ${cpu} CPUs\n\n`,
  );
  process.stdout.write(table(rows) + '\n');
}

main();
