/**
 * Quick fixes and source actions (shared/fixes): every fix is applied to a workspace whose file has
 * comments and other documents before and after the policy, the new text is analysed again, and the test
 * asserts that the finding is gone, that only the edited range changed, that every comment is kept, and
 * that the result parses and validates without errors. Findings come from the real validator and lint
 * rules; fixesFor is also checked against findings constructed to each rule's data contract.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AnalysisContext } from '../../shared/context.js';
import type { Finding } from '../../shared/findings.js';
import type { RuleId } from '../../shared/rules/registry.js';
import type { Fix } from '../../shared/fixes/types.js';
import { applyEdits } from '../../shared/fixes/types.js';
import { fixableRules, fixesFor, sourceActions } from '../../shared/fixes/index.js';
import { lintWorkspace } from '../../shared/lint/index.js';
import { toPlain } from '../../shared/parse/snode.js';
import { contextOf, fileOf } from '../support/context.js';
import { dedent, textOf } from '../support/manifests.js';

// ---------------------------------------------------------------------------------------------------------
// Fixture and helpers
// ---------------------------------------------------------------------------------------------------------

const BEFORE = dedent(`
  # Workspace for the fix tests: namespaces and workloads come first.
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
    selector:
      matchLabels:
        app: web
    template:
      metadata:
        labels:
          app: web
      spec:
        containers:
        - name: web
          image: nginx
          ports:
          - containerPort: 80
  ---
  apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: postgres
    namespace: data
  spec:
    selector:
      matchLabels:
        app: postgres
    template:
      metadata:
        labels:
          app: postgres
      spec:
        containers:
        - name: postgres
          image: postgres
          ports:
          - containerPort: 5432
  ---
`);

const AFTER = dedent(`
  ---
  # A document after the policy stays as it is.
  apiVersion: v1
  kind: ConfigMap
  metadata:
    name: settings
    namespace: shop
  data:
    mode: strict # trailing comment
`);

/** The workspace file: BEFORE, the policy document(s), AFTER; optionally with CRLF line endings. */
function workspace(policy: string, crlf = false): string {
  const text = `${BEFORE}${dedent(policy).trimEnd()}\n${AFTER}`;
  return crlf ? text.replace(/\n/g, '\r\n') : text;
}

/** A NetworkPolicy document in namespace shop with the given spec (indented as under `spec:`). */
function policy(name: string, spec: string, header = ''): string {
  const body = dedent(spec)
    .trimEnd()
    .split('\n')
    .map((line) => (line === '' ? '' : `  ${line}`))
    .join('\n');
  return `${header}apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: ${name}\n  namespace: shop\nspec:\n${body}\n`;
}

function ctxOf(text: string, settings: unknown = {}): AnalysisContext {
  return contextOf({ 'test.yaml': text }, settings);
}

/** Input, API and lint findings of a context. */
function findingsOf(ctx: AnalysisContext): Finding[] {
  return [...ctx.workspace.findings, ...lintWorkspace(ctx)];
}

function show(findings: readonly Finding[]): string {
  return findings.map((f) => `${f.rule} ${f.severity} [${textOf(f.file, f.span)}] ${f.message}`).join('\n');
}

/** The one finding of `rule` (whose span text is `text`, when given). */
function findingOf(ctx: AnalysisContext, rule: RuleId, text?: string): Finding {
  const all = findingsOf(ctx);
  const found = all.filter((f) => f.rule === rule && (text === undefined || textOf(f.file, f.span) === text));
  assert.equal(found.length, 1, `one ${rule}${text ? ` on [${text}]` : ''}; got:\n${show(all)}`);
  return found[0]!;
}

function fixTitled(fixes: readonly Fix[], title: string): Fix {
  const fix = fixes.find((f) => f.title === title);
  assert.ok(fix, `a fix titled "${title}"; got: ${JSON.stringify(fixes.map((f) => f.title))}`);
  return fix;
}

interface Applied {
  readonly ctx: AnalysisContext;
  readonly text: string;
  readonly before: string;
  readonly fix: Fix;
}

/**
 * Applies a fix to test.yaml and checks the generic properties: the edits touch only that file, the text
 * before and after the edited range is byte-identical, every comment is kept, the line endings are kept,
 * and the new workspace has no error (input or API) findings.
 */
