/**
 * Editor features through the real language server on the shop workspace (test/support/shop-fixture.ts)
 * indexed from disk: label completion in selectors from workloads and namespaces of other files, code
 * lenses, watched-file events (the index follows files created, changed and deleted on disk, in order,
 * and only files that indexing would take), closing an unsaved buffer, the custom requests
 * netpolScope/reachability, /explain and /namespaces, and the netpolScope/status notification.
 */
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CompletionItem, Diagnostic } from 'vscode-languageserver-protocol';
import { CompletionItemKind, ErrorCodes, ResponseError } from 'vscode-languageserver-protocol';
import {
  cursor,
  FileChangeType,
  LspClient,
  lspSeverity,
  positionAt,
  textInRange,
} from '../support/lsp-client.js';
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

// Buffers opened by a test are closed (new files are dropped, files on disk go back to their text).
afterEach(async () => {
  for (const uri of client.openDocuments) {
    const onDisk = Object.keys(files).some((p) => client.uri(p) === uri);
    if (onDisk) await client.analysedAfter(() => client.close(uri));
    else await client.closeAndForget(uri);
  }
});

function codes(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.map((d) => `${String(d.code)}@${d.range.start.line}`);
}

const policiesUri = () => client.uri('shop/policies.yaml');

/** The shop/policies.yaml diagnostics as indexed from disk. */
const indexedPolicyCodes = [
  // frontend-egress allows tier=web -> tier=api on http (cart's 9090), which shop/default-deny denies on
  // the ingress of the cart: on the default deny (the policy a fix extends) and on the peer (@67)
  'other-side-denies@3',
  'dns-egress-missing@7',
  'policy-types-implicit@14',
  'policy-selects-nothing@40',
  // (its pods are the ones of @7: dns-egress-missing is reported once per set of pods)
  'policy-types-ignored-rules@53',
  'policy-types-implicit@61',
  'other-side-denies@67',
  'namespace-selector-all@70',
  'egress-metadata-endpoint@78',
];

// ---------------------------------------------------------------------------------------------------------
// Completion
// ---------------------------------------------------------------------------------------------------------

const head = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: new
  namespace: shop
