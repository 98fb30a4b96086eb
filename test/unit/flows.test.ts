/**
 * Observed flows (shared/flows): the importers, endpoint resolution and the dry run, on fixtures of our
 * own (test/fixtures/cli/flows) and on the samples in ../shared/peer-suites/flows (read in place; skipped
 * when absent): Star Wars (the flow the CiliumNetworkPolicy drops) and Bookinfo (real Hubble flows).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SourceFile } from '../../shared/source/source-file.js';
import { analyze } from '../../shared/analysis.js';
import { importFlows } from '../../shared/flows/import.js';
import { FlowAggregator, verifyFlows } from '../../shared/flows/verify.js';
import { FlowTextReader } from '../../shared/flows/reader.js';
import type { FlowSink } from '../../shared/flows/reader.js';
import { FlowDigest } from '../../shared/flows/digest.js';
import { blockOf, generatePolicies, withoutExtended } from '../../shared/flows/generate.js';
import { entryPoints } from '../../shared/flows/entry-points.js';
import { intentViolation, parseIntent } from '../../shared/flows/intent.js';
import type { Workload } from '../../shared/model/types.js';
import type { FlowRecord } from '../../shared/flows/records.js';
import { repoRoot } from '../support/cli.js';
import { lint } from '../support/lint.js';
import { textOf } from '../support/manifests.js';
import { exampleFiles } from '../support/webview-host.js';
import { peerPath, peerSuitesAbsentMessage, peerSuitesPresent } from '../support/peer-suites.js';

const fixtures = join(repoRoot, 'test', 'fixtures', 'cli', 'flows');
const read = (path: string) => readFileSync(path, 'utf8');

function verify(manifests: readonly string[], flowFiles: readonly string[], namespace = 'default') {
  const analysis = analyze(
    manifests.map((p) => new SourceFile(p, read(p))),
    { defaultNamespace: namespace },
  );
  const imports = flowFiles.map((p) => {
    const result = importFlows(read(p));
    assert.ok(result, `${p}: a known format`);
    return result;
  });
  return { imports, report: verifyFlows(analysis.workspace.model, analysis.engine, imports) };
}

test('the plain CSV: records resolved by pod name patterns and IP; what would break, with the reason', () => {
  const { imports, report } = verify([join(fixtures, 'shop.yaml')], [join(fixtures, 'observed.csv')]);
  assert.equal(imports[0]!.format, 'plain-csv');
  assert.deepEqual(Object.fromEntries(imports[0]!.skipped), { 'protocol ICMP (not TCP, UDP or SCTP)': 1 });
  assert.deepEqual(report.summary, { records: 5, resolved: 4, skipped: 1, edges: 4, allowed: 3, denied: 1 });
  assert.deepEqual(report.wouldBreak, [
    {
      from: 'shop/web[Deployment]',
      to: 'shop/db[StatefulSet]',
      port: 5432,
      protocol: 'TCP',
      count: 3,
      reason:
        'ingress of shop/db[StatefulSet]: isolated by NetworkPolicy shop/db, and no rule allows TCP 5432',
    },
  ]);
  // Allowed but never observed: broadest first; the observed ports of a pair are taken off.
  assert.deepEqual(report.unobserved[0]!.ports.length, 3);
  const webToApi = report.unobserved.find(
    (u) => u.from === 'shop/web[Deployment]' && u.to === 'shop/api[Deployment]',
  );
  assert.deepEqual(
    webToApi?.ports.filter((p) => p.protocol === 'TCP'),
    [
      { protocol: 'TCP', port: 1, endPort: 8079 },
      { protocol: 'TCP', port: 8081, endPort: 65535 },
    ],
  );
  assert.ok(
    !report.unobserved.some((u) => u.from === 'shop/api[Deployment]' && u.to === 'shop/db[StatefulSet]'),
  );
});

test('Hubble JSON lines: replies are skipped, endpoints resolve by pod name or by labels', () => {
  const { imports, report } = verify(
    [join(fixtures, 'shop.yaml')],
    [join(fixtures, 'observed-hubble.jsonl')],
  );
  assert.equal(imports[0]!.format, 'hubble');
  assert.deepEqual(Object.fromEntries(imports[0]!.skipped), { reply: 1 });
  assert.equal(report.summary.edges, 2);
  // The labels-only source (namespace from k8s:io.kubernetes.pod.namespace) is web: it would break at db.
  assert.deepEqual(
    report.wouldBreak.map((b) => `${b.from} -> ${b.to} ${b.port}`),
    ['shop/web[Deployment] -> shop/db[StatefulSet] 5432'],
  );
});

test('a text of no known format is not read as flows', () => {
  assert.equal(importFlows('hello\nworld\n'), undefined);
  assert.equal(importFlows(read(join(fixtures, 'shop.yaml'))), undefined);
});

test(
  'Star Wars: the flow the CiliumNetworkPolicy drops would break, with rule1 as the reason',
  { skip: peerSuitesPresent ? false : peerSuitesAbsentMessage },
  () => {
    const app = peerPath('flows', 'paired-apps', 'starwars');
    const { report } = verify(
      [join(app, 'http-sw-app.yaml'), join(app, 'sw_l3_l4_policy.yaml')],
      [peerPath('flows', 'hubble', 'cilium-docs', 'exporter-fieldmask-starwars.jsonl')],
    );
    assert.deepEqual(report.wouldBreak, [
      {
        from: 'default/xwing[Pod]',
        to: 'default/deathstar[Deployment]',
        port: 80,
        protocol: 'TCP',
        count: 1,
        reason:
          'ingress of default/deathstar[Deployment]: isolated by CiliumNetworkPolicy default/rule1, and no rule allows it',
      },
    ]);
  },
);

test(
  'Bookinfo: real Hubble flows resolve to the application workloads; no policy, nothing would break',
  { skip: peerSuitesPresent ? false : peerSuitesAbsentMessage },
  () => {
    const flows = ['tcp', 'udp', 'l7-redirected'].map((k) =>
      peerPath('flows', 'hubble', 'hubble-otel-bookinfo', `basic-sample-400-${k}-flows.json`),
    );
    const { report } = verify(
      [peerPath('flows', 'paired-apps', 'bookinfo', 'bookinfo.yaml')],
      flows,
      'bookinfo',
    );
    assert.equal(report.summary.records, 1200);
    assert.equal(report.skippedReasons.reply, 280);
    assert.equal(report.wouldBreak.length, 0);
    // The application's request edges (README of paired-apps: productpage -> details and reviews, reviews
    // -> ratings, and the getting-started check ratings -> productpage), all on 9080/TCP.
    assert.deepEqual(
      report.observed.filter((e) => e.port === 9080).map((e) => `${e.from} -> ${e.to}`),
      [
        'bookinfo/productpage-v1[Deployment] -> bookinfo/details-v1[Deployment]',
        'bookinfo/productpage-v1[Deployment] -> bookinfo/reviews-v1[Deployment]',
        'bookinfo/productpage-v1[Deployment] -> bookinfo/reviews-v2[Deployment]',
        'bookinfo/productpage-v1[Deployment] -> bookinfo/reviews-v3[Deployment]',
        'bookinfo/ratings-v1[Deployment] -> bookinfo/productpage-v1[Deployment]',
        'bookinfo/reviews-v2[Deployment] -> bookinfo/ratings-v1[Deployment]',
        'bookinfo/reviews-v3[Deployment] -> bookinfo/ratings-v1[Deployment]',
      ],
    );
    // kube-dns and the collectors are not in the workspace: named as unresolved, never guessed.
    assert.ok(report.unresolved.some((u) => u.endpoint.startsWith('kube-system/coredns-')));
    assert.ok(report.unresolved.every((u) => u.why.length > 0));
  },
);

test(
  'Calico flow logs and Antrea Flow Aggregator CSV: fields, verdicts and protocols',
  { skip: peerSuitesPresent ? false : peerSuitesAbsentMessage },
  () => {
    const calico = importFlows(
      read(peerPath('flows', 'calico', 'tigera-docs', 'ce-flowlog-no-aggregation.repaired.json')),
    );
    assert.equal(calico?.format, 'calico');
    assert.deepEqual(calico.records, [
      {
        source: {
          namespace: 'policy-demo',
          pod: 'access-6b687c8dcb-zn5s2',
          labels: { 'pod-template-hash': '6b687c8dcb', app: 'access' },
          ip: '192.168.47.9',
        },
        destination: {
          namespace: 'policy-demo',
          pod: 'nginx-86c57db685-h6792',
          labels: { 'pod-template-hash': '86c57db685', app: 'nginx' },
          ip: '192.168.138.79',
        },
        port: 80,
        protocol: 'TCP',
        verdict: 'allowed',
        count: 1,
        time: '2020-08-11T17:14:43.000Z',
      },
    ]);
    // The docs' original is not valid JSON (a trailing comma): not read as flows.
    assert.equal(
      importFlows(read(peerPath('flows', 'calico', 'tigera-docs', 'ce-flowlog-no-aggregation.doc.json'))),
      undefined,
    );
    const antrea = importFlows(read(peerPath('flows', 'antrea', 'flow-aggregator-flowlogger.golden.csv')));
    assert.equal(antrea?.format, 'antrea-csv');
    // The pretty-printed and the raw variant of one record: TCP 5201, dropped by the ingress rule.
    assert.deepEqual(
      antrea.records.map(
        (r) =>
          `${r.source.namespace}/${r.source.pod} -> ${r.destination.namespace}/${r.destination.pod} ${r.protocol} ${r.port} ${r.verdict}`,
      ),
      [
        'antrea-test/perftest-a -> antrea-test-b/perftest-b TCP 5201 denied',
        'antrea-test/perftest-a -> antrea-test-b/perftest-b TCP 5201 denied',
      ],
    );
  },
);

test('flags: the metadata endpoint, an undeclared port, a connection that skips a tier', () => {
  const { report } = verify(
    [join(fixtures, 'shop.yaml')],
    [join(fixtures, 'observed.csv'), join(fixtures, 'observed-flags.csv')],
  );
  assert.deepEqual(
    report.flags.map((f) => `${f.kind} ${f.from} -> ${f.to} ${f.protocol} ${f.port}`),
    [
      'metadata-endpoint shop/web[Deployment] -> 0.0.0.0/0,::/0 TCP 80',
      'undeclared-port shop/web[Deployment] -> shop/api[Deployment] TCP 9090',
      'skips-a-tier shop/web[Deployment] -> shop/db[StatefulSet] TCP 5432',
    ],
  );
  assert.match(report.flags[2]!.reason, /reaches shop\/db\[StatefulSet\] through shop\/api\[Deployment\]/);
});

test(
  'Kubescape NetworkNeighborhood: the workload by kind and name, neighbours by selector, everything observed is allowed',
  { skip: peerSuitesPresent ? false : peerSuitesAbsentMessage },
  () => {
    const nn = importFlows(
      read(peerPath('flows', 'kubescape-networkneighborhood', 'storage-v2', 'nn-operator.json')),
    );
    assert.equal(nn?.format, 'kubescape');
    const egress = nn.records.filter((r) => r.source.workload?.name === 'operator');
    assert.ok(
      egress.some((r) => r.destination.ip === '35.186.253.219' && r.port === 443 && r.protocol === 'TCP'),
    );
    assert.ok(egress.some((r) => r.destination.labels?.app === 'otel-collector' && r.port === 4317));
    assert.ok(nn.records.every((r) => r.verdict === 'allowed'));
    // Against a workspace with the operator and its collector: the internal neighbour resolves by selector.
    const workspace = `apiVersion: apps/v1
kind: Deployment
metadata: {name: operator, namespace: kubescape}
spec:
  selector: {matchLabels: {app.kubernetes.io/name: operator}}
  template:
    metadata: {labels: {app.kubernetes.io/name: operator, app.kubernetes.io/instance: kubescape, tier: ks-control-plane}}
    spec: {containers: [{name: operator, image: operator}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: otel-collector, namespace: kubescape}
spec:
  selector: {matchLabels: {app: otel-collector}}
  template:
    metadata: {labels: {app: otel-collector}}
    spec: {containers: [{name: otel, image: otel, ports: [{containerPort: 4317}]}]}
`;
    const analysis = analyze([new SourceFile('ks.yaml', workspace)]);
    const report = verifyFlows(analysis.workspace.model, analysis.engine, [nn]);
    assert.ok(
      report.observed.some(
        (e) =>
          e.from === 'kubescape/operator[Deployment]' &&
          e.to === 'kubescape/otel-collector[Deployment]' &&
          e.port === 4317,
      ),
      JSON.stringify(report.observed),
    );
  },
);

test(
  'Inspektor Gadget traces, 2023 and 2022 shapes: the local pod, the remote pod or Service selector, the direction',
  { skip: peerSuitesPresent ? false : peerSuitesAbsentMessage },
  () => {
    for (const file of ['connect-to-svc.input', 'connect-to-svc.v2022-flat.input']) {
      const trace = importFlows(read(peerPath('flows', 'inspektor-gadget', 'advisor-testdata', file)));
      assert.equal(trace?.format, 'inspektor-gadget', file);
      const dns = trace.records.find((r) => r.port === 53);
      assert.deepEqual(
        dns?.destination,
        { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' }, labelsSelect: true },
        file,
      );
      assert.equal(dns?.protocol, 'UDP');
      assert.equal(dns?.source.pod, 'test-pod');
      // The API server's Service (default/kubernetes) has no selector: its records are skipped, and said so.
      assert.ok((trace.skipped.get('a Service without a selector') ?? 0) > 0, file);
    }
  },
);

/** Every record a sink receives, and the skipped counts. */
class Collect implements FlowSink {
  readonly records: FlowRecord[] = [];
  readonly skipped: Record<string, number> = {};
  add(record: FlowRecord): void {
    this.records.push(record);
  }
  skip(reason: string, count = 1): void {
    this.skipped[reason] = (this.skipped[reason] ?? 0) + count;
  }
}

