import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../support/cli.js';

const app = 'test/fixtures/cli/app';
const ALL = [
  { protocol: 'TCP', port: 1, endPort: 65535 },
  { protocol: 'UDP', port: 1, endPort: 65535 },
  { protocol: 'SCTP', port: 1, endPort: 65535 },
];
const REST = '0.0.0.0-203.0.112.255,203.0.113.128-255.255.255.255,::/0';
const BLOCK = '203.0.113.0/25';

interface ReachJson {
  level: string;
  nodes: Array<{ id: string; kind: string; namespace: string; name: string }>;
  edges: Array<{
    from: string;
    to: string;
    ports: Array<{ protocol: string; port: number; endPort: number }>;
    egress: {
      isolated: boolean;
      policies: string[];
      rules: Array<{ policy: string; direction: string; index: number; file: string; line: number }>;
    };
    ingress: {
      isolated: boolean;
      policies: string[];
      rules: Array<{ policy: string; direction: string; index: number; file: string; line: number }>;
    };
  }>;
}

function reachJson(args: string[]): ReachJson {
  const r = runCli(['reach', ...args, '--format', 'json']);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as ReachJson;
}

test('reach --format json follows the contract: nodes, edges with inclusive port ranges, no self pairs', () => {
  const out = reachJson([app]);
  assert.equal(out.level, 'pod');
  assert.deepEqual(
    out.nodes.map((n) => [n.id, n.kind, n.namespace, n.name]),
    [
      ['web/client', 'Pod', 'web', 'client'],
      ['web/server', 'Pod', 'web', 'server'],
      [REST, 'External', '', out.nodes[2]!.name],
      [BLOCK, 'External', '', out.nodes[3]!.name],
    ],
  );
  assert.deepEqual(
    out.edges.map((e) => [e.from, e.to, e.ports]),
    [
      ['web/client', 'web/server', [{ protocol: 'TCP', port: 80, endPort: 80 }]],
      ['web/client', BLOCK, [{ protocol: 'TCP', port: 443, endPort: 443 }]],
      ['web/server', 'web/client', ALL],
      ['web/server', REST, ALL],
      ['web/server', BLOCK, ALL],
      [REST, 'web/client', ALL],
      [BLOCK, 'web/client', ALL],
    ],
  );
});

test('reach JSON attributes each edge to the rules that allow it on both sides', () => {
  const out = reachJson([app]);
  const edge = out.edges.find((e) => e.from === 'web/client' && e.to === 'web/server')!;
  assert.deepEqual(edge.egress.policies, ['web/client-egress']);
  assert.deepEqual(
    edge.egress.rules.map((r) => [r.policy, r.direction, r.index, r.file, r.line]),
    [['web/client-egress', 'egress', 0, `${app}/manifests.yaml`, 66]],
  );
  assert.deepEqual(edge.ingress.policies, ['web/server-ingress']);
  assert.deepEqual(
    edge.ingress.rules.map((r) => [r.policy, r.direction, r.index, r.line]),
    [['web/server-ingress', 'ingress', 0, 48]],
  );
  const open = out.edges.find((e) => e.from === 'web/server' && e.to === 'web/client')!;
  assert.equal(open.egress.isolated, false);
  assert.equal(open.ingress.isolated, false);
});

test('reach --level workload names nodes namespace/name[Kind]', () => {
  const out = reachJson([app, '--level', 'workload']);
  assert.equal(out.level, 'workload');
  assert.deepEqual(
    out.nodes.filter((n) => n.kind !== 'External').map((n) => n.id),
    ['web/client[Pod]', 'web/server[Pod]'],
  );
  assert.equal(out.edges.length, 7);
});

test('reach --format csv lists one row per port range', () => {
  const r = runCli(['reach', app, '--format', 'csv']);
  assert.equal(r.status, 0);
  const rows = r.stdout.trim().split('\n');
  assert.equal(rows[0], 'from,to,protocol,port,endPort');
  assert.ok(rows.includes('web/client,web/server,TCP,80,80'));
  assert.ok(rows.includes(`web/client,${BLOCK},TCP,443,443`));
  assert.ok(rows.includes(`"${REST}",web/client,SCTP,1,65535`));
});

