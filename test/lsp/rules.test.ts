/**
 * Every rule of shared/rules/registry.ts through the real language server (stdio JSON-RPC): the bad
 * example of its docs/rules.md section, opened as a document of an empty workspace with the section's
 * settings (answered to workspace/configuration, changed with didChangeConfiguration), is published
 * with a diagnostic whose code is the rule id at the default severity (or a contextual one the registry
 * declares for the rule, docs/rules.md "Severity policy"); the good example is published
 * without it. Examples the server cannot take as one document get dedicated fixtures. Then severities
 * from settings, `off`, inline suppression comments, re-publication on a settings change, and rules that
 * read other files of the workspace.
 */
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { rules } from '../../shared/rules/registry.js';
import type { RuleId } from '../../shared/rules/registry.js';
import { LspClient, lspSeverity } from '../support/lsp-client.js';
import { ClearFlowsRequest, LoadFlowsRequest } from '../../shared/protocol.js';
import { example, sections } from '../support/rules-doc.js';
import type { Example } from '../support/rules-doc.js';

const NP = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n';

/**
 * Rules whose documented example cannot be one document of the server:
 * - file-too-large has no YAML example (a 100 MB dump); a document above the `maxFileSize` setting (5 MB by
 *   default, which the server applies to open documents too) is;
 * - the yaml-alias-bomb examples have no `kind`, and the server analyses only files that look like
 *   manifests (asserted below), so the fixture adds one;
 * - yaml-too-deep has no YAML example (300 nested levels); a generated document is.
 */
const BIG = 5 * 1024 * 1024;
const dedicated: Partial<Record<RuleId, { readonly bad: Example; readonly good: Example }>> = {
  'file-too-large': {
    bad: { yaml: `kind: ConfigMap\n# ${'x'.repeat(BIG)}\n`, settings: {} },
    good: { yaml: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: small}\n', settings: {} },
  },
  'yaml-too-deep': {
    bad: {
      yaml: `apiVersion: v1\nkind: ConfigMap\ndata:\n  x: ${'['.repeat(300)}${']'.repeat(300)}\n`,
      settings: {},
    },
    good: {
      yaml: `apiVersion: v1\nkind: ConfigMap\ndata:\n  x: ${'['.repeat(20)}${']'.repeat(20)}\n`,
      settings: {},
    },
  },
  'yaml-alias-bomb': {
    bad: {
      yaml: `apiVersion: v1\nkind: ConfigMap\ndata:\n${indent(docExample('yaml-alias-bomb', 'Bad').yaml)}`,
      settings: {},
    },
    good: {
      yaml: `apiVersion: v1\nkind: ConfigMap\ndata:\n${indent(docExample('yaml-alias-bomb', 'Good').yaml)}`,
      settings: {},
    },
  },
};

function indent(yaml: string): string {
  return yaml
    .split('\n')
    .map((l) => (l === '' ? l : `  ${l}`))
    .join('\n');
}

function docExample(id: string, label: 'Bad' | 'Good'): Example {
  const section = sections().find((s) => s.id === id);
  assert.ok(section, `docs/rules.md has a section for ${id}`);
  const found = example(section, label);
  assert.ok(found, `${id}: a ${label} yaml example`);
  return found;
}

function show(diagnostics: readonly Diagnostic[]): string {
  return diagnostics
    .map((d) => `${String(d.code)}@${d.range.start.line}:${d.severity} ${d.message}`)
    .join('\n');
}

let client: LspClient;

before(async () => {
  client = new LspClient();
  await client.start();
});

after(async () => {
  await client.dispose();
});

// Each test starts from an empty workspace with default settings, even after a failure.
afterEach(async () => {
  for (const uri of client.openDocuments) await client.closeAndForget(uri);
  if (JSON.stringify(client.settings) !== '{}') await client.changeSettings({});
});

/** Analyses one document alone in the workspace (with the given settings) and returns its diagnostics. */
async function analyse(path: string, ex: Example): Promise<Diagnostic[]> {
  if (JSON.stringify(ex.settings) !== JSON.stringify(client.settings))
    await client.changeSettings(ex.settings);
  // A section's observed flows (flow-would-drop) are loaded as a flow file for its examples.
  if (ex.flows !== undefined)
    await client.connection.sendRequest(LoadFlowsRequest, {
      uris: [client.writeFile(`${path}.flows.csv`, ex.flows)],
    });
  const { uri, diagnostics } = await client.openAndWait(path, ex.yaml);
  if (ex.assertions !== undefined) {
    // The example's assertions file beside it: its diagnostics and the manifest's, of the analysis of both.
    const assertionsPath = path.replace(/[^/]+$/, 'netpol-scope.assertions.yaml');
    const opened = await client.openAndWait(assertionsPath, ex.assertions);
    // A request answered after the analysis: every diagnostic of that analysis has been received.
    await client.connection.sendRequest('textDocument/hover', {
      textDocument: { uri },
      position: { line: 0, character: 0 },
    });
    const both = [...opened.diagnostics, ...(client.diagnostics.get(uri)?.diagnostics ?? [])];
    await client.closeAndForget(opened.uri);
    await client.closeAndForget(uri);
    return both;
  }
  await client.closeAndForget(uri);
  if (ex.flows !== undefined) await client.connection.sendRequest(ClearFlowsRequest);
  return diagnostics;
}