function readInChunks(text: string, size: number): { format: string | undefined; sink: Collect } {
  const sink = new Collect();
  const reader = new FlowTextReader(sink);
  for (let i = 0; i < text.length; i += size) reader.push(text.slice(i, i + size));
  return { format: reader.end(), sink };
}

test('the chunked reader: the same records whatever the chunk size, CRLF and a byte-order mark; whole formats at the end', () => {
  const text = read(join(fixtures, 'observed-hubble.jsonl'));
  const whole = importFlows(text)!;
  for (const variant of [text, `\uFEFF${text.replace(/\n/g, '\r\n')}`, text.trimEnd()])
    for (const size of [1, 7, 100, 1 << 20]) {
      const { format, sink } = readInChunks(variant, size);
      assert.equal(format, 'hubble');
      assert.deepEqual(sink.records, whole.records, `chunks of ${size}`);
      assert.deepEqual(sink.skipped, Object.fromEntries(whole.skipped));
    }
  // A JSON array is read whole when the text ends; a text of no known format adds nothing.
  const array = JSON.stringify([{ source: 'shop/a-0', destination: 'shop/b-0', port: 80, protocol: 'TCP' }]);
  const arrayRead = readInChunks(array, 5);
  assert.equal(arrayRead.format, 'plain-json');
  assert.equal(arrayRead.sink.records.length, 1);
  const unknown = readInChunks('hello\nworld\n', 3);
  assert.deepEqual([unknown.format, unknown.sink.records.length], [undefined, 0]);
});