test('reach text output is a readable table with a summary', () => {
  const r = runCli(['reach', app]);
  assert.equal(r.status, 0);
  const lines = r.stdout.split('\n');
  assert.equal(lines[0], 'Reachability (pod level): 2 pod nodes, 2 external blocks, 7 allowed connections.');
  assert.match(lines[2]!, /^FROM\s+TO\s+PORTS$/);
  assert.ok(
    lines.some((l) => /^web\/client\s+web\/server\s+TCP 80$/.test(l)),
    r.stdout,
  );
});

test('explain names the deciding policies and rules with file:line', () => {
  const denied = runCli(['explain', app, '--from', 'web/client', '--to', 'web/server', '--port', '53/UDP']);
  assert.equal(denied.status, 0, denied.stderr);
  assert.match(denied.stdout, /^web\/client → web\/server on UDP 53: DENIED\./);
  assert.match(denied.stdout, /Egress from web\/client: allowed\./);
  assert.match(
    denied.stdout,
    /web\/client-egress egress\[0\] \(test\/fixtures\/cli\/app\/manifests\.yaml:66\)/,
  );
  assert.match(denied.stdout, /Ingress to web\/server: denied\./);
  assert.match(
    denied.stdout,
    /isolated for ingress by web\/server-ingress \(test\/fixtures\/cli\/app\/manifests\.yaml:41\)/,
  );
  assert.match(
    denied.stdout,
    /web\/server-ingress ingress\[0\] \(test\/fixtures\/cli\/app\/manifests\.yaml:48\) matches web\/client and allows TCP 80 \(not UDP 53\)/,
  );

  const allowed = runCli([
    'explain',
    app,
    '--from',
    'client',
    '--to',
    'server',
    '--namespace',
    'web',
    '--port',
    '80',
  ]);
  assert.match(allowed.stdout, /^web\/client → web\/server on TCP 80: ALLOWED\./);

  const external = runCli([
    'explain',
    app,
    '--from',
    'web/client',
    '--to',
    '203.0.113.7',
    '--port',
    '443/tcp',
  ]);
  assert.match(external.stdout, /on TCP 443: ALLOWED/);
  assert.match(
    external.stdout,
    /Ingress to 203\.0\.113\.7 .*: allowed \(203\.0\.113\.7 .* is outside the cluster/,
  );
});

test('explain rejects unknown endpoints and bad ports with exit 2', () => {
  const unknown = runCli(['explain', app, '--from', 'web/nope', '--to', 'web/server']);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /no pod or workload named web\/nope/);
  const badPort = runCli(['explain', app, '--from', 'web/client', '--to', 'web/server', '--port', '80/icmp']);
  assert.equal(badPort.status, 2);
  assert.match(badPort.stderr, /--port must look like/);
});

// Issue 8: pods without policies reach each other on every port, n·(n−1) pairs. The output is written as
// a stream (one source row at a time), so its size is not bounded by memory; here 300 pods.
test('reach streams large graphs: every pair of 300 unisolated pods, in JSON and CSV', () => {
  const pods = Array.from(
    { length: 300 },
    (_, i) =>
      `apiVersion: v1\nkind: Pod\nmetadata:\n  name: pod-${String(i).padStart(3, '0')}\n  namespace: ns-${i % 3}\n  labels: {app: app-${i}}\n`,
  ).join('---\n');
  const csv = runCli(['reach', '-', '--format', 'csv'], { input: pods });
  assert.equal(csv.status, 0, csv.stderr);
  const rows = csv.stdout.trimEnd().split('\n');
  // A row per protocol of each ordered pair, and of each pod to and from "any address" (no ipBlock).
  assert.equal(rows.length, 1 + (300 * 299 + 2 * 300) * 3);
  assert.equal(rows[1], 'ns-0/pod-000,ns-0/pod-003,TCP,1,65535');
  const json = runCli(['reach', '-', '--format', 'json', '--level', 'workload'], { input: pods });
  assert.equal(json.status, 0, json.stderr);
  const parsed = JSON.parse(json.stdout) as ReachJson;
  assert.equal(parsed.nodes.length, 301);
  assert.equal(parsed.edges.length, 300 * 299 + 2 * 300);
  assert.deepEqual(parsed.edges[0]!.ports, ALL);
  assert.deepEqual(parsed.edges[0]!.egress, { isolated: false, policies: [], rules: [] });
  // Sorted by source, then destination.
  const order = new Map(parsed.nodes.map((n, i) => [n.id, i]));
  const keys = parsed.edges.map((e) => order.get(e.from)! * 1000 + order.get(e.to)!);
  assert.deepEqual(
    keys,
    [...keys].sort((a, b) => a - b),
  );
});

