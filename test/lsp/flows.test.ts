/**
 * Observed traffic through the real language server (stdio JSON-RPC): flow files matched by the
 * `netpolScope.flows` setting are loaded with the workspace and the policies are dry-run against them
 * (`flow-would-drop` on the policy that would drop them, updated as the policy is edited and as the flow
 * file changes on disk); files loaded by request (netpolScope/loadFlows) join them until cleared; the
 * dry run and generated policies through netpolScope/dryRun and /generateFromFlows; a file of no known
 * format is reported, and the server keeps serving.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import {
  ClearFlowsRequest,
  DryRunRequest,
  GenerateFromFlowsRequest,
  LoadFlowsRequest,
} from '../../shared/protocol.js';
import { cursor, FileChangeType, LspClient, lspSeverity, textInRange } from '../support/lsp-client.js';

const workloads = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: web}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: api, image: api, ports: [{containerPort: 8080}]}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: admin, namespace: shop}
spec:
  selector: {matchLabels: {app: admin}}
  template:
    metadata: {labels: {app: admin}}
    spec: {containers: [{name: admin, image: admin}]}
`;

const policy = (peers: string) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: api-ingress
  namespace: shop
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Ingress]
  ingress:
  - from: [${peers}]
    ports: [{port: 8080}]
`;
const onlyAdmin = policy('{podSelector: {matchLabels: {app: admin}}}');
const adminAndWeb = policy(
  '{podSelector: {matchLabels: {app: admin}}}, {podSelector: {matchLabels: {app: web}}}',
);

const csv = (count: number) =>
  `source,destination,port,protocol,verdict,count\nshop/web-5d8f7c9b4-x2x9q,shop/api-7f9c6d8b5-k4m2p,8080,TCP,allowed,${count}\n`;

// Hubble JSON lines: admin -> api (allowed by every version of the policy), and a reply (skipped).
const hubble =
  [false, true]
    .map(
      (reply) =>
        `{"flow":{"time":"2026-12-01T10:00:00Z","verdict":"FORWARDED","l4":{"TCP":{"source_port":41000,"destination_port":8080}},` +
        `"source":{"namespace":"shop","pod_name":"admin-6c8d9f7b5-q8w2e"},"destination":{"namespace":"shop","pod_name":"api-7f9c6d8b5-k4m2p"},"is_reply":${reply}}}`,
    )
    .join('\n') + '\n';

let client: LspClient;

before(async () => {
  client = new LspClient({
    files: {
      'k8s/workloads.yaml': workloads,
      'k8s/api-ingress.yaml': onlyAdmin,
      'flows/observed.csv': csv(14),
      'captures/hubble.jsonl': hubble,
      'captures/notes.txt': 'not a flow file\n',
    },
    settings: { flows: ['flows/*.csv'] },
  });
  await client.start();
});

after(async () => {
  await client.dispose();
});

const wouldDrop = (ds: readonly Diagnostic[]) => ds.filter((d) => d.code === 'flow-would-drop');

test('a flow file of netpolScope.flows: the policy that would drop its flows gets flow-would-drop, live as it is edited', async () => {
  const uri = client.uri('k8s/api-ingress.yaml');
  const published = await client.waitForDiagnostics(
    uri,
    (ds) => wouldDrop(ds).length === 1,
    'with flow-would-drop',
  );
  const [d] = wouldDrop(published);
  assert.equal(d!.severity, lspSeverity.warning);
  assert.equal(
    textInRange(onlyAdmin, d!.range),
    'api-ingress',
    'on the policy that isolates the destination',
  );
  assert.match(
    d!.message,
    /^Would drop 14 observed flows from shop\/web\[Deployment\] to shop\/api\[Deployment\] on TCP 8080: ingress of shop\/api\[Deployment\]: isolated by NetworkPolicy shop\/api-ingress/,
  );
  assert.deepEqual(d!.data && (d!.data as { rule: string }).rule, 'flow-would-drop');

  // Hovers add the observed traffic: on the podSelector, the selected workloads' incoming flows.
  await client.open('k8s/api-ingress.yaml', onlyAdmin);
  const hover = await client.hover(uri, cursor(onlyAdmin, 'podSel|ector: {matchLabels: {app: api}}'));
  const markdown = (hover?.contents as { value: string }).value;
  assert.match(markdown, /\*\*Observed traffic\*\* \(loaded flows\):/);
  assert.match(
    markdown,
    /- 14 flows from \*\*shop\/web\\\[Deployment\\\]\*\* to shop\/api\\\[Deployment\\\] on TCP 8080: \*\*denied by these policies\*\*/,
  );
  // On the admin peer: only the traffic with that peer (none observed).
  const peer = await client.hover(uri, cursor(onlyAdmin, '{podSelector: {matchLabels: {app: ad|min}}}'));
  assert.match((peer?.contents as { value: string }).value, /with these peers:\n- none observed/);

  // Typing the missing peer: the diagnostic goes; removing it again: it is back.
  const fixed = await client.changeAndWait(uri, adminAndWeb);
  assert.deepEqual(wouldDrop(fixed), []);
  const broken = await client.changeAndWait(uri, onlyAdmin);
  assert.equal(wouldDrop(broken).length, 1);
  await client.close(uri);
});

