import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { LspClient } from '../support/lsp-client.js';
import { repoRoot } from '../support/cli.js';

const basic = join(repoRoot, 'test/fixtures/lsp/basic');

test('the server indexes the workspace with progress and publishes diagnostics for manifests only', async () => {
  const client = new LspClient({ fixture: basic });
  try {
    const init = await client.initialize();
    assert.equal(init.serverInfo?.name, 'netpol-scope');
    const invalid = client.uri('policies/invalid.yaml');
    const diagnostics = await client.waitForDiagnostics(invalid, (d) => d.length > 0);
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.range.start.line, d.range.start.character, d.severity]).sort(),
      [
        ['api-invalid-cidr', 12, 18, 1],
        ['api-invalid-protocol', 15, 20, 1],
      ],
    );
    assert.equal(diagnostics[0]!.source, 'netpol-scope');
    assert.match(String(diagnostics[0]!.codeDescription?.href), /docs\/rules\.md#api-invalid-/);
    await client.waitFor(() => client.progress.some((p) => p.kind === 'end'), 'indexing progress to end');
    assert.ok(client.progress.some((p) => p.kind === 'begin' && /indexing/.test(p.title)));
    assert.equal(client.diagnostics.has(client.uri('node_modules/pkg/ignored.yaml')), false);
    assert.equal(client.diagnostics.has(client.uri('README.yaml')), false);
    assert.ok(
      client.logs.some((l) => /indexed 2 manifest files/.test(l)),
      client.logs.join('\n'),
    );
  } finally {
    await client.dispose();
  }
});

test('edits re-analyse and publish for the new version; fixing the error clears it', async () => {
  const client = new LspClient({ fixture: basic });
  try {
    await client.initialize();
    const uri = client.uri('policies/invalid.yaml');
    await client.waitForDiagnostics(uri, (d) => d.length === 2);
    const broken = (await import('node:fs')).readFileSync(join(basic, 'policies/invalid.yaml'), 'utf8');
    await client.open('policies/invalid.yaml', broken);
    const fixed = broken.replace('10.0.0.0/33', '10.0.0.0/8');
    const version = await client.change(uri, fixed);
    const errors = (d: Array<{ severity?: number; code?: number | string }>) =>
      d.filter((x) => x.severity === 1);
    const after = await client.waitForDiagnostics(
      uri,
      (d) => errors(d).length === 1,
      'after fixing the CIDR',
    );
    assert.equal(errors(after)[0]!.code, 'api-invalid-protocol');
    assert.equal(client.diagnostics.get(uri)!.version, version);
    await client.change(uri, fixed.replace('protocol: tcp', 'protocol: TCP'));
    const valid = await client.waitForDiagnostics(
      uri,
      (d) => errors(d).length === 0,
      'after fixing the protocol',
    );
    // A valid policy now: only the semantic rules speak (it selects app=server, which app.yaml declares).
    assert.ok(valid.every((d) => !String(d.code).startsWith('api-')));
  } finally {
    await client.dispose();
  }
});

test('a file that is being typed from scratch is analysed once it holds a manifest', async () => {
  const client = new LspClient({ fixture: basic });
  try {
    await client.initialize();
    const uri = await client.open('new.yaml', '');
    await client.change(
      uri,
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: Bad_Name\nspec:\n  podSelector: {}\n',
    );
    const d = await client.waitForDiagnostics(uri, (list) => list.some((x) => x.code === 'api-invalid-name'));
    assert.equal(d.find((x) => x.code === 'api-invalid-name')!.range.start.line, 3);
  } finally {
    await client.dispose();
  }
});

test('broken YAML, Helm templates and alias bombs keep the server serving', async () => {
  const client = new LspClient({ fixture: basic });
  try {
    await client.initialize();
    const bomb = await client.open(
      'bomb.yaml',
      'kind: x\na: &a [1,1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n',
    );
    await client.waitForDiagnostics(bomb, (d) => d.some((x) => x.code === 'yaml-alias-bomb'));
    const helm = await client.open(
      'chart/templates/np.yaml',
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: {{ .Release.Name }}\n',
    );
    await client.waitForDiagnostics(helm, (d) => d.length === 1 && d[0]!.code === 'helm-template');
    const broken = await client.open('broken.yaml', 'kind: NetworkPolicy\nmetadata: {name: x\n');
    await client.waitForDiagnostics(broken, (d) => d.some((x) => x.code === 'yaml-syntax'));
    // Still serving: a valid edit is analysed.
    await client.change(
      broken,
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: x\nspec:\n  podSelector: {}\n',
    );
    await client.waitForDiagnostics(broken, (d) => !d.some((x) => x.severity === 1));
  } finally {
    await client.dispose();
  }
});
