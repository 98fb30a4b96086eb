/**
 * Hovers through the real language server, on the shop workspace (test/support/shop-fixture.ts) written to
 * disk and indexed by the server: three namespaces, workloads and policies in six files. The hovered
 * files are not opened, so what a hover says about workloads of other files comes through the workspace
 * index; an unsaved buffer of another file changes it. Each hover kind is asserted with its markdown
 * (manifest text escaped, workloads with file:line relative to the workspace folder) and its range.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Hover } from 'vscode-languageserver-protocol';
import { cursor, LspClient, textInRange } from '../support/lsp-client.js';
import { dedent } from '../support/manifests.js';
import { shopFiles } from '../support/shop-fixture.js';

const files: Record<string, string> = Object.fromEntries(
  Object.entries(shopFiles).map(([path, text]) => [path, dedent(text)]),
);

let client: LspClient;

before(async () => {
  client = new LspClient({ files });
  await client.start();
});

after(async () => {
  await client.dispose();
});

interface Shown {
  readonly markdown: string;
  /** The text of the returned range. */
  readonly range: string;
}

async function hover(path: string, snippet: string, afterText = ''): Promise<Shown> {
  const text = files[path]!;
  const result: Hover | null = await client.hover(client.uri(path), cursor(text, snippet, afterText));
  assert.ok(result, `a hover at ${snippet} in ${path}`);
  assert.ok(result.range, 'the hover has a range');
  const contents = result.contents;
  assert.ok(typeof contents === 'object' && 'kind' in contents, 'MarkupContent');
  assert.equal(contents.kind, 'markdown');
  return { markdown: contents.value, range: textInRange(text, result.range) };
}

test('the workspace is indexed from disk: every file is analysed, none is open', async () => {
  const status = client.statuses.at(-1)!;
  assert.deepEqual(status, {
    indexing: false,
    files: 6,
    policies: 5,
    rejectedPolicies: 1,
    workloads: 7,
    // payments/db is isolated for ingress only; payments/api and monitoring/prometheus by nothing.
    nonIsolatedWorkloads: 3,
    errors: 1,
    warnings: 7,
  });
  for (const path of Object.keys(files)) assert.ok(client.diagnostics.has(client.uri(path)), path);
  assert.deepEqual(client.openDocuments, []);
});

test('policy podSelector: the workloads of another file it selects, with file:line', async () => {
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
  const onKey = await hover('shop/policies.yaml', 'pod|Selector', 'frontend-ingress');
  assert.deepEqual(onKey, {
    markdown: expected,
    range: 'podSelector:\n    matchLabels:\n      app: frontend',
  });
  // The value (a label inside matchLabels) shows the same hover.
  assert.equal((await hover('shop/policies.yaml', 'app: fr|ontend', 'frontend-ingress')).markdown, expected);
});

test('peer namespaceSelector: the namespaces of namespaces.yaml and the workloads of payments/apps.yaml', async () => {
  assert.deepEqual(await hover('shop/policies.yaml', '- namespace|Selector:', 'name: cart'), {
    markdown: [
      '**namespaceSelector** of peer 1 of 1 in shop/cart egress\\[0\\] \\(shop/policies\\.yaml\\:45\\)',
      '',
      'Matches 1 namespace of the 3 in the workspace (team\\=payments):',
      '- **payments** (namespaces\\.yaml\\:12): team\\=payments, env\\=prod, kubernetes\\.io/metadata\\.name\\=payments',
      '',
      'Namespaces created later with these labels match too.',
      '',
      'Narrowed by the podSelector of the same peer (app\\=db): both must match (AND), so only pods with those labels in these namespaces (1 workload now).',
    ].join('\n'),
    range: 'namespaceSelector:\n        matchLabels:\n          team: payments',
  });
});