spec:
`;

let completionFile = 0;

/** `kind label [detail] -> "newText" replacing "text"` for the completions at the `|` of a new policy. */
async function complete(spec: string): Promise<string[]> {
  const withBar = `${head}${spec.replace(/^\n/, '')}`;
  const bar = withBar.indexOf('|');
  const text = withBar.slice(0, bar) + withBar.slice(bar + 1);
  const { uri } = await client.openAndWait(`shop/new-${++completionFile}.yaml`, text);
  const items: CompletionItem[] = await client.completion(uri, positionAt(text, bar));
  await client.closeAndForget(uri);
  return items.map((i) => {
    assert.ok(i.textEdit && 'range' in i.textEdit, 'a text edit with a range');
    const kind =
      i.kind === CompletionItemKind.Property ? 'key' : i.kind === CompletionItemKind.Value ? 'value' : '?';
    return `${kind} ${i.label} [${i.detail}] -> ${JSON.stringify(i.textEdit.newText)} replacing ${JSON.stringify(textInRange(text, i.textEdit.range))}`;
  });
}

test('completion: label keys and values of the workloads of other files, in the policy namespace', async () => {
  const keys = (replacing: string) => [
    `key app [4 workloads] -> "app: " replacing "${replacing}"`,
    `key tier [3 workloads] -> "tier: " replacing "${replacing}"`,
    `key desc [1 workload] -> "desc: " replacing "${replacing}"`,
    `key note [1 workload] -> "note: " replacing "${replacing}"`,
    `key track [1 workload] -> "track: " replacing "${replacing}"`,
  ];
  assert.deepEqual(await complete('  podSelector:\n    matchLabels:\n      |\n'), keys(''));
  assert.deepEqual(await complete('  podSelector:\n    matchLabels:\n      ap|\n'), keys('ap'));
  // A key typed after an existing one does not parse; keys already used are not offered again.
  assert.deepEqual(
    await complete(
      '  podSelector:\n    matchLabels:\n      app: frontend\n      t|\n  policyTypes: [Ingress]\n',
    ),
    keys('t').slice(1),
  );
  assert.deepEqual(await complete('  podSelector:\n    matchLabels:\n      app: fr|\n'), [
    'value frontend [2 workloads] -> "frontend" replacing "fr"',
    'value carts [1 workload] -> "carts" replacing "fr"',
    'value debug [1 workload] -> "debug" replacing "fr"',
  ]);
});

test('completion: namespace labels of namespaces.yaml, and pods of the namespaces a peer selects', async () => {
  assert.deepEqual(
    await complete(
      '  podSelector: {}\n  ingress:\n  - from:\n    - namespaceSelector:\n        matchLabels:\n          |\n',
    ),
    [
      'key kubernetes.io/metadata.name [3 namespaces] -> "kubernetes.io/metadata.name: " replacing ""',
      'key team [3 namespaces] -> "team: " replacing ""',
      'key env [2 namespaces] -> "env: " replacing ""',
    ],
  );
  assert.deepEqual(
    await complete(
      '  podSelector: {}\n  ingress:\n  - from:\n    - namespaceSelector:\n        matchLabels:\n          team: payments\n      podSelector:\n        matchLabels:\n          app: |\n',
    ),
    ['value api [1 workload] -> "api" replacing ""', 'value db [1 workload] -> "db" replacing ""'],
  );
  // Flow style, and nothing outside selectors.
  assert.deepEqual(
    await complete('  podSelector: {}\n  ingress:\n  - from:\n    - podSelector: {matchLabels: {tier: |}}\n'),
    ['value web [2 workloads] -> "web" replacing ""', 'value api [1 workload] -> "api" replacing ""'],
  );
  assert.deepEqual(await complete('  podSelector: {}\n  policyTypes: [|]\n'), []);
});

test('completion follows an unsaved buffer of another file', async () => {
  const apps = files['shop/apps.yaml']!;
  // The buffer's own diagnostics do not change: wait for the analysis.
  await client.analysedAfter(() =>
    client.open('shop/apps.yaml', apps.replace('        track: canary', '        track: stable')),
  );
  assert.deepEqual(await complete('  podSelector:\n    matchLabels:\n      track: |\n'), [
    'value stable [1 workload] -> "stable" replacing ""',
  ]);
});

// ---------------------------------------------------------------------------------------------------------
// Code lenses
// ---------------------------------------------------------------------------------------------------------

test('code lenses: one per policy on its first line, with what it selects and allows', async () => {
  const show = async (path: string) =>
    (await client.codeLenses(client.uri(path))).map((l) => {
      assert.deepEqual(l.command?.command, 'netpolScope.showReachability');
      assert.deepEqual(l.command?.arguments, [client.uri(path)]);
      return `${l.range.start.line}: ${textInRange(files[path]!, l.range)} => ${l.command?.title}`;
    });
  assert.deepEqual(await show('shop/policies.yaml'), [
    '0: apiVersion: networking.k8s.io/v1 => selects 4 workloads · denies all ingress · denies all egress',
    '9: apiVersion: networking.k8s.io/v1 => selects 2 workloads · ingress from 1 workload + 1 IP block · not isolating egress',
    '33: apiVersion: networking.k8s.io/v1 => selects 0 workloads · not isolating ingress · egress to 1 workload',
    '56: apiVersion: networking.k8s.io/v1 => selects 2 workloads · denies all ingress · egress to 2 workloads + 1 IP block',
  ]);
  assert.deepEqual(await show('payments/policies.yaml'), [
    '0: apiVersion: networking.k8s.io/v1 => selects 1 workload · ingress from 5 workloads + 1 IP block · not isolating egress',
    '22: apiVersion: networking.k8s.io/v1 => rejected by the API server: see problems',
  ]);
  assert.deepEqual(await show('shop/apps.yaml'), []);
  assert.deepEqual(await client.codeLenses(client.uri('not-there.yaml')), []);
});

// ---------------------------------------------------------------------------------------------------------
// Files on disk: watched-file events and closing buffers
// ---------------------------------------------------------------------------------------------------------

const cartDeployment = (app: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: cart-v2
  namespace: shop
spec:
  template:
    metadata:
      labels: {app: ${app}}
`;

