/**
 * Hovers (shared/features/hover.ts and hovers/*) on the shop workspace (test/support/shop-fixture.ts):
 * three namespaces, workloads in three files, policies in two namespaces, one of them rejected.
 *
 * Semantics asserted here (https://kubernetes.io/docs/concepts/services-networking/network-policies/ and the
 * NetworkPolicy API reference): a policy's podSelector selects pods of its own namespace only; `{}` selects
 * all of them; a peer's podSelector without namespaceSelector stays in the policy's namespace; the
 * selectors of one peer are ANDed, the peers of a list ORed; policyTypes defaults to Ingress plus Egress
 * when there are egress rules; named ports resolve on each destination pod's container ports.
 * Markdown escapes every manifest string (backslash before punctuation), so `\=` is `=` and `\-` is `-`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hoverAt } from '../../shared/features/hover.js';
import { SourceFile } from '../../shared/source/source-file.js';
import { md } from '../../shared/features/markdown.js';
import { addressCount } from '../../shared/features/hovers/ip-block.js';
import type { AnalysisContext } from '../../shared/context.js';
import { contextOf, fileOf } from '../support/context.js';
import { cursorIn, cursorInText, shopContext } from '../support/shop-fixture.js';

const shop = shopContext();

interface Shown {
  readonly markdown: string;
  /** The text of the hovered span. */
  readonly span: string;
}

function hover(path: string, snippet: string, after = '', ctx: AnalysisContext = shop): Shown {
  const cursor = cursorIn(ctx, path, snippet, after);
  const result = hoverAt(cursor.ctx, cursor.file, cursor.offset);
  assert.ok(result, `a hover at ${snippet} in ${path}`);
  return { markdown: result.markdown, span: cursor.file.text.slice(result.span.start, result.span.end) };
}

function noHover(path: string, snippet: string, after = '', ctx: AnalysisContext = shop): void {
  const cursor = cursorIn(ctx, path, snippet, after);
  assert.equal(hoverAt(cursor.ctx, cursor.file, cursor.offset), undefined, `no hover at ${snippet}`);
}

test('md escapes HTML, links, emphasis and line breaks', () => {
  assert.equal(md('<img src=x onerror=alert(1)>'), '\\<img src\\=x onerror\\=alert\\(1\\)\\>');
  assert.equal(md('*[x](y)*'), '\\*\\[x\\]\\(y\\)\\*');
  assert.equal(md('a\nb\\c_d`e'), 'a b\\\\c\\_d\\`e');
  assert.equal(md('http://evil.com'), 'http\\://evil\\.com');
  assert.equal(md('shop/web'), 'shop/web');
});

test('addressCount groups digits and writes huge powers of two as powers', () => {
  assert.equal(addressCount(65536n), '65,536 addresses');
  assert.equal(addressCount(1n), '1 address');
  assert.equal(addressCount(1n << 128n), '2^128 addresses');
});

test('policy podSelector: the workloads it selects, with file:line', () => {
  const expected = [
    '**podSelector** of NetworkPolicy **shop/frontend\\-ingress**',
    '',
    'Selects the pods of 2 workloads in namespace **shop** (app\\=frontend):',
    '',
    '- Deployment **shop/frontend** (shop/apps\\.yaml\\:4)',
    '- Deployment **shop/frontend\\-canary** (shop/apps\\.yaml\\:22)',
    '',
    'Pods created later in **shop** with these labels are selected too.',
  ].join('\n');
  const onKey = hover('shop/policies.yaml', 'pod|Selector', 'frontend-ingress');
  assert.equal(onKey.markdown, expected);
  assert.equal(onKey.span, 'podSelector:\n    matchLabels:\n      app: frontend');
  // The value (a label inside matchLabels) shows the same hover.
  assert.equal(hover('shop/policies.yaml', 'app: fr|ontend', 'frontend-ingress').markdown, expected);
});

test('policy podSelector {}: every pod of the namespace', () => {
  const shown = hover('shop/policies.yaml', 'podSelector: {|}');
  assert.equal(
    shown.markdown,
    [
      '**podSelector** of NetworkPolicy **shop/default\\-deny**',
      '',
      'Selects every pod in namespace **shop** (`{}`): 4 workloads now, and every pod created there later.',
      '',
      '- Deployment **shop/frontend** (shop/apps\\.yaml\\:4)',
      '- Deployment **shop/frontend\\-canary** (shop/apps\\.yaml\\:22)',
      '- Deployment **shop/cart** (shop/apps\\.yaml\\:41)',
      '- Pod **shop/debug** (shop/apps\\.yaml\\:59)',
    ].join('\n'),
  );
  assert.equal(shown.span, 'podSelector: {}');
});