test('the digest of a flow file: replayed into the dry run, it gives the report of the records themselves', () => {
  const manifests = [join(fixtures, 'shop.yaml')];
  const analysis = analyze(manifests.map((p) => new SourceFile(p, read(p))));
  for (const file of ['observed.csv', 'observed-hubble.jsonl', 'observed-flags.csv']) {
    const text = read(join(fixtures, file));
    // The records twice: aggregated in the digest, counted twice in both.
    const direct = new FlowAggregator(analysis.workspace.model, analysis.engine);
    const digest = new FlowDigest();
    for (const sink of [direct, digest]) {
      const reader = new FlowTextReader(sink);
      reader.push(text + text);
      reader.end();
    }
    assert.ok(digest.size <= digest.records);
    const replayed = new FlowAggregator(analysis.workspace.model, analysis.engine);
    digest.replay(replayed);
    assert.deepEqual(replayed.report(), direct.report(), file);
  }
});

test('generate: names the workspace uses stay theirs, and flows existing policies allow get no rule', () => {
  const sources = [
    new SourceFile(
      'shop.yaml',
      [
        ...['web', 'api', 'admin'].map(
          (app) =>
            `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${app}, namespace: shop}\nspec:\n  selector: {matchLabels: {app: ${app}}}\n  template:\n    metadata: {labels: {app: ${app}}}\n    spec: {containers: [{name: c, image: i, ports: [{containerPort: 8080}]}]}\n`,
        ),
        'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: api-ingress, namespace: shop}\nspec:\n  podSelector: {matchLabels: {app: api}}\n  ingress: [{from: [{podSelector: {matchLabels: {app: admin}}}]}]\n',
        'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: allow-dns, namespace: shop}\nspec: {podSelector: {matchLabels: {app: nothing}}}\n',
      ].join('---\n'),
    ),
  ];
  const analysis = analyze(sources);
  const aggregator = new FlowAggregator(analysis.workspace.model, analysis.engine);
  const reader = new FlowTextReader(aggregator);
  reader.push(
    'source,destination,port,protocol\nshop/web-5d8f7c9b4-x2x9q,shop/api-7f9c6d8b5-k4m2p,8080,TCP\nshop/admin-6c8d9f7b5-q8w2e,shop/api-7f9c6d8b5-k4m2p,8080,TCP\n',
  );
  reader.end();
  const generated = generatePolicies(
    analysis.workspace.model,
    analysis.engine,
    aggregator.observedEdges(),
    analysis.settings,
  );
  const names = [...generated.yaml.matchAll(/^ {2}name: (.+)$/gm)].map((m) => m[1]);
  assert.deepEqual(names, [
    'default-deny',
    'allow-dns-observed',
    'api-ingress-observed',
    'admin-egress',
    'web-egress',
  ]);
  // The new api ingress rule admits web only: admin is allowed by the existing api-ingress already.
  const apiIngress = generated.yaml.split('---').find((d) => d.includes('name: api-ingress-observed'))!;
  assert.match(apiIngress, /app: web/);
  assert.doesNotMatch(apiIngress, /app: admin/);
  // Checked by construction: nothing observed would break, and no policy of the result is rejected.
  const checked = analyze([...sources, new SourceFile('generated.yaml', generated.yaml)]);
  assert.deepEqual(
    checked.workspace.model.policies.filter((p) => p.rejected).map((p) => p.name),
    [],
  );
  const check = new FlowAggregator(checked.workspace.model, checked.engine);
  const again = new FlowTextReader(check);
  again.push(
    'source,destination,port,protocol\nshop/web-5d8f7c9b4-x2x9q,shop/api-7f9c6d8b5-k4m2p,8080,TCP\nshop/admin-6c8d9f7b5-q8w2e,shop/api-7f9c6d8b5-k4m2p,8080,TCP\n',
  );
  again.end();
  assert.deepEqual(check.report().wouldBreak, []);
});