test('watched files: a workload created, changed and deleted on disk changes the policies of another file', async () => {
  assert.deepEqual(codes(client.diagnostics.get(policiesUri())!.diagnostics), indexedPolicyCodes);
  const created = client.writeFile('shop/cart-v2.yaml', cartDeployment('cart'));
  try {
    // The cart policy selects app=cart: now it selects the new workload.
    const selected = await client.diagnosticsAfter(
      policiesUri(),
      () => client.watchedFiles([{ relative: 'shop/cart-v2.yaml', type: FileChangeType.Created }]),
      (p) => !p.diagnostics.some((d) => d.code === 'policy-selects-nothing'),
    );
    assert.deepEqual(
      codes(selected),
      indexedPolicyCodes.filter((c) => c !== 'policy-selects-nothing@40'),
    );
    assert.deepEqual(await client.waitForDiagnostics(created), []);
    const lenses = await client.codeLenses(policiesUri());
    assert.equal(
      lenses[2]?.command?.title,
      'selects 1 workload · not isolating ingress · egress to 1 workload',
    );
    const text = files['shop/policies.yaml']!;
    const hover = await client.hover(policiesUri(), cursor(text, 'app: ca|rt'));
    const markdown =
      hover && typeof hover.contents === 'object' && 'value' in hover.contents ? hover.contents.value : '';
    assert.ok(
      markdown.includes(
        'Selects the pods of 1 workload in namespace **shop** (app\\=cart):\n\n- Deployment **shop/cart\\-v2** (shop/cart\\-v2\\.yaml\\:4)',
      ),
      markdown,
    );

    client.writeFile('shop/cart-v2.yaml', cartDeployment('cart-v2'));
    const changed = await client.diagnosticsAfter(
      policiesUri(),
      () => client.watchedFiles([{ relative: 'shop/cart-v2.yaml', type: FileChangeType.Changed }]),
      (p) => p.diagnostics.some((d) => d.code === 'policy-selects-nothing'),
    );
    assert.deepEqual(codes(changed), indexedPolicyCodes);
    // shop/default-deny isolates the workload both ways whatever its labels: no finding on its file.
    assert.deepEqual(codes(client.diagnostics.get(created)!.diagnostics), []);
  } finally {
    client.deleteFile('shop/cart-v2.yaml');
    await client.diagnosticsAfter(
      created,
      () => client.watchedFiles([{ relative: 'shop/cart-v2.yaml', type: FileChangeType.Deleted }]),
      (p) => p.diagnostics.length === 0,
    );
  }
  const lenses = await client.codeLenses(policiesUri());
  assert.equal(
    lenses[2]?.command?.title,
    'selects 0 workloads · not isolating ingress · egress to 1 workload',
  );
});

test('watched files: the open buffer wins over the disk; events of one notification apply in order', async () => {
  const apps = files['shop/apps.yaml']!;
  const uri = await client.open('shop/apps.yaml', apps.replace('app: carts', 'app: cart'));
  const fixed = await client.waitForDiagnostics(
    policiesUri(),
    (d) => !d.some((x) => x.code === 'policy-selects-nothing'),
  );
  assert.deepEqual(
    codes(fixed),
    indexedPolicyCodes.filter((c) => c !== 'policy-selects-nothing@40'),
  );
  // The disk changes under the open buffer: ignored. A file created after it is analysed.
  client.writeFile('shop/apps.yaml', apps.replace('app: carts', 'app: other'));
  const later = client.writeFile('shop/later.yaml', cartDeployment('later'));
  try {
    await client.watchedFiles([{ relative: 'shop/apps.yaml', type: FileChangeType.Changed }]);
    await client.watchedFiles([{ relative: 'shop/later.yaml', type: FileChangeType.Created }]);
    await client.waitForDiagnostics(later);
    assert.deepEqual(codes(client.diagnostics.get(policiesUri())!.diagnostics), codes(fixed));
    // Changed then Deleted in one notification (the file still on disk): applied in order, it is gone.
    await client.diagnosticsAfter(
      later,
      () =>
        client.watchedFiles([
          { relative: 'shop/later.yaml', type: FileChangeType.Changed },
          { relative: 'shop/later.yaml', type: FileChangeType.Deleted },
        ]),
      (p) => p.diagnostics.length === 0 && p.version === undefined,
    );
    // Closing the buffer goes back to the disk, which now says app: other.
    const reverted = await client.diagnosticsAfter(policiesUri(), () => client.close(uri));
    assert.deepEqual(codes(reverted), indexedPolicyCodes);
  } finally {
    client.writeFile('shop/apps.yaml', apps);
    client.deleteFile('shop/later.yaml');
    await client.analysedAfter(() =>
      client.watchedFiles([{ relative: 'shop/apps.yaml', type: FileChangeType.Changed }]),
    );
  }
  assert.deepEqual(await client.namespaces(), shopNamespaces);
});

