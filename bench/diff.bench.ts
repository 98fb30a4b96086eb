/**
 * Whole-process benchmark of `netpol-scope diff` against one `reach` of the same workspace.
 *
 *   npm run bench:diff [-- <size>] [--runs <n>]
 *
 * Generates the size (default large: 10,000 pods, 2,000 policies) into `.bench-data/<size>/` when
 * missing, copies it to `.bench-data/<size>-changed/` with ten policies changed (a port of a rule
 * moved, spread over the files), then times, from spawn to exit, `reach --level workload --format json`
 * of the workspace and `diff <size> <size>-changed --format json`, each `--runs` times after one warm-up
 * run, and prints the medians, their ratio and what the diff found. Figures only: no thresholds.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensureData, sizes } from './generate.js';

const root = resolve(__dirname, '..');
const CHANGED_POLICIES = 10;

/**
 * A copy of the workspace with `CHANGED_POLICIES` NetworkPolicies changed: in every n-th policy holding
 * a numeric port, that port moves by one (a rule opens another port than before).
 */
function changedCopy(directory: string): { directory: string; changed: string[] } {
  const target = `${directory}-changed`;
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  const files = readdirSync(directory)
    .filter((f) => f.endsWith('.yaml'))
    .sort();
  const policyDocs = files.flatMap((f) =>
    readFileSync(join(directory, f), 'utf8')
      .split(/^---$/m)
      .map((doc, index) => ({ file: f, index, doc }))
      .filter((d) => /^kind: NetworkPolicy$/m.test(d.doc) && /^\s+port: \d+$/m.test(d.doc)),
  );
  const step = Math.max(1, Math.floor(policyDocs.length / CHANGED_POLICIES));
  const chosen = new Set<string>();
  for (let i = 0; i < CHANGED_POLICIES && i * step < policyDocs.length; i++) {
    const d = policyDocs[i * step]!;
    chosen.add(`${d.file}#${d.index}`);
  }
  const changed: string[] = [];
  for (const f of files) {
    const docs = readFileSync(join(directory, f), 'utf8').split(/^---$/m);
    const out = docs.map((doc, index) => {
      if (!chosen.has(`${f}#${index}`)) return doc;
      changed.push(`${f}: ${/^ {2}name: (.*)$/m.exec(doc)?.[1] ?? '?'}`);
      return doc.replace(
        /^(\s+port: )(\d+)$/m,
        (_m, head: string, port: string) => `${head}${Number(port) + 1}`,
      );
    });
    writeFileSync(join(target, f), out.join('---'));
  }
  return { directory: target, changed };
}

function timed(args: readonly string[]): { ms: number; stdout: string } {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [join(root, 'dist', 'cli.js'), ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${args.join(' ')} failed: ${result.stderr}`);
  return { ms, stdout: result.stdout };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function main(argv: readonly string[]): void {
  const size = argv.find((a) => a in sizes) ?? 'large';
  const runsAt = argv.indexOf('--runs');
  const runs = runsAt >= 0 ? Number(argv[runsAt + 1]) : 3;
  const build = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('build failed');
  const before = ensureData(size);
  const { directory: after, changed } = changedCopy(before);
  const reachArgs = ['reach', before, '--level', 'workload', '--format', 'json'];
  const diffArgs = ['diff', before, after, '--format', 'json'];
  timed(reachArgs);
  const reach: number[] = [];
  const diff: number[] = [];
  let last = '';
  for (let i = 0; i < runs; i++) {
    reach.push(timed(reachArgs).ms);
    const d = timed(diffArgs);
    diff.push(d.ms);
    last = d.stdout;
  }
  const summary = (JSON.parse(last) as { summary: Record<string, number> }).summary;
  const r = median(reach);
  const d = median(diff);
  process.stdout.write(
    [
      `size ${size}: ${changed.length} policies changed (${changed.slice(0, 3).join('; ')}, ...)`,
      `reach --level workload --format json: median ${r.toFixed(0)} ms (${reach.map((x) => x.toFixed(0)).join(', ')})`,
      `diff --format json:                   median ${d.toFixed(0)} ms (${diff.map((x) => x.toFixed(0)).join(', ')})`,
      `diff / reach: ${(d / r).toFixed(2)}`,
      `the diff found: ${JSON.stringify(summary)}`,
      '',
    ].join('\n'),
  );
}

main(process.argv.slice(2));
