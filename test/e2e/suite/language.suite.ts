/**
 * The language features as VS Code shows them: diagnostics of every example file, hovers, and quick
 * fixes applied with workspace.applyEdit that make their diagnostic go away.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { before, describe, it } from 'mocha';
import { DNS_FIX_TITLE, EXPECTED_DIAGNOSTICS } from './expectations.js';
import {
  EXTENSION_ID,
  codeOf,
  hoverText,
  summarize,
  waitForDiagnostics,
  workspaceUri,
  yamlDocumentWith,
} from './support.js';

const sameList = (actual: readonly string[], expected: readonly string[]) =>
  actual.length === expected.length && actual.every((line, i) => line === expected[i]);

async function hoverAt(relative: string, line: number, character: number): Promise<string> {
  const uri = workspaceUri(relative);
  await vscode.workspace.openTextDocument(uri);
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
    'vscode.executeHoverProvider',
    uri,
    new vscode.Position(line, character),
  );
  return hoverText(hovers);
}

async function quickFixes(uri: vscode.Uri, diagnostic: vscode.Diagnostic): Promise<vscode.CodeAction[]> {
  const actions = await vscode.commands.executeCommand<Array<vscode.CodeAction | vscode.Command>>(
    'vscode.executeCodeActionProvider',
    uri,
    diagnostic.range,
    vscode.CodeActionKind.QuickFix.value,
  );
  // Commands (`command` is a string) are not quick fixes; code actions are.
  return actions.filter(
    (a): a is vscode.CodeAction => typeof (a as { command?: unknown }).command !== 'string',
  );
}

/** The `rule` diagnostic on `line` (1-based) of a workspace file. */
function diagnosticAt(relative: string, rule: string, line: number): vscode.Diagnostic {
  const all = vscode.languages.getDiagnostics(workspaceUri(relative));
  const diagnostic = all.find((d) => codeOf(d) === rule && d.range.start.line === line - 1);
  assert.ok(diagnostic, `no ${rule} diagnostic on line ${line} of ${relative}: ${summarize(all).join(', ')}`);
  return diagnostic;
}

/** Applies the quick fix titled `title` of the `rule` diagnostic on `line` (1-based); returns the document. */
async function applyFix(
  relative: string,
  rule: string,
  line: number,
  title: string,
): Promise<vscode.TextDocument> {
  const uri = workspaceUri(relative);
  const document = await vscode.workspace.openTextDocument(uri);
  const actions = await quickFixes(uri, diagnosticAt(relative, rule, line));
  const fix = actions.find((a) => a.title === title);
  assert.ok(fix?.edit, `no quick fix "${title}" among: ${actions.map((a) => a.title).join(' | ')}`);
  assert.ok(await vscode.workspace.applyEdit(fix.edit), `VS Code did not apply "${title}"`);
  return document;
}

