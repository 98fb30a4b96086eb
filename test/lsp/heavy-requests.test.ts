/**
 * Heavy requests never hold up diagnostics (issue 8), through the real server over stdio: a workspace
 * of 3,000 pods, each isolated by its own policy (3,000 pod classes, 9 million class pairs to decide),
 * where the reachability graph takes seconds. It is computed in slices: an edit sent after the request
 * gets its diagnostics before the graph is done; a cancelled request ends with RequestCancelled, one
 * replaced by a newer request with ServerCancelled; the graph is aggregated (a node per namespace);
 * explanations do not build the whole graph.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CancellationTokenSource, LSPErrorCodes, ResponseError } from 'vscode-languageserver-protocol/node';
import { ReachabilityRequest } from '../../shared/protocol.js';
import type { ReachabilityResult } from '../../shared/protocol.js';
import { LspClient } from '../support/lsp-client.js';

const PODS = 3_000;

function workspace(): string {
  const docs: string[] = [];
  for (let i = 0; i < PODS; i++) {
    const ns = `ns-${i % 10}`;
    docs.push(
      `apiVersion: v1\nkind: Pod\nmetadata:\n  name: pod-${i}\n  namespace: ${ns}\n  labels: {uid: u${i}}\n`,
      `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p${i}, namespace: ${ns}}\n` +
        `spec:\n  podSelector: {matchLabels: {uid: u${i}}}\n  ingress: [{}]\n`,
    );
  }
  return docs.join('---\n');
}

let client: LspClient;

before(async () => {
  client = new LspClient({ files: { 'cluster.yaml': workspace() } });
  await client.start();
});

after(async () => {
  await client.dispose();
});

function request(source?: CancellationTokenSource): Promise<ReachabilityResult> {
  return client.connection.sendRequest(ReachabilityRequest, { level: 'pod' }, source?.token);
}

test('the graph of 3,000 pods is aggregated: one node per namespace, counted pod pairs', async () => {
  const graph = await request();
  assert.deepEqual(graph.aggregated, { limit: 250, nodes: PODS + 1 });
  const groups = graph.nodes.filter((n) => n.group?.kind === 'namespace');
  assert.equal(groups.length, 10);
  assert.ok(groups.every((n) => n.group!.pods === PODS / 10));
  // Every pod takes ingress from anywhere and is not isolated for egress: all pairs are allowed.
  const within = graph.edges.find((e) => e.from === 'ns:ns-0' && e.to === 'ns:ns-0');
  assert.deepEqual([within?.pairs, within?.total], [300 * 299, 300 * 299]);
});

test('an edit sent after a reachability request gets its diagnostics before the graph is done', async () => {
  const uri = await client.open('edit.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata: {name: extra}\n');
  await client.waitForVersion(uri, 1);
  let answered = false;
  const graph = request().then((g) => {
    answered = true;
    return g;
  });
  const version = await client.change(
    uri,
    'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: bad, namespace: ns-1}\nspec:\n  podSelector: {}\n  policyTypes: [ingress]\n',
  );
  const diagnostics = await client.waitForVersion(uri, version);
  assert.ok(diagnostics.some((d) => d.code === 'api-invalid-policy-type'));
  assert.equal(answered, false, 'the diagnostics of the edit came while the graph was still being computed');
  // The graph still comes, for the analysis it started on.
  assert.ok((await graph).nodes.length > 0);
  await client.closeAndForget(uri);
});

test('a cancelled request ends with RequestCancelled; a newer request replaces an older one', async () => {
  const source = new CancellationTokenSource();
  const cancelled = request(source);
  source.cancel();
  await assert.rejects(
    cancelled,
    (error: unknown) => error instanceof ResponseError && error.code === LSPErrorCodes.RequestCancelled,
  );
  const older = request();
  const newer = request();
  await assert.rejects(
    older,
    (error: unknown) => error instanceof ResponseError && error.code === LSPErrorCodes.ServerCancelled,
  );
  assert.ok((await newer).nodes.length > 0);
});

test('explaining a pair or a group does not build the whole graph', async () => {
  const pair = await client.explain({ level: 'pod', from: 'ns-0/pod-0', to: 'ns-1/pod-1' });
  assert.equal(pair.allowed, true);
  assert.equal(pair.ingress.policies[0]?.name, 'ns-1/p1');
  const groups = await client.explain({ level: 'pod', from: 'ns:ns-0', to: 'ns:ns-1' });
  assert.match(
    groups.text,
    /^namespace ns-0 \(300 pods\) → namespace ns-1 \(300 pods\): 90,000 of 90,000 pod pairs allowed/,
  );
});