test('policy podSelector matching nothing: near misses and the values seen', () => {
  assert.equal(
    hover('shop/policies.yaml', 'app: ca|rt').markdown,
    [
      '**podSelector** of NetworkPolicy **shop/cart**',
      '',
      'Selects no pod in namespace **shop** yet (app\\=cart); pods created there later with these labels will be selected.',
      '',
      'Near misses:',
      '- Deployment **shop/cart** (shop/apps\\.yaml\\:41) has app\\=carts; the selector wants app\\=cart',
      '',
      'Values of app in **shop**: frontend (2), carts (1), debug (1).',
    ].join('\n'),
  );
});

test('policy podSelector: labels in other namespaces and host-network pods are pointed out', () => {
  const ctx = contextOf({
    'p.yaml': `
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: db, namespace: shop}
      spec:
        podSelector:
          matchLabels: {app: db}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: db-0, namespace: payments, labels: {app: db}}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: node-agent, namespace: shop, labels: {app: db}}
      spec: {hostNetwork: true}
    `,
  });
  const { markdown } = hover('p.yaml', 'pod|Selector', '', ctx);
  assert.match(markdown, /Selects no pod in namespace \*\*shop\*\* yet \(app\\=db\)/);
  assert.ok(
    markdown.includes(
      'These workloads in other namespaces carry the labels, but a policy only selects pods in its own namespace (**shop**):\n- Pod **payments/db\\-0** (p\\.yaml\\:10)',
    ),
    markdown,
  );
  assert.ok(
    markdown.includes(
      'Not selected: 1 workload with matching labels run on the host network, which NetworkPolicies do not select:\n- Pod **shop/node\\-agent** (p\\.yaml\\:14)',
    ),
    markdown,
  );
});

test('peer namespaceSelector: matching namespaces, and the podSelector that narrows them', () => {
  const shown = hover('shop/policies.yaml', '- namespace|Selector:', 'name: cart');
  assert.equal(
    shown.markdown,
    [
      '**namespaceSelector** of peer 1 of 1 in shop/cart egress\\[0\\] \\(shop/policies\\.yaml\\:45\\)',
      '',
      'Matches 1 namespace of the 3 in the workspace (team\\=payments):',
      '- **payments** (namespaces\\.yaml\\:12): team\\=payments, env\\=prod, kubernetes\\.io/metadata\\.name\\=payments',
      '',
      'Namespaces created later with these labels match too.',
      '',
      'Narrowed by the podSelector of the same peer (app\\=db): both must match (AND), so only pods with those labels in these namespaces (1 workload now).',
    ].join('\n'),
  );
  assert.equal(shown.span, 'namespaceSelector:\n        matchLabels:\n          team: payments');

  const alone = hover('shop/policies.yaml', 'team: s|re').markdown;
  assert.ok(
    alone.includes(
      'Matches 1 namespace of the 3 in the workspace (team\\=sre):\n- **monitoring** (namespaces\\.yaml\\:20)',
    ),
    alone,
  );
  assert.ok(
    alone.endsWith('No podSelector in this peer: it matches every pod of these namespaces (1 workload now).'),
    alone,
  );
});

test('peer namespaceSelector {}: every namespace, including later ones', () => {
  const shown = hover('shop/policies.yaml', '- namespaceSelector: {|}');
  assert.equal(
    shown.markdown,
    [
      '**namespaceSelector** of peer 2 of 2 in shop/frontend\\-egress egress\\[0\\] \\(shop/policies\\.yaml\\:67\\)',
      '',
      'Matches every namespace (`{}`), including ones created later. The workspace has 3 namespaces: **monitoring**, **payments**, **shop**.',
      '',
      'Narrowed by the podSelector of the same peer (app\\=api): both must match (AND), so only pods with those labels in these namespaces (1 workload now).',
    ].join('\n'),
  );
});