test('every rule: the bad example of docs/rules.md is published under the rule id, the good one is not', async (t) => {
  for (const rule of rules) {
    // Only a bug of netpol-scope produces it: test/unit/containment.test.ts injects one.
    if (rule.id === 'analysis-failed') continue;
    await t.test(rule.id, async () => {
      const cases = dedicated[rule.id] ?? {
        bad: docExample(rule.id, 'Bad'),
        good: docExample(rule.id, 'Good'),
      };
      const bad = await analyse(`rules/${rule.id}/bad.yaml`, cases.bad);
      const reported = bad.filter((d) => d.code === rule.id);
      assert.ok(reported.length > 0, `${rule.id} not reported for the bad example:\n${show(bad)}`);
      for (const d of reported) {
        const allowed = [rule.defaultSeverity, ...rule.contextual].map((sev) => lspSeverity[sev]);
        assert.ok(allowed.includes(d.severity!), `${rule.id} severity ${d.severity}`);
        assert.equal(d.source, 'netpol-scope');
        assert.equal(d.codeDescription?.href.endsWith(`docs/rules.md#${rule.id}`), true);
        assert.deepEqual(Object.keys(d.data as object).sort(), ['end', 'rule', 'start']);
        assert.equal((d.data as { rule: string }).rule, rule.id);
      }
      const good = await analyse(`rules/${rule.id}/good.yaml`, cases.good);
      assert.deepEqual(
        good.filter((d) => d.code === rule.id),
        [],
        `${rule.id} reported for the good example:\n${show(good)}`,
      );
    });
  }
});

test('a file without `kind` is not analysed (the documented alias bomb), a manifest opened after it is', async () => {
  const bomb = await client.open('rules/no-kind.yaml', docExample('yaml-alias-bomb', 'Bad').yaml);
  const { uri } = await client.openAndWait(
    'rules/sentinel.yaml',
    `${NP}metadata: {name: s}\nspec: {podSelector: {}}\n`,
  );
  // Notifications are handled in order: the sentinel was analysed after the first document was opened.
  assert.equal(client.diagnostics.has(bomb), false);
  await client.close(bomb);
  await client.closeAndForget(uri);
});

test('the file-too-large finding names the size and the limit and spans the first line', async () => {
  const bad = dedicated['file-too-large']!.bad;
  const diagnostics = await analyse('rules/big.yaml', bad);
  assert.deepEqual(
    diagnostics.map((d) => [d.code, d.range, d.message]),
    [
      [
        'file-too-large',
        { start: { line: 0, character: 0 }, end: { line: 0, character: 15 } },
        `File has ${(BIG + 19).toLocaleString('en-US')} characters, above the limit of 5,242,880; it was not analysed.`,
      ],
    ],
  );
});

const allowAll = `${NP}metadata:
  name: web
  namespace: shop
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress]
  ingress:
  - ports:
    - port: 8080
`;

test('settings: a severity override re-publishes with that severity, `off` removes the rule, {} restores it', async () => {
  const { uri, diagnostics } = await client.openAndWait('rules/severity.yaml', allowAll);
  const of = (list: readonly Diagnostic[]) => list.filter((d) => d.code === 'allow-all-rule');
  assert.deepEqual(
    of(diagnostics).map((d) => [d.range.start.line, d.range.start.character, d.severity]),
    [[9, 4, lspSeverity.info]],
  );
  assert.equal(diagnostics.length, 1, show(diagnostics));

  const asError = await client.diagnosticsAfter(uri, () =>
    client.changeSettings({ rules: { 'allow-all-rule': 'error' } }),
  );
  assert.deepEqual(
    of(asError).map((d) => d.severity),
    [lspSeverity.error],
  );
  // The published version is the document's.
  assert.equal(client.diagnostics.get(uri)?.version, 1);

  const asHint = await client.diagnosticsAfter(uri, () =>
    client.changeSettings({ rules: { 'allow-all-rule': { severity: 'hint' } } }),
  );
  assert.deepEqual(
    of(asHint).map((d) => d.severity),
    [lspSeverity.hint],
  );

  const off = await client.diagnosticsAfter(uri, () =>
    client.changeSettings({ rules: { 'allow-all-rule': 'off' } }),
  );
  assert.deepEqual(of(off), []);

  // Unknown severities are ignored: the default applies.
  const restored = await client.diagnosticsAfter(uri, () =>
    client.changeSettings({ rules: { 'allow-all-rule': 'fatal' } }),
  );
  assert.deepEqual(
    of(restored).map((d) => d.severity),
    [lspSeverity.info],
  );
  await client.changeSettings({});
  await client.closeAndForget(uri);
});

