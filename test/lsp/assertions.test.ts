/**
 * Policy assertions in the editor, through the real language server: the assertions file of the
 * workspace is indexed with the manifests; editing a policy so that it breaks an assertion publishes
 * `assertion-fails` on the assertion (not open in the editor) and on the rule that breaks it, live; the
 * hover of an assertion gives its verdict and a code lens says "✓ holds" or "✗ fails"; a malformed
 * assertion is `assertion-invalid` where it is.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { cursor, LspClient, lspSeverity, textInRange } from '../support/lsp-client.js';
import { repoRoot } from '../support/cli.js';

const shop = (name: string) => readFileSync(join(repoRoot, 'examples', 'shop', name), 'utf8');
const assertions = readFileSync(join(repoRoot, 'examples', 'netpol-scope.assertions.yaml'), 'utf8');
const payments = shop('payments-policies.yaml');
const opened = payments.replace(
  '              app: cart\n      ports:',
  '              app: cart\n        - namespaceSelector: {}\n      ports:',
);

let client: LspClient;

before(async () => {
  client = new LspClient({
    files: {
      'shop/namespaces.yaml': shop('namespaces.yaml'),
      'shop/workloads.yaml': shop('workloads.yaml'),
      'shop/policies.yaml': shop('policies.yaml'),
      'shop/payments-policies.yaml': payments,
      'netpol-scope.assertions.yaml': assertions,
    },
  });
  await client.start();
});

after(async () => {
  await client.dispose();
});

const ofRule = (ds: readonly Diagnostic[], rule: string) => ds.filter((d) => d.code === rule);

test('a policy edited to break an assertion: assertion-fails on the assertion and on the rule, live', async () => {
  const assertionsUri = client.uri('netpol-scope.assertions.yaml');
  const uri = await client.open('shop/payments-policies.yaml', payments);
  // Every assertion holds: the lenses say so.
  const lenses = await client.codeLenses(assertionsUri);
  assert.deepEqual(
    lenses.map((l) => l.command?.title),
    [
      '✓ holds (1 connection checked)',
      '✓ holds (8 connections checked)',
      '✓ holds (8 connections checked)',
      '✓ holds (2 connections checked)',
    ],
  );

  const diagnostics = await client.changeAndWait(uri, opened);
  const onRule = ofRule(diagnostics, 'assertion-fails');
  assert.equal(onRule.length, 1, JSON.stringify(diagnostics));
  assert.equal(onRule[0]!.severity, lspSeverity.error);
  assert.equal(textInRange(opened, onRule[0]!.range), 'from:');
  assert.match(
    onRule[0]!.message,
    /^This rule allows kube-system\/coredns\[Deployment\] → payments\/payments-api\[Deployment\] on TCP 8443, which breaks the assertion "nothing but the shop's cart reaches the payments API" \(.*netpol-scope\.assertions\.yaml:11\)\.$/,
  );
  // The assertion itself, in a file the editor has not opened.
  const onAssertion = ofRule(
    await client.waitForDiagnostics(
      assertionsUri,
      (ds) => ofRule(ds, 'assertion-fails').length > 0,
      'assertion-fails',
    ),
    'assertion-fails',
  );
  assert.equal(onAssertion.length, 1);
  assert.equal(
    textInRange(assertions, onAssertion[0]!.range),
    "nothing but the shop's cart reaches the payments API",
  );
  assert.match(
    onAssertion[0]!.message,
    /fails: kube-system\/coredns\[Deployment\] → payments\/payments-api\[Deployment\] is allowed on TCP 8443 \(and 3 more\)/,
  );

  // Hover and lens of the failing assertion.
  await client.open('netpol-scope.assertions.yaml', assertions);
  const hover = await client.hover(assertionsUri, cursor(assertions, "nothing but the shop's c|art"));
  const markdown = (hover?.contents as { value: string }).value;
  assert.match(markdown, /^✗ \*\*nothing but the shop's cart reaches the payments API\*\* fails\\: /);
  assert.match(
    markdown,
    /\\\*\/\\\* → payments\/payments\\-api\\\[Deployment\\\] on TCP 8443 — egress: beyond the workspace; ingress: payments\/payments\\-api/,
  );
  const after = await client.codeLenses(assertionsUri);
  assert.match(after[1]!.command!.title, /^✗ fails: kube-system/);

  // Back as it was: the diagnostics go.
  const restored = await client.changeAndWait(uri, payments);
  assert.deepEqual(ofRule(restored, 'assertion-fails'), []);
  await client.waitForDiagnostics(
    assertionsUri,
    (ds) => ofRule(ds, 'assertion-fails').length === 0,
    'no assertion-fails',
  );
});

test('a malformed assertion is assertion-invalid where it is', async () => {
  const assertionsUri = client.uri('netpol-scope.assertions.yaml');
  const broken = assertions.replace(
    '    expect: deny\n    except: [443/TCP]',
    '    expect: deny\n    except: [https]',
  );
  const diagnostics = await client.changeAndWait(assertionsUri, broken);
  const invalid = ofRule(diagnostics, 'assertion-invalid');
  assert.equal(invalid.length, 1);
  assert.equal(textInRange(broken, invalid[0]!.range), 'https');
  assert.match(
    invalid[0]!.message,
    /"payments reaches the internet on HTTPS only" except: "https" is not a port/,
  );
  await client.changeAndWait(assertionsUri, assertions);
});