function apply(ctx: AnalysisContext, fix: Fix, settings: unknown = {}): Applied {
  const file = fileOf(ctx);
  assert.ok(fix.edits.length > 0, 'the fix has edits');
  for (const edit of fix.edits) assert.equal(edit.file.path, file.path, 'edits are in the finding file');
  const before = file.text;
  const text = applyEdits(before, fix.edits);
  const start = Math.min(...fix.edits.map((e) => e.span.start));
  const end = Math.max(...fix.edits.map((e) => e.span.end));
  assert.equal(text.slice(0, start), before.slice(0, start), 'the text before the edited range is unchanged');
  assert.equal(
    text.slice(text.length - (before.length - end)),
    before.slice(end),
    'the text after the edited range is unchanged',
  );
  // Comments outside the replaced ranges are kept (a deleted pair takes the comments written inside it).
  for (const match of before.matchAll(/#[^\r\n]*/g)) {
    const at = match.index;
    const replaced = fix.edits.some((e) => at >= e.span.start && at + match[0].length <= e.span.end);
    if (!replaced) assert.ok(text.includes(match[0]), `comment kept: ${match[0]}`);
  }
  if (before.includes('\r\n')) assert.ok(!/(^|[^\r])\n/.test(text), 'CRLF line endings are kept');
  const next = ctxOf(text, settings);
  const errors = next.workspace.findings.filter((f) => f.severity === 'error');
  assert.deepEqual(show(errors), '', `the result parses and validates:\n${text}`);
  return { ctx: next, text, before, fix };
}

/** Asserts no finding of `rule` is left. */
function gone(ctx: AnalysisContext, rule: RuleId): void {
  const left = findingsOf(ctx).filter((f) => f.rule === rule);
  assert.equal(left.length, 0, `no ${rule} left; got:\n${show(left)}`);
}

/** The plain data of the NetworkPolicy `name`. */
function policyData(ctx: AnalysisContext, name: string): Record<string, unknown> {
  const object = ctx.workspace.objects.find((o) => o.kind === 'NetworkPolicy' && o.name === name);
  assert.ok(object, `policy ${name}`);
  return toPlain(object.node) as Record<string, unknown>;
}

function specOf(ctx: AnalysisContext, name: string): Record<string, unknown> {
  return policyData(ctx, name).spec as Record<string, unknown>;
}

/** The new texts of a fix's edits, in text order, joined with `|`. */
function changed(applied: Applied): string {
  return [...applied.fix.edits]
    .sort((a, b) => a.span.start - b.span.start)
    .map((e) => e.newText)
    .join('|');
}

/** The policy document's text in the new file (between BEFORE and AFTER). */
function policyText(applied: Applied): string {
  const text = applied.text.replace(/\r\n/g, '\n');
  return text.slice(BEFORE.length, text.length - AFTER.length);
}

// ---------------------------------------------------------------------------------------------------------
// api-unknown-field
// ---------------------------------------------------------------------------------------------------------

test('api-unknown-field: lost indentation under `podSelector:` is re-indented in place', () => {
  const text = workspace(
    policy(
      'web-ingress',
      `
      # pods of the web tier
      podSelector:
      matchLabels:
        app: web   # the label
      policyTypes:
      - Ingress
      `,
    ),
  );
  const ctx = ctxOf(text);
  const finding = findingOf(ctx, 'api-unknown-field', 'matchLabels');
  assert.equal(finding.data?.belongsUnder, 'spec.podSelector');
  const fix = fixTitled(fixesFor(ctx, finding), 'Move `matchLabels` under spec.podSelector (re-indent)');
  assert.equal(fix.preferred, true);
  const applied = apply(ctx, fix);
  gone(applied.ctx, 'api-unknown-field');
  assert.ok(
    policyText(applied).includes(
      '  podSelector:\n    matchLabels:\n      app: web   # the label\n  policyTypes:',
    ),
  );
  assert.deepEqual(specOf(applied.ctx, 'web-ingress').podSelector, { matchLabels: { app: 'web' } });
});

test('api-unknown-field: re-indent with CRLF line endings and a 4-space indent', () => {
  const text = workspace(
    `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
    name: web-ingress
    namespace: shop
spec:
    podSelector:
    matchLabels:
        app: web
    policyTypes:
        - Ingress
`,
    true,
  );
  const ctx = ctxOf(text);
  const fix = fixTitled(
    fixesFor(ctx, findingOf(ctx, 'api-unknown-field', 'matchLabels')),
    'Move `matchLabels` under spec.podSelector (re-indent)',
  );
  const applied = apply(ctx, fix);
  gone(applied.ctx, 'api-unknown-field');
  assert.ok(applied.text.includes('    podSelector:\r\n        matchLabels:\r\n            app: web\r\n'));
});

test('api-unknown-field: a field after `podSelector: {}` moves under it and the `{}` goes', () => {
  const ctx = ctxOf(
    workspace(policy('web', `podSelector: {} # empty\nmatchLabels:\n  app: web\npolicyTypes: [Ingress]`)),
  );
  const finding = findingOf(ctx, 'api-unknown-field', 'matchLabels');
  const applied = apply(
    ctx,
    fixTitled(fixesFor(ctx, finding), 'Move `matchLabels` under spec.podSelector (re-indent)'),
  );
  gone(applied.ctx, 'api-unknown-field');
  assert.ok(policyText(applied).includes('  podSelector: # empty\n    matchLabels:\n      app: web\n'));
});

test('api-unknown-field: a field away from its empty key is moved below the key', () => {
  const ctx = ctxOf(
    workspace(
      policy(
        'web',
        `podSelector:\npolicyTypes: [Ingress]\n# the selector labels\nmatchLabels:\n  app: web\ningress: []`,
      ),
    ),
  );
  const finding = findingOf(ctx, 'api-unknown-field', 'matchLabels');
  const applied = apply(
    ctx,
    fixTitled(fixesFor(ctx, finding), 'Move `matchLabels` under spec.podSelector (re-indent)'),
  );
  gone(applied.ctx, 'api-unknown-field');
  assert.ok(
    policyText(applied).includes(
      '  podSelector:\n    matchLabels:\n      app: web\n  policyTypes: [Ingress]\n  # the selector labels\n  ingress: []',
    ),
    policyText(applied),
  );
});

test('api-unknown-field: a peer field under an empty `from:` becomes its first entry', () => {
  const ctx = ctxOf(
    workspace(
      policy(
        'web',
        `
        podSelector: {}
        ingress:
          - from:
            podSelector:   # the clients
              matchLabels:
                app: web
        `,
      ),
    ),
  );
  const finding = findingOf(ctx, 'api-unknown-field', 'podSelector');
  assert.equal(finding.data?.belongsUnder, 'spec.ingress[0].from[]');
  const applied = apply(
    ctx,
    fixTitled(fixesFor(ctx, finding), 'Move `podSelector` under spec.ingress[0].from[] (re-indent)'),
  );
  gone(applied.ctx, 'api-unknown-field');
  assert.ok(
    policyText(applied).includes(
      '    - from:\n        - podSelector:   # the clients\n            matchLabels:\n              app: web\n',
    ),
    policyText(applied),
  );
  assert.deepEqual(specOf(applied.ctx, 'web').ingress, [
    { from: [{ podSelector: { matchLabels: { app: 'web' } } }] },
  ]);
});

test('api-unknown-field: a list entry after `- from:` is indented into it', () => {
  const ctx = ctxOf(
    workspace(
      policy(
        'web',
        `
        podSelector: {}
        ingress:
        - from:
        - podSelector:
            matchLabels:
              app: web
        `,
      ),
    ),
  );
  const finding = findingOf(ctx, 'api-unknown-field', 'podSelector');
  assert.equal(finding.data?.belongsUnder, 'spec.ingress[0].from[]');
  const applied = apply(
    ctx,
    fixTitled(fixesFor(ctx, finding), 'Move `podSelector` under spec.ingress[0].from[] (re-indent)'),
  );
  gone(applied.ctx, 'api-unknown-field');
  assert.deepEqual(specOf(applied.ctx, 'web').ingress, [
    { from: [{ podSelector: { matchLabels: { app: 'web' } } }] },
  ]);
  assert.ok(
    policyText(applied).includes('  - from:\n    - podSelector:\n        matchLabels:\n          app: web\n'),
  );
});

test('api-unknown-field: labels under an empty `matchLabels:` are indented into it', () => {
  const ctx = ctxOf(
    workspace(policy('web', `podSelector:\n  matchLabels:\n  app: web # label\npolicyTypes: [Ingress]`)),
  );
  const finding = findingOf(ctx, 'api-unknown-field', 'app');
  assert.equal(finding.data?.belongsUnder, 'spec.podSelector.matchLabels');
  const applied = apply(
    ctx,
    fixTitled(fixesFor(ctx, finding), 'Move `app` under spec.podSelector.matchLabels (re-indent)'),
  );
  gone(applied.ctx, 'api-unknown-field');
  assert.deepEqual(specOf(applied.ctx, 'web').podSelector, { matchLabels: { app: 'web' } });
  assert.equal(changed(applied), '  ');
});

test('api-unknown-field: a typo is renamed (block and flow)', () => {
  for (const spec of [
    'podSelecter:   # typo\n  matchLabels: {app: web}',
    '{podSelecter: {matchLabels: {app: web}}}',
  ]) {
    const text = workspace(policy('web', spec).replace('spec:\n  {', 'spec: {'));
    const ctx = ctxOf(text);
    const finding = findingOf(ctx, 'api-unknown-field', 'podSelecter');
    assert.equal(finding.data?.suggestion, 'podSelector');
    const applied = apply(ctx, fixTitled(fixesFor(ctx, finding), 'Rename `podSelecter` to `podSelector`'));
    gone(applied.ctx, 'api-unknown-field');
    assert.equal(changed(applied), 'podSelector');
  }
});

// ---------------------------------------------------------------------------------------------------------
// dns-egress-missing / dns-egress-incomplete
// ---------------------------------------------------------------------------------------------------------

const egressToDb = `
  podSelector:
    matchLabels:
      app: web
  policyTypes:
  - Egress
  # only the database
  egress:
  - to:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: data
      podSelector:
        matchLabels:
          app: postgres
    ports:
    - port: 5432 # postgres
`;

test('dns-egress-missing: appends a DNS rule to kube-dns on UDP and TCP 53', () => {
  const ctx = ctxOf(workspace(policy('web-egress', egressToDb)));
  const finding = findingOf(ctx, 'dns-egress-missing');
  assert.deepEqual(finding.data, { policy: 'shop/web-egress' });
  const fix = fixTitled(fixesFor(ctx, finding), 'Add DNS egress (UDP/TCP 53)');
  assert.equal(fix.preferred, true);
  const applied = apply(ctx, fix);
  gone(applied.ctx, 'dns-egress-missing');
  assert.equal(
    changed(applied),
    [
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
      '',
    ].join('\n'),
  );
  assert.deepEqual(specOf(applied.ctx, 'web-egress').policyTypes, ['Egress'], 'policyTypes is kept');
});

test('dns-egress-missing: with CRLF line endings', () => {
  const ctx = ctxOf(workspace(policy('web-egress', egressToDb), true));
  const applied = apply(
    ctx,
    fixTitled(fixesFor(ctx, findingOf(ctx, 'dns-egress-missing')), 'Add DNS egress (UDP/TCP 53)'),
  );
  gone(applied.ctx, 'dns-egress-missing');
  assert.ok(changed(applied).endsWith('      protocol: TCP\r\n'));
});

test('dns-egress-missing: creates `egress:` after ingress when absent, in the file sequence style', () => {
  const ctx = ctxOf(
    workspace(
      policy(
        'deny-out',
        `
        podSelector:
          matchLabels:
            app: web
        policyTypes:
          - Ingress
          - Egress   # deny all egress
        ingress:
          - from:
              - podSelector: {}
        `,
      ),
    ),
  );
  const applied = apply(
    ctx,
    fixTitled(fixesFor(ctx, findingOf(ctx, 'dns-egress-missing')), 'Add DNS egress (UDP/TCP 53)'),
  );
  gone(applied.ctx, 'dns-egress-missing');
  assert.ok(
    changed(applied).startsWith('  egress:\n    - to:\n        - namespaceSelector:\n'),
    changed(applied),
  );
  assert.deepEqual(Object.keys(specOf(applied.ctx, 'deny-out')), [
    'podSelector',
    'policyTypes',
    'ingress',
    'egress',
  ]);
});

test('dns-egress-missing: flow-style egress gets a flow entry, `egress: []` becomes a block list', () => {
  const flow = ctxOf(
    workspace(
      policy(
        'web-egress',
        `podSelector: {matchLabels: {app: web}}\npolicyTypes: [Egress]\negress: [{to: [{podSelector: {}}], ports: [{port: 80}]}]`,
      ),
    ),
  );
  const a = apply(
    flow,
    fixTitled(fixesFor(flow, findingOf(flow, 'dns-egress-missing')), 'Add DNS egress (UDP/TCP 53)'),
  );
  gone(a.ctx, 'dns-egress-missing');
  assert.equal(
    changed(a),
    ', {to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}, podSelector: {matchLabels: {k8s-app: kube-dns}}}], ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]}',
  );
  const empty = ctxOf(
    workspace(policy('deny', `podSelector: {}\npolicyTypes: [Egress]\negress: []   # nothing`)),
  );
  const b = apply(
    empty,
    fixTitled(fixesFor(empty, findingOf(empty, 'dns-egress-missing')), 'Add DNS egress (UDP/TCP 53)'),
  );
  gone(b.ctx, 'dns-egress-missing');
  assert.ok(policyText(b).includes('  egress:   # nothing\n  - to:\n'), policyText(b));
});

test('dns-egress-missing: the rule follows the DNS target of the settings', () => {
  const cases: Array<{ settings: unknown; title: string; to: unknown; port: number }> = [
    {
      settings: { dns: { target: 'openshift-dns' } },
      title: 'Add DNS egress (UDP/TCP 5353)',
      to: [
        {
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'openshift-dns' } },
          podSelector: { matchLabels: { 'dns.operator.openshift.io/daemonset-dns': 'default' } },
        },
      ],
      port: 5353,
    },
    {
      settings: { dns: { target: 'node-local-dns' } },
      title: 'Add DNS egress (UDP/TCP 53)',
      to: [{ ipBlock: { cidr: '169.254.20.10/32' } }],
      port: 53,
    },
    {
      settings: { dns: { target: 'custom', namespace: 'dns', podLabels: { app: 'resolver' }, port: 5300 } },
      title: 'Add DNS egress (UDP/TCP 5300)',
      to: [
        {
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'dns' } },
          podSelector: { matchLabels: { app: 'resolver' } },
        },
      ],
      port: 5300,
    },
    {
      settings: { dns: { target: 'custom', ip: '10.96.0.10' } },
      title: 'Add DNS egress (UDP/TCP 53)',
      to: [{ ipBlock: { cidr: '10.96.0.10/32' } }],
      port: 53,
    },
  ];
  for (const c of cases) {
    const ctx = ctxOf(workspace(policy('web-egress', egressToDb)), c.settings);
    const applied = apply(
      ctx,
      fixTitled(fixesFor(ctx, findingOf(ctx, 'dns-egress-missing')), c.title),
      c.settings,
    );
    gone(applied.ctx, 'dns-egress-missing');
    const egress = specOf(applied.ctx, 'web-egress').egress as unknown[];
    assert.deepEqual(egress[1], {
      to: c.to,
      ports: [
        { port: c.port, protocol: 'UDP' },
        { port: c.port, protocol: 'TCP' },
      ],
    });
  }
});