test('peer: a bare podSelector, limited to the policy namespace', async () => {
  assert.deepEqual(await hover('payments/policies.yaml', '- pod|Selector'), {
    markdown: [
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
    range: 'podSelector:\n        matchLabels:\n          app: api',
  });
  // On the dash of a peer with two selectors: the peer, over the whole item.
  const dash = await hover('shop/policies.yaml', '|- namespaceSelector: {}');
  assert.ok(
    dash.markdown.startsWith('**Peer 2 of 2** in the `to` list of shop/frontend\\-egress egress\\[0\\]'),
  );
  assert.ok(
    dash.markdown.includes(
      'Matches 1 workload now:\n- Deployment **payments/api** (payments/apps\\.yaml\\:22)',
    ),
  );
  assert.equal(
    dash.range,
    'namespaceSelector: {}\n      podSelector:\n        matchLabels:\n          app: api',
  );
});

test('ipBlock: sizes, the metadata address, and a pod of another file left out by an except', async () => {
  assert.deepEqual(await hover('shop/policies.yaml', 'cidr: 0.0|.0.0/0'), {
    markdown: [
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
    range: 'ipBlock:\n        cidr: 0.0.0.0/0\n        except:\n        - 10.0.0.0/8',
  });
});

test('ports: a named port resolved on the selected workloads, one port entry, egress destinations', async () => {
  assert.deepEqual(await hover('shop/policies.yaml', 'por|ts:', 'frontend-ingress'), {
    markdown: [
      '**ports** of shop/frontend\\-ingress ingress\\[0\\] \\(shop/policies\\.yaml\\:20\\)',
      '',
      "A connection that matches the rule's peers is allowed on any one of these ports:",
      '',
      '- TCP port named http (protocol not set: TCP by default)',
      '  - http → 8080/TCP on **shop/frontend**',
      '  - not declared by **shop/frontend\\-canary**: the rule opens no port there',
      '- TCP 9000-9100 (endPort: the range 9000 to 9100, 101 ports)',
    ].join('\n'),
    range: 'ports:\n    - port: http\n    - port: 9000\n      endPort: 9100\n      protocol: TCP',
  });
  assert.deepEqual(await hover('shop/policies.yaml', '- port: 9|000'), {
    markdown: [
      '**Port** of shop/frontend\\-ingress ingress\\[0\\] \\(shop/policies\\.yaml\\:20\\)',
      '',
      '- TCP 9000-9100 (endPort: the range 9000 to 9100, 101 ports)',
    ].join('\n'),
    range: 'port: 9000\n      endPort: 9100\n      protocol: TCP',
  });
  // Egress: the named port resolves on the destinations the peers match, in two namespaces (workloads in
  // the server's file order: payments/apps.yaml before shop/apps.yaml).
  assert.deepEqual(await hover('shop/policies.yaml', '- port: h|ttp', 'frontend-egress'), {
    markdown: [
      '**Port** of shop/frontend\\-egress egress\\[0\\] \\(shop/policies\\.yaml\\:67\\)',
      '',
      '- TCP port named http (protocol not set: TCP by default)',
      '  - http → 8000/TCP on **payments/api**',
      '  - http → 9090/TCP on **shop/cart**',
    ].join('\n'),
    range: 'port: http',
  });
});

test('policyTypes: explicit, and on `spec` when omitted', async () => {
  assert.deepEqual(await hover('shop/policies.yaml', 'pol|icyTypes: [Egress]'), {
    markdown: [
      '**policyTypes** of NetworkPolicy **shop/cart**: Egress',
      '',
      'Set explicitly to Egress.',
      '',
      '- Ingress: not affected, and the 1 ingress rule of this policy is ignored because Ingress is not in policyTypes.',
      '- Egress: the selected pods are isolated for egress; a connection passes only when an egress rule allows it (this policy has 1 egress rule; policies selecting the same pods add theirs).',
    ].join('\n'),
    range: 'policyTypes: [Egress]',
  });
  assert.deepEqual(await hover('shop/policies.yaml', 'sp|ec:', 'frontend-egress'), {
    markdown: [
      '**policyTypes** of NetworkPolicy **shop/frontend\\-egress**: Ingress, Egress',
      '',
      'Not set, so the API server defaults it to Ingress, Egress: Ingress always; Egress because the policy has egress rules.',
      '',
      '- Ingress: the selected pods are isolated for ingress and this policy has no ingress rule, so it denies all ingress unless another policy selecting them allows it.',
      '- Egress: the selected pods are isolated for egress; a connection passes only when an egress rule allows it (this policy has 2 egress rules; policies selecting the same pods add theirs).',
    ].join('\n'),
    range: 'spec',
  });
  // With policyTypes present, the spec key has no hover.
  const text = files['shop/policies.yaml']!;
  assert.equal(
    await client.hover(client.uri('shop/policies.yaml'), cursor(text, 'sp|ec:', 'name: cart')),
    null,
  );
});

test('policy metadata.name: the summary with combined reachability over the workspace', async () => {
  assert.deepEqual(await hover('shop/policies.yaml', 'name: fr|ontend-egress'), {
    markdown: [
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
      'With every policy of the workspace combined, the selected pods can be reached from 1 workload and 2 external address blocks, and can reach 1 workload and 1 external address block.',
    ].join('\n'),
    range: 'frontend-egress',
  });
  const broken = await hover('payments/policies.yaml', 'name: br|oken');
  assert.ok(
    broken.markdown.startsWith(
      '**NetworkPolicy payments/broken \\(payments/policies\\.yaml\\:26\\)**\n\n⚠ The API server would reject',
    ),
    broken.markdown,
  );
});

test('workload metadata.name: the policies of another file isolating it, sources and destinations', async () => {
  assert.deepEqual(await hover('shop/apps.yaml', 'name: front|end #'), {
    markdown: [
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
    range: 'frontend',
  });
});

test('hostile label values are shown escaped: no raw HTML or link reaches the markdown', async () => {
  const debug = await hover('shop/apps.yaml', 'name: de|bug');
  assert.equal(debug.range, 'debug');
  assert.ok(
    debug.markdown.includes(
      'Pod labels: app\\=debug, note\\=\\<img src\\=x onerror\\=alert\\(1\\)\\>, desc\\=\\*\\[x\\]\\(y\\)\\*',
    ),
    debug.markdown,
  );
  assert.ok(!/(^|[^\\])<img/.test(debug.markdown), 'no raw HTML');
  assert.ok(!/(^|[^\\])\[x\]/.test(debug.markdown), 'no raw link');
  // A policy in a new buffer selecting the pod by its hostile label.
  const policy = [
    'apiVersion: networking.k8s.io/v1',
    'kind: NetworkPolicy',
    'metadata: {name: evil, namespace: shop}',
    'spec:',
    '  podSelector:',
    '    matchLabels: {desc: "*[x](y)*"}',
    '',
  ].join('\n');
  const { uri } = await client.openAndWait('shop/evil.yaml', policy);
  try {
    const result = await client.hover(uri, cursor(policy, 'pod|Selector'));
    const markdown =
      result && typeof result.contents === 'object' && 'value' in result.contents
        ? result.contents.value
        : '';
    assert.ok(
      markdown.includes('(desc\\=\\*\\[x\\]\\(y\\)\\*):\n\n- Pod **shop/debug** (shop/apps\\.yaml\\:59)'),
      markdown,
    );
    assert.ok(!/(^|[^\\])[<[]/.test(markdown), markdown);
  } finally {
    await client.closeAndForget(uri);
  }
});

test('an unsaved buffer of another file changes the hover; closing it goes back to the disk text', async () => {
  const apps = files['shop/apps.yaml']!;
  const edited = apps
    .replace('        track: canary', '        track: canary\n        app: other')
    .replace(/(name: frontend-canary[\s\S]*?)app: frontend\n/, '$1');
  assert.notEqual(edited, apps);
  const uri = client.uri('shop/apps.yaml');
  await client.analysedAfter(() => client.open('shop/apps.yaml', edited));
  const narrowed = await hover('shop/policies.yaml', 'pod|Selector', 'frontend-ingress');
  assert.ok(
    narrowed.markdown.includes(
      'Selects the pods of 1 workload in namespace **shop** (app\\=frontend):\n\n- Deployment **shop/frontend** (shop/apps\\.yaml\\:4)\n\n',
    ),
    narrowed.markdown,
  );
  await client.analysedAfter(() => client.close(uri));
  const back = await hover('shop/policies.yaml', 'pod|Selector', 'frontend-ingress');
  assert.ok(back.markdown.includes('Selects the pods of 2 workloads'), back.markdown);
});

test('no hover outside the hover kinds, nor in a file that is not a manifest', async () => {
  const policies = files['shop/policies.yaml']!;
  const uri = client.uri('shop/policies.yaml');
  for (const [snippet, afterText] of [
    ['ki|nd: NetworkPolicy', ''],
    ['namespace: sh|op', ''],
    ['- fr|om', 'frontend-ingress'],
  ] as const) {
    assert.equal(await client.hover(uri, cursor(policies, snippet, afterText)), null, snippet);
  }
  assert.equal(await client.hover(client.uri('README.md'), { line: 0, character: 0 }), null);
});
