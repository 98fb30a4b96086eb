/**
 * `netpol-scope mcp` with a real MCP client (the SDK's Client over stdio, spawning the built CLI): the
 * tools are listed with their input schemas, and every tool is called on the bundled example.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { cliPath, repoRoot } from '../support/cli.js';

const example = (name: string) => ({
  path: `shop/${name}`,
  text: readFileSync(join(repoRoot, 'examples', 'shop', name), 'utf8'),
});
const shopFiles = ['namespaces.yaml', 'workloads.yaml', 'policies.yaml', 'payments-policies.yaml'].map(
  example,
);

async function withClient(run: (client: Client) => Promise<void>): Promise<void> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [cliPath, 'mcp'],
    cwd: repoRoot,
    stderr: 'pipe',
  });
  const client = new Client({ name: 'netpol-scope-tests', version: '1.0.0' });
  await client.connect(transport);
  try {
    await run(client);
  } finally {
    await client.close();
  }
}

async function call(
  client: Client,
  name: string,
  args: Record<string, unknown>,
): Promise<{ json: unknown; isError: boolean; text: string }> {
  const result = (await client.callTool({ name, arguments: args })) as {
    content: Array<{ type: string; text: string }>;
    isError?: boolean;
  };
  const text = result.content[0]!.text;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { json, isError: result.isError === true, text };
}

test('the MCP server lists its tools and answers every one of them', async () => {
  await withClient(async (client) => {
    assert.equal(client.getServerVersion()?.name, 'netpol-scope');
    const { tools } = await client.listTools();
    assert.deepEqual(
      tools.map((t) => t.name),
      ['check', 'reach', 'explain', 'diff', 'test', 'fix'],
    );
    const explainTool = tools.find((t) => t.name === 'explain')!;
    assert.deepEqual(explainTool.inputSchema.required, ['from', 'to']);

    // check: the monitoring policy's lost indentation, read from a path.
    const check = await call(client, 'check', { paths: ['examples/shop/monitoring-policy.yaml'] });
    assert.equal(check.isError, false, check.text);
    const findings = (check.json as { findings: Array<{ rule: string; line: number }> }).findings;
    assert.ok(
      findings.some((f) => f.rule === 'api-invalid-type'),
      check.text,
    );

    // reach: the cart's connections.
    const reach = await call(client, 'reach', { files: shopFiles, from: 'shop/cart[Deployment]' });
    assert.deepEqual((reach.json as { edges: unknown[] }).edges, [
      { from: 'shop/cart[Deployment]', to: 'kube-system/coredns[Deployment]', ports: 'TCP 53; UDP 53' },
      { from: 'shop/cart[Deployment]', to: 'payments/payments-api[Deployment]', ports: 'TCP 8443' },
      { from: 'shop/cart[Deployment]', to: 'shop/db[StatefulSet]', ports: 'TCP 5432' },
    ]);

    // explain
    const explain = await call(client, 'explain', {
      files: shopFiles,
      from: 'shop/frontend',
      to: 'shop/db',
      port: '5432',
    });
    const e = explain.json as { allowed: boolean; explanation: string };
    assert.equal(e.allowed, false);
    assert.match(e.explanation, /DENIED/);

    // diff: admitting namespaceSelector: {} opens the payments API to every namespace.
    const after = shopFiles.map((f) =>
      f.path === 'shop/payments-policies.yaml'
        ? {
            ...f,
            text: f.text.replace(
              '              app: cart\n      ports:',
              '              app: cart\n        - namespaceSelector: {}\n      ports:',
            ),
          }
        : f,
    );
    const diff = await call(client, 'diff', { before: shopFiles, after });
    const d = diff.json as {
      summary: { opens: number };
      added: Array<{ from: string }>;
      causes: Array<{ policy: string }>;
    };
    // From any pod in other namespaces, the monitoring stand-in, CoreDNS and Prometheus.
    assert.equal(d.summary.opens, 4);
    assert.equal(d.added[0]!.from, '*/*');
    assert.equal(d.causes[0]!.policy, 'NetworkPolicy payments/payments-api');

    // test: the example's assertions, then the same after the change.
    const assertions = readFileSync(join(repoRoot, 'examples', 'netpol-scope.assertions.yaml'), 'utf8');
    const holds = await call(client, 'test', { files: shopFiles, assertions });
    assert.deepEqual((holds.json as { summary: unknown }).summary, {
      assertions: 4,
      holds: 4,
      fails: 0,
      errors: 0,
    });
    const fails = await call(client, 'test', { files: after, assertions });
    assert.deepEqual((fails.json as { summary: unknown }).summary, {
      assertions: 4,
      holds: 3,
      fails: 1,
      errors: 0,
    });

    // fix: the DNS egress of the prometheus policy once its indentation is repaired, given as text.
    const monitoring = example('monitoring-policy.yaml');
    const repaired = {
      ...monitoring,
      text: monitoring.text
        .replace(
          '  podSelector:\n  matchLabels:\n    app: prometheus',
          '  podSelector:\n    matchLabels:\n      app: prometheus',
        )
        .replace('          endPort: 9090\n', '')
        .replace('          protocol: tcp\n', ''),
    };
    const fix = await call(client, 'fix', {
      files: [...shopFiles, repaired],
      path: repaired.path,
      rules: ['dns-egress-missing'],
    });
    assert.equal(fix.isError, false, fix.text);
    const f = fix.json as { text: string; applied: Array<{ rule: string }>; remaining: unknown[] };
    assert.deepEqual(
      f.applied.map((a) => a.rule),
      ['dns-egress-missing'],
    );
    assert.match(f.text, /port: 53/);
    assert.deepEqual(f.remaining, []);
    // The fixed text keeps the comments of the original.
    assert.ok(f.text.startsWith('# Prometheus may scrape every namespace.'));

    // A mistake in the input is a tool error the model can read.
    const bad = await call(client, 'explain', { files: shopFiles, from: 'shop/nowhere', to: 'shop/db' });
    assert.equal(bad.isError, true);
    assert.match(bad.text, /nowhere/);
    const none = await call(client, 'check', {});
    assert.equal(none.isError, true);
    assert.match(none.text, /give the manifests/);
  });
});