test('flow-would-drop: on each policy that denies the observed connection, once per connection, with its reasons', () => {
  const { findings } = lint(exampleFiles(), {}, read(join(repoRoot, 'examples', 'flows', 'observed.csv')));
  const drops = findings.filter((f) => f.rule === 'flow-would-drop');
  assert.deepEqual(
    drops.map((f) => [f.file.path, textOf(f.file, f.span)]),
    [
      ['examples/shop/policies.yaml', 'default-deny'],
      ['examples/shop/policies.yaml', 'frontend'],
      ['examples/shop/policies.yaml', 'db'],
    ],
  );
  const [defaultDeny, frontendPolicy] = drops;
  assert.equal(
    defaultDeny!.message,
    'Would drop 3 observed flows from shop/frontend[Deployment] to shop/db[StatefulSet] on TCP 5432: ' +
      'egress of shop/frontend[Deployment]: isolated by NetworkPolicy shop/default-deny, NetworkPolicy shop/frontend, and no rule allows TCP 5432; ' +
      'ingress of shop/db[StatefulSet]: isolated by NetworkPolicy shop/default-deny, NetworkPolicy shop/db, and no rule allows TCP 5432.',
  );
  assert.deepEqual(defaultDeny!.data, {
    connections: [
      {
        from: 'shop/frontend[Deployment]',
        to: 'shop/db[StatefulSet]',
        port: 5432,
        protocol: 'TCP',
        count: 3,
      },
    ],
  });
  assert.match(frontendPolicy!.message, /: egress of shop\/frontend\[Deployment\]: isolated by/);
  assert.doesNotMatch(frontendPolicy!.message, /ingress of/);
  // Flows the cluster already dropped are left out; without flows, nothing.
  const dropped =
    'source,destination,port,protocol,verdict\nshop/frontend-5d8f7c9b4-x2x9q,shop/db-0,5432,TCP,denied\n';
  assert.deepEqual(
    lint(exampleFiles(), {}, dropped).findings.filter((f) => f.rule === 'flow-would-drop'),
    [],
  );
  assert.deepEqual(
    lint(exampleFiles()).findings.filter((f) => f.rule === 'flow-would-drop'),
    [],
  );
});

