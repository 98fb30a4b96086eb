/**
 * The aggregated reachability view (shared/reach/aggregate.ts, issue 8): group nodes, expansion, and
 * edges whose ports and pod-pair counts must equal what the full pod-level graph says about the pods
 * each group stands for (checked against edgesOf on workspaces with policies of several shapes).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { complete, resolveViewNode, viewEdges, viewNodes } from '../../shared/reach/aggregate.js';
import type { ViewNode } from '../../shared/reach/aggregate.js';
import { edgesOf, graphLayout } from '../../shared/reach/graph.js';
import type { GraphLayout } from '../../shared/reach/graph.js';
import { PortSet } from '../../shared/semantics/port-set.js';
import { explainPayload, reachabilityPayload } from '../../shared/features/reachability-view.js';
import { contextOf } from '../support/context.js';
import { locationOf } from '../support/webview-host.js';

/** Pods in namespaces a, b, c with app/tier labels, a default deny in b and allows of several shapes. */
function workspace(pods: number): string {
  const docs: string[] = [];
  for (let i = 0; i < pods; i++) {
    const ns = ['a', 'b', 'c'][i % 3];
    docs.push(
      `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p${String(i).padStart(3, '0')}\n  namespace: ${ns}\n` +
        `  labels: {app: app${i % 7}, tier: ${i % 2 ? 'web' : 'db'}, uid: u${i}}\n` +
        `spec:\n  containers:\n  - name: c\n    ports:\n    - {name: http, containerPort: ${8000 + (i % 3)}}\n`,
    );
  }
  docs.push(
    'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: b}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n',
    'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: web, namespace: b}\nspec:\n  podSelector: {matchLabels: {tier: web}}\n  ingress:\n  - from:\n    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: a}}\n      podSelector: {matchExpressions: [{key: app, operator: In, values: [app1, app2, app3]}]}\n    ports: [{port: http}]\n',
    'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: out, namespace: a}\nspec:\n  podSelector: {matchLabels: {tier: db}}\n  egress:\n  - to:\n    - ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}\n  - to:\n    - podSelector: {}\n      namespaceSelector: {}\n    ports: [{port: 8001, endPort: 8002}]\n',
  );
  return docs.join('---\n');
}

/** What the full graph says about the pods of two view nodes: the union of ports, and allowed pairs. */
function expected(layout: GraphLayout, from: ViewNode, to: ViewNode): { ports: PortSet; pairs: number } {
  const a = new Set(from.nodes.map((n) => n.id));
  const b = new Set(to.nodes.map((n) => n.id));
  let ports = PortSet.none;
  let pairs = 0;
  for (const e of edgesOf(layout)) {
    if (!a.has(e.from.id) || !b.has(e.to.id)) continue;
    ports = ports.union(e.ports);
    pairs++;
  }
  return { ports, pairs };
}

function check(layout: GraphLayout, nodes: readonly ViewNode[]): void {
  const edges = complete(viewEdges(layout, nodes));
  const byPair = new Map(edges.map((e) => [`${e.from.id}\u0000${e.to.id}`, e]));
  for (const from of nodes) {
    for (const to of nodes) {
      if (from === to && !from.group) continue;
      const want = expected(layout, from, to);
      const got = byPair.get(`${from.id}\u0000${to.id}`);
      assert.equal(got?.pairs ?? 0, want.pairs, `${from.id} -> ${to.id}: pairs`);
      assert.equal(
        (got?.ports ?? PortSet.none).toString(),
        want.ports.toString(),
        `${from.id} -> ${to.id}: ports`,
      );
      if (got) assert.equal(got.total, from.pods * to.pods - (from === to ? from.pods : 0));
    }
  }
}