const udpOnly = `
  podSelector: {}
  policyTypes:
  - Egress
  egress:
  - to:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: kube-system
      podSelector:
        matchLabels:
          k8s-app: kube-dns
    ports:
    - port: 53
      protocol: UDP   # DNS
    - port: 8053
`;

test('dns-egress-incomplete: adds the missing protocol right after the entry', () => {
  const ctx = ctxOf(workspace(policy('dns', udpOnly)));
  const finding = findingOf(ctx, 'dns-egress-incomplete');
  assert.deepEqual(finding.data, { missingProtocol: 'TCP', policy: 'shop/dns', rule: 0 });
  const fix = fixTitled(fixesFor(ctx, finding), 'Add DNS over TCP');
  const applied = apply(ctx, fix);
  gone(applied.ctx, 'dns-egress-incomplete');
  gone(applied.ctx, 'dns-egress-missing');
  assert.equal(changed(applied), '    - port: 53\n      protocol: TCP\n');
  assert.ok(
    policyText(applied).includes(
      '      protocol: UDP   # DNS\n    - port: 53\n      protocol: TCP\n    - port: 8053\n',
    ),
  );
});

test('dns-egress-incomplete: flow ports and CRLF', () => {
  const spec = `podSelector: {}\npolicyTypes: [Egress]\negress:\n- to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}}]\n  ports: [{port: 53, protocol: TCP}] # tcp only`;
  for (const crlf of [false, true]) {
    const ctx = ctxOf(workspace(policy('dns', spec), crlf));
    const finding = findingOf(ctx, 'dns-egress-incomplete');
    assert.equal(finding.data?.missingProtocol, 'UDP');
    const applied = apply(ctx, fixTitled(fixesFor(ctx, finding), 'Add DNS over UDP'));
    gone(applied.ctx, 'dns-egress-incomplete');
    assert.equal(changed(applied), ', {port: 53, protocol: UDP}');
  }
});

