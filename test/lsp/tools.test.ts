/**
 * The assistants' tools through the language server (netpolScope/runTool, what the VS Code language model
 * tools send): without `files` or `paths` they read the workspace folder, with the text of open documents
 * (unsaved edits included); the input is validated against the tool's schema and a mistake is an error
 * the model can read; `apply` of the fix tool is the editor's and is accepted.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RunToolRequest } from '../../shared/protocol.js';
import type { RunToolResult } from '../../shared/protocol.js';
import { LspClient } from '../support/lsp-client.js';
import { repoRoot } from '../support/cli.js';

const shop = (name: string) => readFileSync(join(repoRoot, 'examples', 'shop', name), 'utf8');
const payments = shop('payments-policies.yaml');

let client: LspClient;

before(async () => {
  client = new LspClient({
    files: {
      'k8s/namespaces.yaml': shop('namespaces.yaml'),
      'k8s/workloads.yaml': shop('workloads.yaml'),
      'k8s/policies.yaml': shop('policies.yaml'),
      'k8s/payments-policies.yaml': payments,
    },
  });
  await client.start();
});

after(async () => {
  await client.dispose();
});

const run = (name: string, input: unknown): Promise<RunToolResult> =>
  client.connection.sendRequest(RunToolRequest, { name, input });

test('the tools read the workspace as the editor holds it, unsaved edits included', async () => {
  const uri = await client.open('k8s/payments-policies.yaml', payments);
  await client.change(
    uri,
    payments.replace(
      '              app: cart\n      ports:',
      '              app: cart\n        - namespaceSelector: {}\n      ports:',
    ),
  );
  const check = await run('check', { rules: ['namespace-selector-all'] });
  assert.equal(check.error, undefined);
  const findings = (check.result as { findings: Array<{ file: string; line: number; rule: string }> })
    .findings;
  assert.deepEqual(
    findings.map((f) => `${f.file}:${f.line} ${f.rule}`),
    ['k8s/payments-policies.yaml:19 namespace-selector-all'],
  );
  const explain = await run('explain', {
    from: 'kube-system/coredns',
    to: 'payments/payments-api',
    port: '8443',
  });
  assert.equal((explain.result as { allowed: boolean }).allowed, true);
  const assertions = readFileSync(join(repoRoot, 'examples', 'netpol-scope.assertions.yaml'), 'utf8');
  const tested = await run('test', { assertions });
  assert.deepEqual((tested.result as { summary: unknown }).summary, {
    assertions: 4,
    holds: 3,
    fails: 1,
    errors: 0,
  });
  await client.close(uri);
});

test('input mistakes are errors for the model; fix accepts apply', async () => {
  const missing = await run('explain', { to: 'shop/db' });
  assert.match(missing.error ?? '', /from/);
  const unknown = await run('delete-everything', {});
  assert.equal(unknown.error, 'unknown tool delete-everything');
  const fix = await run('fix', { path: 'k8s/policies.yaml', rules: ['namespace-name-label'], apply: true });
  assert.equal(fix.error, undefined, fix.error);
  const result = fix.result as { path: string; applied: Array<{ rule: string }>; text: string };
  assert.equal(result.path, 'k8s/policies.yaml');
  assert.deepEqual(
    result.applied.map((a) => a.rule),
    ['namespace-name-label'],
  );
  assert.match(result.text, /kubernetes\.io\/metadata\.name: monitoring/);
});