test('closing an unsaved buffer reverts to the disk text; a new file without one is dropped', async () => {
  const text = files['shop/policies.yaml']!;
  const uri = await client.open('shop/policies.yaml', text.replace('app: cart\n', 'app: carts\n'));
  const edited = await client.waitForVersion(uri, 1);
  assert.deepEqual(
    codes(edited),
    indexedPolicyCodes.filter((c) => c !== 'policy-selects-nothing@40'),
  );
  const reverted = await client.diagnosticsAfter(
    uri,
    () => client.close(uri),
    (p) => p.version === undefined,
  );
  assert.deepEqual(codes(reverted), indexedPolicyCodes);

  const scratch = await client.openAndWait(
    'shop/scratch.yaml',
    `${head}  podSelector: {}\n  policyTypes: [Ingres]\n`,
  );
  assert.deepEqual(codes(scratch.diagnostics), ['api-invalid-policy-type@7']);
  // The status follows the diagnostics of the same analysis.
  await client.waitFor(() => client.statuses.at(-1)?.errors === 2, 'the status with the scratch file');
  await client.closeAndForget(scratch.uri);
  await client.waitFor(() => client.statuses.at(-1)?.errors === 1, 'the status without the scratch file');
});

test('watched files and closed buffers: only files that indexing takes (globs, folders, size) enter the index', async () => {
  const policy = (name: string, padding = 0) =>
    `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: ${name}, namespace: x}\nspec:\n  podSelector: {}\n  policyTypes: [Ingres]\n${'#'.repeat(padding)}\n`;
  const small = policy('small');
  const filtered = new LspClient({
    files: {
      'small.yaml': small,
      'big.yaml': policy('big', 400),
      'generated/skip.yaml': policy('skip'),
      'node_modules/pkg/dep.yaml': policy('dep'),
    },
    settings: { maxFileSize: 300, exclude: ['generated/**'] },
  });
  try {
    await filtered.start();
    assert.ok(
      filtered.logs.some((l) => /^indexed 1 manifest files/.test(l)),
      filtered.logs.join('\n'),
    );
    assert.deepEqual(
      [...filtered.diagnostics.keys()].map((u) => u.slice(u.lastIndexOf('/') + 1)),
      ['small.yaml'],
    );
    // Files created later, the same way: events are applied in order, so when ok.yaml is analysed the
    // others have been decided.
    filtered.writeFile('big2.yaml', policy('big2', 400));
    filtered.writeFile('generated/skip2.yaml', policy('skip2'));
    filtered.writeFile('node_modules/pkg/dep2.yaml', policy('dep2'));
    const ok = filtered.writeFile('ok.yaml', policy('ok'));
    await filtered.watchedFiles([
      { relative: 'big2.yaml', type: FileChangeType.Created },
      { relative: 'generated/skip2.yaml', type: FileChangeType.Created },
      { relative: 'node_modules/pkg/dep2.yaml', type: FileChangeType.Created },
      { relative: 'ok.yaml', type: FileChangeType.Created },
    ]);
    await filtered.waitForDiagnostics(ok, (d) => d.length === 1);
    assert.deepEqual([...filtered.diagnostics.keys()].map((u) => u.slice(u.lastIndexOf('/') + 1)).sort(), [
      'ok.yaml',
      'small.yaml',
    ]);
    // A file that grows above the limit leaves the index.
    filtered.writeFile('ok.yaml', policy('ok', 400));
    await filtered.diagnosticsAfter(
      ok,
      () => filtered.watchedFiles([{ relative: 'ok.yaml', type: FileChangeType.Changed }]),
      (p) => p.diagnostics.length === 0,
    );
    // An open buffer is analysed wherever it is; closed, it goes back to what indexing would do.
    const dep = filtered.uri('node_modules/pkg/dep.yaml');
    await filtered.open('node_modules/pkg/dep.yaml', policy('dep-edited'));
    assert.deepEqual(codes(await filtered.waitForVersion(dep, 1)), ['api-invalid-policy-type@5']);
    await filtered.closeAndForget(dep);
    const status = await filtered.waitFor(() => {
      const last = filtered.statuses.at(-1);
      return last?.files === 1 ? last : undefined;
    }, 'one file in the index');
    assert.equal(status.errors, 1);
  } finally {
    await filtered.dispose();
  }
});