test('dns-egress-missing: `egress:` without a value gets the rule', () => {
  const ctx = ctxOf(workspace(policy('deny', `podSelector: {}\npolicyTypes:\n- Egress\negress: # none yet`)));
  const applied = apply(
    ctx,
    fixTitled(fixesFor(ctx, findingOf(ctx, 'dns-egress-missing')), 'Add DNS egress (UDP/TCP 53)'),
  );
  gone(applied.ctx, 'dns-egress-missing');
  assert.ok(
    policyText(applied).includes('  egress: # none yet\n  - to:\n    - namespaceSelector:\n'),
    policyText(applied),
  );
});

test('dns-egress-missing: rules shared through an alias, or merged in with `<<`, are not edited', () => {
  const shared = dedent(`
    apiVersion: v1
    kind: List
    items:
    - apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: a, namespace: shop}
      spec: &spec
        podSelector: {}
        policyTypes: [Egress]
        egress: &rules
        - to:
          - podSelector: {}
    - apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: b, namespace: data}
      spec:
        podSelector: {}
        policyTypes: [Egress]
        egress: *rules
    - apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: c, namespace: data}
      spec:
        <<: *spec
  `);
  const ctx = ctxOf(workspace(shared));
  const findings = findingsOf(ctx).filter((f) => f.rule === 'dns-egress-missing');
  // data/b and data/c select the same pods (all of data, none shown): reported once, on the first.
  assert.deepEqual(findings.map((f) => f.data?.policy).sort(), ['data/b', 'shop/a']);
  for (const finding of findings) assert.deepEqual(fixesFor(ctx, finding), [], String(finding.data?.policy));
});

// ---------------------------------------------------------------------------------------------------------
// namespace-name-label, namespace-selector-all, pod-selector-cross-namespace
// ---------------------------------------------------------------------------------------------------------

test('namespace-name-label: the `name` key becomes kubernetes.io/metadata.name (matchLabels, flow, matchExpressions)', () => {
  const specs = [
    `podSelector: {}\ningress:\n- from:\n  - namespaceSelector:\n      matchLabels:\n        name: data   # by name`,
    `podSelector: {}\ningress:\n- from: [{namespaceSelector: {matchLabels: {name: data}}}] # flow`,
    `podSelector: {}\ningress:\n- from:\n  - namespaceSelector:\n      matchExpressions:\n      - key: name # by name\n        operator: In\n        values: [data]`,
  ];
  for (const [i, spec] of specs.entries()) {
    const ctx = ctxOf(workspace(policy('from-data', spec), i === 1));
    const finding = findingOf(ctx, 'namespace-name-label', 'name');
    const fix = fixTitled(fixesFor(ctx, finding), 'Use kubernetes.io/metadata.name');
    const applied = apply(ctx, fix);
    gone(applied.ctx, 'namespace-name-label');
    assert.equal(changed(applied), 'kubernetes.io/metadata.name');
    assert.equal(fix.edits.length, 1);
    assert.equal(textOf(fileOf(ctx), fix.edits[0]!.span), 'name', 'only the key text is replaced');
  }
});

test('namespace-selector-all: one fix per namespace, restricting the selector', () => {
  const ctx = ctxOf(
    workspace(
      policy(
        'from-all',
        `podSelector: {}\ningress:\n- from:\n  - namespaceSelector: {}   # everyone\n    podSelector:\n      matchLabels:\n        app: postgres`,
      ),
    ),
  );
  const finding = findingOf(ctx, 'namespace-selector-all');
  const fixes = fixesFor(ctx, finding);
  assert.deepEqual(
    fixes.map((f) => f.title),
    [...ctx.workspace.model.namespaces.keys()].sort().map((n) => `Restrict to namespace ${n}`),
  );
  const applied = apply(ctx, fixTitled(fixes, 'Restrict to namespace data'));
  gone(applied.ctx, 'namespace-selector-all');
  assert.ok(
    policyText(applied).includes(
      '    - namespaceSelector:   # everyone\n        matchLabels:\n          kubernetes.io/metadata.name: data\n      podSelector:',
    ),
    policyText(applied),
  );
});