test('peer with a bare podSelector: limited to the policy namespace, ORed with the other peers', () => {
  const shown = hover('payments/policies.yaml', '- pod|Selector');
  assert.equal(
    shown.markdown,
    [
      '**Peer 2 of 3** in the `from` list of payments/db ingress\\[0\\] \\(payments/policies\\.yaml\\:11\\)',
      '',
      "Allows traffic from pods labelled app\\=api in namespace **payments** (the policy's own).",
      '',
      "A podSelector without namespaceSelector is limited to the policy's own namespace, **payments**; add a namespaceSelector to the same item to reach other namespaces.",
      '',
      'Matches 1 workload now:',
      '- Deployment **payments/api** (payments/apps\\.yaml\\:22)',
      '',
      'Separate peers in the list are ORed: a source matching any one of the 3 peers is allowed.',
    ].join('\n'),
  );
  assert.equal(shown.span, 'podSelector:\n        matchLabels:\n          app: api');
});

test('peer hovered on its dash: the AND of two selectors, in words', () => {
  const shown = hover('shop/policies.yaml', '|- namespaceSelector: {}');
  assert.ok(
    shown.markdown.startsWith('**Peer 2 of 2** in the `to` list of shop/frontend\\-egress egress\\[0\\]'),
    shown.markdown,
  );
  assert.ok(
    shown.markdown.includes('Allows traffic to pods labelled app\\=api in every namespace.'),
    shown.markdown,
  );
  assert.ok(shown.markdown.includes('both must match (AND)'), shown.markdown);
  assert.ok(
    shown.markdown.includes(
      'Matches 1 workload now:\n- Deployment **payments/api** (payments/apps\\.yaml\\:22)',
    ),
  );
  assert.ok(shown.markdown.endsWith('a destination matching any one of the 2 peers is allowed.'));
  assert.equal(
    shown.span,
    'namespaceSelector: {}\n      podSelector:\n        matchLabels:\n          app: api',
  );

  const storefront = hover('payments/policies.yaml', '|- namespaceSelector');
  assert.ok(
    storefront.markdown.includes('Allows traffic from every pod in namespaces labelled team\\=storefront.'),
  );
  assert.ok(storefront.markdown.includes('Matches 4 workloads now:'), storefront.markdown);
});

test('a lone peer says that a second item would be ORed', () => {
  const { markdown } = hover('shop/policies.yaml', '|- ipBlock:\n        cidr: 169');
  // An ipBlock peer hovered on its dash shows the ipBlock hover.
  assert.ok(markdown.startsWith('**ipBlock** in shop/frontend\\-egress egress\\[1\\]'), markdown);
  const ctx = contextOf({
    'p.yaml': `
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: web, namespace: shop}
      spec:
        podSelector: {}
        ingress:
        - from:
          - podSelector: {matchLabels: {app: web}}
    `,
  });
  const lone = hover('p.yaml', '- pod|Selector', '', ctx).markdown;
  assert.ok(
    lone.endsWith(
      'This is the only peer. A second `- ` item would be ORed with it (either matches), while two selectors in one item are ANDed.',
    ),
    lone,
  );
  assert.ok(lone.includes('Matches no workload of the workspace now.'), lone);
});

test('ipBlock: sizes, excepts, the metadata address and pods left out by an except', () => {
  const shown = hover('shop/policies.yaml', 'cidr: 0.0|.0.0/0');
  assert.equal(
    shown.markdown,
    [
      '**ipBlock** in shop/frontend\\-ingress ingress\\[0\\] \\(shop/policies\\.yaml\\:20\\)',
      '',
      '- cidr 0\\.0\\.0\\.0/0: 4,294,967,296 addresses',
      '- except 10\\.0\\.0\\.0/8: 16,777,216 addresses',
      '',
      'After the excepts: 4,278,190,080 addresses.',
      '',
      'Includes 169.254.169.254, the cloud instance-metadata address.',
      '',
      'No pod of the workspace has a status IP inside (pod templates carry no IPs).',
      '',
      'Pods inside the cidr but left out by an except:',
      '- Pod **shop/debug** (shop/apps\\.yaml\\:59) at 10\\.0\\.1\\.5',
    ].join('\n'),
  );
  assert.equal(shown.span, 'ipBlock:\n        cidr: 0.0.0.0/0\n        except:\n        - 10.0.0.0/8');
});