// ---------------------------------------------------------------------------------------------------------
// Custom requests and the status notification
// ---------------------------------------------------------------------------------------------------------

const shopNamespaces = {
  namespaces: [
    { name: 'monitoring', policies: 0, workloads: 1 },
    // payments/broken is rejected by the API server and not counted.
    { name: 'payments', policies: 1, workloads: 2 },
    { name: 'shop', policies: 4, workloads: 4 },
  ],
};

test('netpolScope/namespaces: namespaces with their live policies and workloads', async () => {
  assert.deepEqual(await client.namespaces(), shopNamespaces);
});

test('netpolScope/reachability: workload nodes with locations, external blocks, the cluster DNS, edges', async () => {
  const result = await client.reachability('workload');
  assert.equal(result.level, 'workload');
  assert.deepEqual(result.namespaces, ['monitoring', 'payments', 'shop']);
  const external = (id: string) => [id, 'External', undefined, undefined, undefined];
  assert.deepEqual(
    result.nodes.map((n) => [n.id, n.kind, n.location?.uri, n.location?.label, n.location?.range.start.line]),
    [
      [
        'monitoring/prometheus[DaemonSet]',
        'DaemonSet',
        client.uri('monitoring/prometheus.yaml'),
        'monitoring/prometheus.yaml:4',
        3,
      ],
      [
        'payments/api[Deployment]',
        'Deployment',
        client.uri('payments/apps.yaml'),
        'payments/apps.yaml:22',
        21,
      ],
      [
        'payments/db[StatefulSet]',
        'StatefulSet',
        client.uri('payments/apps.yaml'),
        'payments/apps.yaml:4',
        3,
      ],
      ['shop/cart[Deployment]', 'Deployment', client.uri('shop/apps.yaml'), 'shop/apps.yaml:41', 40],
      ['shop/debug[Pod]', 'Pod', client.uri('shop/apps.yaml'), 'shop/apps.yaml:59', 58],
      [
        'shop/frontend-canary[Deployment]',
        'Deployment',
        client.uri('shop/apps.yaml'),
        'shop/apps.yaml:22',
        21,
      ],
      ['shop/frontend[Deployment]', 'Deployment', client.uri('shop/apps.yaml'), 'shop/apps.yaml:4', 3],
      // The ipBlocks cut the address space into blocks (10.0.0.0/8 minus 10.0.0.0/16 goes with IPv6).
      external('0.0.0.0-9.255.255.255,11.0.0.0-169.253.255.255,169.255.0.0-255.255.255.255'),
      external('10.0.0.0/16'),
      external('10.1.0.0-10.255.255.255,::/0'),
      external('169.254.0.0/16'),
      // The workspace declares no DNS pods: the configured one is a virtual node.
      ['cluster-dns', 'DNS', undefined, undefined, undefined],
    ],
  );
  assert.deepEqual(
    result.nodes.filter((n) => n.dns).map((n) => [n.id, n.namespace, n.name]),
    [['cluster-dns', 'kube-system', 'cluster DNS (kube-dns/CoreDNS pods (k8s-app=kube-dns in kube-system))']],
  );
  const all = 'TCP 1-65535, UDP 1-65535, SCTP 1-65535';
  const rest = '0.0.0.0-9.255.255.255,11.0.0.0-169.253.255.255,169.255.0.0-255.255.255.255';
  const ten = '10.1.0.0-10.255.255.255,::/0';
  // shop/cart and shop/debug: default-deny isolates them both ways and nothing opens them.
  assert.deepEqual(
    result.edges.map((e) => {
      const ports = e.ports.map((p) => `${p.protocol} ${p.port}-${p.endPort}`).join(', ');
      assert.equal(e.all, ports === all);
      return `${e.from} -> ${e.to}: ${ports === all ? 'all' : ports}`;
    }),
    [
      'monitoring/prometheus[DaemonSet] -> payments/api[Deployment]: all',
      // frontend-ingress: the named port http is 8080 on frontend; the canary declares no port of that name.
      'monitoring/prometheus[DaemonSet] -> shop/frontend-canary[Deployment]: TCP 9000-9100',
      'monitoring/prometheus[DaemonSet] -> shop/frontend[Deployment]: TCP 8080-8080, TCP 9000-9100',
      `monitoring/prometheus[DaemonSet] -> ${rest}: all`,
      'monitoring/prometheus[DaemonSet] -> 10.0.0.0/16: all',
      `monitoring/prometheus[DaemonSet] -> ${ten}: all`,
      'monitoring/prometheus[DaemonSet] -> 169.254.0.0/16: all',
      'payments/api[Deployment] -> monitoring/prometheus[DaemonSet]: all',
      'payments/api[Deployment] -> payments/db[StatefulSet]: TCP 5432-5432',
      `payments/api[Deployment] -> ${rest}: all`,
      'payments/api[Deployment] -> 10.0.0.0/16: all',
      `payments/api[Deployment] -> ${ten}: all`,
      'payments/api[Deployment] -> 169.254.0.0/16: all',
      'payments/db[StatefulSet] -> monitoring/prometheus[DaemonSet]: all',
      'payments/db[StatefulSet] -> payments/api[Deployment]: all',
      `payments/db[StatefulSet] -> ${rest}: all`,
      'payments/db[StatefulSet] -> 10.0.0.0/16: all',
      `payments/db[StatefulSet] -> ${ten}: all`,
      'payments/db[StatefulSet] -> 169.254.0.0/16: all',
      'shop/frontend-canary[Deployment] -> payments/api[Deployment]: TCP 8000-8000',
      'shop/frontend-canary[Deployment] -> 169.254.0.0/16: all',
      'shop/frontend[Deployment] -> payments/api[Deployment]: TCP 8000-8000',
      'shop/frontend[Deployment] -> 169.254.0.0/16: all',
      `${rest} -> monitoring/prometheus[DaemonSet]: all`,
      `${rest} -> payments/api[Deployment]: all`,
      `${rest} -> shop/frontend-canary[Deployment]: TCP 9000-9100`,
      `${rest} -> shop/frontend[Deployment]: TCP 8080-8080, TCP 9000-9100`,
      '10.0.0.0/16 -> monitoring/prometheus[DaemonSet]: all',
      '10.0.0.0/16 -> payments/api[Deployment]: all',
      '10.0.0.0/16 -> payments/db[StatefulSet]: TCP 5432-5432',
      `${ten} -> monitoring/prometheus[DaemonSet]: all`,
      `${ten} -> payments/api[Deployment]: all`,
      '169.254.0.0/16 -> monitoring/prometheus[DaemonSet]: all',
      '169.254.0.0/16 -> payments/api[Deployment]: all',
      '169.254.0.0/16 -> shop/frontend-canary[Deployment]: TCP 9000-9100',
      '169.254.0.0/16 -> shop/frontend[Deployment]: TCP 8080-8080, TCP 9000-9100',
      // Only the workloads not isolated for egress reach the DNS: the shop ones have no DNS rule.
      'monitoring/prometheus[DaemonSet] -> cluster-dns: all',
      'payments/api[Deployment] -> cluster-dns: all',
      'payments/db[StatefulSet] -> cluster-dns: all',
    ],
  );
  // The generation identifies the analysis: unchanged while nothing changes.
  assert.equal((await client.reachability('workload')).generation, result.generation);
});

