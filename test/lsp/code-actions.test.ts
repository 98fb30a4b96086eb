/**
 * Quick fixes and source actions through the real language server: for every rule with fix providers
 * (shared/fixes/index.ts) a policy is opened between other documents and comments; the code actions for
 * its diagnostic (requested for the diagnostic's range, with the diagnostic in the context) are each
 * applied the way an editor does (the WorkspaceEdit's versioned documentChanges, applied to the text and
 * sent back as a didChange), and the re-analysis must show the diagnostic gone, the text outside the edited
 * range byte-identical, every comment kept and no error. The same with CRLF line endings, the edits then
 * sent as incremental changes (the server syncs incrementally). Then the source
 * action (default deny, asked for with `context.only`), and `isPreferred`.
 */
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CodeAction, Diagnostic, TextEdit } from 'vscode-languageserver-protocol';
import { fixableRules } from '../../shared/fixes/index.js';
import type { RuleId } from '../../shared/rules/registry.js';
import {
  applyTextEdits,
  editsFor,
  LspClient,
  lspSeverity,
  offsetAt,
  positionAt,
  textInRange,
} from '../support/lsp-client.js';
import { unsafeFix } from '../fuzz/checks.js';

const BEFORE = `# Workspace for the fix tests: namespaces and workloads come first.
apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: v1
kind: Namespace
metadata:
  name: data # the database namespace
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        ports:
        - containerPort: 80
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: postgres
  namespace: data
spec:
  template:
    metadata:
      labels:
        app: postgres # the database
    spec:
      containers:
      - name: postgres
        ports:
        - containerPort: 5432
---
# The policy under test.
`;

const AFTER = `---
# A document after the policy stays as it is.
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: shop
data:
  mode: strict # trailing comment
`;

/** A NetworkPolicy in namespace shop whose spec lines follow (indented as under `spec:`). */
function policy(name: string, spec: string): string {
  const body = spec
    .replace(/^\n/, '')
    .trimEnd()
    .split('\n')
    .map((l) => (l === '' ? l : `  ${l}`))
    .join('\n');
  return `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: ${name} # the policy name\n  namespace: shop\nspec:\n${body}\n`;
}

interface Case {
  readonly name: string;
  readonly rule: RuleId;
  readonly policy: string;
  /** Titles of the actions offered for the diagnostic, in order, with isPreferred. */
  readonly actions: ReadonlyArray<readonly [title: string, preferred: boolean]>;
}

const suppress = (rule: RuleId): readonly [string, boolean] => [`Disable ${rule} for this line`, false];

