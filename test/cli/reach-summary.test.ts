/** `reach --format summary` and `--timings`: the figures agree with the pair listing, timings go to stderr. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../support/cli.js';

const app = 'test/fixtures/cli/app';

function figures(stdout: string): Map<string, string> {
  return new Map(
    stdout
      .trim()
      .split('\n')
      .map((line) => {
        const m = /^(.+?)\s{2,}(.+)$/.exec(line);
        assert.ok(m, line);
        return [m[1]!, m[2]!] as const;
      }),
  );
}

test('summary prints figures only, and its pod pairs match the pod-level listing', () => {
  const summary = runCli(['reach', app, '--format', 'summary']);
  assert.equal(summary.status, 0, summary.stderr);
  const values = figures(summary.stdout);
  for (const label of [
    'pods',
    'pod classes',
    'external blocks',
    'class pairs evaluated',
    'allowed pod pairs',
  ]) {
    assert.match(values.get(label) ?? '', /^\d[\d,]*/, label);
  }
  // Every pod of the fixture is its own node: the pod-level listing has one edge per allowed pod pair.
  const json = runCli(['reach', app, '--format', 'json']);
  const graph = JSON.parse(json.stdout) as {
    nodes: Array<{ id: string; kind: string }>;
    edges: Array<{ from: string; to: string }>;
  };
  const external = new Set(graph.nodes.filter((n) => n.kind === 'External').map((n) => n.id));
  const pairs = new Set(
    graph.edges
      .filter((e) => !external.has(e.from) && !external.has(e.to))
      .map((e) => `${e.from} -> ${e.to}`),
  );
  assert.ok(pairs.size > 0);
  assert.equal(values.get('allowed pod pairs'), pairs.size.toLocaleString('en-US'));
});

test('--timings reports every phase and the peak memory on stderr', () => {
  const result = runCli(['reach', app, '--format', 'summary', '--timings']);
  assert.equal(result.status, 0, result.stderr);
  for (const phase of ['read files', 'YAML parse', 'validate+model', 'engine classes', 'pairs', 'peak RSS']) {
    assert.match(
      result.stderr,
      new RegExp(`^  ${phase.replace('+', '\\+')}\\s+[\\d.]+ (ms|MB)$`, 'm'),
      phase,
    );
  }
  assert.doesNotMatch(result.stdout, /timings/);
});