test('reach and explain read Cilium and Calico policies; explain names the deciding layers; --cni decides which count', () => {
  const dir = 'test/fixtures/cli/mixed-apis';
  const reach = runCli(['reach', dir, '--level', 'workload']);
  assert.equal(reach.status, 0, reach.stderr);
  assert.doesNotMatch(reach.stderr, /not analysed/);
  const explain = runCli(['explain', dir, '--from', 'shop/web', '--to', 'shop/api', '--port', '8080/TCP']);
  assert.equal(explain.status, 0, explain.stderr);
  assert.match(explain.stdout, /: DENIED\./);
  // Egress: the Calico GlobalNetworkPolicy's Deny (0.0.0.0/0 matches pods whose IPs are not shown, as on Calico).
  assert.match(
    explain.stdout,
    /Egress from shop\/web \(Deployment\): denied\.\n {2}In evaluation order:\n {2}- Calico tier default: GlobalNetworkPolicy deny-egress-internet egress\[0\] \(.*policies\.yaml:21\) matches shop\/api \(Deployment\) and denies TCP 8080\./,
  );
  // Ingress: the CiliumNetworkPolicy isolates api and admits only role=admin.
  assert.match(
    explain.stdout,
    /- Cilium policies and NetworkPolicies: shop\/api \(Deployment\) is isolated for ingress by CiliumNetworkPolicy shop\/api-from-admin-only \(.*policies\.yaml:4\), and no rule of it allows TCP 8080 from shop\/web \(Deployment\): denied\./,
  );
  assert.match(explain.stdout, /Depends on the CNI: this takes the cluster to enforce CalicoNetworkPolicy/);
  // On Cilium the Calico policy does nothing: egress is allowed, the Cilium policy still denies ingress.
  const onCilium = runCli([
    'explain',
    dir,
    '--cni',
    'cilium',
    '--from',
    'shop/web',
    '--to',
    'shop/api',
    '--port',
    '8080/TCP',
  ]);
  assert.match(onCilium.stdout, /Egress from shop\/web \(Deployment\): allowed\./);
  assert.match(onCilium.stdout, /isolated for ingress by CiliumNetworkPolicy shop\/api-from-admin-only/);
  assert.doesNotMatch(onCilium.stdout, /Depends on the CNI/);
  const check = runCli(['check', dir, '--cni', 'cilium', '--format', 'json']);
  const { findings } = JSON.parse(check.stdout) as {
    findings: Array<{ rule: string; severity: string; message: string }>;
  };
  const notEnforced = findings.filter((f) => f.rule === 'policy-api-not-enforced');
  assert.equal(notEnforced.length, 1);
  assert.equal(notEnforced[0]!.severity, 'warning');
  assert.match(
    notEnforced[0]!.message,
    /GlobalNetworkPolicy deny-egress-internet is a CalicoNetworkPolicy object, which the configured CNI \(cilium\) does not enforce/,
  );
  assert.equal(findings.filter((f) => f.rule === 'policy-api-not-analysed').length, 0);
});

test('reach --format json: a port entry carries http where only some requests pass; sides list their decisions', () => {
  const dir = 'test/fixtures/cli/l7';
  const reach = reachJson([dir, '--level', 'pod']);
  const edge = (from: string, to: string) => reach.edges.find((e) => e.from === from && e.to === to);
  const landing = edge('default/tiefighter', 'default/deathstar') as unknown as {
    ports: Array<{ protocol: string; port: number; endPort: number; http?: unknown[] }>;
    ingress: { decisions: Array<{ layer: string; policy: string; action: string; line: number }> };
  };
  assert.deepEqual(landing.ports, [
    { protocol: 'TCP', port: 80, endPort: 80, http: [{ method: 'POST', path: '/v1/request-landing' }] },
  ]);
  assert.deepEqual(
    landing.ingress.decisions.map((d) => [d.layer, d.policy, d.action, d.line]),
    [
      ['Cilium policies and NetworkPolicies', 'CiliumNetworkPolicy default/rule1', 'allow', 10],
      // The rest of the ports: denied because rule1 isolates deathstar and allows nothing else.
      ['Cilium policies and NetworkPolicies', 'CiliumNetworkPolicy default/rule1', 'deny', undefined],
    ],
  );
  assert.equal(edge('default/xwing', 'default/deathstar'), undefined);
});