function readWith(text: string, chunk = 64): { format: string | undefined; sink: Collect } {
  return readInChunks(text, chunk);
}

test('kube-network-policies packet logs: packets joined with their verdicts by id, streamed', () => {
  const { format, sink } = readWith(read(join(fixtures, 'kube-network-policies.jsonl')), 37);
  assert.equal(format, 'kube-network-policies');
  assert.deepEqual(
    sink.records.map((r) => [r.source.pod ?? r.source.ip, r.destination.pod, r.port, r.protocol, r.verdict]),
    [
      ['web-5d8f7c9b4-x2x9q', 'api-7f9c6d8b5-k4m2p', 8080, 'TCP', 'allowed'],
      ['web-5d8f7c9b4-x2x9q', 'db-0', 5432, 'TCP', 'denied'],
      // No verdict came for packet 3 (its source is outside the cluster: an address).
      ['203.0.113.9', 'web-5d8f7c9b4-x2x9q', 53, 'UDP', 'unknown'],
    ],
  );
  assert.deepEqual(sink.skipped, { 'a verdict without its packet entry': 1 });
  // Against the shop fixture: web -> db was denied by the cluster and is denied by the policies.
  const analysis = analyze([new SourceFile('shop.yaml', read(join(fixtures, 'shop.yaml')))]);
  const aggregator = new FlowAggregator(analysis.workspace.model, analysis.engine);
  for (const r of sink.records) aggregator.add(r);
  const denied = aggregator.report().observed.find((o) => o.to === 'shop/db[StatefulSet]');
  assert.deepEqual([denied?.verdicts, denied?.allowed], [['denied'], false]);
});