test('ipBlock in flow style: the pods whose IPs are inside', () => {
  const shown = hover('payments/policies.yaml', '- ipBlock: {ci|dr');
  assert.equal(
    shown.markdown,
    [
      '**ipBlock** in payments/db ingress\\[0\\] \\(payments/policies\\.yaml\\:11\\)',
      '',
      '- cidr 10\\.0\\.0\\.0/16: 65,536 addresses',
      '',
      'Does not include 169.254.169.254 (the cloud instance-metadata address).',
      '',
      'Pods of the workspace with an IP inside (pod IPs change; ipBlock is meant for addresses outside the cluster):',
      '- Pod **shop/debug** (shop/apps\\.yaml\\:59) at 10\\.0\\.1\\.5',
    ].join('\n'),
  );
  assert.equal(shown.span, 'ipBlock: {cidr: 10.0.0.0/16}');
  const egress = hover('shop/policies.yaml', 'cidr: 169|.254').markdown;
  assert.ok(egress.includes('- cidr 169\\.254\\.0\\.0/16: 65,536 addresses'), egress);
  assert.ok(
    egress.includes(
      'Includes 169.254.169.254, the cloud instance-metadata address (node credentials are served there on most clouds).',
    ),
    egress,
  );
});

test('ports: named ports resolved per destination, endPort ranges, the TCP default', () => {
  const shown = hover('shop/policies.yaml', 'por|ts:', 'frontend-ingress');
  assert.equal(
    shown.markdown,
    [
      '**ports** of shop/frontend\\-ingress ingress\\[0\\] \\(shop/policies\\.yaml\\:20\\)',
      '',
      "A connection that matches the rule's peers is allowed on any one of these ports:",
      '',
      '- TCP port named http (protocol not set: TCP by default)',
      '  - http → 8080/TCP on **shop/frontend**',
      '  - not declared by **shop/frontend\\-canary**: the rule opens no port there',
      '- TCP 9000-9100 (endPort: the range 9000 to 9100, 101 ports)',
    ].join('\n'),
  );
  assert.equal(
    shown.span,
    'ports:\n    - port: http\n    - port: 9000\n      endPort: 9100\n      protocol: TCP',
  );

  const one = hover('shop/policies.yaml', '- port: 9|000');
  assert.equal(
    one.markdown,
    [
      '**Port** of shop/frontend\\-ingress ingress\\[0\\] \\(shop/policies\\.yaml\\:20\\)',
      '',
      '- TCP 9000-9100 (endPort: the range 9000 to 9100, 101 ports)',
    ].join('\n'),
  );
  assert.equal(one.span, 'port: 9000\n      endPort: 9100\n      protocol: TCP');

  // Egress: the named port resolves on the destinations the peers match, in two namespaces.
  const egress = hover('shop/policies.yaml', '- port: h|ttp', 'frontend-egress').markdown;
  assert.ok(
    egress.endsWith('  - http → 9090/TCP on **shop/cart**\n  - http → 8000/TCP on **payments/api**'),
    egress,
  );
  // An explicit protocol is not called a default.
  const pg = hover('payments/policies.yaml', 'port: 54|32').markdown;
  assert.ok(pg.endsWith('\n\n- TCP 5432'), pg);
});

test('policyTypes: explicit types and ignored rule lists; defaults explained on spec', () => {
  const explicit = hover('shop/policies.yaml', 'pol|icyTypes: [Egress]');
  assert.equal(
    explicit.markdown,
    [
      '**policyTypes** of NetworkPolicy **shop/cart**: Egress',
      '',
      'Set explicitly to Egress.',
      '',
      '- Ingress: not affected, and the 1 ingress rule of this policy is ignored because Ingress is not in policyTypes.',
      '- Egress: the selected pods are isolated for egress; a connection passes only when an egress rule allows it (this policy has 1 egress rule; policies selecting the same pods add theirs).',
    ].join('\n'),
  );
  assert.equal(explicit.span, 'policyTypes: [Egress]');

  const defaulted = hover('shop/policies.yaml', 'sp|ec:', 'frontend-egress');
  assert.equal(defaulted.span, 'spec');
  assert.equal(
    defaulted.markdown,
    [
      '**policyTypes** of NetworkPolicy **shop/frontend\\-egress**: Ingress, Egress',
      '',
      'Not set, so the API server defaults it to Ingress, Egress: Ingress always; Egress because the policy has egress rules.',
      '',
      '- Ingress: the selected pods are isolated for ingress and this policy has no ingress rule, so it denies all ingress unless another policy selecting them allows it.',
      '- Egress: the selected pods are isolated for egress; a connection passes only when an egress rule allows it (this policy has 2 egress rules; policies selecting the same pods add theirs).',
    ].join('\n'),
  );
  const ingressOnly = hover('shop/policies.yaml', 'sp|ec:', 'frontend-ingress').markdown;
  assert.ok(
    ingressOnly.includes(
      'Not set, so the API server defaults it to Ingress: Ingress always; Egress only when the policy has egress rules, and it has none (an empty `egress: []` does not count).',
    ),
    ingressOnly,
  );
  // With policyTypes present, the spec key has no hover of its own.
  noHover('shop/policies.yaml', 'sp|ec:', 'name: cart');
});

