/**
 * The other policy APIs through the real language server: diagnostics of API validity (a Calico selector
 * error at its column, an invalid ClusterNetworkPolicy action), hovers on the subject and peers of
 * ClusterNetworkPolicy, Cilium and Calico policies naming the workloads they match, and the reachability
 * request and explanation naming the deciding layers.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Hover } from 'vscode-languageserver-protocol';
import { cursor, LspClient, textInRange } from '../support/lsp-client.js';

const workloads = `apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {team: shop}}
---
apiVersion: v1
kind: Namespace
metadata: {name: ops}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx, ports: [{containerPort: 80}]}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: db, namespace: shop}
spec:
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: postgres, ports: [{containerPort: 5432}]}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: mon, namespace: ops}
spec:
  selector: {matchLabels: {app: mon}}
  template:
    metadata: {labels: {app: mon}}
    spec: {containers: [{name: mon, image: prom}]}
`;

const policies = `apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata:
  name: shop-guard
spec:
  tier: Admin
  priority: 10
  subject:
    namespaces:
      matchLabels: {team: shop}
  ingress:
  - name: deny-ops
    action: Deny
    from:
    - namespaces:
        matchLabels: {kubernetes.io/metadata.name: ops}
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata:
  name: db-from-web
  namespace: shop
spec:
  selector: app == 'db'
  ingress:
  - action: Allow
    source:
      selector: app == 'web'
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata:
  name: broken
spec:
  selector: app == web
---
apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata:
  name: bad-action
spec:
  tier: Baseline
  priority: 1
  subject: {namespaces: {}}
  egress:
  - action: Allow
    to: [{namespaces: {}}]
`;

const files = { 'apps.yaml': workloads, 'policies.yaml': policies };
let client: LspClient;

before(async () => {
  client = new LspClient({ files });
  await client.start();
});

after(async () => {
  await client.dispose();
});

async function hover(snippet: string, afterText = ''): Promise<{ markdown: string; range: string }> {
  const result: Hover | null = await client.hover(
    client.uri('policies.yaml'),
    cursor(policies, snippet, afterText),
  );
  assert.ok(result?.range, `a hover at ${snippet}`);
  const contents = result.contents as { kind: string; value: string };
  return { markdown: contents.value, range: textInRange(policies, result.range) };
}

test('diagnostics: a Calico selector error at its column, an action the API does not have', async () => {
  const uri = client.uri('policies.yaml');
  const diagnostics = await client.waitForDiagnostics(uri, (d) =>
    d.some((x) => x.code === 'policy-api-invalid'),
  );
  const invalid = diagnostics.filter((d) => d.code === 'policy-api-invalid');
  const selector = invalid.find((d) => /selector syntax/.test(d.message));
  assert.ok(selector, JSON.stringify(invalid));
  assert.match(selector.message, /expected a quoted string at column 8, found "web"/);
  assert.equal(textInRange(policies, selector.range), 'w');
  const action = invalid.find((d) => /"Allow" is not one of Accept, Deny, Pass/.test(d.message));
  assert.ok(action, JSON.stringify(invalid));
  assert.equal(textInRange(policies, action.range), 'Allow');
});

test('hovers: the subject and peers of ClusterNetworkPolicy and Calico policies, with their workloads', async () => {
  const subject = await hover('matchLabels: {te|am: shop}');
  assert.match(subject.markdown, /Selects all pods in namespaces with team\\=shop\./);
  assert.match(subject.markdown, /Matches 2 workloads:/);
  assert.match(subject.markdown, /Deployment \*\*shop\/web\*\*/);
  const name = await hover('name: shop-|guard');
  assert.match(name.markdown, /\*\*ClusterNetworkPolicy shop\\-guard\*\*: Admin tier, priority 10/);
  assert.match(name.markdown, /It isolates nothing/);
  const rule = await hover('action: D|eny');
  assert.ok(
    rule.markdown.includes(
      'Rule ClusterNetworkPolicy shop\\-guard \\(priority 10\\) ingress\\[0\\] "deny\\-ops"',
    ),
    rule.markdown,
  );
  assert.match(
    rule.markdown,
    /: denies all ports from all pods in namespaces with kubernetes\\\.io\/metadata\\\.name\\=ops\./,
  );
  const calico = await hover("selector: app == 'w|eb'");
  assert.match(calico.markdown, /Selects endpoints matching app \\=\\= 'web' in namespace shop\./);
  assert.match(calico.markdown, /Deployment \*\*shop\/web\*\*/);
  assert.doesNotMatch(calico.markdown, /shop\/db/);
});

test('explain through the server names the layers: the Admin tier denies ops, Calico admits web', async () => {
  const denied = await client.explain({
    level: 'workload',
    from: 'ops/mon[Deployment]',
    to: 'shop/db[Deployment]',
    port: { protocol: 'TCP', port: 5432 },
  });
  assert.equal(denied.allowed, false);
  assert.match(
    denied.text,
    /Admin tier: ClusterNetworkPolicy shop-guard \(priority 10\) ingress\[0\] "deny-ops" \(.*policies\.yaml:12\) matches ops\/mon\[Deployment\] and denies TCP 5432/,
  );
  const allowed = await client.explain({
    level: 'workload',
    from: 'shop/web[Deployment]',
    to: 'shop/db[Deployment]',
    port: { protocol: 'TCP', port: 5432 },
  });
  assert.equal(allowed.allowed, true);
  assert.match(
    allowed.text,
    /Calico tier default: NetworkPolicy shop\/db-from-web ingress\[0\] \(.*policies\.yaml:\d+\) matches shop\/web\[Deployment\] and allows TCP 5432/,
  );
});