test(
  'EKS network policy agent, NetObserv (Loki) and kube-network-policies docs samples',
  { skip: peerSuitesPresent ? false : peerSuitesAbsentMessage },
  () => {
    const eks = readWith(
      read(peerPath('flows', 'aws-eks-network-policy-agent', 'node-agent-flow-info.jsonl')),
    );
    assert.equal(eks.format, 'eks-network-policy-agent');
    // Both formats (keys and `msg`), IP addresses only; the ICMP line is skipped.
    assert.equal(eks.sink.records.length, 7);
    assert.deepEqual(eks.sink.skipped, { 'protocol ICMP (not TCP, UDP or SCTP)': 1 });
    assert.deepEqual(eks.sink.records.map((r) => r.verdict).sort(), [
      'allowed',
      'allowed',
      'allowed',
      'allowed',
      'allowed',
      'denied',
      'denied',
    ]);
    assert.ok(eks.sink.records.every((r) => r.source.ip && r.destination.ip && !r.source.namespace));
    // The malformed and partial lines the upstream tests reject: skipped with their reasons, never thrown.
    const bad = readWith(
      read(peerPath('flows', 'aws-eks-network-policy-agent', 'node-agent-malformed-or-partial.txt')),
    );
    assert.ok((bad.sink.skipped['a flow line without addresses, port, protocol or verdict'] ?? 0) >= 3);
    assert.equal(bad.sink.skipped['a line that is not JSON'], 1);

    const loki = readWith(read(peerPath('flows', 'netobserv', 'loki-query_range-flow_records.json')));
    assert.equal(loki.format, 'netobserv-loki');
    assert.equal(loki.sink.records.length + Object.values(loki.sink.skipped).reduce((a, b) => a + b, 0), 50);
    assert.ok(loki.sink.skipped['host (node) traffic']! > 0);
    assert.ok(loki.sink.skipped['reply (the destination port is ephemeral)']! > 0);
    const prometheus = loki.sink.records.find((r) => r.source.pod === 'prometheus-k8s-1');
    assert.deepEqual(
      prometheus && [prometheus.source.namespace, prometheus.destination.namespace, prometheus.port],
      ['openshift-monitoring', 'openshift-monitoring', 8443],
    );

    // The docs' pretty-printed entries, one file each: read whole, joined by id.
    const kube = readWith(
      `${read(peerPath('flows', 'kube-network-policies', 'json-logging.docs-packet-entry.json'))}\n${read(
        peerPath('flows', 'kube-network-policies', 'json-logging.docs-verdict-entry.json'),
      )}`,
    );
    assert.equal(kube.format, 'kube-network-policies');
    assert.deepEqual(
      kube.sink.records.map((r) => [r.source.namespace, r.source.pod, r.destination.pod, r.port, r.verdict]),
      [['default', 'frontend', 'backend', 8080, 'denied']],
    );
  },
);

test('flags: flows from outside the cluster to a workload nothing exposes (Service types, Ingress, Route, HTTPRoute)', () => {
  const exposures = [
    'apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec: {type: LoadBalancer, selector: {app: web}, ports: [{port: 80}]}',
    'apiVersion: v1\nkind: Service\nmetadata: {name: api, namespace: shop}\nspec: {selector: {app: api}, ports: [{port: 8080}]}',
  ];
  const flows =
    'source,destination,port,protocol\n203.0.113.5,shop/web-5d8f7c9b4-x2x9q,80,TCP\n203.0.113.6,shop/api-7f9c6d8b5-k4m2p,8080,TCP\n';
  const flagged = (extra: string) => {
    const sources = [
      new SourceFile('shop.yaml', read(join(fixtures, 'shop.yaml'))),
      new SourceFile('exposure.yaml', [...exposures, extra].filter(Boolean).join('\n---\n')),
    ];
    const analysis = analyze(sources, { defaultNamespace: 'default' });
    const aggregator = new FlowAggregator(analysis.workspace.model, analysis.engine, {
      entryPoints: entryPoints(analysis.workspace, 'default'),
    });
    const reader = new FlowTextReader(aggregator);
    reader.push(flows);
    reader.end();
    return aggregator
      .report()
      .flags.filter((f) => f.kind === 'external-unexposed')
      .map((f) => [f.to, f.reason]);
  };
  // The web is behind a LoadBalancer; the api's Service is ClusterIP and nothing routes to it.
  assert.deepEqual(flagged(''), [
    [
      'shop/api[Deployment]',
      'from outside the cluster (203.0.113.6) to shop/api[Deployment], which nothing in the workspace exposes (no NodePort or LoadBalancer Service, Ingress, Route or HTTPRoute leads to it)',
    ],
  ]);
  for (const route of [
    'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: api, namespace: shop}\nspec: {rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: api, port: {number: 8080}}}}]}}]}',
    'apiVersion: route.openshift.io/v1\nkind: Route\nmetadata: {name: api, namespace: shop}\nspec: {to: {kind: Service, name: api}}',
    'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: api, namespace: edge}\nspec: {rules: [{backendRefs: [{name: api, namespace: shop, port: 8080}]}]}',
  ])
    assert.deepEqual(flagged(route), [], route);
});

test('generate: addresses outside the cluster as /32 or /128, or the networks of the configured prefixes', () => {
  assert.equal(blockOf('203.0.113.77', {}), '203.0.113.77/32');
  assert.equal(blockOf('203.0.113.77', { aggregateV4: 24 }), '203.0.113.0/24');
  assert.equal(blockOf('203.0.113.77', { aggregateV4: 0 }), '0.0.0.0/0');
  assert.equal(blockOf('2001:db8:1:2:3::9', { aggregateV6: 64 }), '2001:db8:1:2::/64');
  assert.equal(blockOf('2001:db8::9', {}), '2001:db8::9/128');
});