test('policyTypes of a rejected policy: the banner and the unknown type', () => {
  const { markdown } = hover('payments/policies.yaml', 'policyTypes: [In|gres]');
  assert.equal(
    markdown,
    [
      '**policyTypes** of NetworkPolicy **payments/broken**: none',
      '',
      '⚠ The API server would reject this NetworkPolicy (see problems): it has no effect. The rest describes what it says as written.',
      '',
      'Set explicitly to none. Ingres is not a policy type: the API server accepts only Ingress and Egress.',
      '',
      '- Ingress: not affected by this policy.',
      '- Egress: not affected by this policy.',
    ].join('\n'),
  );
});

test('policy name: a summary with rules in words and combined reachability', () => {
  const shown = hover('shop/policies.yaml', 'name: fr|ontend-egress');
  assert.equal(shown.span, 'frontend-egress');
  assert.equal(
    shown.markdown,
    [
      '**NetworkPolicy shop/frontend\\-egress \\(shop/policies\\.yaml\\:60\\)**',
      '',
      'Selects the pods of 2 workloads in namespace **shop** (tier\\=web).',
      '',
      '**Ingress**: isolates the selected pods and allows nothing (deny all ingress, unless another policy selecting them allows it).',
      '',
      '**Egress**: isolates the selected pods; allowed destinations:',
      "- rule 1: to pods labelled tier\\=api in namespace **shop** (the policy's own) **or** pods labelled app\\=api in every namespace, on TCP port named http",
      '- rule 2: to addresses in 169\\.254\\.0\\.0/16, on every port',
      '',
      // prometheus (no egress policy) reaches frontend on http and 9000-9100 via frontend-ingress; so do
      // the addresses outside 10/8 (two blocks: 169.254/16 and the rest). frontend reaches payments/api
      // on 8000 (cart's 9090 is closed by default-deny's ingress side) and 169.254/16.
      'With every policy of the workspace combined, the selected pods can be reached from 1 workload and 2 external address blocks, and can reach 1 workload and 1 external address block.',
    ].join('\n'),
  );

  const cart = hover('shop/policies.yaml', 'name: ca|rt').markdown;
  assert.equal(
    cart,
    [
      '**NetworkPolicy shop/cart \\(shop/policies\\.yaml\\:37\\)**',
      '',
      'Selects no pod in namespace **shop** yet (app\\=cart).',
      '',
      '**Ingress**: not isolated by this policy (Ingress is not in policyTypes). Its 1 ingress rule is ignored.',
      '',
      '**Egress**: isolates the selected pods; allowed destinations:',
      '- rule 1: to pods labelled app\\=db in namespaces labelled team\\=payments, on TCP port named pg',
    ].join('\n'),
  );

  const ingress = hover('shop/policies.yaml', 'name: fr|ontend-ingress').markdown;
  assert.ok(
    ingress.includes(
      '- rule 1: from every pod in namespaces labelled team\\=sre **or** addresses in 0\\.0\\.0\\.0/0 except 10\\.0\\.0\\.0/8, on TCP port named http, TCP 9000-9100',
    ),
    ingress,
  );
  assert.ok(
    ingress.includes('**Egress**: not isolated by this policy (Egress is not in policyTypes).'),
    ingress,
  );

  const broken = hover('payments/policies.yaml', 'name: br|oken').markdown;
  assert.ok(
    broken.startsWith(
      '**NetworkPolicy payments/broken \\(payments/policies\\.yaml\\:26\\)**\n\n⚠ The API server would reject',
    ),
    broken,
  );
  assert.ok(!broken.includes('With every policy'), 'a rejected policy takes no part in reachability');
});