test('namespace-selector-all: flow style, CRLF', () => {
  const ctx = ctxOf(
    workspace(policy('from-all', `podSelector: {}\ningress:\n- from: [{namespaceSelector: {}}] # all`), true),
  );
  const applied = apply(
    ctx,
    fixTitled(fixesFor(ctx, findingOf(ctx, 'namespace-selector-all')), 'Restrict to namespace shop'),
  );
  gone(applied.ctx, 'namespace-selector-all');
  assert.equal(changed(applied), '{matchLabels: {kubernetes.io/metadata.name: shop}}');
});

test('namespace-selector-all: a selector shared through an alias is not edited', () => {
  const ctx = ctxOf(
    workspace(
      policy(
        'aliased',
        `podSelector: {}\ningress:\n- from:\n  - namespaceSelector: &all {}\n- from:\n  - namespaceSelector: *all\n    podSelector: {}`,
      ),
    ),
  );
  const findings = findingsOf(ctx).filter((f) => f.rule === 'namespace-selector-all');
  assert.ok(findings.length > 0);
  for (const finding of findings) assert.deepEqual(fixesFor(ctx, finding), []);
});

test('pod-selector-cross-namespace: adds a namespaceSelector to the same peer', () => {
  const ctx = ctxOf(
    workspace(
      policy(
        'web-to-db',
        `
        podSelector:
          matchLabels:
            app: web
        policyTypes: [Egress]
        egress:
        - to:
          - podSelector:   # the database
              matchLabels:
                app: postgres
          ports:
          - port: 5432
        `,
      ),
    ),
  );
  const finding = findingOf(ctx, 'pod-selector-cross-namespace');
  assert.deepEqual(finding.data, { namespaces: ['data'] });
  const fix = fixTitled(fixesFor(ctx, finding), 'Add namespaceSelector for namespace data');
  const applied = apply(ctx, fix);
  gone(applied.ctx, 'pod-selector-cross-namespace');
  assert.deepEqual((specOf(applied.ctx, 'web-to-db').egress as Array<{ to: unknown }>)[0]!.to, [
    {
      podSelector: { matchLabels: { app: 'postgres' } },
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'data' } },
    },
  ]);
  assert.equal(
    changed(applied),
    '      namespaceSelector:\n        matchLabels:\n          kubernetes.io/metadata.name: data\n',
  );
});

test('pod-selector-cross-namespace: flow peer', () => {
  const ctx = ctxOf(
    workspace(
      policy(
        'web-to-db',
        `podSelector: {}\npolicyTypes: [Egress]\negress:\n- to: [{podSelector: {matchLabels: {app: postgres}}}] # db`,
      ),
    ),
  );
  const applied = apply(
    ctx,
    fixTitled(
      fixesFor(ctx, findingOf(ctx, 'pod-selector-cross-namespace')),
      'Add namespaceSelector for namespace data',
    ),
  );
  gone(applied.ctx, 'pod-selector-cross-namespace');
  assert.equal(changed(applied), ', namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: data}}');
});

// ---------------------------------------------------------------------------------------------------------
// policy-types-ignored-rules, policy-types-implicit
// ---------------------------------------------------------------------------------------------------------

const ignoredEgress = (types: string) => `
  podSelector:
    matchLabels:
      app: web
  ${types}
  ingress:
  - {}
  # egress rules that policyTypes ignores
  egress:
  - to:
    - podSelector: {} # same namespace
`;

test('policy-types-ignored-rules: add the type to a flow or block policyTypes', () => {
  for (const [types, expected] of [
    ['policyTypes: [Ingress]', ', Egress'],
    ['policyTypes:\n  - Ingress # only', '  - Egress\n'],
  ] as const) {
    const ctx = ctxOf(workspace(policy('web', ignoredEgress(types))));
    const finding = findingOf(ctx, 'policy-types-ignored-rules', 'egress');
    const applied = apply(ctx, fixTitled(fixesFor(ctx, finding), 'Add Egress to policyTypes'));
    gone(applied.ctx, 'policy-types-ignored-rules');
    assert.equal(changed(applied), expected);
    assert.deepEqual(specOf(applied.ctx, 'web').policyTypes, ['Ingress', 'Egress']);
  }
});

test('policy-types-ignored-rules: remove the ignored rules (CRLF)', () => {
  const ctx = ctxOf(workspace(policy('web', ignoredEgress('policyTypes: [Ingress]')), true));
  const finding = findingOf(ctx, 'policy-types-ignored-rules', 'egress');
  const applied = apply(ctx, fixTitled(fixesFor(ctx, finding), 'Remove the ignored egress rules'));
  gone(applied.ctx, 'policy-types-ignored-rules');
  assert.deepEqual(Object.keys(specOf(applied.ctx, 'web')), ['podSelector', 'policyTypes', 'ingress']);
  assert.ok(
    // The comment inside the removed rules is kept (issue 8), at the column of `egress:`.
    policyText(applied).endsWith('  - {}\n  # egress rules that policyTypes ignores\n  # same namespace\n'),
    policyText(applied),
  );
});

test('policy-types-implicit: writes the effective types after podSelector', () => {
  const cases = [
    {
      spec: `podSelector: {} # all pods\ningress:\n- {}`,
      expected: '  policyTypes:\n  - Ingress\n',
      types: ['Ingress'],
      crlf: false,
    },
    {
      spec: `podSelector:\n  matchLabels:\n    app: web\negress:\n- to:\n  - podSelector: {}`,
      expected: '  policyTypes:\r\n  - Ingress\r\n  - Egress\r\n',
      types: ['Ingress', 'Egress'],
      crlf: true,
    },
  ];
  for (const c of cases) {
    const ctx = ctxOf(workspace(policy('implicit', c.spec), c.crlf));
    const finding = findingOf(ctx, 'policy-types-implicit');
    assert.deepEqual(finding.data, { effective: c.types });
    const applied = apply(ctx, fixTitled(fixesFor(ctx, finding), 'Write policyTypes explicitly'));
    gone(applied.ctx, 'policy-types-implicit');
    assert.equal(changed(applied), c.expected);
    assert.deepEqual(Object.keys(specOf(applied.ctx, 'implicit')).slice(0, 2), [
      'podSelector',
      'policyTypes',
    ]);
  }
});