test('suppression comments: the rule id on the line above, several ids, no id; another id does not suppress', async () => {
  const { uri, diagnostics } = await client.openAndWait('rules/suppress.yaml', allowAll);
  const finding = diagnostics.find((d) => d.code === 'allow-all-rule');
  assert.ok(finding, show(diagnostics));
  const lines = allowAll.split('\n');
  const line = finding.range.start.line;
  const withComment = (comment: string) =>
    [...lines.slice(0, line), `  # ${comment}`, ...lines.slice(line)].join('\n');
  const has = (list: readonly Diagnostic[]) => list.some((d) => d.code === 'allow-all-rule');

  const cases: Array<[string, boolean]> = [
    ['netpol-scope-disable-next-line allow-all-rule', false],
    ['netpol-scope-disable-next-line split-rule, allow-all-rule -- public entry point', false],
    ['netpol-scope-disable-next-line', false],
    ['netpol-scope-disable-next-line split-rule', true],
    ['netpol-scope-disable-next-line allow-all-rules', true],
  ];
  for (const [comment, reported] of cases) {
    const after = await client.changeAndWait(uri, withComment(comment));
    assert.equal(has(after), reported, `${comment}:\n${show(after)}`);
    // Back to the unsuppressed text, so that each comment is judged on a change.
    if (!reported) assert.equal(has(await client.changeAndWait(uri, allowAll)), true);
  }
  // The comment applies to the next line only: two lines above does not suppress.
  const twoAbove = [
    ...lines.slice(0, line - 1),
    '  # netpol-scope-disable-next-line allow-all-rule',
    ...lines.slice(line - 1),
  ].join('\n');
  assert.equal(has(await client.changeAndWait(uri, twoAbove)), true);
  await client.closeAndForget(uri);
});

test('rules across files: duplicates point at the other file, workloads become isolated by a policy elsewhere', async () => {
  const first = `${NP}metadata: {name: web, namespace: shop}\nspec:\n  podSelector: {matchLabels: {app: web}}\n  policyTypes: [Ingress]\n`;
  const second = `${NP}metadata: {name: web, namespace: shop}\nspec:\n  podSelector: {matchLabels: {app: api}}\n  policyTypes: [Ingress]\n`;
  const a = await client.openAndWait('cross/a.yaml', first);
  assert.deepEqual(
    a.diagnostics.filter((d) => d.code === 'api-duplicate-policy'),
    [],
  );
  const b = await client.open('cross/b.yaml', second);
  // Path order decides which one wins: the earlier file (a.yaml) is reported, pointing at b.yaml.
  const duplicate = await client.waitForDiagnostics(a.uri, (d) =>
    d.some((x) => x.code === 'api-duplicate-policy'),
  );
  const d = duplicate.find((x) => x.code === 'api-duplicate-policy')!;
  // The API server accepts both; the later apply replaces the earlier object.
  assert.equal(d.severity, lspSeverity.warning);
  assert.equal(d.range.start.line, 2);
  assert.deepEqual(
    d.relatedInformation?.map((r) => [r.location.uri, r.location.range.start.line]),
    [[b, 2]],
  );
  const bDiagnostics = await client.waitForVersion(b, 1);
  assert.deepEqual(
    bDiagnostics.filter((x) => x.code === 'api-duplicate-policy'),
    [],
  );
  // Renaming the second clears the first file's finding.
  await client.diagnosticsAfter(
    a.uri,
    () => client.change(b, second.replace('name: web', 'name: api')),
    (p) => !p.diagnostics.some((x) => x.code === 'api-duplicate-policy'),
  );
  await client.closeAndForget(b);
  await client.closeAndForget(a.uri);

  const deployment = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  template:\n    metadata:\n      labels: {app: web}\n`;
  const apps = await client.openAndWait('cross/apps.yaml', deployment);
  // No policy in the workspace: nothing is "not isolated".
  assert.deepEqual(apps.diagnostics, []);
  const policy = `${NP}metadata: {name: db, namespace: shop}\nspec:\n  podSelector: {matchLabels: {app: db}}\n  policyTypes: [Ingress]\n`;
  const policies = await client.open('cross/policies.yaml', policy);
  const open = await client.waitForDiagnostics(apps.uri, (list) => list.length > 0);
  assert.deepEqual(
    open.map((x) => [x.code, x.severity, x.range.start.line, x.range.start.character]),
    [['workload-not-isolated', lspSeverity.info, 3, 8]],
  );
  const selectsNothing = await client.waitForVersion(policies, 1);
  assert.deepEqual(
    selectsNothing.map((x) => x.code),
    ['policy-selects-nothing'],
  );
  // A default deny in the policy file isolates the workload in both directions: the finding goes.
  const deny = `${policy}---\n${NP}metadata: {name: deny, namespace: shop}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n`;
  await client.diagnosticsAfter(
    apps.uri,
    () => client.change(policies, deny),
    (p) => p.diagnostics.length === 0,
  );
  await client.closeAndForget(policies);
  await client.closeAndForget(apps.uri);
});