test('--ipblock-pods and --cni decide whether 0.0.0.0/0 reaches pods whose IPs the manifests do not show', () => {
  const file = 'test/fixtures/cli/ipblock/internet-only.yaml';
  const args = ['explain', file, '--from', 'a/client', '--to', 'b/server', '--port', '80/TCP'];
  const auto = runCli(args);
  assert.equal(auto.status, 0, auto.stderr);
  assert.match(auto.stdout, /: ALLOWED\./);
  assert.match(auto.stdout, /Depends on the CNI/);
  assert.match(runCli([...args, '--cni', 'cilium']).stdout, /: DENIED\./);
  assert.match(runCli([...args, '--ipblock-pods', 'ignore']).stdout, /: DENIED\./);
  assert.match(runCli([...args, '--cni', 'cilium', '--ipblock-pods', 'match']).stdout, /: ALLOWED\./);
  const reach = runCli(['reach', file, '--format', 'csv', '--ipblock-pods', 'ignore']);
  assert.equal(reach.status, 0, reach.stderr);
  assert.doesNotMatch(reach.stdout, /a\/client,b\/server/);
});

test('reach marks host-network nodes in JSON and names them in text', () => {
  const file = 'test/fixtures/cli/host-network.yaml';
  const json = reachJson([file, '--level', 'workload']);
  const flags = Object.fromEntries(
    json.nodes.map((n) => [n.id, (n as { hostNetwork?: boolean }).hostNetwork ?? false]),
  );
  assert.deepEqual(flags, {
    'kube-system/node-agent[DaemonSet]': true,
    'shop/web[Pod]': false,
    '0.0.0.0/0,::/0': false,
  });
  const text = runCli(['reach', file, '--level', 'workload']);
  assert.match(
    text.stdout,
    /On the host network \(policies do not select them;.*pods on the same node always reach them\): kube-system\/node-agent\[DaemonSet\]\./,
  );
  // explain says what the host network changes, on the side and in a note.
  const explained = runCli(['explain', file, '--from', 'kube-system/node-agent', '--to', 'shop/web']);
  assert.equal(explained.status, 0, explained.stderr);
  assert.match(
    explained.stdout,
    /Egress from kube-system\/node-agent \(DaemonSet\): allowed \(kube-system\/node-agent \(DaemonSet\) runs on the host network, where NetworkPolicies do not apply\)\./,
  );
  assert.match(
    explained.stdout,
    /runs on the host network: NetworkPolicies do not select it.*Traffic between a pod and its own node is always allowed/,
  );
  assert.doesNotMatch(
    runCli(['explain', file, '--from', 'shop/web', '--to', 'shop/web']).stdout,
    /host network/,
  );
});