test('policy-types-implicit: a flow spec gets a flow entry', () => {
  const ctx = ctxOf(
    workspace(policy('implicit', `{podSelector: {}, ingress: [{}]}`).replace('spec:\n  {', 'spec: {')),
  );
  const applied = apply(
    ctx,
    fixTitled(fixesFor(ctx, findingOf(ctx, 'policy-types-implicit')), 'Write policyTypes explicitly'),
  );
  gone(applied.ctx, 'policy-types-implicit');
  assert.equal(changed(applied), ', policyTypes: [Ingress]');
});

test('policy-types-ignored-rules: a flow spec loses the pair with its comma', () => {
  const text = workspace(
    policy(
      'web',
      `{podSelector: {}, policyTypes: [Ingress], egress: [{to: [{podSelector: {}}]}]} # flow`,
    ).replace('spec:\n  {', 'spec: {'),
  );
  const ctx = ctxOf(text);
  const finding = findingOf(ctx, 'policy-types-ignored-rules', 'egress');
  const add = apply(ctx, fixTitled(fixesFor(ctx, finding), 'Add Egress to policyTypes'));
  assert.equal(changed(add), ', Egress');
  const applied = apply(ctx, fixTitled(fixesFor(ctx, finding), 'Remove the ignored egress rules'));
  gone(applied.ctx, 'policy-types-ignored-rules');
  assert.ok(
    policyText(applied).includes('spec: {podSelector: {}, policyTypes: [Ingress]} # flow'),
    policyText(applied),
  );
});

// ---------------------------------------------------------------------------------------------------------
// egress-metadata-endpoint
// ---------------------------------------------------------------------------------------------------------

test('egress-metadata-endpoint: adds except to the ipBlock, or appends to its except list', () => {
  const cases = [
    {
      block: `ipBlock:\n        cidr: 0.0.0.0/0   # internet`,
      expected: '        except:\n        - 169.254.169.254/32\n',
    },
    {
      block: `ipBlock:\n        cidr: 0.0.0.0/0\n        except: [10.0.0.0/8] # private`,
      expected: ', 169.254.169.254/32',
    },
    {
      block: `ipBlock:\n        cidr: 0.0.0.0/0\n        except:\n          - 10.0.0.0/8`,
      expected: '          - 169.254.169.254/32\n',
    },
    { block: `ipBlock: {cidr: 0.0.0.0/0} # flow`, expected: ', except: [169.254.169.254/32]' },
  ];
  for (const c of cases) {
    const spec = `podSelector: {}\npolicyTypes: [Egress]\negress:\n- to:\n  - ${c.block.replace(/\n {8}/g, '\n      ')}\n  ports:\n  - port: 80\n  - port: 53\n    protocol: UDP\n  - port: 53`;
    const ctx = ctxOf(workspace(policy('internet', spec)));
    const finding = findingOf(ctx, 'egress-metadata-endpoint');
    assert.deepEqual(finding.data, { address: '169.254.169.254', except: '169.254.169.254/32' });
    const applied = apply(
      ctx,
      fixTitled(fixesFor(ctx, finding), 'Exclude the metadata endpoint 169.254.169.254'),
    );
    gone(applied.ctx, 'egress-metadata-endpoint');
    assert.equal(changed(applied), c.expected);
  }
});

// ---------------------------------------------------------------------------------------------------------
// split-rule
// ---------------------------------------------------------------------------------------------------------

test('split-rule: the stray dash becomes a space (block, with a comment between, and CRLF)', () => {
  const spec = `podSelector: {}\ningress:\n- from:\n  - podSelector:\n      matchLabels:\n        app: web\n# the ports\n- ports:   # http\n  - port: 80`;
  for (const crlf of [false, true]) {
    const ctx = ctxOf(workspace(policy('split', spec), crlf));
    const finding = findingOf(ctx, 'split-rule');
    const fix = fixTitled(fixesFor(ctx, finding), 'Merge the ports into the previous rule');
    assert.equal(fix.edits.length, 1);
    const applied = apply(ctx, fix);
    gone(applied.ctx, 'split-rule');
    assert.equal(changed(applied), ' ');
    assert.deepEqual(specOf(applied.ctx, 'split').ingress, [
      { from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 80 }] },
    ]);
  }
});

test('split-rule: re-indents when the rules keys are at different columns', () => {
  const ctx = ctxOf(
    workspace(
      policy(
        'split',
        `podSelector: {}\ningress:\n-   from:\n    - podSelector: {}\n- ports:\n  - port: 80\n    protocol: TCP`,
      ),
    ),
  );
  const applied = apply(
    ctx,
    fixTitled(fixesFor(ctx, findingOf(ctx, 'split-rule')), 'Merge the ports into the previous rule'),
  );
  gone(applied.ctx, 'split-rule');
  assert.ok(
    policyText(applied).includes(
      '  -   from:\n      - podSelector: {}\n      ports:\n      - port: 80\n        protocol: TCP\n',
    ),
    policyText(applied),
  );
});

test('split-rule: flow rules, and a flow second rule in a block list', () => {
  const flow = ctxOf(
    workspace(
      policy(
        'split',
        `podSelector: {}\ningress: [{from: [{podSelector: {}}]}, {ports: [{port: 80}]}] # split`,
      ),
    ),
  );
  const a = apply(
    flow,
    fixTitled(fixesFor(flow, findingOf(flow, 'split-rule')), 'Merge the ports into the previous rule'),
  );
  gone(a.ctx, 'split-rule');
  assert.ok(
    policyText(a).includes('ingress: [{from: [{podSelector: {}}], ports: [{port: 80}]}] # split'),
    policyText(a),
  );
  const mixed = ctxOf(
    workspace(
      policy('split', `podSelector: {}\ningress:\n- from:\n  - podSelector: {}\n- {ports: [{port: 80}]}`),
    ),
  );
  const b = apply(
    mixed,
    fixTitled(fixesFor(mixed, findingOf(mixed, 'split-rule')), 'Merge the ports into the previous rule'),
  );
  gone(b.ctx, 'split-rule');
  assert.deepEqual(specOf(b.ctx, 'split').ingress, [{ from: [{ podSelector: {} }], ports: [{ port: 80 }] }]);
});

