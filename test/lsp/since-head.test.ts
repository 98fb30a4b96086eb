/**
 * "since HEAD" code lenses through the real language server, in a workspace that is a git repository
 * the test makes: a policy edited in the editor (unsaved) gets a lens saying what the change does to
 * reachability since HEAD, updated as it is edited; a commit moves HEAD and the lens goes.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LspClient } from '../support/lsp-client.js';
import { repoRoot } from '../support/cli.js';
import { git } from '../support/git-repo.js';

const shop = (name: string) => readFileSync(join(repoRoot, 'examples', 'shop', name), 'utf8');
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
    },
  });
  git(client.workspace, 'init', '-q', '-b', 'main');
  git(client.workspace, 'add', '-A');
  git(client.workspace, 'commit', '-q', '-m', 'base');
  await client.start();
});

after(async () => {
  await client.dispose();
});

const sinceHead = async (uri: string) =>
  (await client.codeLenses(uri))
    .filter((l) => l.command?.title.startsWith('since HEAD'))
    .map((l) => `${l.range.start.line}: ${l.command!.title} (${l.command!.command})`);

test('a policy edited since HEAD gets a lens saying what the edit does, live; a commit clears it', async () => {
  const uri = await client.open('shop/payments-policies.yaml', payments);
  assert.deepEqual(await sinceHead(uri), []);
  await client.changeAndWait(uri, opened);
  assert.deepEqual(await sinceHead(uri), [
    '1: since HEAD: opens 4 connections (netpolScope.compareWithHead)',
  ]);
  // Narrowed instead: the cart loses 8443 for 8444.
  const narrowed = payments.replace(
    '        - port: 8443\n          protocol: TCP',
    '        - port: 8444\n          protocol: TCP',
  );
  await client.changeAndWait(uri, narrowed);
  assert.deepEqual(await sinceHead(uri), ['1: since HEAD: closes 1 (netpolScope.compareWithHead)']);
  // Committed: HEAD is the edited version, and nothing has changed since.
  writeFileSync(join(client.workspace, 'shop', 'payments-policies.yaml'), narrowed);
  git(client.workspace, 'commit', '-q', '-am', 'narrow');
  await new Promise((resolve) => setTimeout(resolve, 2_100)); // the HEAD check's interval
  assert.deepEqual(await sinceHead(uri), []);
});
