/**
 * `netpol-scope flows verify` through the built CLI: the JSON contract, the text and markdown summaries,
 * `--fail-on would-break`, a clear error for a file of no known flow format; `flows generate` checked by
 * running the dry run of its output against the same flows (on a fixture and on Bookinfo's real flows).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';
import { peerPath, peerSuitesAbsentMessage, peerSuitesPresent } from '../support/peer-suites.js';

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

test('flows generate: least-privilege policies with the flows behind each rule, checked against the same flows', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'flows-gen-')), 'generated.yaml');
  const r = runCli(['flows', 'generate', `${dir}/shop.yaml`, '--flows', `${dir}/observed.csv`, '-o', out]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(
    r.stderr,
    /6 policies generated; checked against the same flows: 4 observed connections, 0 would break/,
  );
  const yaml = readFileSync(out, 'utf8');
  assert.match(
    yaml,
    /name: default-deny\n {2}namespace: shop\nspec:\n {2}podSelector: \{\}\n {2}policyTypes: \[Ingress, Egress\]/,
  );
  assert.match(
    yaml,
    /name: allow-dns[\s\S]*kubernetes\.io\/metadata\.name: kube-system[\s\S]*k8s-app: kube-dns[\s\S]*\{protocol: UDP, port: 53\}\n {8}- \{protocol: TCP, port: 53\}/,
  );
  assert.match(
    yaml,
    /name: api-ingress[\s\S]*?matchLabels:\n {6}app: api\n[\s\S]*?# observed: 120 flows\n {4}- from:\n {8}- podSelector:\n {12}matchLabels:\n {14}app: web\n {6}ports:\n {8}- \{protocol: TCP, port: 8080\}/,
  );
  assert.match(yaml, /name: web-egress[\s\S]*- ipBlock:\n {12}cidr: 203\.0\.113\.7\/32/);
  // The generated set with the workspace: nothing observed would break.
  const verify = runCli([
    'flows',
    'verify',
    `${dir}/shop.yaml`,
    out,
    '--flows',
    `${dir}/observed.csv`,
    '--format',
    'json',
  ]);
  assert.equal((JSON.parse(verify.stdout) as { wouldBreak: unknown[] }).wouldBreak.length, 0);
});

test(
  'flows generate on Bookinfo: 0 would break, and nothing allowed beyond the observed connections',
  { skip: peerSuitesPresent ? false : peerSuitesAbsentMessage },
  () => {
    const app = peerPath('flows', 'paired-apps', 'bookinfo', 'bookinfo.yaml');
    const flows = ['tcp', 'udp', 'l7-redirected'].map((k) =>
      peerPath('flows', 'hubble', 'hubble-otel-bookinfo', `basic-sample-400-${k}-flows.json`),
    );
    const out = join(mkdtempSync(join(tmpdir(), 'flows-gen-')), 'bookinfo-policies.yaml');
    const gen = runCli(['flows', 'generate', app, '-n', 'bookinfo', '--flows', ...flows, '-o', out]);
    assert.equal(gen.status, 0, gen.stderr);
    // productpage reaches reviews-v1, -v2 and -v3 on 9080: one peer, `app: reviews`, selects exactly them.
    assert.match(
      readFileSync(out, 'utf8'),
      /name: productpage-v1-egress[\s\S]*?# observed: 150 flows[^\n]*\n {4}- to:\n {8}- podSelector:\n {12}matchLabels:\n {14}app: reviews\n/,
    );
    const verify = runCli([
      'flows',
      'verify',
      app,
      out,
      '-n',
      'bookinfo',
      '--flows',
      ...flows,
      '--format',
      'json',
    ]);
    const report = JSON.parse(verify.stdout) as {
      summary: { edges: number; allowed: number };
      wouldBreak: unknown[];
      unobserved: unknown[];
    };
    assert.equal(report.summary.edges, 7);
    assert.equal(report.summary.allowed, 7);
    assert.deepEqual(report.wouldBreak, []);
    // The cluster DNS is not in the workspace, so "plus DNS" adds no edge here: nothing else is allowed.
    assert.deepEqual(report.unobserved, []);

    // As CiliumNetworkPolicies with the observed HTTP requests as L7 rules: the same 7 connections, each
    // allowed for the requests seen (GET /productpage, GET /details/0, ...), and nothing would break.
    const cilium = join(mkdtempSync(join(tmpdir(), 'flows-gen-')), 'bookinfo-cilium.yaml');
    const genCilium = runCli([
      'flows',
      'generate',
      app,
      '-n',
      'bookinfo',
      '--api',
      'cilium',
      '--flows',
      ...flows,
      '-o',
      cilium,
    ]);
    assert.equal(genCilium.status, 0, genCilium.stderr);
    assert.match(genCilium.stderr, /checked against the same flows: 7 observed connections, 0 would break/);
    const yaml = readFileSync(cilium, 'utf8');
    assert.doesNotMatch(yaml, /networking\.k8s\.io/);
    assert.match(
      yaml,
      /kind: CiliumNetworkPolicy[\s\S]*endpointSelector: \{\}\n {2}ingress: \[\{\}\]\n {2}egress: \[\{\}\]/,
    );
    assert.match(yaml, /rules:\n {12}dns: \[\{matchPattern: "\*"\}\]/);
    const reach = runCli(['reach', app, cilium, '-n', 'bookinfo', '--level', 'workload', '--format', 'json']);
    const edges = (
      JSON.parse(reach.stdout) as {
        edges: Array<{
          from: string;
          to: string;
          ports: Array<{ http?: Array<{ method?: string; path?: string }> }>;
        }>;
      }
    ).edges;
    assert.equal(edges.length, 7);
    const details = edges.find((e) => e.to === 'bookinfo/details-v1[Deployment]');
    assert.deepEqual(details?.ports[0]?.http, [{ method: 'GET', path: '/details/0' }]);
  },
);

test('flows generate --aggregate 24: addresses outside the cluster as their /24 networks; a bad prefix is a usage error', () => {
  const r = runCli([
    'flows',
    'generate',
    `${dir}/shop.yaml`,
    '--flows',
    `${dir}/observed.csv`,
    '--aggregate',
    '24',
  ]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /- ipBlock:\n {12}cidr: 203\.0\.113\.0\/24/);
  assert.doesNotMatch(r.stdout, /203\.0\.113\.7\/32/);
  const bad = runCli([
    'flows',
    'generate',
    `${dir}/shop.yaml`,
    '--flows',
    `${dir}/observed.csv`,
    '--aggregate',
    '40',
  ]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--aggregate must be an IPv4 prefix length from 0 to 32/);
});

test('flows verify --intent: connections between named tiers that no entry allows are flagged; a bad file is an error', () => {
  const work = mkdtempSync(join(tmpdir(), 'flows-intent-'));
  const intent = join(work, 'intent.yaml');
  writeFileSync(
    intent,
    [
      'tiers:',
      '  web: {namespace: shop, labels: {app: web}}',
      '  api: {labels: {app: api}}',
      '  db: {labels: {app: db}}',
      'allow:',
      '  - {from: web, to: api}',
      '  - {from: api, to: db, ports: [5432/TCP]}',
    ].join('\n'),
  );
  const r = runCli([
    'flows',
    'verify',
    `${dir}/shop.yaml`,
    '--flows',
    `${dir}/observed.csv`,
    '--intent',
    intent,
  ]);
  assert.equal(r.status, 0, r.stderr);
  const flagged = r.stdout.split('\n').filter((l) => l.includes('[intent-violation]'));
  assert.deepEqual(flagged, [
    '  [intent-violation] shop/web[Deployment] -> shop/db[StatefulSet] TCP 5432 (3 records): the intent file allows no web → db on TCP 5432',
  ]);
  writeFileSync(
    intent,
    'allow:\n  - {from: fronted, to: api}\n  - {from: {namespace: shop, tier: x}, to: "*"}\n',
  );
  const bad = runCli([
    'flows',
    'verify',
    `${dir}/shop.yaml`,
    '--flows',
    `${dir}/observed.csv`,
    '--intent',
    intent,
  ]);
  assert.equal(bad.status, 2);
  assert.match(
    bad.stderr,
    /allow\[0\]\.from: unknown tier "fronted"; allow\[0\]\.to: unknown tier "api"; allow\[1\]\.from: unknown field `tier`/,
  );
});

test('flows verify --flags chooses the flags reported; an unknown one is a usage error', () => {
  const all = runCli([
    'flows',
    'verify',
    `${dir}/shop.yaml`,
    '--flows',
    `${dir}/observed-flags.csv`,
    '--format',
    'json',
  ]);
  const kinds = (r: { stdout: string }) =>
    [
      ...new Set((JSON.parse(r.stdout) as { flags: Array<{ kind: string }> }).flags.map((f) => f.kind)),
    ].sort();
  assert.deepEqual(kinds(all), ['metadata-endpoint', 'undeclared-port']);
  const one = runCli([
    'flows',
    'verify',
    `${dir}/shop.yaml`,
    '--flows',
    `${dir}/observed-flags.csv`,
    '--format',
    'json',
    '--flags',
    'undeclared-port',
  ]);
  assert.deepEqual(kinds(one), ['undeclared-port']);
  const none = runCli([
    'flows',
    'verify',
    `${dir}/shop.yaml`,
    '--flows',
    `${dir}/observed-flags.csv`,
    '--format',
    'json',
    '--flags',
    'none',
  ]);
  assert.deepEqual(kinds(none), []);
  const bad = runCli([
    'flows',
    'verify',
    `${dir}/shop.yaml`,
    '--flows',
    `${dir}/observed-flags.csv`,
    '--flags',
    'skips',
  ]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--flags: unknown flag skips/);
});