// ---------------------------------------------------------------------------------------------------------
// Source action: default deny
// ---------------------------------------------------------------------------------------------------------

const denyTitle = (ns: string) => `Create a default-deny policy for namespace ${ns}`;

test('source action: a default-deny policy for the namespace at the cursor, with a unique name', () => {
  const text = workspace(policy('default-deny', `podSelector: {}\npolicyTypes: [Ingress]`));
  const ctx = ctxOf(text);
  const file = fileOf(ctx);
  const actions = sourceActions(ctx, file, text.indexOf('name: web'));
  assert.equal(actions.length, 1);
  const action = actions[0]!;
  assert.equal(action.title, denyTitle('shop'));
  assert.equal(action.kind, 'source');
  const applied = apply(ctx, action);
  assert.ok(applied.text.startsWith(text), 'the file is only appended to');
  assert.equal(
    changed(applied),
    [
      '---',
      '# Default deny: selects every pod of namespace shop (podSelector: {}) and isolates it for ingress and egress;',
      '# only traffic that other policies allow gets through.',
      'apiVersion: networking.k8s.io/v1',
      'kind: NetworkPolicy',
      'metadata:',
      '  name: default-deny-2',
      '  namespace: shop',
      'spec:',
      '  podSelector: {}',
      '  policyTypes:',
      '  - Ingress',
      '  - Egress',
      '',
    ].join('\n'),
  );
  const created = applied.ctx.workspace.model.policies.find((p) => p.name === 'default-deny-2');
  assert.ok(created && created.namespace === 'shop' && created.affectsIngress && created.affectsEgress);
  assert.equal(created.podSelector.requirements.length, 0, 'it selects every pod');
});

test('source action: the namespace of a Namespace document, the default namespace, CRLF and no final line break', () => {
  const text = workspace(policy('p', `podSelector: {}`), true);
  const ctx = ctxOf(text);
  const onData = sourceActions(ctx, fileOf(ctx), text.indexOf('data # the'));
  assert.deepEqual(
    onData.map((a) => a.title),
    [denyTitle('data')],
  );
  const applied = apply(ctx, onData[0]!);
  assert.ok(changed(applied).startsWith('---\r\n# Default deny'), JSON.stringify(changed(applied)));
  assert.ok(changed(applied).includes('  name: default-deny\r\n  namespace: data\r\n'));

  const bare = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c # no namespace';
  const ctx2 = contextOf({ 'test.yaml': bare }, { defaultNamespace: 'team-a' });
  const actions = sourceActions(ctx2, fileOf(ctx2), 3);
  assert.deepEqual(
    actions.map((a) => a.title),
    [denyTitle('team-a')],
  );
  const out = applyEdits(bare, actions[0]!.edits);
  assert.ok(out.startsWith(`${bare}\n---\n# Default deny`));
  assert.ok(!out.includes('namespace: team-a'), 'the namespace is left to where the file is applied');
  const reloaded = contextOf({ 'test.yaml': out }, { defaultNamespace: 'team-a' });
  assert.deepEqual(
    reloaded.workspace.findings.filter((f) => f.severity === 'error'),
    [],
  );
  assert.ok(
    reloaded.workspace.model.policies.some((p) => p.name === 'default-deny' && p.namespace === 'team-a'),
  );
});

test('source action: offered only in files with Kubernetes objects', () => {
  const ctx = contextOf({
    'test.yaml': 'just: data\n',
    'other.json': '{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "x"}}',
  });
  assert.deepEqual(sourceActions(ctx, fileOf(ctx), 0), []);
  assert.deepEqual(sourceActions(ctx, fileOf(ctx, 'other.json'), 0), [], 'not in a JSON file');
});

// ---------------------------------------------------------------------------------------------------------
// Dispatch on the data contracts
// ---------------------------------------------------------------------------------------------------------

test('fixesFor works from findings built to each rule data contract (not from message text)', () => {
  const text = workspace(policy('web-egress', egressToDb));
  const ctx = ctxOf(text);
  const file = fileOf(ctx);
  const at = (s: string) => ({ start: text.indexOf(s), end: text.indexOf(s) + s.length });
  const constructed: Finding = {
    rule: 'dns-egress-missing',
    severity: 'warning',
    message: '',
    file,
    span: at('- Egress'),
    data: { policy: 'shop/web-egress' },
  };
  const real = findingOf(ctx, 'dns-egress-missing');
  assert.deepEqual(
    fixesFor(ctx, constructed).map((f) => [f.title, f.edits.map((e) => [e.span, e.newText])]),
    fixesFor(ctx, { ...real, message: 'ignored' }).map((f) => [
      f.title,
      f.edits.map((e) => [e.span, e.newText]),
    ]),
  );
  const metadata: Finding = {
    rule: 'egress-metadata-endpoint',
    severity: 'warning',
    message: 'anything',
    file,
    span: at('5432'),
    data: { address: '169.254.169.254', except: '169.254.169.254/32' },
  };
  assert.deepEqual(fixesFor(ctx, metadata), [], 'a span that is not an ipBlock cidr gives no fix');
  assert.deepEqual(
    fixesFor(ctx, { ...constructed, rule: 'allow-all-rule' }),
    [],
    'rules without fixes give none',
  );
  assert.deepEqual(fixesFor(ctx, { ...constructed, data: { policy: 'nowhere/none' } }), []);
});

test('every fixable rule is a registered rule id', () => {
  assert.deepEqual([...fixableRules].sort(), [
    'api-unknown-field',
    'dns-egress-incomplete',
    'dns-egress-missing',
    'egress-metadata-endpoint',
    'namespace-name-label',
    'namespace-selector-all',
    'other-side-denies',
    'pod-selector-cross-namespace',
    'policy-api-superseded',
    'policy-types-ignored-rules',
    'policy-types-implicit',
    'service-port-not-pod-port',
    'split-rule',
  ]);
});

// other-side-denies: the data ingress of postgres admits web on 5432, web is isolated for egress.
const webEgress = policy(
  'web-egress',
  `
  podSelector:
    matchLabels:
      app: web
  policyTypes: [Egress]
  egress:
  - to: # the cluster DNS
    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}
    ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]
  `,
);
const postgresIngress = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: postgres-ingress
  namespace: data