test('workload name: isolating policies, sources and destinations with ports', () => {
  const shown = hover('shop/apps.yaml', 'name: front|end #');
  assert.equal(shown.span, 'frontend');
  assert.equal(
    shown.markdown,
    [
      '**Deployment shop/frontend** (shop/apps\\.yaml\\:4)',
      '',
      'Pod labels: app\\=frontend, tier\\=web · ports: http 8080/TCP',
      '',
      '- Ingress: isolated by shop/default\\-deny \\(shop/policies\\.yaml\\:4\\), shop/frontend\\-ingress \\(shop/policies\\.yaml\\:13\\), shop/frontend\\-egress \\(shop/policies\\.yaml\\:60\\).',
      '- Egress: isolated by shop/default\\-deny \\(shop/policies\\.yaml\\:4\\), shop/frontend\\-egress \\(shop/policies\\.yaml\\:60\\).',
      '',
      '**May be reached from** (3):',
      '- DaemonSet **monitoring/prometheus** (monitoring/prometheus\\.yaml\\:4) on TCP 8080,9000\\-9100',
      '- addresses 0\\.0\\.0\\.0\\-9\\.255\\.255\\.255, 11\\.0\\.0\\.0\\-169\\.253\\.255\\.255, 169\\.255\\.0\\.0\\-255\\.255\\.255\\.255 on TCP 8080,9000\\-9100',
      '- addresses 169\\.254\\.0\\.0/16 on TCP 8080,9000\\-9100',
      '',
      '**May reach** (2):',
      '- Deployment **payments/api** (payments/apps\\.yaml\\:22) on TCP 8000',
      '- addresses 169\\.254\\.0\\.0/16 on all ports',
    ].join('\n'),
  );

  const prometheus = hover('monitoring/prometheus.yaml', 'name: pro|metheus').markdown;
  assert.ok(
    prometheus.includes(
      '- Ingress: not isolated; no NetworkPolicy selects it with Ingress in its policyTypes, so every source whose egress allows it can connect.',
    ),
    prometheus,
  );
  assert.ok(
    prometheus.includes('- Deployment **shop/frontend\\-canary** (shop/apps\\.yaml\\:22) on TCP 9000\\-9100'),
    prometheus,
  );

  const cart = hover('shop/apps.yaml', 'name: ca|rt').markdown;
  assert.ok(cart.endsWith('**May be reached from**: nothing.\n\n**May reach**: nothing.'), cart);
});

