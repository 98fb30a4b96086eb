/**
 * `netpol-scope flows verify` through the built CLI: the JSON contract, the text and markdown summaries,
 * `--fail-on would-break`, and a clear error for a file of no known flow format.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../support/cli.js';

const dir = 'test/fixtures/cli/flows';
const args = [
  'flows',
  'verify',
  `${dir}/shop.yaml`,
  '--flows',
  `${dir}/observed.csv`,
  `${dir}/observed-hubble.jsonl`,
];

test('flows verify --format json follows the contract', () => {
  const r = runCli([...args, '--format', 'json']);
  assert.equal(r.status, 0, r.stderr);
  const json = JSON.parse(r.stdout) as {
    summary: Record<string, number>;
    wouldBreak: Array<Record<string, unknown>>;
    unobserved: Array<{ from: string; to: string; ports: Array<Record<string, unknown>> }>;
    skipped: Record<string, number>;
  };
  assert.deepEqual(Object.keys(json.summary), [
    'records',
    'resolved',
    'skipped',
    'edges',
    'allowed',
    'denied',
  ]);
  assert.deepEqual(json.summary, { records: 8, resolved: 6, skipped: 2, edges: 4, allowed: 3, denied: 1 });
  assert.deepEqual(json.skipped, { 'protocol ICMP (not TCP, UDP or SCTP)': 1, reply: 1 });
  assert.deepEqual(json.wouldBreak, [
    {
      from: 'shop/web[Deployment]',
      to: 'shop/db[StatefulSet]',
      port: 5432,
      protocol: 'TCP',
      count: 4,
      reason:
        'ingress of shop/db[StatefulSet]: isolated by NetworkPolicy shop/db, and no rule allows TCP 5432',
    },
  ]);
  for (const u of json.unobserved) {
    assert.ok(typeof u.from === 'string' && typeof u.to === 'string');
    for (const p of u.ports) assert.deepEqual(Object.keys(p), ['protocol', 'port', 'endPort']);
  }
});

test('flows verify: text and markdown summaries; --fail-on would-break sets the exit code', () => {
  const text = runCli([...args, '--fail-on', 'would-break']);
  assert.equal(text.status, 1);
  assert.match(
    text.stdout,
    /^Flows: 8 records, 6 resolved to workloads, 2 skipped \(1 protocol ICMP \(not TCP, UDP or SCTP\), 1 reply\); 4 observed connections: 3 allowed, 1 would break on enforce\./,
  );
  assert.match(
    text.stdout,
    /shop\/web\[Deployment\] -> shop\/db\[StatefulSet\] TCP 5432 \(4 records\): ingress of shop\/db/,
  );
  const markdown = runCli([...args, '--format', 'markdown']);
  assert.equal(markdown.status, 0);
  assert.match(markdown.stdout, /\*\*1 would break on enforce\*\*/);
  assert.match(
    markdown.stdout,
    /\| shop\/web\\\[Deployment\\\] \| shop\/db\\\[StatefulSet\\\] \| TCP 5432 \| 4 \|/,
  );
  assert.match(markdown.stdout, /<details><summary>Allowed but never observed<\/summary>/);
});

test('flows verify: a file of no known flow format is an error (exit 2)', () => {
  const r = runCli(['flows', 'verify', `${dir}/shop.yaml`, '--flows', `${dir}/shop.yaml`]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /shop\.yaml: not a flow file of a known format/);
});