spec:
  podSelector:
    matchLabels:
      app: postgres
  policyTypes: [Ingress]
  ingress:
  - from:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: shop
      podSelector:
        matchLabels:
          app: web
    ports:
    - port: 5432
`;

test("other-side-denies: on the allowing peer and on the other side's policy; the fix adds the egress rule across namespaces", () => {
  const ctx = ctxOf(workspace(`${webEgress}---\n${postgresIngress}`));
  const onPeer = findingOf(
    ctx,
    'other-side-denies',
    textOf(
      fileOf(ctx),
      findingsOf(ctx).find((f) => f.rule === 'other-side-denies' && f.message.startsWith('ingress[0]'))!.span,
    ),
  );
  assert.match(
    onPeer.message,
    /^ingress\[0\] of data\/postgres-ingress allows connections that the other side denies: shop\/web → data\/postgres on TCP 5432/,
  );
  const onPolicy = findingOf(ctx, 'other-side-denies', 'web-egress');
  assert.match(
    onPolicy.message,
    /^shop\/web-egress isolates egress of the pods it selects, and no egress rule of their policies allows shop\/web → data\/postgres on TCP 5432 \(which ingress\[0\] of data\/postgres-ingress allows\): those connections fail/,
  );
  for (const finding of [onPeer, onPolicy]) {
    const fix = fixTitled(fixesFor(ctx, finding), 'Add the egress rule to shop/web-egress (TCP 5432)');
    assert.equal(fix.preferred, true);
    const applied = apply(ctx, fix);
    gone(applied.ctx, 'other-side-denies');
    assert.ok(
      applied.text.includes(
        [
          '    ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]',
          '  - to:',
          '    - namespaceSelector:',
          '        matchLabels:',
          '          kubernetes.io/metadata.name: data',
          '      podSelector:',
          '        matchLabels:',
          '          app: postgres',
          '    ports:',
          '    - protocol: TCP',
          '      port: 5432',
        ].join('\n'),
      ),
      applied.text,
    );
  }
});

test('other-side-denies: an egress rule whose destination denies ingress; the fix creates the ingress list', () => {
  const egressOnly = policy(
    'web-egress',
    `
    podSelector: {matchLabels: {app: web}}
    policyTypes: [Egress]
    egress:
    - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: data}}, podSelector: {matchLabels: {app: postgres}}}]
      ports: [{port: 5432}]
    `,
  );
  const isolated = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: postgres-isolated
  namespace: data
spec:
  podSelector:
    matchLabels:
      app: postgres
  policyTypes: [Ingress]
`;
  const ctx = ctxOf(workspace(`${egressOnly}---\n${isolated}`));
  const onPolicy = findingOf(ctx, 'other-side-denies', 'postgres-isolated');
  const fix = fixTitled(fixesFor(ctx, onPolicy), 'Add the ingress rule to data/postgres-isolated (TCP 5432)');
  const applied = apply(ctx, fix);
  gone(applied.ctx, 'other-side-denies');
  assert.match(
    applied.text,
    /policyTypes: \[Ingress\]\n {2}ingress:\n {2}- from:\n {4}- namespaceSelector:\n {8}matchLabels:\n {10}kubernetes.io\/metadata.name: shop\n {6}podSelector:\n {8}matchLabels:\n {10}app: web\n/,
  );
});

test('other-side-denies: not judged where the workspace cannot tell', () => {
  const none = (text: string) =>
    assert.deepEqual(
      findingsOf(ctxOf(workspace(text)))
        .filter((f) => f.rule === 'other-side-denies')
        .map((f) => f.message),
      [],
    );
  // The other side is not isolated for egress.
  none(postgresIngress);
  // Its egress rules have an ipBlock (pod addresses depend on the pod network).
  none(
    `${webEgress.replace('- to: # the cluster DNS', '- to: [{ipBlock: {cidr: 10.0.0.0/8}}]\n  - to: # the cluster DNS')}---\n${postgresIngress}`,
  );
  // The peer selects every pod of the namespace (no podSelector): not an explicit allow of these pods.
  none(
    `${webEgress}---\n${postgresIngress.replace(/\n {6}podSelector:\n {8}matchLabels:\n {10}app: web/, '')}`,
  );
  // The other side allows it.
  none(
    `${webEgress.replace('- to: # the cluster DNS', '- to: [{namespaceSelector: {}}]\n  - to: # the cluster DNS')}---\n${postgresIngress}`,
  );
});

test('other-side-denies: where only a default deny isolates the other side, the fix adds a policy for those pods', () => {
  const defaultDeny = policy('default-deny', 'podSelector: {}\npolicyTypes: [Ingress, Egress]');
  const webToPostgres = policy(
    'web-egress',
    `
    podSelector: {matchLabels: {app: web}}
    policyTypes: [Egress]
    egress:
    - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: data}}, podSelector: {matchLabels: {app: postgres}}}]
      ports: [{port: 5432}]
    `,
  );
  const dataDefaultDeny = defaultDeny.replace('namespace: shop', 'namespace: data');
  const ctx = ctxOf(workspace(`${defaultDeny}---\n${webToPostgres}---\n${dataDefaultDeny}`));
  const onPolicy = findingsOf(ctx).find(
    (f) => f.rule === 'other-side-denies' && f.message.startsWith('data/default-deny'),
  );
  assert.ok(onPolicy, show(findingsOf(ctx)));
  const fix = fixTitled(
    fixesFor(ctx, onPolicy),
    'Add a policy data/postgres-ingress-from-web with the ingress rule (TCP 5432)',
  );
  const applied = apply(ctx, fix);
  gone(applied.ctx, 'other-side-denies');
  assert.ok(
    applied.text.endsWith(
      [
        '---',
        '# The ingress that data/default-deny leaves out for these pods (added by netpol-scope: other-side-denies).',
        'apiVersion: networking.k8s.io/v1',
        'kind: NetworkPolicy',
        'metadata:',
        '  name: postgres-ingress-from-web',
        '  namespace: data',
        'spec:',
        '  podSelector:',
        '    matchLabels:',
        '      app: postgres',
        '  policyTypes:',
        '  - Ingress',
        '  ingress:',
        '  - from:',
        '    - namespaceSelector:',
        '        matchLabels:',
        '          kubernetes.io/metadata.name: shop',
        '      podSelector:',
        '        matchLabels:',
        '          app: web',
        '    ports:',
        '    - protocol: TCP',
        '      port: 5432',
        '',
      ].join('\n'),
    ),
    applied.text,
  );
});