const cases: readonly Case[] = [
  {
    name: 'a typo in a field name',
    rule: 'api-unknown-field',
    policy: policy(
      'web-typo',
      `
podSelecter: # typo
  matchLabels: {app: web}
policyTypes: [Ingress]
`,
    ),
    actions: [['Rename `podSelecter` to `podSelector`', true], suppress('api-unknown-field')],
  },
  {
    name: 'lost indentation',
    rule: 'api-unknown-field',
    policy: policy(
      'web-indent',
      `
# pods of the web tier
podSelector:
matchLabels:
  app: web   # the label
policyTypes:
- Ingress
`,
    ),
    actions: [['Move `matchLabels` under spec.podSelector (re-indent)', true], suppress('api-unknown-field')],
  },
  {
    name: 'egress isolation without DNS',
    rule: 'dns-egress-missing',
    policy: policy(
      'web-egress',
      `
podSelector:
  matchLabels: {app: web}
policyTypes: [Egress]
egress:
# to the database
- to:
  - namespaceSelector:
      matchLabels: {kubernetes.io/metadata.name: data}
    podSelector:
      matchLabels: {app: postgres}
  ports:
  - port: 5432 # postgres
`,
    ),
    actions: [['Add DNS egress (UDP/TCP 53)', true], suppress('dns-egress-missing')],
  },
  {
    name: 'DNS over UDP only',
    rule: 'dns-egress-incomplete',
    policy: policy(
      'web-dns',
      `
podSelector:
  matchLabels: {app: web}
policyTypes: [Egress]
egress:
- to:
  - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}
    podSelector: {matchLabels: {k8s-app: kube-dns}}
  ports:
  - port: 53 # dns
    protocol: UDP
`,
    ),
    actions: [['Add DNS over TCP', true], suppress('dns-egress-incomplete')],
  },
  {
    name: 'a namespace selected by a name label',
    rule: 'namespace-name-label',
    policy: policy(
      'web-ingress',
      `
podSelector:
  matchLabels: {app: postgres}
policyTypes: [Ingress]
ingress:
- from:
  - namespaceSelector:
      matchLabels:
        name: shop # hand-made label
`,
    ),
    actions: [['Use kubernetes.io/metadata.name', true], suppress('namespace-name-label')],
  },
  {
    name: 'every namespace',
    rule: 'namespace-selector-all',
    policy: policy(
      'web-all',
      `
podSelector:
  matchLabels: {app: web}
policyTypes: [Ingress]
ingress:
- from:
  - namespaceSelector: {} # everyone
    podSelector:
      matchLabels: {app: postgres}
`,
    ),
    actions: [
      ['Restrict to namespace data', false],
      ['Restrict to namespace shop', false],
      suppress('namespace-selector-all'),
    ],
  },
  {
    name: 'a podSelector meant for another namespace',
    rule: 'pod-selector-cross-namespace',
    policy: policy(
      'web-from-db',
      `
podSelector:
  matchLabels: {app: web}
policyTypes: [Ingress]
ingress:
- from:
  # the database pods
  - podSelector:
      matchLabels:
        app: postgres
`,
    ),
    actions: [['Add namespaceSelector for namespace data', true], suppress('pod-selector-cross-namespace')],
  },
  {
    name: 'egress rules of a policy without Egress',
    rule: 'policy-types-ignored-rules',
    policy: policy(
      'web-ignored',
      `
podSelector:
  matchLabels: {app: web}
policyTypes: [Ingress]
ingress:
- from:
  - podSelector: {matchLabels: {app: web}}
egress: # ignored
- to:
  - ipBlock: {cidr: 10.0.0.0/8}
`,
    ),
    actions: [
      ['Add Egress to policyTypes', false],
      ['Remove the ignored egress rules', false],
      suppress('policy-types-ignored-rules'),
    ],
  },
  {
    name: 'policyTypes omitted',
    rule: 'policy-types-implicit',
    policy: policy(
      'web-implicit',
      `
podSelector: # the web pods
  matchLabels: {app: web}
ingress:
- from:
  - podSelector: {matchLabels: {app: web}}
`,
    ),
    actions: [['Write policyTypes explicitly', true], suppress('policy-types-implicit')],
  },
  {
    name: 'egress to the internet and the metadata endpoint',
    rule: 'egress-metadata-endpoint',
    policy: policy(
      'web-internet',
      `
podSelector:
  matchLabels: {app: web}
policyTypes: [Egress]
egress:
- to:
  - ipBlock:
      cidr: 0.0.0.0/0 # the internet
  ports:
  - port: 443
  - port: 80
- to:
  - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}
    podSelector: {matchLabels: {k8s-app: kube-dns}}
  ports:
  - {port: 53, protocol: UDP}
  - {port: 53, protocol: TCP}
`,
    ),
    actions: [['Exclude the metadata endpoint 169.254.169.254', true], suppress('egress-metadata-endpoint')],
  },
  {
    name: 'a rule split by a stray dash',
    rule: 'split-rule',
    policy: policy(
      'db-split',
      `
podSelector:
  matchLabels: {app: web}
policyTypes: [Ingress]
ingress:
- from:
  - podSelector:
      matchLabels:
        app: web
# the ports
- ports:   # http
  - port: 80
`,
    ),
    actions: [['Merge the ports into the previous rule', true], suppress('split-rule')],
  },
  {
    name: 'an AdminNetworkPolicy (v1alpha1)',
    rule: 'policy-api-superseded',
    policy: `# Cluster guardrail for the data namespace.
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata:
  name: data-guard # the guardrail
spec:
  priority: 20 # before team policies
  subject:
    namespaces:
      matchLabels: {kubernetes.io/metadata.name: data}
  ingress:
  - name: shop-to-postgres
    action: Allow # the shop may query
    from:
    - namespaces:
        matchLabels: {kubernetes.io/metadata.name: shop}
    ports:
    - portNumber: {protocol: TCP, port: 5432}
  - name: nobody-else
    action: Deny
    from:
    - namespaces: {}
`,
    actions: [
      ['Migrate to ClusterNetworkPolicy v1alpha2 (tier Admin)', false],
      suppress('policy-api-superseded'),
    ],
  },
  {
    name: "a Service's port where the pods listen on its targetPort",
    rule: 'service-port-not-pod-port',
    policy:
      `apiVersion: v1\nkind: Service\nmetadata:\n  name: web # the service\n  namespace: shop\nspec:\n  selector: {app: web}\n  ports:\n  - port: 8080\n    targetPort: 80\n---\n` +
      policy(
        'web-service-port',
        `
podSelector:
  matchLabels: {app: web}
policyTypes: [Ingress]
ingress:
- ports:
  - port: 8080 # the service port
`,
      ),
    actions: [
      ["Allow the pod's port 80 (the Service's targetPort)", true],
      suppress('service-port-not-pod-port'),
    ],
  },
  {
    // The finding on the allowing peer is suppressed: the case is the one on the other side's policy.
    name: 'an ingress rule admits web, whose egress policy does not reach the database',
    rule: 'other-side-denies',
    policy:
      policy(
        'web-egress',
        `
podSelector:
  matchLabels: {app: web}
policyTypes: [Egress]
egress:
- to: # the cluster DNS
  - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}
  ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]
`,
      ) +
      `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: postgres-ingress # the database's ingress
  namespace: data
spec:
  podSelector:
    matchLabels: {app: postgres}
  policyTypes: [Ingress]
  ingress:
  - from:
    # netpol-scope-disable-next-line other-side-denies
    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: shop}}
      podSelector: {matchLabels: {app: web}}
    ports: [{port: 5432}]
`,
    actions: [['Add the egress rule to shop/web-egress (TCP 5432)', true], suppress('other-side-denies')],
  },
];