test('generate --api cilium: L7 rules from the observed requests, paths as escaped regular expressions without the query', () => {
  const analysis = analyze([new SourceFile('shop.yaml', read(join(fixtures, 'shop.yaml')))]);
  const aggregator = new FlowAggregator(analysis.workspace.model, analysis.engine);
  const web = { namespace: 'shop', pod: 'web-5d8f7c9b4-x2x9q' };
  const api = { namespace: 'shop', pod: 'api-7f9c6d8b5-k4m2p' };
  for (const [method, path] of [
    ['GET', '/v1/items.json?page=2'],
    ['POST', '/v1/cart/(new)'],
  ] as const)
    aggregator.add({
      source: web,
      destination: api,
      port: 8080,
      protocol: 'TCP',
      verdict: 'allowed',
      count: 2,
      http: { method, path },
    });
  const { yaml } = generatePolicies(
    analysis.workspace.model,
    analysis.engine,
    aggregator.observedEdges(),
    analysis.settings,
    { cilium: true },
  );
  assert.match(
    yaml,
    /name: api-ingress\n[\s\S]*?- fromEndpoints:\n {8}- matchLabels:\n {12}app: web\n {6}toPorts:\n {8}- ports: \[\{port: "8080", protocol: TCP\}\]\n {10}rules:\n {12}http:\n {14}- \{method: GET, path: \/v1\/items\\\.json\}\n {14}- \{method: POST, path: \/v1\/cart\/\\\(new\\\)\}/,
  );
});

test('intent files: tiers, selectors, "*" and ports; ends the file does not name are not judged', () => {
  const { intent, errors } = parseIntent(
    [
      'tiers:',
      '  web: {namespace: shop, labels: {app: web}}',
      'allow:',
      '  - {from: web, to: {namespace: shop, labels: {app: api}}}',
      '  - {from: {namespace: monitoring}, to: "*", ports: [9090/TCP, 53/udp]}',
    ].join('\n'),
  );
  assert.deepEqual(errors, []);
  assert.ok(intent);
  const w = (namespace: string, app: string) =>
    ({ namespace, name: app, kind: 'Deployment', labels: { app } }) as unknown as Workload;
  const [web, api, db, prometheus, other] = [
    w('shop', 'web'),
    w('shop', 'api'),
    w('shop', 'db'),
    w('monitoring', 'prometheus'),
    w('elsewhere', 'x'),
  ];
  assert.equal(intentViolation(intent, web!, api!, 'TCP', 8080), undefined);
  assert.equal(
    intentViolation(intent, api!, web!, 'TCP', 80),
    'the intent file allows no shop → web on TCP 80',
  );
  assert.equal(intentViolation(intent, prometheus!, web!, 'TCP', 9090), undefined);
  assert.equal(
    intentViolation(intent, prometheus!, web!, 'TCP', 8080),
    'the intent file allows no monitoring → web on TCP 8080',
  );
  // db and the other namespace are named by no tier or entry: not judged.
  assert.equal(intentViolation(intent, web!, db!, 'TCP', 5432), undefined);
  assert.equal(intentViolation(intent, other!, web!, 'TCP', 80), undefined);
  assert.deepEqual(parseIntent('allow: {from: a}').errors, ['allow: a list of {from, to[, ports]} entries']);
  assert.deepEqual(parseIntent('allow:\n  - {from: "*", to: "*", ports: [http]}').errors, [
    'allow[0].ports: "http" is not a port such as 5432/TCP',
  ]);
});

test(
  'Hubble compact text and L7: a request the L7 rules do not allow would break, with the rules it misses',
  { skip: peerSuitesPresent ? false : peerSuitesAbsentMessage },
  () => {
    const text = read(peerPath('flows', 'hubble', 'cilium-docs', 'hubble-cli-starwars-compact.txt'));
    const { format, sink } = readInChunks(text, 50);
    assert.equal(format, 'hubble-compact');
    assert.deepEqual(sink.skipped, { reply: 1 });
    assert.deepEqual(
      sink.records.map((r) => [
        r.source.pod,
        r.destination.pod,
        r.port,
        r.verdict,
        r.http?.method,
        r.http?.path,
      ]),
      [
        ['tiefighter', 'deathstar-c74d84667-cx5kp', 80, 'allowed', 'POST', '/v1/request-landing'],
        ['tiefighter', 'deathstar-c74d84667-cx5kp', 80, 'denied', 'PUT', '/v1/exhaust-port'],
        ['tiefighter', 'deathstar-c74d84667-cx5kp', 80, 'denied', 'PUT', '/v1/exhaust-port'],
        ['xwing', 'deathstar-c74d84667-cx5kp', 80, 'denied', undefined, undefined],
        ['xwing', 'deathstar-c74d84667-cx5kp', 80, 'denied', undefined, undefined],
        ['xwing', 'deathstar-c74d84667-cx5kp', 80, 'denied', undefined, undefined],
      ],
    );
    const app = peerPath('flows', 'paired-apps', 'starwars');
    const analysis = analyze(
      ['http-sw-app.yaml', 'sw_l3_l4_l7_policy.yaml'].map((f) => new SourceFile(f, read(join(app, f)))),
    );
    const aggregator = new FlowAggregator(analysis.workspace.model, analysis.engine);
    for (const r of sink.records) aggregator.add(r);
    assert.deepEqual(
      aggregator.report().wouldBreak.map((b) => [b.from, b.count, b.reason]),
      [
        [
          'default/xwing[Pod]',
          3,
          'ingress of default/deathstar[Deployment]: isolated by CiliumNetworkPolicy default/rule1, and no rule allows it',
        ],
        [
          'default/tiefighter[Pod]',
          2,
          'HTTP PUT /v1/exhaust-port: the L7 rules on TCP 80 allow only POST /v1/request-landing',
        ],
      ],
    );
  },
);