test('the flow file changes on disk: the diagnostic follows it', async () => {
  const uri = client.uri('k8s/api-ingress.yaml');
  const after = await client.diagnosticsAfter(
    uri,
    async () => {
      client.writeFile('flows/observed.csv', csv(20));
      await client.watchedFiles([{ relative: 'flows/observed.csv', type: FileChangeType.Changed }]);
    },
    (p) => wouldDrop(p.diagnostics).some((d) => d.message.startsWith('Would drop 20 observed flows')),
    'with 20 flows',
  );
  assert.equal(wouldDrop(after).length, 1);
});

test('loadFlows, dryRun, generateFromFlows and clearFlows', async () => {
  const loaded = await client.connection.sendRequest(LoadFlowsRequest, {
    uris: [
      client.uri('captures/hubble.jsonl'),
      client.uri('captures/notes.txt'),
      client.uri('captures/missing.csv'),
    ],
  });
  const byName = (name: string) => loaded.files.find((f) => f.uri.endsWith(name));
  assert.deepEqual(
    { ...byName('observed.csv'), uri: undefined },
    { uri: undefined, format: 'plain-csv', records: 1, skipped: 0, origin: 'setting' },
  );
  assert.deepEqual(
    { ...byName('hubble.jsonl'), uri: undefined },
    { uri: undefined, format: 'hubble', records: 2, skipped: 1, origin: 'command' },
  );
  assert.match(byName('notes.txt')?.error ?? '', /not a flow file of a known format/);
  assert.match(byName('missing.csv')?.error ?? '', /ENOENT/);

  const dry = await client.connection.sendRequest(DryRunRequest);
  assert.ok(dry.report, 'a report');
  assert.deepEqual(
    dry.report.wouldBreak.map((w) => [w.from, w.to, w.port, w.count]),
    [['shop/web[Deployment]', 'shop/api[Deployment]', 8080, 20]],
  );
  assert.deepEqual(
    dry.report.observed.map((o) => [o.from, o.to, o.allowed]),
    [
      ['shop/admin[Deployment]', 'shop/api[Deployment]', true],
      ['shop/web[Deployment]', 'shop/api[Deployment]', false],
    ],
  );
  assert.match(dry.markdown, /would break/i);

  const generated = await client.connection.sendRequest(GenerateFromFlowsRequest);
  assert.ok(generated.policies > 0);
  assert.match(generated.yaml, /kind: NetworkPolicy/);
  assert.match(generated.check, /2 observed connections, 0 would break/);

  const cleared = await client.connection.sendRequest(ClearFlowsRequest);
  assert.deepEqual(
    cleared.files.map((f) => [f.uri.split('/').pop(), f.origin]),
    [['observed.csv', 'setting']],
  );
  const again = await client.connection.sendRequest(DryRunRequest);
  assert.deepEqual(
    again.report?.observed.map((o) => o.from),
    ['shop/web[Deployment]'],
    'the Hubble file is gone',
  );
  assert.deepEqual(client.errorLogs, []);
});

test('without flows: the dry run says how to load them, nothing is generated, no diagnostic', async () => {
  const uri = client.uri('k8s/api-ingress.yaml');
  await client.diagnosticsAfter(
    uri,
    () => client.changeSettings({ flows: [] }),
    (p) => wouldDrop(p.diagnostics).length === 0,
    'without flow-would-drop',
  );
  const dry = await client.connection.sendRequest(DryRunRequest);
  assert.equal(dry.report, undefined);
  assert.match(dry.markdown, /Load Observed Flows/);
  const generated = await client.connection.sendRequest(GenerateFromFlowsRequest);
  assert.deepEqual([generated.yaml, generated.policies], ['', 0]);
});
