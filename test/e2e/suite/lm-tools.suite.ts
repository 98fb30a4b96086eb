/**
 * The language model tools (client/lm-tools.ts) in the real extension host: all six are registered with
 * VS Code's language model API, and each answers through `vscode.lm.invokeTool` as an assistant in agent
 * mode would call it, reading the workspace (the bundled example).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { describe, it } from 'mocha';
import { workspaceUri } from './support.js';

async function invoke(name: string, input: object): Promise<Record<string, unknown>> {
  const result = await vscode.lm.invokeTool(`netpolScope_${name}`, { input, toolInvocationToken: undefined });
  const part = result.content[0];
  assert.ok(part instanceof vscode.LanguageModelTextPart, `${name}: a text part`);
  return JSON.parse(part.value) as Record<string, unknown>;
}

async function text(relative: string): Promise<string> {
  return (await vscode.workspace.openTextDocument(workspaceUri(relative))).getText();
}

export function registerLanguageModelToolTests(): void {
  describe('language model tools', () => {
    it('all six tools are registered and answer on the workspace', async () => {
      const names = vscode.lm.tools
        .map((t) => t.name)
        .filter((n) => n.startsWith('netpolScope_'))
        .sort();
      assert.deepEqual(names, [
        'netpolScope_check',
        'netpolScope_diff',
        'netpolScope_explain',
        'netpolScope_fix',
        'netpolScope_reach',
        'netpolScope_test',
      ]);
      // The workspace as the earlier tests left it (their quick fixes applied): payments' DNS warning stays.
      const check = await invoke('check', { rules: ['dns-egress-missing'] });
      const findings = check.findings as Array<{ file: string; rule: string }>;
      assert.ok(
        findings.some((f) => f.file === 'shop/payments-policies.yaml'),
        JSON.stringify(findings),
      );
      assert.ok(findings.every((f) => f.rule === 'dns-egress-missing'));
      const reach = await invoke('reach', { to: 'shop/db[StatefulSet]' });
      assert.deepEqual(reach.edges, [
        { from: 'shop/cart[Deployment]', to: 'shop/db[StatefulSet]', ports: 'TCP 5432' },
      ]);
      const explain = await invoke('explain', { from: 'shop/frontend', to: 'shop/db', port: '5432' });
      assert.equal(explain.allowed, false);
      const assertions = await text('netpol-scope.assertions.yaml');
      const tested = await invoke('test', { assertions });
      assert.equal((tested.summary as { assertions: number }).assertions, 4);
      const before = await text('shop/payments-policies.yaml');
      const after = before.replace(
        '              app: cart\n      ports:',
        '              app: cart\n        - namespaceSelector: {}\n      ports:',
      );
      const diff = await invoke('diff', {
        before: [
          { path: 'p.yaml', text: before },
          { path: 'w.yaml', text: await text('shop/workloads.yaml') },
        ],
        after: [
          { path: 'p.yaml', text: after },
          { path: 'w.yaml', text: await text('shop/workloads.yaml') },
        ],
      });
      assert.ok((diff.summary as { opens: number }).opens > 0);
      const policy = [
        'apiVersion: networking.k8s.io/v1',
        'kind: NetworkPolicy',
        'metadata: {name: scrape, namespace: shop}',
        'spec:',
        '  podSelector: {}',
        '  ingress:',
        '  - from:',
        '    - namespaceSelector:',
        '        matchLabels:',
        '          name: monitoring',
        '',
      ].join('\n');
      const fix = await invoke('fix', {
        files: [
          { path: 'namespaces.yaml', text: await text('shop/namespaces.yaml') },
          { path: 'scrape.yaml', text: policy },
        ],
        path: 'scrape.yaml',
        rules: ['namespace-name-label'],
      });
      assert.deepEqual(
        (fix.applied as Array<{ rule: string }>).map((a) => a.rule),
        ['namespace-name-label'],
      );
      assert.match(String(fix.text), /kubernetes\.io\/metadata\.name: monitoring/);
      const refused = await invoke('explain', { to: 'shop/db' });
      assert.match(String(refused.error), /from/);
    });
  });
}