test('flow-flagged: each flag on the workload the connection goes to, the kinds of netpolScope.flowFlags', () => {
  const flows = read(join(repoRoot, 'examples', 'flows', 'observed.csv'));
  const flagged = (settings: unknown) =>
    lint(exampleFiles(), settings, flows).findings.filter((f) => f.rule === 'flow-flagged');
  const [skips] = flagged({});
  assert.ok(skips);
  assert.equal(skips.severity, 'info');
  assert.deepEqual([skips.file.path, textOf(skips.file, skips.span)], ['examples/shop/workloads.yaml', 'db']);
  assert.match(
    skips.message,
    /^Observed traffic flagged \(skips-a-tier\): shop\/frontend\[Deployment\] → shop\/db\[StatefulSet\] on TCP 5432 \(3 flows\): shop\/frontend\[Deployment\] also reaches shop\/db\[StatefulSet\] through shop\/cart\[Deployment\]/,
  );
  assert.deepEqual(flagged({ flowFlags: ['metadata-endpoint'] }), []);
});

test('generate with the workspace: a policy that selects exactly the workload is extended (comments kept), not duplicated', () => {
  const policyText = [
    '# The api takes the admin only (for now).',
    'apiVersion: networking.k8s.io/v1',
    'kind: NetworkPolicy',
    'metadata: {name: api-ingress, namespace: shop}',
    'spec:',
    '  podSelector: {matchLabels: {app: api}}',
    '  ingress:',
    '  - from: [{podSelector: {matchLabels: {app: admin}}}] # the admin console',
    '',
  ].join('\n');
  const apps = ['web', 'api', 'admin']
    .map(
      (app) =>
        `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${app}, namespace: shop}\nspec:\n  selector: {matchLabels: {app: ${app}}}\n  template:\n    metadata: {labels: {app: ${app}}}\n    spec: {containers: [{name: c, image: i, ports: [{containerPort: 8080}]}]}\n`,
    )
    .join('---\n');
  const sources = [new SourceFile('apps.yaml', apps), new SourceFile('api.yaml', policyText)];
  const analysis = analyze(sources);
  const aggregator = new FlowAggregator(analysis.workspace.model, analysis.engine);
  const reader = new FlowTextReader(aggregator);
  const csv =
    'source,destination,port,protocol\nshop/web-5d8f7c9b4-x2x9q,shop/api-7f9c6d8b5-k4m2p,8080,TCP,allowed,7\n';
  reader.push(csv);
  reader.end();
  const generated = generatePolicies(
    analysis.workspace.model,
    analysis.engine,
    aggregator.observedEdges(),
    analysis.settings,
    { workspace: analysis.workspace },
  );
  const doc = generated.yaml.split('\n---\n').find((d) => d.includes('name: api-ingress'))!;
  assert.match(
    doc,
    /^# Extends NetworkPolicy shop\/api-ingress \(api\.yaml:2\): its rules and 1 observed ingress rule/,
  );
  assert.ok(
    doc.endsWith(
      [
        'apiVersion: networking.k8s.io/v1',
        'kind: NetworkPolicy',
        'metadata: {name: api-ingress, namespace: shop}',
        'spec:',
        '  podSelector: {matchLabels: {app: api}}',
        '  ingress:',
        '  - from: [{podSelector: {matchLabels: {app: admin}}}] # the admin console',
        '  - from:',
        '    - podSelector:',
        '        matchLabels:',
        '          app: web',
        '    ports:',
        '    - protocol: TCP',
        '      port: 8080',
      ].join('\n'),
    ),
    doc,
  );
  assert.deepEqual(generated.extended, [
    { path: 'api.yaml', span: analysis.workspace.policyObjects.values().next().value!.document.span },
  ]);
  // Applied: the extended policy replaces the original; nothing observed would break, nothing is duplicated.
  const applied = analyze([
    sources[0]!,
    new SourceFile('api.yaml', withoutExtended('api.yaml', policyText, generated.extended)),
    new SourceFile('generated.yaml', generated.yaml),
  ]);
  assert.deepEqual(
    applied.findings.filter((f) => f.rule === 'api-duplicate-policy'),
    [],
  );
  const check = new FlowAggregator(applied.workspace.model, applied.engine);
  const again = new FlowTextReader(check);
  again.push(csv);
  again.end();
  assert.deepEqual(check.report().wouldBreak, []);
});