test('reach --exposure adds stand-ins for the pods that peers admit beyond the workspace; explain decides them', () => {
  const file = 'test/fixtures/cli/exposure.yaml';
  const plain = reachJson([file, '--level', 'workload']);
  assert.equal(plain.nodes.filter((n) => n.kind === 'Exposure').length, 0, 'only on request');
  const json = reachJson([file, '--level', 'workload', '--exposure']);
  const standIns = json.nodes.filter((n) => n.kind === 'Exposure');
  assert.deepEqual(
    standIns.map((n) => [n.id, (n as { description?: string }).description]),
    [
      ['*/*', 'any pod in other namespaces'],
      ['*/*{app=prometheus}', 'pods labelled app=prometheus in other namespaces'],
      ['*{team=billing}/*{role=reporter}', 'pods labelled role=reporter in namespaces labelled team=billing'],
      ['audit/*', 'any pod in namespace audit, which the workspace does not declare'],
    ],
  );
  const into = (to: string) =>
    json.edges.filter((e) => e.to === to).map((e) => [e.from, e.ports.map((p) => p.port)]);
  // The declared namespace adds no stand-in; the unsatisfiable selector admits nobody.
  assert.deepEqual(into('payments/db[Deployment]'), [
    ['*/*{app=prometheus}', [9187]],
    ['*{team=billing}/*{role=reporter}', [5432]],
    ['audit/*', [8080]],
  ]);
  // A workload without policies is open to every audience, and its egress reaches all of them.
  assert.deepEqual(
    into('shop/web[Deployment]').map(([from]) => from),
    [
      'payments/db[Deployment]',
      '*/*',
      '*/*{app=prometheus}',
      '*{team=billing}/*{role=reporter}',
      'audit/*',
      '0.0.0.0/0,::/0',
    ],
  );
  // Nothing between two nodes outside the workspace.
  const outside = new Set([...standIns.map((n) => n.id), '0.0.0.0/0,::/0']);
  assert.equal(json.edges.filter((e) => outside.has(e.from) && outside.has(e.to)).length, 0);
  const text = runCli(['reach', file, '--level', 'workload', '--exposure']);
  assert.match(text.stdout, /2 workload nodes, 4 exposure nodes, 1 external block/);
  assert.match(
    text.stdout,
    /\(pods labelled role=reporter in namespaces labelled team=billing\) +payments\/db\[Deployment\] +TCP 5432/,
  );
  const explain = (from: string, port: string) =>
    runCli(['explain', file, '--exposure', '--from', from, '--to', 'payments/db', '--port', port]);
  const allowed = explain('*{team=billing}/*{role=reporter}', '5432/TCP');
  assert.equal(allowed.status, 0, allowed.stderr);
  assert.match(
    allowed.stdout,
    /^pods labelled role=reporter in namespaces labelled team=billing .*: ALLOWED\./,
  );
  const denied = explain('*/*', '5432/TCP').stdout;
  assert.match(denied, /: DENIED\./);
  assert.match(
    denied,
    /Egress from any pod in other namespaces \(\*\/\*\): allowed \(.*stands for pods the workspace does not show/,
  );
  assert.equal(
    runCli(['explain', file, '--from', '*/*', '--to', 'payments/db']).status,
    2,
    'only with --exposure',
  );
});

test('reach lists traffic between the pods of one node where policies decide it, apart from the edges', () => {
  const file = 'test/fixtures/cli/replicas.yaml';
  const json = JSON.parse(runCli(['reach', file, '--format', 'json']).stdout) as ReachJson & {
    replicas: Array<{
      node: string;
      ports: Array<{ protocol: string; port: number }>;
      ingress: { rules: Array<{ policy: string }> };
    }>;
  };
  // The Kafka brokers reach each other on 9093 only; the Postgres replicas not at all; the Deployment
  // without policies is open among its pods like everywhere (not listed); a single Pod has no replicas.
  assert.deepEqual(
    json.replicas.map((r) => [r.node, r.ports.map((p) => `${p.port}/${p.protocol}`)]),
    [
      ['data/kafka', ['9093/TCP']],
      ['data/pg', []],
    ],
  );
  assert.deepEqual(
    json.replicas[0]!.ingress.rules.map((r) => r.policy),
    ['data/kafka-peers'],
  );
  assert.equal(json.edges.filter((e) => e.from === e.to).length, 0, 'no self edges');
  const text = runCli(['reach', file, '--level', 'workload']).stdout;
  assert.match(
    text,
    /Between the pods of one node, where policies decide it:\nNODE +PORTS\ndata\/kafka\[StatefulSet\] +TCP 9093\ndata\/pg\[StatefulSet\] +denied \(the pods cannot reach each other\)\n$/,
  );
  const explained = runCli([
    'explain',
    file,
    '--from',
    'data/kafka',
    '--to',
    'data/kafka',
    '--port',
    '9093/TCP',
  ]);
  assert.match(
    explained.stdout,
    /^data\/kafka \(StatefulSet\) → data\/kafka \(StatefulSet\) \(between two of its pods\) on TCP 9093: ALLOWED\./,
  );
  // Without policies nothing is listed.
  assert.doesNotMatch(runCli(['reach', 'test/fixtures/cli/app']).stdout, /Between the pods/);
});
