/**
 * The assistants' tools (shared/tools/): package.json's `languageModelTools` are exactly what the tools'
 * schemas make (scripts/lm-tools.ts writes them), the client registers every one of them, and the tools
 * run in process on the bundled example (the MCP and LSP tests run them through their protocols).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { languageModelToolsManifest, toolNames, toolSchemas } from '../../shared/tools/schemas.js';
import { runTool, ToolInputError } from '../../shared/tools/run.js';
import { repoRoot } from '../support/cli.js';
import { collectSources } from '../../node/inputs.js';

test("package.json's languageModelTools are the tools' schemas (run scripts/lm-tools.ts after changing them)", () => {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
    contributes: { languageModelTools: unknown[] };
  };
  assert.deepEqual(pkg.contributes.languageModelTools, languageModelToolsManifest());
  const client = readFileSync(join(repoRoot, 'client', 'lm-tools.ts'), 'utf8');
  assert.ok(
    client.includes(`export const lmTools = [${toolNames.map((n) => `'${n}'`).join(', ')}] as const;`),
  );
  // The editor's fix takes `apply`; the MCP server's never writes.
  assert.ok(!('apply' in toolSchemas.fix.shape));
});

const host = {
  readPaths: (paths: readonly string[]) =>
    collectSources(
      paths.map((p) => join(repoRoot, p)),
      () => '',
    ),
};

test('the tools on the bundled example: capped results, input mistakes as ToolInputError', () => {
  const check = runTool('check', { paths: ['examples'] }, host) as {
    summary: Record<string, number>;
    findings: unknown[];
  };
  assert.ok(check.summary.error! > 0);
  assert.ok(check.findings.length <= 50);
  const reach = runTool('reach', { paths: ['examples'], to: 'shop/db[StatefulSet]' }, host) as {
    edges: Array<{ from: string; ports: string }>;
  };
  assert.deepEqual(reach.edges, [
    { from: 'shop/cart[Deployment]', to: 'shop/db[StatefulSet]', ports: 'TCP 5432' },
  ]);
  assert.throws(
    () => runTool('explain', { paths: ['examples'], from: 'shop/cart', to: 'shop/db', port: 'http' }, host),
    ToolInputError,
  );
  assert.throws(
    () => runTool('fix', { paths: ['examples'], path: 'nowhere.yaml' }, host),
    /is not among the files given/,
  );
});