export function registerLanguageTests(): void {
  before(async function () {
    this.timeout(60_000);
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not installed`);
    await extension.activate();
  });

  describe('diagnostics of the example workspace', () => {
    for (const [file, expected] of Object.entries(EXPECTED_DIAGNOSTICS)) {
      it(`${file}: ${expected.length === 0 ? 'no problems' : expected.map((e) => e.split(' ')[2]).join(', ')}`, async () => {
        const uri = workspaceUri(file);
        // namespaces.yaml has no findings: wait until a file of the same folder has been published, so
        // that "none" means analysed and clean, not "not analysed yet".
        if (expected.length === 0) {
          await waitForDiagnostics(
            workspaceUri('shop/workloads.yaml'),
            (d) => d.length > 0,
            'the workspace to be analysed',
          );
        }
        const diagnostics = await waitForDiagnostics(
          uri,
          (d) => sameList(summarize(d), expected),
          `exactly ${expected.length} diagnostics`,
        );
        for (const d of diagnostics) {
          assert.equal(d.source, 'netpol-scope');
          const code = d.code;
          assert.ok(typeof code === 'object', 'the code links to the rule documentation');
          assert.match(code.target.toString(), new RegExp(`docs/rules\\.md#${code.value}$`));
          assert.ok(d.message.length > 20, `a real message: ${d.message}`);
        }
      });
    }

    it('the DNS warning on shop/default-deny names the workloads left without DNS', () => {
      const d = diagnosticAt('shop/policies.yaml', 'dns-egress-missing', 9);
      assert.match(d.message, /^shop\/default-deny isolates egress of shop\/frontend .* and shop\/db /);
    });
  });

  describe('hovers', () => {
    it('the podSelector of shop/default-deny lists the three shop workloads', async () => {
      const text = await hoverAt('shop/policies.yaml', 7, 4);
      assert.match(text, /\*\*podSelector\*\* of NetworkPolicy \*\*shop\/default\\-deny\*\*/);
      assert.match(text, /Selects every pod in namespace \*\*shop\*\* \(`\{\}`\): 3 workloads now/);
      for (const workload of [
        'Deployment **shop/frontend**',
        'Deployment **shop/cart**',
        'StatefulSet **shop/db**',
      ]) {
        assert.ok(text.includes(workload), `${workload} in:\n${text}`);
      }
    });

    it('a peer podSelector (app=cart) names the cart Deployment it matches', async () => {
      const text = await hoverAt('shop/policies.yaml', 28, 16);
      assert.match(text, /Allows traffic to pods labelled app\\=cart in namespace \*\*shop\*\*/);
      assert.match(text, /Matches 1 workload now:\n- Deployment \*\*shop\/cart\*\*/);
    });

    it('the `name: monitoring` namespaceSelector matches no namespace', async () => {
      const text = await hoverAt('shop/policies.yaml', 54, 14);
      assert.match(text, /Matches no namespace of the workspace \(name\\=monitoring\)/);
    });
  });

  describe('quick fixes applied with workspace.applyEdit', () => {
    it(`"${DNS_FIX_TITLE}" on shop/default-deny clears the DNS warning of shop/policies.yaml`, async () => {
      const uri = workspaceUri('shop/policies.yaml');
      const offered = await quickFixes(uri, diagnosticAt('shop/policies.yaml', 'dns-egress-missing', 9));
      assert.deepEqual(
        offered.map((a) => [a.title, a.isPreferred === true]),
        [
          [DNS_FIX_TITLE, true],
          ['Disable dns-egress-missing for this line', false],
        ],
      );
      const document = await applyFix('shop/policies.yaml', 'dns-egress-missing', 9, DNS_FIX_TITLE);
      const after = await waitForDiagnostics(
        uri,
        (d) => !d.some((x) => codeOf(x) === 'dns-egress-missing'),
        'the dns-egress-missing warning to go',
      );
      // default-deny now gives every shop pod DNS, so the frontend warning goes too.
      assert.deepEqual(summarize(after), [
        '36:7 info allow-all-rule',
        '68:15 warning namespace-name-label',
        '106:1 info policy-types-implicit',
      ]);
      const policy = yamlDocumentWith(document.getText(), 'name: default-deny');
      assert.ok(
        policy.includes(
          [
            '  policyTypes: [Ingress, Egress]',
            '  egress:',
            '    - to:',
            '        - namespaceSelector:',
            '            matchLabels:',
            '              kubernetes.io/metadata.name: kube-system',
            '          podSelector:',
            '            matchLabels:',
            '              k8s-app: kube-dns',
            '      ports:',
            '        - port: 53',
            '          protocol: UDP',
            '        - port: 53',
            '          protocol: TCP',
          ].join('\n'),
        ),
        policy,
      );
    });

    it('"Move `matchLabels` under spec.podSelector" repairs the lost indentation of monitoring-policy.yaml', async () => {
      const document = await applyFix(
        'shop/monitoring-policy.yaml',
        'api-unknown-field',
        10,
        'Move `matchLabels` under spec.podSelector (re-indent)',
      );
      const after = await waitForDiagnostics(
        document.uri,
        (d) => !d.some((x) => ['api-unknown-field', 'api-invalid-type'].includes(codeOf(x))),
        'the indentation errors to go',
      );
      assert.deepEqual(summarize(after), [
        '18:20 error api-invalid-end-port',
        '20:21 error api-invalid-protocol',
      ]);
      assert.ok(document.getText().includes('  podSelector:\n    matchLabels:\n      app: prometheus\n'));
    });

    it('"Use kubernetes.io/metadata.name" fixes the namespace-name-label warning', async () => {
      const document = await applyFix(
        'shop/policies.yaml',
        'namespace-name-label',
        68,
        'Use kubernetes.io/metadata.name',
      );
      await waitForDiagnostics(
        document.uri,
        (d) => !d.some((x) => codeOf(x) === 'namespace-name-label'),
        'the namespace-name-label warning to go',
      );
      assert.ok(document.getText().includes('              kubernetes.io/metadata.name: monitoring\n'));
    });

    it('"Disable allow-all-rule for this line" writes a suppression comment', async () => {
      const document = await applyFix(
        'shop/policies.yaml',
        'allow-all-rule',
        36,
        'Disable allow-all-rule for this line',
      );
      await waitForDiagnostics(
        document.uri,
        (d) => !d.some((x) => codeOf(x) === 'allow-all-rule'),
        'the allow-all-rule warning to go',
      );
      assert.ok(
        document
          .getText()
          .includes('  ingress:\n    # netpol-scope-disable-next-line allow-all-rule\n    - ports:\n'),
      );
    });
  });
}