test('netpolScope/reachability with netpolScope.exposure: stand-ins for pods beyond the workspace, explained', async () => {
  await client.changeSettings({ exposure: true });
  try {
    const result = await client.reachability('workload');
    const standIns = result.nodes.filter((n) => n.kind === 'Exposure');
    assert.ok(standIns.length >= 1);
    assert.deepEqual(
      standIns.find((n) => n.id === '*/*'),
      { id: '*/*', kind: 'Exposure', namespace: '*', name: '*', description: 'any pod in other namespaces' },
      'declared nowhere: no location',
    );
    for (const n of standIns) assert.ok(n.description, n.id);
    // The namespaces are the workspace's own; the stand-ins are outside it.
    assert.deepEqual(result.namespaces, ['monitoring', 'payments', 'shop']);
    const outside = new Set([
      ...standIns.map((n) => n.id),
      ...result.nodes.filter((n) => n.kind === 'External').map((n) => n.id),
    ]);
    assert.deepEqual(
      result.edges.filter((e) => outside.has(e.from) && outside.has(e.to)),
      [],
      'nothing between two nodes outside the workspace',
    );
    assert.ok(!result.edges.some((e) => outside.has(e.from) && e.to === 'cluster-dns'));
    // Prometheus is isolated by no policy: any pod of any namespace reaches it; the database only the API.
    assert.ok(
      result.edges.some((e) => e.from === '*/*' && e.to === 'monitoring/prometheus[DaemonSet]' && e.all),
    );
    assert.ok(!result.edges.some((e) => e.from === '*/*' && e.to === 'payments/db[StatefulSet]'));
    const explained = await client.explain({
      level: 'workload',
      from: '*/*',
      to: 'payments/db[StatefulSet]',
    });
    assert.equal(explained.allowed, false);
    assert.match(explained.text, /stands for pods the workspace does not show/);
  } finally {
    await client.changeSettings({});
  }
  const plain = await client.reachability('workload');
  assert.equal(plain.nodes.filter((n) => n.kind === 'Exposure').length, 0, 'off by default');
});