test('hostile label values are escaped in every hover', () => {
  const debug = hover('shop/apps.yaml', 'name: de|bug').markdown;
  assert.ok(
    debug.includes(
      'Pod labels: app\\=debug, note\\=\\<img src\\=x onerror\\=alert\\(1\\)\\>, desc\\=\\*\\[x\\]\\(y\\)\\*',
    ),
    debug,
  );
  assert.ok(!/(^|[^\\])<img/.test(debug), 'no raw HTML');
  assert.ok(!/(^|[^\\])\[x\]/.test(debug), 'no raw link');

  const ctx = contextOf({
    'evil.yaml': `
      apiVersion: v1
      kind: Namespace
      metadata:
        name: evil
        labels:
          owner: "<img src=x onerror=alert(1)>"
          note: "*[x](y)*"
      ---
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: p, namespace: evil}
      spec:
        podSelector:
          matchLabels:
            note: "*[x](y)*"
        ingress:
        - from:
          - namespaceSelector:
              matchLabels: {owner: "<img src=x onerror=alert(1)>"}
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: victim
        namespace: evil
        labels: {note: "*[x](y)*"}
    `,
  });
  // The API server rejects these label values, so the policy is marked rejected; its hovers still show them.
  const selector = hover('evil.yaml', 'pod|Selector', '', ctx).markdown;
  assert.ok(
    selector.includes('(note\\=\\*\\[x\\]\\(y\\)\\*):\n\n- Pod **evil/victim** (evil\\.yaml\\:24)'),
    selector,
  );
  const namespaces = hover('evil.yaml', 'namespace|Selector', '', ctx).markdown;
  assert.ok(namespaces.includes('(owner\\=\\<img src\\=x onerror\\=alert\\(1\\)\\>)'), namespaces);
  assert.ok(
    namespaces.includes('owner\\=\\<img src\\=x onerror\\=alert\\(1\\)\\>, note\\=\\*\\[x\\]\\(y\\)\\*'),
    namespaces,
  );
  for (const markdown of [selector, namespaces, hover('evil.yaml', 'name: |p', '', ctx).markdown]) {
    assert.ok(!/(^|[^\\])</.test(markdown), `no unescaped < in ${markdown}`);
    assert.ok(!/(^|[^\\])\[x/.test(markdown), `no unescaped [ in ${markdown}`);
  }
});

test('a controller represented by its pods in a cluster dump', () => {
  const ctx = contextOf({
    'dump.yaml': `
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web, namespace: shop}
      spec:
        template:
          metadata: {labels: {app: web}}
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: web-5d8f-abcde
        namespace: shop
        labels: {app: web, pod-template-hash: 5d8f}
        ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-5d8f, uid: 7c1e, controller: true}]
    `,
  });
  const { markdown } = hover('dump.yaml', 'name: w|eb,', '', ctx);
  assert.ok(markdown.startsWith('**Deployment shop/web** (dump\\.yaml\\:3)'), markdown);
  assert.ok(
    markdown.includes('Represented by 1 pod of the workspace: **shop/web\\-5d8f\\-abcde**.'),
    markdown,
  );
});

test('long lists are bounded', () => {
  const pods = Array.from(
    { length: 25 },
    (_, i) =>
      `apiVersion: v1\nkind: Pod\nmetadata: {name: p${String(i).padStart(2, '0')}, namespace: big, labels: {app: x}}`,
  ).join('\n---\n');
  const ctx = contextOf({
    'pods.yaml': pods,
    'policy.yaml':
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: all, namespace: big}\nspec:\n  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - {}\n',
  });
  const { markdown } = hover('policy.yaml', 'podSelector: {|}', '', ctx);
  assert.ok(markdown.includes('25 workloads now'), markdown);
  assert.ok(markdown.includes('- Pod **big/p14** (pods\\.yaml\\:59)\n- … and 10 more'), markdown);
  assert.ok(!markdown.includes('big/p15'), markdown);
  const workload = hover('pods.yaml', 'name: p0|0', '', ctx).markdown;
  // 24 other pods and the one external block (every address: there is no ipBlock).
  assert.ok(
    workload.includes('**May be reached from** (25):\n- Pod **big/p01** (pods\\.yaml\\:7) on all ports\n'),
    workload,
  );
  assert.ok(
    workload.includes(
      '- Pod **big/p15** (pods\\.yaml\\:63) on all ports\n- … and 10 more\n\n**May reach** (25):',
    ),
    workload,
  );
});

test('objects inside a List are hovered like top-level objects', () => {
  const ctx = contextOf({
    'list.yaml': `
      apiVersion: v1
      kind: List
      items:
      - apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: in-list, namespace: shop}
        spec:
          podSelector: {matchLabels: {app: frontend}}
    `,
    'shop/apps.yaml': fileOf(shop, 'shop/apps.yaml').text,
  });
  const { markdown } = hover('list.yaml', 'pod|Selector', '', ctx);
  assert.ok(
    markdown.startsWith(
      '**podSelector** of NetworkPolicy **shop/in\\-list**\n\nSelects the pods of 2 workloads',
    ),
    markdown,
  );
});

test('no hover elsewhere, nor in a document that does not parse', () => {
  noHover('shop/policies.yaml', 'ki|nd: NetworkPolicy');
  noHover('shop/policies.yaml', 'namespace: sh|op');
  noHover('shop/policies.yaml', '- fr|om', 'frontend-ingress');
  noHover('shop/apps.yaml', 'containerPort: 80|80');
  noHover('namespaces.yaml', 'name: sh|op');
  const broken = cursorInText(
    'broken.yaml',
    `
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: x, namespace: shop}
      spec:
        pod|Selector: {matchLabels: {app: web}
    `,
  );
  assert.equal(hoverAt(broken.ctx, broken.file, broken.offset), undefined);
  assert.equal(hoverAt(shop, fileOf(shop, 'shop/policies.yaml'), 100_000), undefined);
});

test('a file object of another text than the analysed one gets no hover; an equal copy does', () => {
  const analysed = fileOf(shop, 'shop/policies.yaml');
  const offset = analysed.text.indexOf('podSelector: {}') + 3;
  assert.ok(hoverAt(shop, new SourceFile(analysed.path, analysed.text), offset));
  assert.equal(
    hoverAt(shop, new SourceFile(analysed.path, `# edited\n${analysed.text}`), offset + 9),
    undefined,
  );
});