test('a graph within the limit is shown whole; above it, one node per namespace and the address blocks', () => {
  const ctx = contextOf(workspace(60));
  const layout = graphLayout(ctx.engine, ctx.workspace.model, 'pod');
  const whole = viewNodes(layout);
  assert.equal(whole.aggregated, false);
  assert.equal(whole.nodes.length, layout.nodes.length);
  const grouped = viewNodes(layout, new Set(), 20);
  assert.equal(grouped.aggregated, true);
  assert.deepEqual(
    grouped.nodes.map((n) => [n.id, n.group?.kind, n.pods]),
    [
      ['ns:a', 'namespace', 20],
      ['ns:b', 'namespace', 20],
      ['ns:c', 'namespace', 20],
      ...layout.nodes.filter((n) => n.kind === 'External').map((n) => [n.id, undefined, 1]),
    ],
  );
  check(layout, grouped.nodes);
});

test('expanding: a namespace within the limit shows its nodes; a larger one shows nodes that behave alike', () => {
  const ctx = contextOf(workspace(90));
  for (const level of ['pod', 'workload'] as const) {
    const layout = graphLayout(ctx.engine, ctx.workspace.model, level);
    const small = viewNodes(layout, new Set(['ns:b']), 40);
    assert.equal(small.nodes.filter((n) => n.namespace === 'b').length, 30);
    assert.ok(small.nodes.filter((n) => n.namespace === 'b').every((n) => !n.group));
    check(layout, small.nodes);

    // Limit 10: namespace a (30 pods) in groups of pods of the same classes.
    const alike = viewNodes(layout, new Set(['ns:a']), 10);
    const inA = alike.nodes.filter((n) => n.namespace === 'a');
    assert.ok(inA.length <= 10);
    assert.equal(
      inA.reduce((n, v) => n + v.nodes.length, 0),
      30,
      'every node of the namespace is in exactly one shown node',
    );
    assert.ok(inA.some((n) => n.group?.kind === 'similar' || n.group?.kind === 'more'));
    check(layout, alike.nodes);
    // Every group id resolves to the same members, whatever is expanded.
    for (const view of alike.nodes.filter((n) => n.group)) {
      const resolved = resolveViewNode(layout, view.id, 10);
      assert.deepEqual(
        resolved?.nodes.map((n) => n.id),
        view.nodes.map((n) => n.id),
        view.id,
      );
    }
    // An expandable similar group expands into its members.
    const similar = inA.find((n) => n.group?.kind === 'similar' && n.group.expandable);
    if (similar) {
      const opened = viewNodes(layout, new Set(['ns:a', similar.id]), 10);
      for (const member of similar.nodes) assert.ok(opened.nodes.some((n) => n.id === member.id && !n.group));
    }
  }
});