test('netpolScope/explain: the verdict in words and the deciding policies and rules with URIs', async () => {
  const result = await client.explain({
    level: 'workload',
    from: 'monitoring/prometheus[DaemonSet]',
    to: 'shop/frontend[Deployment]',
  });
  assert.equal(result.allowed, true);
  assert.equal(
    result.text,
    [
      'monitoring/prometheus[DaemonSet] → shop/frontend[Deployment]: allowed on TCP 8080,9000-9100.',
      '',
      'Egress from monitoring/prometheus[DaemonSet]: allowed (no NetworkPolicy selects monitoring/prometheus[DaemonSet] with Egress in its policyTypes, so it is not isolated for egress).',
      '',
      'Ingress to shop/frontend[Deployment]: allowed on TCP 8080,9000-9100.',
      '  shop/frontend[Deployment] is isolated for ingress by shop/default-deny (shop/policies.yaml:4), shop/frontend-ingress (shop/policies.yaml:13), shop/frontend-egress (shop/policies.yaml:60).',
      '  Rule shop/frontend-ingress ingress[0] (shop/policies.yaml:20) matches monitoring/prometheus[DaemonSet] and allows TCP 8080,9000-9100.',
    ].join('\n'),
  );
  assert.deepEqual(result.egress, {
    direction: 'egress',
    isolated: false,
    allows: true,
    ports: 'all ports',
    policies: [],
    rules: [],
  });
  const policies = files['shop/policies.yaml']!;
  assert.deepEqual(
    result.ingress.policies.map((p) => [
      p.name,
      p.location.uri,
      textInRange(policies, p.location.range),
      p.location.label,
    ]),
    [
      ['shop/default-deny', policiesUri(), 'default-deny', 'shop/policies.yaml:4'],
      ['shop/frontend-ingress', policiesUri(), 'frontend-ingress', 'shop/policies.yaml:13'],
      ['shop/frontend-egress', policiesUri(), 'frontend-egress', 'shop/policies.yaml:60'],
    ],
  );
  assert.deepEqual(
    result.ingress.rules.map((r) => [
      r.policy,
      r.direction,
      r.index,
      r.ports,
      r.location.uri,
      r.location.range.start,
      r.location.label,
    ]),
    [
      [
        'shop/frontend-ingress',
        'ingress',
        0,
        'TCP 8080,9000-9100',
        policiesUri(),
        { line: 19, character: 4 },
        'shop/policies.yaml:20',
      ],
    ],
  );

  // A port query says which rule covers it; a denied pair says why.
  const onPort = await client.explain({
    level: 'workload',
    from: 'monitoring/prometheus[DaemonSet]',
    to: 'shop/frontend[Deployment]',
    port: { protocol: 'TCP', port: 9050 },
  });
  assert.deepEqual(
    onPort.ingress.rules.map((r) => r.covers),
    [true],
  );
  const denied = await client.explain({
    level: 'workload',
    from: 'shop/frontend[Deployment]',
    to: 'shop/cart[Deployment]',
  });
  assert.equal(denied.allowed, false);
  assert.deepEqual(denied.ports, []);
  assert.equal(
    denied.text.split('\n').slice(0, 3).join('\n'),
    'shop/frontend[Deployment] → shop/cart[Deployment]: DENIED on every port.\n\nEgress from shop/frontend[Deployment]: allowed on TCP 9090.',
  );
  assert.deepEqual(
    denied.ingress.policies.map((p) => p.name),
    ['shop/default-deny'],
  );
  assert.deepEqual(denied.ingress.rules, []);
  // The virtual DNS node: only the egress side is judged.
  const dns = await client.explain({
    level: 'workload',
    from: 'shop/frontend[Deployment]',
    to: 'cluster-dns',
  });
  assert.equal(dns.allowed, false);
  assert.equal(
    dns.text,
    [
      'shop/frontend[Deployment] → cluster DNS: DENIED on every port.',
      '',
      'The cluster DNS is kube-dns/CoreDNS pods (k8s-app=kube-dns in kube-system) on port 53; it is not declared in the workspace, so only the egress side is judged.',
      'shop/frontend[Deployment] is isolated for egress by shop/default-deny, shop/frontend-egress; no egress rule reaches the DNS.',
    ].join('\n'),
  );

  await assert.rejects(
    client.explain({ level: 'workload', from: 'nope', to: 'shop/frontend[Deployment]' }),
    (error: unknown) =>
      error instanceof ResponseError &&
      error.code === ErrorCodes.InvalidParams &&
      /unknown node/.test(error.message),
  );
});