let client: LspClient;

before(async () => {
  client = new LspClient();
  await client.start();
});

after(async () => {
  await client.dispose();
});

afterEach(async () => {
  for (const uri of client.openDocuments) await client.closeAndForget(uri);
});

function show(diagnostics: readonly Diagnostic[]): string {
  return diagnostics
    .map((d) => `${String(d.code)}@${d.range.start.line}:${d.severity} ${d.message}`)
    .join('\n');
}

/** The `# ...` comments of a text with their offsets (no `#` inside values in these fixtures). */
function comments(text: string): Array<{ at: number; text: string }> {
  return [...text.matchAll(/#[^\r\n]*/g)].map((m) => ({ at: m.index, text: m[0] }));
}

/** The offsets of the first and past-the-last edited characters of the original text. */
function editedRange(text: string, edits: readonly TextEdit[]): { start: number; end: number } {
  const starts = edits.map((e) => offsetAt(text, e.range.start));
  const ends = edits.map((e) => offsetAt(text, e.range.end));
  return { start: Math.min(...starts), end: Math.max(...ends) };
}

/**
 * Applies a code action as an editor does (the new text, or the edits as incremental changes) and asserts
 * the outcome: the edit is for the open version,
 * outside the edited range the text is unchanged, comments are kept, the rule's diagnostic is gone after
 * re-analysis and no error appears. Returns the new text and diagnostics.
 */
async function applyAndCheck(
  uri: string,
  action: CodeAction,
  rule: string,
  incremental = false,
): Promise<{ text: string; diagnostics: Diagnostic[]; edits: TextEdit[] }> {
  const text = client.textOf(uri);
  assert.ok(action.edit, `${action.title} has an edit`);
  const edits = editsFor(action.edit, uri, client.versionOf(uri));
  assert.ok(edits.length > 0, `${action.title} edits something`);
  const next = applyTextEdits(text, edits);
  const { start, end } = editedRange(text, edits);
  assert.equal(next.slice(0, start), text.slice(0, start), `${action.title}: the text before the edit`);
  assert.equal(
    next.slice(next.length - (text.length - end)),
    text.slice(end),
    `${action.title}: the text after the edit`,
  );
  // Comments outside the replaced ranges are kept (a deleted pair takes the comments written inside it).
  const replaced = edits.map((e) => ({
    start: offsetAt(text, e.range.start),
    end: offsetAt(text, e.range.end),
  }));
  const kept = comments(next);
  for (const comment of comments(text)) {
    const inside = replaced.some((r) => comment.at >= r.start && comment.at + comment.text.length <= r.end);
    if (!inside)
      assert.ok(
        kept.some((k) => k.text === comment.text),
        `${action.title} lost ${comment.text}`,
      );
  }
  // The safety checks of the fuzzer too: the YAML document count, every comment (also those inside a
  // replaced range, unless the title says they go), and the file's line endings in the new text.
  const problem = unsafeFix({
    title: action.title,
    rule,
    before: text,
    after: next,
    edits,
    diagnosticsBefore: client.diagnostics.get(uri)!.diagnostics,
    diagnosticsAfter: [],
  });
  // (A source action that creates a policy adds a document by design.)
  const expected = (p: string) =>
    p.startsWith(`${rule} is still reported`) ||
    (action.kind !== 'quickfix' && p.startsWith('the YAML document count'));
  assert.ok(problem === undefined || expected(problem), `${action.title}: ${problem}`);
  // The whole new text, or (incremental) the edits themselves as didChange ranges.
  const diagnostics = incremental
    ? await client.waitForVersion(uri, await client.changeIncremental(uri, edits))
    : await client.changeAndWait(uri, next);
  assert.equal(client.textOf(uri), next);
  // The server's text is ours: every published range exists in it.
  for (const d of diagnostics) assert.doesNotThrow(() => textInRange(next, d.range), show([d]));
  assert.deepEqual(
    diagnostics.filter((d) => d.code === rule),
    [],
    `${action.title}: ${rule} still reported\n${next}`,
  );
  assert.deepEqual(
    diagnostics.filter((d) => d.severity === lspSeverity.error),
    [],
    `${action.title}: errors after the fix\n${next}`,
  );
  return { text: next, diagnostics, edits };
}

/** Opens a case's document and returns its URI and the one diagnostic of the case's rule. */
async function openCase(
  path: string,
  text: string,
  rule: RuleId,
): Promise<{ uri: string; diagnostic: Diagnostic }> {
  const { uri, diagnostics } = await client.openAndWait(path, text);
  const ofRule = diagnostics.filter((d) => d.code === rule);
  assert.equal(ofRule.length, 1, `one ${rule}:\n${show(diagnostics)}`);
  // Apart from the rule under test, the fixture is valid.
  assert.deepEqual(
    diagnostics.filter((d) => d.severity === lspSeverity.error && d.code !== rule),
    [],
    show(diagnostics),
  );
  return { uri, diagnostic: ofRule[0]! };
}

test('the cases cover every rule with quick fixes', () => {
  assert.deepEqual([...new Set(cases.map((c) => c.rule))].sort(), [...fixableRules].sort());
});

const endings = [
  ['\n', ''],
  ['\r\n', ' (CRLF)'],
  ['\r', ' (CR)'],
] as const;

for (const [eol, label] of endings) {
  const crlf = eol !== '\n';
  for (const c of cases) {
    test(`${c.rule}: ${c.name}${label}: every action applied and re-analysed`, async () => {
      const lf = `${BEFORE}${c.policy}${AFTER}`;
      const text = lf.replace(/\n/g, eol);
      const { uri, diagnostic } = await openCase(
        `fixes/${c.rule}${label.replace(/\W/g, '')}.yaml`,
        text,
        c.rule,
      );
      const actions = await client.codeActions(uri, diagnostic.range, [diagnostic], ['quickfix']);
      assert.deepEqual(
        actions.map((a) => [a.title, a.isPreferred === true]),
        c.actions,
      );
      for (const [title] of c.actions) {
        // As an editor does after each change: the diagnostic as last published, its actions asked again.
        const current = client.diagnostics.get(uri)!.diagnostics.filter((d) => d.code === c.rule);
        assert.equal(current.length, 1);
        const offered = await client.codeActions(uri, current[0]!.range, current, ['quickfix']);
        const action = offered.find((a) => a.title === title);
        assert.ok(action, `${title} offered`);
        assert.equal(action.kind, 'quickfix');
        assert.deepEqual(action.diagnostics, current);
        await applyAndCheck(uri, action, c.rule, crlf);
        // Back to the original text for the next action.
        const restored = await client.changeAndWait(uri, text);
        assert.equal(restored.filter((d) => d.code === c.rule).length, 1);
      }
    });
  }
}

// Go's decoder keeps the last of duplicated keys, and so does the analysis (parse/snode.ts pairOf): a
// fix must edit that copy, or its diagnostic stays (issue 8).
test('with a duplicated `spec:` key, fixes edit the copy the analysis reads', async () => {
  const text = `${BEFORE}apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web-twice
  namespace: shop
spec:
  podSelector: {}
spec:
  podSelector:
    matchLabels: {app: web}
  egress:
  - to:
    - ipBlock: {cidr: 10.0.0.0/8}
${AFTER}`;
  const { uri, diagnostics } = await client.openAndWait('fixes/duplicate-spec.yaml', text);
  assert.equal(diagnostics.filter((d) => d.code === 'yaml-duplicate-key').length, 1, show(diagnostics));
  for (const [rule, title] of [
    ['dns-egress-missing', 'Add DNS egress (UDP/TCP 53)'],
    ['policy-types-implicit', 'Write policyTypes explicitly'],
  ] as const) {
    const current = client.diagnostics.get(uri)!.diagnostics.filter((d) => d.code === rule);
    assert.equal(current.length, 1, `${rule}:\n${show(client.diagnostics.get(uri)!.diagnostics)}`);
    const actions = await client.codeActions(uri, current[0]!.range, current, ['quickfix']);
    const action = actions.find((a) => a.title === title);
    assert.ok(action?.edit, `${title} offered`);
    const edits = editsFor(action.edit, uri, client.versionOf(uri));
    const next = applyTextEdits(client.textOf(uri), edits);
    // The edit lands after the second `spec:`.
    const second = client.textOf(uri).lastIndexOf('\nspec:');
    for (const e of edits) assert.ok(offsetAt(client.textOf(uri), e.range.start) > second, title);
    const after = await client.changeAndWait(uri, next);
    assert.deepEqual(
      after.filter((d) => d.code === rule),
      [],
      `${title}: ${rule} still reported`,
    );
    assert.deepEqual(
      after.filter((d) => d.severity === lspSeverity.error).map((d) => d.code),
      ['yaml-duplicate-key'],
    );
    await client.changeAndWait(uri, text);
  }
});

test('the suppression comment goes above the diagnostic line with its indentation', async () => {
  const c = cases.find((x) => x.rule === 'split-rule')!;
  const text = `${BEFORE}${c.policy}${AFTER}`;
  const { uri, diagnostic } = await openCase('fixes/suppress.yaml', text, 'split-rule');
  const actions = await client.codeActions(uri, diagnostic.range, [diagnostic], ['quickfix']);
  const action = actions.find((a) => a.title === 'Disable split-rule for this line');
  assert.ok(action?.edit);
  const edits = editsFor(action.edit, uri, 1);
  const line = diagnostic.range.start.line;
  assert.deepEqual(edits, [
    {
      range: { start: { line, character: 0 }, end: { line, character: 0 } },
      newText: '  # netpol-scope-disable-next-line split-rule\n',
    },
  ]);
});

test('the DNS fix is the preferred one and follows the DNS target of the settings', async () => {
  const c = cases.find((x) => x.rule === 'dns-egress-missing')!;
  const text = `${BEFORE}${c.policy}${AFTER}`;
  const { uri, diagnostic } = await openCase('fixes/dns.yaml', text, 'dns-egress-missing');
  const [fix] = await client.codeActions(uri, diagnostic.range, [diagnostic], ['quickfix']);
  assert.equal(fix?.isPreferred, true);
  const { text: fixed } = await applyAndCheck(uri, fix, 'dns-egress-missing');
  assert.ok(
    fixed.includes(
      [
        '  - port: 5432 # postgres',
        '  - to:',
        '    - namespaceSelector:',
        '        matchLabels:',
        '          kubernetes.io/metadata.name: kube-system',
        '      podSelector:',
        '        matchLabels:',
        '          k8s-app: kube-dns',
        '    ports:',
        '    - port: 53',
        '      protocol: UDP',
        '    - port: 53',
        '      protocol: TCP',
        '---',
      ].join('\n'),
    ),
    fixed,
  );
  await client.changeAndWait(uri, text);
  try {
    await client.changeSettings({ dns: { target: 'node-local-dns' } });
    const [again] = client.diagnostics.get(uri)!.diagnostics.filter((d) => d.code === 'dns-egress-missing');
    assert.ok(again);
    const [local] = await client.codeActions(uri, again.range, [again], ['quickfix']);
    assert.equal(local?.title, 'Add DNS egress (UDP/TCP 53)');
    const { text: viaIp } = await applyAndCheck(uri, local, 'dns-egress-missing');
    assert.ok(viaIp.includes('  - to:\n    - ipBlock:\n        cidr: 169.254.20.10/32\n    ports:\n'), viaIp);
  } finally {
    await client.changeSettings({});
  }
});

test('code actions need the diagnostic: a stale one (other span) gets no fix, and `only` filters kinds', async () => {
  const c = cases.find((x) => x.rule === 'policy-types-implicit')!;
  const text = `${BEFORE}${c.policy}${AFTER}`;
  const { uri, diagnostic } = await openCase('fixes/stale.yaml', text, 'policy-types-implicit');
  const data = diagnostic.data as { rule: string; start: number; end: number };
  const stale = { ...diagnostic, data: { ...data, start: data.start + 1 } };
  assert.deepEqual(await client.codeActions(uri, diagnostic.range, [stale], ['quickfix']), []);
  // Without `only`, every kind: the fixes of the diagnostic, its suppression, then the source action.
  assert.deepEqual(
    (await client.codeActions(uri, diagnostic.range, [diagnostic])).map((a) => [a.title, a.kind]),
    [
      ['Write policyTypes explicitly', 'quickfix'],
      ['Disable policy-types-implicit for this line', 'quickfix'],
      ['Create a default-deny policy for namespace shop', 'source.netpolScope'],
    ],
  );
  const quick = await client.codeActions(uri, diagnostic.range, [diagnostic], ['quickfix']);
  assert.deepEqual(
    quick.map((a) => a.kind),
    ['quickfix', 'quickfix'],
  );
  const source = await client.codeActions(uri, diagnostic.range, [diagnostic], ['source']);
  assert.deepEqual(
    source.map((a) => [a.title, a.kind]),
    [['Create a default-deny policy for namespace shop', 'source.netpolScope']],
  );
});

test('source action: a default-deny policy appended for the namespace at the cursor, then analysed', async () => {
  for (const crlf of [false, true]) {
    const lf = `${BEFORE}${policy('web-only', 'podSelector: {matchLabels: {app: web}}\npolicyTypes: [Ingress]\n')}${AFTER}`;
    const text = crlf ? lf.replace(/\n/g, '\r\n') : lf;
    const { uri, diagnostics } = await client.openAndWait(`fixes/deny${crlf ? '-crlf' : ''}.yaml`, text);
    // postgres is not isolated yet; web is isolated for ingress only.
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.range.start.line]),
      [
        ['workload-not-isolated', 14],
        ['workload-not-isolated', 30],
      ],
    );
    // The cursor in the Deployment of namespace data.
    const at = positionAt(text, text.indexOf('name: postgres'));
    const actions = await client.codeActions(uri, { start: at, end: at }, [], ['source']);
    assert.deepEqual(
      actions.map((a) => [a.title, a.kind, a.diagnostics]),
      [['Create a default-deny policy for namespace data', 'source.netpolScope', undefined]],
    );
    const { text: next, diagnostics: after, edits } = await applyAndCheck(uri, actions[0]!, 'no-such-rule');
    assert.deepEqual(
      edits.map((e) => e.range.start),
      [positionAt(text, text.length)],
    );
    const eol = crlf ? '\r\n' : '\n';
    assert.equal(
      next.slice(text.length),
      [
        '---',
        '# Default deny: selects every pod of namespace data (podSelector: {}) and isolates it for ingress and egress;',
        '# only traffic that other policies allow gets through.',
        'apiVersion: networking.k8s.io/v1',
        'kind: NetworkPolicy',
        'metadata:',
        '  name: default-deny',
        '  namespace: data',
        'spec:',
        '  podSelector: {}',
        '  policyTypes:',
        '  - Ingress',
        '  - Egress',
        '',
      ].join(eol),
    );
    // The new policy takes part: postgres is isolated now, and denied DNS.
    assert.deepEqual(
      after.map((d) => [d.code, d.range.start.line]),
      [
        ['workload-not-isolated', 14],
        ['dns-egress-missing', next.split(/\r?\n/).indexOf('  - Egress')],
      ],
    );
    const lenses = await client.codeLenses(uri);
    assert.deepEqual(
      lenses.map((l) => l.command?.title),
      [
        'selects 1 workload · denies all ingress · not isolating egress',
        'selects 1 workload · denies all ingress · denies all egress',
      ],
    );
    await client.closeAndForget(uri);
  }
});