test('the payload: group nodes with counts, edges with pairs, the virtual DNS per group; explanations of groups', () => {
  const ctx = contextOf(workspace(60));
  const payload = reachabilityPayload(ctx, 'workload', locationOf, 3, { limit: 20 });
  assert.deepEqual(payload.aggregated, { limit: 20, nodes: 60 + ctx.engine.externals.length });
  const a = payload.nodes.find((n) => n.id === 'ns:a')!;
  assert.deepEqual(a.group, { kind: 'namespace', nodes: 20, pods: 20, expandable: true });
  assert.equal(a.kind, 'Group');
  const within = payload.edges.find((e) => e.from === 'ns:a' && e.to === 'ns:a')!;
  assert.equal(within.total, 20 * 19);
  // `out` has no policyTypes, so it isolates its tier=db pods for ingress too: only the 10 web pods of a
  // take traffic from the other pods of a (20 · 10 pairs, less the 10 web pods to themselves).
  assert.equal(within.pairs, 20 * 10 - 10);
  const intoB = payload.edges.find((e) => e.from === 'ns:a' && e.to === 'ns:b');
  assert.ok(intoB && intoB.pairs! > 0 && intoB.pairs! < intoB.total!, JSON.stringify(intoB));
  // The DNS is not declared: each group's pods that may reach it.
  const dns = payload.edges.filter((e) => e.to === 'cluster-dns');
  assert.deepEqual(
    dns.map((e) => e.from),
    ['ns:a', 'ns:c'],
    'namespace b has an egress default deny',
  );

  const explained = explainPayload(ctx, 'workload', 'ns:a', 'ns:b', locationOf, undefined, 20)!;
  assert.equal(explained.allowed, true);
  assert.match(
    explained.text,
    new RegExp(
      `^namespace a \\(20 pods\\) → namespace b \\(20 pods\\): ${intoB!.pairs} of 400 pod pairs allowed`,
    ),
  );
  assert.match(explained.text, /For example, a\/p\d+\[Pod\] → b\/p\d+\[Pod\]/);
  assert.equal(explained.ingress.isolated, true);
  const denied = explainPayload(ctx, 'workload', 'ns:b', 'ns:c', locationOf, undefined, 20)!;
  assert.equal(denied.allowed, false);
  assert.match(denied.text, /: 0 of 400 pod pairs allowed/);
  const toDns = explainPayload(ctx, 'workload', 'ns:a', 'cluster-dns', locationOf, undefined, 20)!;
  // Its db pods may reach every pod on TCP 8001-8002, the DNS pods too (on other ports than 53, which the
  // example says).
  assert.match(toDns.text, /^namespace a \(20 pods\) → cluster DNS: 20 of 20 pods may reach it/);
  assert.match(toDns.text, /a\/p000 → cluster DNS: allowed on TCP 8001-8002/);
  const onDnsPort = explainPayload(
    ctx,
    'workload',
    'ns:a',
    'cluster-dns',
    locationOf,
    { protocol: 'UDP', port: 53 },
    20,
  )!;
  assert.match(onDnsPort.text, /: 10 of 20 pods may reach it on UDP 53/);
  assert.equal(explainPayload(ctx, 'workload', 'ns:nope', 'ns:a', locationOf), undefined);
});

test('nodesOnly lists every node without edges, for pickers', () => {
  const ctx = contextOf(workspace(30));
  const payload = reachabilityPayload(ctx, 'workload', locationOf, 1, { nodesOnly: true, limit: 5 });
  assert.equal(payload.edges.length, 0);
  assert.equal(payload.aggregated, undefined);
  assert.equal(payload.nodes.filter((n) => n.kind === 'Pod').length, 30);
});

test('hundreds of namespaces are shown in sets of consecutive names, expanded on demand', () => {
  const docs = Array.from(
    { length: 600 },
    (_, i) =>
      `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p${i}\n  namespace: team-${String(i % 120).padStart(3, '0')}\n`,
  );
  const ctx = contextOf(docs.join('---\n'));
  const layout = graphLayout(ctx.engine, ctx.workspace.model, 'workload');
  const top = viewNodes(layout);
  const sets = top.nodes.filter((n) => n.group?.kind === 'namespaces');
  assert.equal(sets.length, 30, '120 namespaces in 30 sets of 4');
  assert.deepEqual(
    [sets[0]!.id, sets[0]!.name, sets[0]!.namespace, sets[0]!.pods],
    ['namespaces:team-000..team-003', '4 namespaces', 'team-000 … team-003', 20],
  );
  check(layout, top.nodes);
  // Expanding a set shows its namespaces (each a group); expanding one of them keeps its set open.
  const open = viewNodes(layout, new Set(['namespaces:team-000..team-003']));
  assert.deepEqual(
    open.nodes.slice(0, 4).map((n) => n.id),
    ['ns:team-000', 'ns:team-001', 'ns:team-002', 'ns:team-003'],
  );
  const deeper = viewNodes(layout, new Set(['ns:team-002']));
  assert.ok(deeper.nodes.some((n) => n.id === 'ns:team-003' && n.group?.kind === 'namespace'));
  assert.equal(deeper.nodes.filter((n) => n.namespace === 'team-002' && !n.group).length, 5);
  check(layout, deeper.nodes);
  assert.deepEqual(resolveViewNode(layout, 'namespaces:team-004..team-007')?.nodes.length, 20);
});