test('netpolScope/status: counts after indexing, and after an edit adds a policy and an error', async () => {
  assert.deepEqual(client.statuses.at(-1), {
    indexing: false,
    files: 6,
    policies: 5,
    rejectedPolicies: 1,
    workloads: 7,
    nonIsolatedWorkloads: 3,
    errors: 1,
    warnings: 7,
  });
  const text = `${head}  podSelector: {}\n  policyTypes: [Ingress, Egress]\n---\n${head.replace('name: new', 'name: bad')}  podSelector: {}\n  policyTypes: [Egres]\n`;
  const uri = await client.open(
    'payments/deny.yaml',
    text.replace(/namespace: shop/g, 'namespace: payments'),
  );
  const status = await client.waitFor(() => {
    const last = client.statuses.at(-1);
    return last?.files === 7 ? last : undefined;
  }, 'a status with the new file');
  // A default deny in payments isolates db and api both ways: only prometheus is left.
  assert.deepEqual(status, {
    indexing: false,
    files: 7,
    policies: 6,
    rejectedPolicies: 2,
    workloads: 7,
    nonIsolatedWorkloads: 1,
    errors: 2,
    warnings: status.warnings,
  });
  // Five more warnings: the new default deny isolates payments/db and payments/api for egress without DNS
  // (dns-egress-missing); and it breaks what other rules allow (other-side-denies): shop/frontend-egress
  // towards payments/api, and payments/db's ingress from payments/api, on the peers and twice on the new
  // policy (for ingress and for egress).
  assert.equal(status.warnings, 12);
  const diagnostics = await client.waitForVersion(uri, 1);
  assert.deepEqual(
    diagnostics.filter((d) => d.severity === lspSeverity.error).map((d) => d.code),
    ['api-invalid-policy-type'],
  );
});
