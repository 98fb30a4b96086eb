/**
 * The reachability webview in a real browser (Debian's Chromium through playwright-core): the built
 * script and stylesheet in the real CSP shell, fed REAL payloads computed in Node from the bundled
 * examples and from hostile manifests. Every wait is on a condition (a locator, a message, a function),
 * never a fixed sleep.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';
import type { ExplainResult, ReachabilityResult, SourceLocation } from '../../shared/protocol.js';
import type { HostMessage } from '../../shared/webview-messages.js';
import { repoRoot } from '../support/cli.js';
import { contextOf } from '../support/context.js';
import {
  exampleFiles,
  FakeHost,
  locationOf,
  mediaDir,
  startWebviewServer,
  vscodeApiStandIn,
} from '../support/webview-host.js';
import type { WebviewServer } from '../support/webview-host.js';
import { explainPayload } from '../../shared/features/reachability-view.js';
import { diffOverlay } from '../../shared/features/diff-overlay.js';
import { reachDiff } from '../../shared/diff/reach-diff.js';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const skip = existsSync(chromiumPath)
  ? false
  : `Chromium not found at ${chromiumPath}: install Debian's chromium package (or set CHROMIUM_PATH) to run the browser tests`;

const screenshotDir = join(repoRoot, 'test-results', 'screenshots');
const docsImageDir = join(repoRoot, 'docs', 'images');

// Workload-level ids of the example.
const frontend = 'shop/frontend[Deployment]';
const cart = 'shop/cart[Deployment]';
const db = 'shop/db[StatefulSet]';

/** Hostile strings: each must appear literally as text and never run. */
const hostile = {
  img: '<img src=x onerror=alert(1)>',
  script: '"><script>alert(1)</script>',
  js: 'javascript:alert(1)',
  pwn: '<img src=y onerror="window.__pwned=1">',
  svg: '<svg onload="window.__pwned=2">',
  formula: '=HYPERLINK("http://evil.example/x","click")',
};

const hostileYaml = `
apiVersion: v1
kind: Namespace
metadata:
  name: '${hostile.script}'
  labels:
    owner: '${hostile.svg}'
---
apiVersion: v1
kind: Pod
metadata:
  name: '${hostile.img}'
  namespace: '${hostile.script}'
  labels:
    app: '${hostile.js}'
    note: '${hostile.pwn}'
spec:
  containers: [{name: c, ports: [{containerPort: 80}]}]
---
apiVersion: v1
kind: Pod
metadata:
  name: '${hostile.js}'
  namespace: evil
  labels:
    app: '${hostile.svg}'
spec:
  containers: [{name: c, ports: [{containerPort: 443}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: only-web
  namespace: evil
spec:
  podSelector: {}
  ingress:
    - ports:
        - port: 443
`;

interface View {
  readonly page: Page;
  readonly host: FakeHost;
  readonly problems: string[];
  readonly dialogs: string[];
  /** Posts a message from the host into the page. */
  post(message: HostMessage): Promise<void>;
  /** Asserts that nothing went wrong: console errors, page errors, CSP violations, dialogs, canaries. */
  assertClean(): Promise<void>;
  close(): Promise<void>;
}

let browser: BrowserContext | undefined;
let server: WebviewServer | undefined;
let userDataDir: string | undefined;

function shot(name: string): string {
  mkdirSync(screenshotDir, { recursive: true });
  return join(screenshotDir, `${name}.png`);
}

/** Keeps a screenshot; with UPDATE_SCREENSHOTS=1 also as the documentation image (kept under 150 KB). */
async function screenshot(page: Page, name: string): Promise<void> {
  const path = shot(name);
  await page.screenshot({ path, animations: 'disabled', caret: 'hide' });
  if (process.env.UPDATE_SCREENSHOTS === '1') {
    const size = statSync(path).size;
    assert.ok(size < 200 * 1024, `${name}.png is ${size} bytes: too big for docs/images`);
    mkdirSync(docsImageDir, { recursive: true });
    copyFileSync(path, join(docsImageDir, `reachability-${name}.png`));
  }
}

async function openView(host: FakeHost, options: { theme?: boolean } = {}): Promise<View> {
  assert.ok(browser && server, 'browser and server are started');
  const origin = server.origin;
  // A new page (tab) per test: its own sessionStorage (the stand-in's setState), bindings and listeners.
  const page = await browser.newPage();
  const problems: string[] = [];
  const dialogs: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || /Content Security Policy/i.test(message.text())) {
      problems.push(`console ${message.type()}: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('dialog', (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('request', (request) => {
    const url = new URL(request.url());
    const expected =
      url.origin === origin &&
      [
        '/',
        '/media/reachability.js',
        '/media/reachability.css',
        '/test/theme-dark.css',
        '/favicon.ico',
      ].includes(url.pathname);
    if (!expected) problems.push(`unexpected request: ${request.url()}`);
  });
  // Answers cross as JSON text, as VS Code's postMessage carries serialisable data: Playwright's own
  // serialisation of a large object (a graph of tens of thousands of edges) takes many seconds.
  await page.exposeFunction('__hostReceive', (message: unknown) => JSON.stringify(host.receive(message)));
  await page.addInitScript({ content: vscodeApiStandIn });
  await page.goto(`${origin}/`);
  if (options.theme !== false) {
    // A second stylesheet from the test origin: admitted by the page's own CSP (style-src <origin>).
    await page.addStyleTag({ url: `${origin}/test/theme-dark.css` });
  }
  await page.locator('table.matrix').waitFor();
  return {
    page,
    host,
    problems,
    dialogs,
    post: async (message) => {
      await page.evaluate((m) => {
        (globalThis as unknown as { postMessage(m: unknown, target: string): void }).postMessage(m, '*');
      }, message);
    },
    assertClean: async () => {
      const violations = (await page.evaluate('window.__cspViolations')) as string[];
      assert.deepEqual(violations, [], 'CSP violations');
      assert.deepEqual(problems, [], 'console errors, page errors or unexpected requests');
      assert.deepEqual(dialogs, [], 'dialogs');
      assert.equal(await page.evaluate('typeof window.__pwned'), 'undefined', 'no hostile script ran');
      assert.deepEqual(host.malformed, [], 'messages that are not ViewMessages');
    },
    close: () => page.close(),
  };
}

async function withView(host: FakeHost, run: (view: View) => Promise<void>, options?: { theme?: boolean }) {
  const view = await openView(host, options);
  try {
    await run(view);
    await view.assertClean();
  } finally {
    await view.close();
  }
}

const cell = (page: Page, label: string) => page.getByRole('gridcell', { name: label, exact: true });

describe('reachability webview in Chromium', { skip }, () => {
  before(async () => {
    assert.ok(
      existsSync(join(mediaDir, 'reachability.js')) && existsSync(join(mediaDir, 'reachability.css')),
      'dist/media/reachability.{js,css} are missing: run `npm run build` first',
    );
    server = await startWebviewServer();
    userDataDir = mkdtempSync(join(tmpdir(), 'netpol-scope-chromium-'));
    browser = await chromium.launchPersistentContext(userDataDir, {
      executablePath: chromiumPath,
      headless: true,
      viewport: { width: 1280, height: 800 },
      colorScheme: 'dark',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-dev-shm-usage',
      ],
    });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  test('the page is the CSP shell: default-src none, the one script by nonce, ready posted', async () => {
    const host = FakeHost.ofFiles(exampleFiles());
    await withView(
      host,
      async ({ page }) => {
        const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
        assert.ok(csp, 'a CSP meta');
        assert.match(csp, /^default-src 'none';/);
        const nonce = /script-src 'nonce-([\w-]+)'/.exec(csp)?.[1];
        assert.ok(nonce && nonce.length >= 32, `a nonce in ${csp}`);
        assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
        assert.equal(await page.evaluate('document.scripts.length'), 1);
        assert.equal(await page.evaluate('document.scripts[0].nonce'), nonce);
        await host.waitFor('ready');
        assert.equal(await page.locator('#app').getAttribute('aria-busy'), 'false');
        // Without VS Code's theme variables the stylesheet's own fallbacks apply (dark, as the browser prefers).
        assert.equal(
          await page.evaluate('getComputedStyle(document.body).backgroundColor'),
          'rgb(30, 30, 30)',
        );
      },
      { theme: false },
    );
  });

  test('the matrix shows the example: ports, denied pairs, self cells, groups in order', async () => {
    const host = FakeHost.ofFiles(exampleFiles());
    const real = host.graph();
    // The cluster DNS (a node flagged `dns`) is placed after the namespaces and external blocks.
    host.transformGraph = (g) => ({
      ...g,
      nodes: g.nodes.map((n) => (n.name === 'coredns' && !n.dns ? { ...n, dns: true } : n)),
    });
    await withView(host, async ({ page }) => {
      const allowed = cell(page, 'shop/frontend to shop/cart: TCP 7070');
      await allowed.waitFor();
      // The theme's variables (served as a second stylesheet from the page's origin) are in force.
      await page.waitForFunction("getComputedStyle(document.body).backgroundColor === 'rgb(31, 31, 31)'");
      assert.match((await allowed.textContent()) ?? '', /◐\s*TCP 7070/);
      assert.match((await allowed.getAttribute('class')) ?? '', /cell-some/);
      const denied = cell(page, 'shop/cart to shop/frontend: no traffic allowed');
      assert.match((await denied.textContent()) ?? '', /✕\s*none/);
      assert.match((await cell(page, 'shop/cart to shop/db: TCP 5432').textContent()) ?? '', /TCP 5432/);
      assert.match(
        (await cell(page, 'monitoring/prometheus to shop/frontend: TCP 8080').textContent()) ?? '',
        /TCP 8080/,
      );
      const all = cell(page, 'monitoring/prometheus to kube-system/coredns: all ports');
      assert.match((await all.textContent()) ?? '', /●\s*all/);
      const self = cell(page, 'monitoring/prometheus to monitoring/prometheus: not applicable (same node)');
      assert.match((await self.textContent()) ?? '', /n\/a/);
      // The replicas of the database are isolated by the default deny: they cannot reach each other.
      const replicas = cell(page, 'shop/db to shop/db: no traffic allowed');
      assert.match((await replicas.textContent()) ?? '', /✕\s*none/);

      // One row and one column per node; the table has real row and column headers.
      const nodes = real.nodes.length;
      assert.equal(await page.locator('tbody th[scope="row"]').count(), nodes);
      assert.equal(await page.locator('thead th[scope="col"]').count(), nodes);
      assert.equal(await page.locator('td.cell').count(), nodes * nodes);
      const groups = await page.locator('thead th[scope="colgroup"]').allTextContents();
      assert.deepEqual(groups, ['monitoring', 'payments', 'shop', 'External addresses', 'Cluster DNS']);
      const rowGroups = await page.locator('tbody th[scope="rowgroup"]').allTextContents();
      assert.deepEqual(rowGroups, groups);
      await screenshot(page, 'matrix');
    });
  });

  test('the graph draws namespace groups, nodes and port-labelled edges', async () => {
    const host = FakeHost.ofFiles(exampleFiles());
    const real = host.graph();
    await withView(host, async ({ page }) => {
      await page.getByRole('tab', { name: 'Graph' }).click();
      const svg = page.locator('#panel-graph svg.graph');
      await svg.waitFor();
      assert.equal(await page.getByRole('tab', { name: 'Graph' }).getAttribute('aria-selected'), 'true');
      assert.equal(await page.locator('#panel-matrix').isHidden(), true);
      assert.equal(await svg.locator('g.node').count(), real.nodes.length);
      assert.equal(await svg.locator('g.edge').count(), real.edges.length);
      const clusters = await svg.locator('.cluster-label').allTextContents();
      // coredns (k8s-app=kube-dns in kube-system) is the cluster DNS: it is drawn in its own group.
      assert.deepEqual(clusters, ['monitoring', 'payments', 'shop', 'External addresses', 'Cluster DNS']);
      const edge = svg.getByRole('button', { name: 'shop/frontend to shop/cart: TCP 7070', exact: true });
      assert.equal(await edge.locator('.edge-label').textContent(), 'TCP 7070');
      assert.equal(await edge.getAttribute('tabindex'), '0');
      // Laid out: every node has a position inside the drawing.
      const box = await svg.boundingBox();
      const nodeBox = await svg.getByRole('button', { name: /^shop\/db \(StatefulSet\)/ }).boundingBox();
      assert.ok(box && nodeBox && nodeBox.width > 20 && nodeBox.x >= box.x && nodeBox.y >= box.y);
      // Fitted to the panel's width by default; unticked, the drawing has its natural size and scrolls.
      const panel = await page.locator('#panel-graph').boundingBox();
      const fitted = await svg.boundingBox();
      assert.ok(panel && fitted && fitted.width <= panel.width, 'fits the panel');
      await screenshot(page, 'graph');
      await page.getByLabel('Fit to width').uncheck();
      await page.locator('svg.graph:not(.fit)').waitFor();
      const natural = await page.locator('svg.graph').boundingBox();
      assert.equal(natural?.width, Number(await svg.getAttribute('width')));
      const scrolls = (await page.evaluate(
        "(() => { const p = document.getElementById('panel-graph'); return p.scrollWidth > p.clientWidth; })()",
      )) as boolean;
      assert.ok(scrolls || natural!.width <= panel.width, 'a wide drawing scrolls');
    });
  });

  test('filters: namespaces, search, and the port query "5432/TCP" shows only cart → db', async () => {
    const host = FakeHost.ofFiles(exampleFiles());
    await withView(host, async ({ page }) => {
      const colGroups = () => page.locator('thead th[scope="colgroup"]').allTextContents();
      await page.getByRole('checkbox', { name: /^payments/ }).uncheck();
      await page.getByRole('checkbox', { name: /^External addresses/ }).uncheck();
      await page
        .locator('thead th[scope="colgroup"]', { hasText: 'payments' })
        .waitFor({ state: 'detached' });
      assert.deepEqual(await colGroups(), ['monitoring', 'shop', 'Cluster DNS']);
      await page.getByRole('button', { name: 'Show all' }).click();
      await page.locator('thead th[scope="colgroup"]', { hasText: 'payments' }).waitFor();

      await page.getByLabel('Search', { exact: true }).fill('cart db');
      await page.locator('tbody th[scope="row"]').nth(1).waitFor();
      assert.deepEqual(await page.locator('tbody th[scope="row"]').allTextContents(), ['cart', 'db']);
      await page.getByLabel('Search', { exact: true }).fill('');

      // "Who can reach db on 5432?": the port query, and `to:db` for the destination column.
      await page.getByLabel('Port', { exact: true }).fill('5432/TCP');
      await page.getByText('Showing who can reach TCP 5432').waitFor();
      assert.equal(await cell(page, 'shop/cart to shop/db: TCP 5432 allowed').textContent(), '✓TCP 5432');
      assert.equal(await cell(page, 'shop/frontend to shop/db: TCP 5432 denied').textContent(), '✕denied');
      assert.equal(await page.locator('td.cell-allowed[aria-label*=" to shop/db: "]').count(), 1);
      await page.getByLabel('Search', { exact: true }).fill('to:db');
      await page.locator('thead th[scope="col"]', { hasText: 'cart' }).waitFor({ state: 'detached' });
      assert.deepEqual(await page.locator('thead th[scope="col"]').allTextContents(), ['db']);
      const allowed = page.locator('td.cell-allowed');
      assert.equal(await allowed.count(), 1);
      assert.equal(await allowed.getAttribute('aria-label'), 'shop/cart to shop/db: TCP 5432 allowed');
      // Every other cell is denied, the database's replicas among themselves included.
      assert.equal(await page.locator('td.cell-denied').count(), (await page.locator('td.cell').count()) - 1);
      await page.getByRole('tab', { name: 'Graph' }).click();
      const edges = page.locator('#panel-graph g.edge');
      await page.locator('#panel-graph svg.graph').waitFor();
      assert.equal(await edges.count(), 1);
      assert.equal(await edges.first().getAttribute('aria-label'), 'shop/cart to shop/db: TCP 5432');
      assert.equal(await page.locator('#panel-graph g.node').count(), 2, 'only the nodes that answer');
      await page.getByRole('tab', { name: 'Matrix' }).click();
      await page.getByLabel('Search', { exact: true }).fill('from:frontend');
      await page.locator('tbody th[scope="row"]', { hasText: 'cart' }).waitFor({ state: 'detached' });
      assert.deepEqual(await page.locator('tbody th[scope="row"]').allTextContents(), ['frontend']);
      assert.equal(await page.locator('td.cell-allowed').count(), 0);

      // Other spellings, and a query that is not a port.
      await page.getByLabel('Port', { exact: true }).fill('udp 53');
      await page.getByText('Showing who can reach UDP 53').waitFor();
      await page.getByLabel('Port', { exact: true }).fill('80/TCP/UDP');
      await page.getByText('Not a port').waitFor();
      assert.equal(await page.getByLabel('Port', { exact: true }).getAttribute('aria-invalid'), 'true');
    });
  });

  test('clicking a cell explains the pair: both sides, rules with ports, reveal links, plain words', async () => {
    const host = FakeHost.ofFiles(exampleFiles());
    const expected = explainPayload(host.ctx, 'workload', frontend, cart, locationOf)!;
    await withView(host, async ({ page }) => {
      await page.getByLabel('Search', { exact: true }).fill('shop/');
      await page
        .locator('thead th[scope="colgroup"]', { hasText: 'payments' })
        .waitFor({ state: 'detached' });
      const mark = host.received.length;
      await cell(page, 'shop/frontend to shop/cart: TCP 7070').click();
      const request = await host.waitFor('explain', (m) => m.from === frontend, mark);
      assert.deepEqual(request, { type: 'explain', from: frontend, to: cart });
      const pane = page.locator('#explain');
      await pane.getByRole('heading', { name: `Egress from ${frontend}` }).waitFor();
      await pane.getByRole('heading', { name: `Ingress to ${cart}` }).waitFor();
      assert.match((await pane.locator('.verdict').textContent()) ?? '', /allowed on TCP 7070/);
      assert.equal(await pane.locator('pre.explain-text').textContent(), expected.text);
      const egressRules = await pane.locator('.side-egress li.rule').allTextContents();
      assert.equal(egressRules.length, 1);
      assert.match(egressRules[0]!, /shop\/frontend egress\[0\] TCP 7070/);
      assert.match(
        (await pane.locator('.side-ingress').textContent()) ?? '',
        /Isolated for ingress by:.*shop\/default-deny/s,
      );
      assert.equal(await page.locator('td.cell.selected').getAttribute('aria-selected'), 'true');
      await screenshot(page, 'explanation');

      // The rule's link reveals its source location.
      const rule = expected.egress.rules[0]!;
      const revealMark = host.received.length;
      await pane
        .locator('.side-egress li.rule')
        .getByRole('button', { name: `Open rule shop/frontend egress[0] at ${rule.location.label}` })
        .click();
      const reveal = await host.waitFor('reveal', () => true, revealMark);
      assert.deepEqual(reveal.location, rule.location);
      assert.match(reveal.location.uri, /^file:\/\/\/.*examples\/shop\/policies\.yaml$/);
      assert.equal(reveal.location.label, 'examples/shop/policies.yaml:26');
      // And the isolating policy's.
      const policy = expected.ingress.policies.find((p) => p.name === 'shop/cart')!;
      await pane.getByRole('button', { name: `Open policy shop/cart at ${policy.location.label}` }).click();
      const revealPolicy = await host.waitFor(
        'reveal',
        (m) => m.location.label === policy.location.label,
        revealMark,
      );
      assert.deepEqual(revealPolicy.location, policy.location);

      // With a port query, the request carries the port and rules say whether they cover it.
      await page.getByLabel('Port', { exact: true }).fill('5432');
      const portMark = host.received.length;
      await cell(page, 'shop/cart to shop/db: TCP 5432 allowed').click();
      const portRequest = await host.waitFor('explain', (m) => m.to === db, portMark);
      assert.deepEqual(portRequest.port, { protocol: 'TCP', port: 5432 });
      await pane.getByText('✓ covers the port').first().waitFor();
      assert.match((await pane.locator('.verdict').textContent()) ?? '', /TCP 5432 allowed/);

      // A denied pair explains why.
      await page.getByLabel('Port', { exact: true }).fill('');
      await cell(page, 'shop/cart to shop/frontend: no traffic allowed').click();
      await pane.getByRole('heading', { name: 'Egress from shop/cart[Deployment]' }).waitFor();
      assert.match((await pane.locator('.verdict').textContent()) ?? '', /denied/);
      assert.match((await pane.locator('.side-egress').textContent()) ?? '', /denies/);
    });
  });

  // Issue 8: the view stays usable at 8,000 pods: namespaces are groups until expanded.
  test('a large workspace is shown in groups: expand and collapse a namespace, explain a group pair', async () => {
    const docs: string[] = [];
    for (let i = 0; i < 8_000; i++) {
      const ns = `ns-${String(i % 40).padStart(2, '0')}`;
      docs.push(
        `apiVersion: v1\nkind: Pod\nmetadata:\n  name: pod-${String(i).padStart(4, '0')}\n  namespace: ${ns}\n  labels: {app: a${i % 7}}\n`,
      );
    }
    docs.push(
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: only-a0, namespace: ns-01}\nspec:\n  podSelector: {}\n  ingress:\n  - from:\n    - namespaceSelector: {}\n      podSelector: {matchLabels: {app: a0}}\n',
    );
    const host = new FakeHost(contextOf({ 'cluster.yaml': docs.join('---\n') }));
    await withView(host, async ({ page }) => {
      const status = page.locator('#status');
      await status.filter({ hasText: 'shown in groups' }).waitFor();
      assert.equal(await page.locator('th.row-name.group-node').count(), 40);
      // ns-00 → ns-01: only its 29 pods labelled a0 may, to every pod of ns-01: 5,800 of 40,000 pairs.
      await cell(
        page,
        'namespace ns-00 (200 workloads) to namespace ns-01 (200 workloads): all ports (5,800 of 40,000 pod pairs)',
      ).click();
      const pane = page.locator('#explain');
      await pane.locator('pre.explain-text', { hasText: '5,800 of 40,000 pod pairs allowed' }).waitFor();
      await screenshot(page, 'aggregated');

      const mark = host.received.length;
      await page.getByRole('button', { name: 'Expand namespace ns-03 (200 workloads)' }).click();
      const expand = await host.waitFor('setExpanded', () => true, mark);
      assert.deepEqual(expand.expand, ['ns:ns-03']);
      await page.locator('th.row-name', { hasText: 'pod-0003' }).waitFor();
      assert.equal(await page.locator('th.row-name.group-node').count(), 39);
      await page.getByRole('button', { name: 'Collapse namespace ns-03' }).click();
      const collapse = await host.waitFor('setExpanded', (m) => m.expand.length === 0, mark);
      assert.deepEqual(collapse.expand, []);
      await page.locator('th.row-name', { hasText: 'pod-0003' }).waitFor({ state: 'detached' });
      assert.equal(await page.locator('th.row-name.group-node').count(), 40);
    });
  });

  test('hundreds of namespaces: sets of namespaces, then a namespace, then its pods; Collapse all', async () => {
    const docs = Array.from(
      { length: 600 },
      (_, i) =>
        `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p${String(i).padStart(3, '0')}\n  namespace: team-${String(i % 120).padStart(3, '0')}\n`,
    );
    const host = new FakeHost(contextOf({ 'cluster.yaml': docs.join('---\n') }));
    await withView(host, async ({ page }) => {
      await page.locator('#status').filter({ hasText: 'shown in groups' }).waitFor();
      assert.equal(await page.locator('th.row-name.group-node').count(), 30, '120 namespaces in 30 sets');
      const mark = host.received.length;
      await page
        .getByRole('button', { name: 'Expand 4 namespaces team-000 … team-003 (20 workloads)' })
        .click();
      await page.getByRole('button', { name: 'Expand namespace team-001 (5 workloads)' }).click();
      const second = await host.waitFor('setExpanded', (m) => m.expand.length === 2, mark);
      assert.deepEqual(second.expand, ['namespaces:team-000..team-003', 'ns:team-001']);
      await page.locator('th.row-name', { hasText: 'p001' }).waitFor();
      await page.getByRole('button', { name: 'Collapse all' }).click();
      await host.waitFor('setExpanded', (m) => m.expand.length === 0, mark);
      await page.locator('th.row-name', { hasText: 'p001' }).waitFor({ state: 'detached' });
      assert.equal(await page.getByRole('button', { name: 'Collapse all' }).isHidden(), true);
    });
  });

  test('keyboard: one tab stop, arrow keys move between cells, Enter explains; graph edges are focusable', async () => {
    const host = FakeHost.ofFiles(exampleFiles());
    await withView(host, async ({ page }) => {
      const focused = () => page.locator('td.cell:focus').getAttribute('aria-label');
      assert.equal(await page.locator('td.cell[tabindex="0"]').count(), 1);
      // Tab from the last toolbar control lands on the matrix's tab stop.
      await page.getByLabel('Level', { exact: true }).focus();
      await page.keyboard.press('Tab');
      assert.equal(
        await focused(),
        'monitoring/prometheus to monitoring/prometheus: not applicable (same node)',
      );
      await page.keyboard.press('ArrowRight');
      assert.equal(await focused(), 'monitoring/prometheus to payments/payments-api: no traffic allowed');
      await page.keyboard.press('ArrowDown');
      // The API's replicas are isolated: their own cell is judged.
      assert.equal(await focused(), 'payments/payments-api to payments/payments-api: no traffic allowed');
      await page.keyboard.press('End');
      assert.equal(await focused(), 'payments/payments-api to kube-system/coredns: no traffic allowed');
      await page.keyboard.press('Home');
      assert.equal(await focused(), 'payments/payments-api to monitoring/prometheus: no traffic allowed');
      await page.keyboard.press('Control+End');
      assert.equal(await focused(), 'kube-system/coredns to kube-system/coredns: not applicable (same node)');
      await page.keyboard.press('Control+Home');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      assert.equal(await focused(), 'shop/db to shop/frontend: no traffic allowed');
      assert.equal(await page.locator('td.cell[tabindex="0"]').count(), 1);
      assert.equal(await page.locator('td.cell:focus').getAttribute('tabindex'), '0');
      const mark = host.received.length;
      await page.keyboard.press('ArrowUp');
      await page.keyboard.press('Enter');
      assert.deepEqual(await host.waitFor('explain', () => true, mark), {
        type: 'explain',
        from: cart,
        to: frontend,
      });
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.press(' ');
      assert.deepEqual(await host.waitFor('explain', (m) => m.to === db, mark), {
        type: 'explain',
        from: cart,
        to: db,
      });
      await page.keyboard.press('ArrowLeft');
      assert.equal(await focused(), 'shop/cart to shop/cart: no traffic allowed');

      // Tabs switch with arrow keys; graph edges take focus and explain on Enter.
      await page.getByRole('tab', { name: 'Matrix' }).focus();
      await page.keyboard.press('ArrowRight');
      await page.locator('#panel-graph svg.graph').waitFor();
      const edge = page.getByRole('button', { name: 'shop/cart to shop/db: TCP 5432', exact: true });
      await edge.focus();
      assert.equal(
        await page.evaluate('document.activeElement.getAttribute("aria-label")'),
        'shop/cart to shop/db: TCP 5432',
      );
      const edgeMark = host.received.length;
      await page.keyboard.press('Enter');
      assert.deepEqual(await host.waitFor('explain', () => true, edgeMark), {
        type: 'explain',
        from: cart,
        to: db,
      });
      await page.locator('#panel-graph g.edge.selected').waitFor();
      // Nodes take focus too and highlight their connections.
      const node = page.getByRole('button', { name: /^shop\/db \(StatefulSet\)/ });
      await node.focus();
      await page.keyboard.press('Enter');
      assert.equal(await node.getAttribute('aria-pressed'), 'true');
      await page.locator('#panel-graph svg.highlighting').waitFor();
    });
  });

  test('a graph update re-renders but keeps filters, view, selection; a hidden panel restores its state', async () => {
    const files = exampleFiles();
    const host = FakeHost.ofFiles(files);
    await withView(host, async (view) => {
      const { page } = view;
      await page.getByLabel('Search', { exact: true }).fill('payments prometheus');
      await page.getByRole('checkbox', { name: /^Cluster DNS/ }).uncheck();
      const before = cell(page, 'payments/payments-api to monitoring/prometheus: no traffic allowed');
      await before.click();
      await host.waitFor('explain', (m) => m.from === 'payments/payments-api[Deployment]');
      await page.locator('#explain .verdict').waitFor();
      assert.equal(await page.locator('#status').getAttribute('data-generation'), '1');

      // The analysis changes: without payments-egress, payments-api may reach anything.
      const policies = files['examples/shop/payments-policies.yaml']!;
      host.ctx = contextOf({
        ...files,
        'examples/shop/payments-policies.yaml': policies.split('\n---\n')[0]!,
      });
      host.generation = 2;
      const mark = host.received.length;
      await view.post({ type: 'graph', graph: host.graph() });
      await page.locator('#status[data-generation="2"]').waitFor();
      assert.match((await page.locator('#status').textContent()) ?? '', /Generation 2 · updated \d/);
      await cell(page, 'payments/payments-api to monitoring/prometheus: all ports').waitFor();
      assert.equal(await page.getByLabel('Search', { exact: true }).inputValue(), 'payments prometheus');
      assert.equal(await page.getByRole('checkbox', { name: /^Cluster DNS/ }).isChecked(), false);
      assert.deepEqual(await page.locator('tbody th[scope="row"]').allTextContents(), [
        'prometheus',
        'payments-api',
      ]);
      // The selected pair is explained again from the new analysis, and stays selected.
      await host.waitFor('explain', (m) => m.from === 'payments/payments-api[Deployment]', mark);
      await page.locator('#explain .verdict', { hasText: 'allowed on all ports' }).waitFor();
      assert.equal(
        await page.locator('td.cell.selected').getAttribute('aria-label'),
        'payments/payments-api to monitoring/prometheus: all ports',
      );

      // Hidden and restored (the page is rebuilt, the state kept by setState survives).
      await page.getByRole('tab', { name: 'Graph' }).click();
      await page.locator('#panel-graph svg.graph').waitFor();
      await page.reload();
      await page.locator('#panel-graph svg.graph').waitFor();
      assert.equal(await page.getByRole('tab', { name: 'Graph' }).getAttribute('aria-selected'), 'true');
      assert.equal(await page.getByLabel('Search', { exact: true }).inputValue(), 'payments prometheus');
      assert.equal(await page.getByRole('checkbox', { name: /^Cluster DNS/ }).isChecked(), false);
      await page.locator('#explain .verdict', { hasText: 'allowed on all ports' }).waitFor();
      assert.equal(
        await page.locator('#panel-graph g.edge.selected').getAttribute('aria-label'),
        'payments/payments-api to monitoring/prometheus: all ports',
      );

      // The level switch asks the host, which answers with the pod-level graph.
      const levelMark = host.received.length;
      await page.getByLabel('Level', { exact: true }).selectOption('pod');
      assert.deepEqual(await host.waitFor('setLevel', () => true, levelMark), {
        type: 'setLevel',
        level: 'pod',
      });
      await page.getByRole('tab', { name: 'Matrix' }).click();
      await cell(page, 'payments/payments-api to monitoring/prometheus: all ports').waitFor();
      assert.match((await page.locator('#status').textContent()) ?? '', /\(pods\)/);
    });
  });

  test('export posts the matrix as CSV and the graph as a standalone SVG', async () => {
    const host = FakeHost.ofFiles(exampleFiles());
    const real = host.graph();
    await withView(host, async ({ page }) => {
      const mark = host.received.length;
      await page.getByRole('button', { name: 'Export CSV' }).click();
      const csv = await host.waitFor('export', (m) => m.format === 'csv', mark);
      assert.equal(csv.suggestedName, 'reachability-workload.csv');
      const lines = csv.content.trimEnd().split('\r\n');
      assert.equal(lines[0], 'from,to,ports');
      assert.equal(lines.length - 1, real.edges.length);
      assert.ok(lines.includes(`"${frontend}","${cart}","TCP 7070"`), lines.join('\n'));
      assert.ok(lines.includes(`"${cart}","${db}","TCP 5432"`));
      assert.ok(
        lines.some((l) =>
          l.startsWith('"monitoring/prometheus[Deployment]","kube-system/coredns[Deployment]","all ports"'),
        ),
      );

      // With a port query, only the connections allowing it (here: who can reach db on 5432).
      await page.getByLabel('Search', { exact: true }).fill('to:db');
      await page.getByLabel('Port', { exact: true }).fill('5432/TCP');
      await page.getByText('Showing who can reach TCP 5432').waitFor();
      await page.getByRole('button', { name: 'Export CSV' }).click();
      const queried = await host.waitFor('export', (m) => m.format === 'csv' && m !== csv, mark);
      assert.equal(queried.content, `from,to,ports\r\n"${cart}","${db}","TCP 5432"\r\n`);
      await page.getByLabel('Port', { exact: true }).fill('');
      await page.getByLabel('Search', { exact: true }).fill('');

      // The SVG is exported even from the matrix view (the graph is drawn for it).
      await page.getByRole('button', { name: 'Export SVG' }).click();
      const svg = await host.waitFor('export', (m) => m.format === 'svg', mark);
      assert.equal(svg.suggestedName, 'reachability-workload.svg');
      assert.match(
        svg.content,
        /^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/,
      );
      assert.match(svg.content, />TCP 7070</);
      assert.doesNotMatch(svg.content, /<script|\son\w+=|class="|tabindex=/);
      assert.match(svg.content, /fill="rgb\(/, 'the theme colours are written into the file');
      const parsed = (await page.evaluate(
        `(() => { const d = new DOMParser().parseFromString(${JSON.stringify(svg.content)}, 'image/svg+xml');
          return [d.getElementsByTagName('parsererror').length, d.querySelectorAll('g.node, g > rect').length,
                  d.documentElement.querySelectorAll('text').length]; })()`,
      )) as number[];
      assert.equal(parsed[0], 0, 'well-formed XML');
      assert.ok(parsed[2]! > real.nodes.length, 'node and edge labels are in the file');
    });
  });

  test('with netpolScope.exposure, stand-ins for pods beyond the workspace have their own group, as text', async () => {
    // A namespace selector by label (a policy with a hostile label value would be rejected by the API
    // server and never reach the model: descriptions hold valid label keys and values only).
    const policy = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: from-team, namespace: shop}
spec:
  podSelector: {matchLabels: {app: frontend}}
  ingress:
  - from:
    - namespaceSelector: {matchLabels: {team: billing}}
`;
    const host = new FakeHost(contextOf({ ...exampleFiles(), 'team.yaml': policy }, { exposure: true }));
    await withView(host, async ({ page }) => {
      const any = 'any pod in other namespaces';
      const row = page.locator('tbody th[scope="row"]', { hasText: any });
      await row.waitFor();
      const groups = await page.locator('thead th[scope="colgroup"]').allTextContents();
      assert.deepEqual(groups.slice(-3), ['Beyond the workspace', 'External addresses', 'Cluster DNS']);
      // Long descriptions are shortened on screen; the id stays in the title.
      const team = page.locator('tbody th[scope="row"][title="*{team=billing}/* (Exposure)"]');
      assert.match((await team.textContent()) ?? '', /^any pod in namespaces labelled team=b.*…$/);
      // Between two stand-ins nothing is judged; from one to a workload the policies decide.
      const open = cell(page, `${any} to monitoring/prometheus: all ports`);
      await open.click();
      await page.getByText('stands for pods the workspace does not show', { exact: false }).first().waitFor();
    });
  });

  test('compared with HEAD: opened connections blue, closed ones drawn red and dashed, changed ports amber; the status and the explanation say what changed', async () => {
    // The README's pull request: the Prometheus policy repaired (Prometheus becomes isolated for egress),
    // and namespaceSelector: {} admitted to the payments API.
    const before = exampleFiles();
    const after = { ...before };
    after['examples/shop/monitoring-policy.yaml'] = before['examples/shop/monitoring-policy.yaml']!.replace(
      '  podSelector:\n  matchLabels:\n    app: prometheus',
      '  podSelector:\n    matchLabels:\n      app: prometheus',
    )
      .replace('          endPort: 9090\n', '')
      .replace('          protocol: tcp\n', '');
    after['examples/shop/payments-policies.yaml'] = before['examples/shop/payments-policies.yaml']!.replace(
      '              app: cart\n      ports:',
      '              app: cart\n        - namespaceSelector: {}\n      ports:',
    );
    const base = contextOf(before);
    const host = new FakeHost(contextOf(after));
    host.transformGraph = (graph) => ({
      ...graph,
      diff: diffOverlay(reachDiff(base, host.ctx), graph.nodes, 'HEAD'),
    });
    const diff = host.graph().diff!;
    const prometheus = 'monitoring/prometheus[Deployment]';
    const payments = 'payments/payments-api[Deployment]';
    const coredns = 'kube-system/coredns[Deployment]';
    assert.deepEqual(
      diff.edges.map((e) => `${e.kind} ${e.from} -> ${e.to}`),
      [
        `added ${coredns} -> ${payments}`,
        `changed ${prometheus} -> ${coredns}`,
        `removed ${prometheus} -> ${frontend}`,
      ],
    );
    // Stand-ins and address ranges are beyond what the view draws: counted, and said.
    assert.equal(diff.notShown, 5);
    await withView(host, async ({ page }) => {
      const status = page.locator('#status');
      await page.locator('#status', { hasText: 'compared with HEAD' }).waitFor();
      assert.match(
        (await status.textContent()) ?? '',
        /compared with HEAD: opens 3, closes 5; monitoring\/prometheus\[Deployment\] becomes isolated for egress; 5 changes not drawn/,
      );
      assert.equal(await page.locator('.diff-keys').isVisible(), true);
      // Matrix: the closed connection is a denied cell outlined as closed.
      const closed = cell(
        page,
        `monitoring/prometheus to shop/frontend: no traffic allowed; since HEAD: closed (was TCP 8080); because NetworkPolicy monitoring/prometheus-scrape modified (examples/shop/monitoring-policy.yaml:10)`,
      );
      assert.match((await closed.getAttribute('class')) ?? '', /diff-removed/);
      await closed.click();
      await page.locator('#explain p.since').waitFor();
      assert.match(
        (await page.locator('#explain p.since').textContent()) ?? '',
        /^Change: since HEAD: closed \(was TCP 8080\)/,
      );
      // Graph: each kind drawn in its colour, the closed one dashed although nothing is allowed now.
      await page.getByRole('tab', { name: 'Graph' }).click();
      const svg = page.locator('#panel-graph svg.graph');
      await svg.waitFor();
      assert.equal(await svg.locator('g.edge.diff-added').count(), 1);
      assert.equal(await svg.locator('g.edge.diff-changed').count(), 1);
      const red = svg.locator('g.edge.diff-removed');
      assert.equal(await red.count(), 1);
      assert.equal(await red.locator('.edge-label').textContent(), 'denied · closed');
      assert.notEqual(
        await page.evaluate(
          "getComputedStyle(document.querySelector('g.edge.diff-removed .edge-line')).strokeDasharray",
        ),
        'none',
      );
      await screenshot(page, 'compared-with-head');
    });
  });

  test('observed flows overlay the view: observed, observed but denied (red), allowed but never observed (amber), a filter for each', async () => {
    // frontend -> cart on 7070 (allowed, 40 flows), frontend -> db on 5432 (denied: the frontend bypasses
    // the cart), cart -> db on 5432 (allowed); nothing observed from prometheus or coredns.
    const flows = [
      'source,destination,port,protocol,verdict,count',
      'shop/frontend-5d8f7c9b4-x2x9q,shop/cart-7f9c6d8b5-k4m2p,7070,TCP,allowed,40',
      'shop/frontend-5d8f7c9b4-x2x9q,shop/db-0,5432,TCP,allowed,3',
      'shop/cart-7f9c6d8b5-k4m2p,shop/db-0,5432,TCP,allowed,25',
    ].join('\n');
    const host = new FakeHost(contextOf(exampleFiles(), {}, flows));
    const graph = host.graph();
    assert.deepEqual(
      graph.observed?.edges.map((e) => [e.from, e.to, e.count, e.ports.map((p) => p.allowed)]),
      [
        [frontend, cart, 40, [true]],
        [frontend, db, 3, [false]],
        [cart, db, 25, [true]],
      ],
    );
    await withView(host, async ({ page }) => {
      await page.locator('.key-denied-traffic').waitFor();
      // Matrix: the denied pair is marked, with the count and the verdict in words.
      const denied = cell(
        page,
        'shop/frontend to shop/db: no traffic allowed; 3 flows observed: TCP 5432 (3, denied by the policies)',
      );
      assert.match((await denied.getAttribute('class')) ?? '', /traffic-denied/);
      assert.deepEqual(
        [await denied.locator('.sym').textContent(), await denied.locator('.txt').textContent()],
        ['⚠', '3 seen, denied'],
      );
      const observed = cell(page, 'shop/frontend to shop/cart: TCP 7070; 40 flows observed: TCP 7070 (40)');
      assert.match((await observed.getAttribute('class')) ?? '', /traffic-observed/);
      const unobserved = cell(
        page,
        'monitoring/prometheus to shop/frontend: TCP 8080; allowed, never observed',
      );
      assert.match((await unobserved.getAttribute('class')) ?? '', /traffic-unobserved/);

      // The explanation pane says what was observed.
      await denied.click();
      await page.locator('#explain p.observed').waitFor();
      assert.equal(
        await page.locator('#explain p.observed').textContent(),
        'Observed traffic: 3 flows observed: TCP 5432 (3, denied by the policies)',
      );

      // Graph: the denied connection is drawn (red) although the policies allow nothing there.
      await page.getByRole('tab', { name: 'Graph' }).click();
      const svg = page.locator('#panel-graph svg.graph');
      await svg.waitFor();
      const red = svg.locator('g.edge.traffic-denied');
      assert.equal(await red.count(), 1);
      assert.equal(await red.locator('.edge-label').textContent(), 'denied · 3 seen');
      assert.equal(await svg.locator('g.edge.traffic-observed').count(), 2);
      const amber = await svg.locator('g.edge.traffic-unobserved').count();
      assert.equal(
        amber,
        graph.edges.filter((e) => !graph.observed!.edges.some((o) => o.from === e.from && o.to === e.to))
          .length,
      );
      assert.equal(
        await page.evaluate(
          "getComputedStyle(document.querySelector('g.edge.traffic-unobserved .edge-line')).strokeDasharray",
        ),
        '5px, 4px',
      );
      await screenshot(page, 'observed-traffic');

      // The filter: only the observed but denied, then only the never observed.
      const filter = page.getByLabel('Observed traffic');
      await filter.selectOption('denied');
      await svg.locator('g.edge:not(.traffic-denied)').first().waitFor({ state: 'detached' });
      assert.equal(await page.locator('#panel-graph g.edge').count(), 1);
      await filter.selectOption('unobserved');
      await page.locator('#panel-graph g.edge.traffic-denied').waitFor({ state: 'detached' });
      assert.equal(await page.locator('#panel-graph g.edge').count(), amber);
      assert.equal(await page.locator('#panel-graph g.edge:not(.traffic-unobserved)').count(), 0);
      await filter.selectOption('all');
    });
  });

  test('without flows the view has no traffic filter and no overlay', async () => {
    const host = FakeHost.ofFiles(exampleFiles());
    assert.equal(host.graph().observed, undefined);
    await withView(host, async ({ page }) => {
      assert.equal(await page.getByLabel('Observed traffic').isHidden(), true);
      assert.equal(await page.locator('.traffic-keys').isHidden(), true);
      assert.equal(await page.locator('td.cell[class*="traffic-"]').count(), 0);
    });
  });

  test('host-network nodes say so in the matrix and the graph', async () => {
    const text = readFileSync(join(repoRoot, 'test/fixtures/cli/host-network.yaml'), 'utf8');
    const host = FakeHost.ofFiles({ 'host-network.yaml': text });
    await withView(host, async ({ page }) => {
      const row = page.locator(
        'tbody th[scope="row"][title="kube-system/node-agent[DaemonSet] (DaemonSet · host network)"]',
      );
      await row.waitFor();
      assert.equal(await page.locator('tbody th[scope="row"][title="shop/web[Pod] (Pod)"]').count(), 1);
      await page.getByRole('tab', { name: 'Graph' }).click();
      await page.locator('#panel-graph svg.graph').waitFor();
      await page
        .getByRole('button', { name: /^kube-system\/node-agent \(DaemonSet · host network\)/ })
        .waitFor();
    });
  });

  test('hostile names, namespaces, labels and explanations stay text and never run', async () => {
    const host = FakeHost.ofFiles({ 'hostile.yaml': hostileYaml });
    // Hand-built additions where the model would not produce such data: ids that are formulas or
    // object-prototype names, a hostile kind and external range, and an edge to them.
    const source = host.graph().nodes.find((n) => n.name === hostile.img)!;
    host.transformGraph = (g: ReachabilityResult): ReachabilityResult => ({
      ...g,
      nodes: [
        ...g.nodes,
        { id: hostile.formula, kind: hostile.svg, namespace: hostile.js, name: hostile.formula },
        { id: '__proto__', kind: 'Pod', namespace: 'constructor', name: '__proto__' },
        {
          id: `${hostile.pwn}/32`,
          kind: 'External',
          namespace: '',
          name: hostile.pwn,
          ranges: [hostile.pwn],
        },
      ],
      edges: [
        ...g.edges,
        {
          from: source.id,
          to: hostile.formula,
          ports: [{ protocol: 'TCP', port: 80, endPort: 80 }],
          all: false,
        },
        { from: '__proto__', to: hostile.formula, ports: [], all: true },
      ],
      namespaces: [...g.namespaces, hostile.js, 'constructor'],
    });
    const loc = (label: string, uri = hostile.js): SourceLocation => ({
      uri,
      label,
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } },
    });
    host.explainOverride = (from, to): ExplainResult | undefined =>
      to === hostile.formula
        ? {
            from,
            to,
            allowed: true,
            ports: [{ protocol: 'TCP', port: 80, endPort: 80 }],
            text: `${hostile.script}\n${hostile.pwn}\n${hostile.js}`,
            egress: {
              direction: 'egress',
              isolated: false,
              allows: true,
              ports: 'all ports',
              policies: [],
              rules: [],
            },
            ingress: {
              direction: 'ingress',
              isolated: true,
              allows: true,
              ports: hostile.svg,
              policies: [{ name: hostile.img, location: loc(hostile.pwn) }],
              rules: [
                {
                  policy: hostile.script,
                  direction: 'ingress',
                  index: 0,
                  ports: hostile.pwn,
                  location: loc(hostile.img),
                },
              ],
            },
          }
        : undefined;

    await withView(host, async ({ page }) => {
      const app = page.locator('#app');
      await cell(
        page,
        `${hostile.script}/${hostile.img} to ${hostile.js}/${hostile.formula}: TCP 80`,
      ).waitFor();
      const appText = (await app.textContent()) ?? '';
      for (const value of [hostile.img, hostile.script, hostile.js, hostile.formula, hostile.pwn]) {
        assert.ok(appText.includes(value), `shown literally: ${value}`);
      }
      // The real payload's hostile names are row headers, as text.
      assert.ok((await page.locator('tbody th[scope="row"]').allTextContents()).includes(hostile.img));
      assert.ok(
        (await page.locator('thead th[scope="colgroup"]').allTextContents()).includes(hostile.script),
      );
      assert.ok(
        (await page.locator('label.group-choice').allTextContents()).some((t) => t.includes(hostile.script)),
      );
      // The prototype-named node is an ordinary node.
      await cell(
        page,
        'constructor/__proto__ to javascript:alert(1)/=HYPERLINK("http://evil.example/x","click"): all ports',
      ).waitFor();

      // Nothing became markup: no element from the data, no attribute that can run.
      assert.equal(await page.locator('img, iframe, object, embed, a, form').count(), 0);
      assert.equal(await page.evaluate('document.scripts.length'), 1);
      const handlers = (await page.evaluate(
        `[...document.querySelectorAll('#app *')].flatMap((e) => [...e.attributes].filter((a) => /^on|^href$|^src$|^style$/i.test(a.name)).map((a) => e.tagName + ' ' + a.name))`,
      )) as string[];
      assert.deepEqual(handlers, []);

      // The explanation renders hostile policy names, ports, labels and text as text.
      await cell(
        page,
        `${hostile.script}/${hostile.img} to ${hostile.js}/${hostile.formula}: TCP 80`,
      ).click();
      const pane = page.locator('#explain');
      await pane.locator('pre.explain-text').waitFor();
      assert.equal(
        await pane.locator('pre.explain-text').textContent(),
        `${hostile.script}\n${hostile.pwn}\n${hostile.js}`,
      );
      assert.ok(((await pane.textContent()) ?? '').includes(`${hostile.script} ingress[0]`));
      const url = page.url();
      const mark = host.received.length;
      await pane.getByRole('button', { name: `Open policy ${hostile.img} at ${hostile.pwn}` }).click();
      const reveal = await host.waitFor('reveal', () => true, mark);
      assert.equal(reveal.location.uri, hostile.js, 'the uri is data for the host, never navigated to');
      assert.equal(page.url(), url);
      await screenshot(page, 'hostile');

      // The graph too.
      await page.getByRole('tab', { name: 'Graph' }).click();
      await page.locator('#panel-graph svg.graph').waitFor();
      const svgText = (await page.locator('#panel-graph svg.graph').textContent()) ?? '';
      assert.ok(svgText.includes(hostile.script) && svgText.includes(hostile.img));
      assert.equal(await page.locator('svg img, svg script, svg foreignObject, svg a').count(), 0);

      // CSV cells are quoted and formula-safe.
      const csvMark = host.received.length;
      await page.getByRole('button', { name: 'Export CSV' }).click();
      const csv = await host.waitFor('export', (m) => m.format === 'csv', csvMark);
      assert.ok(csv.content.includes(`"'=HYPERLINK(""http://evil.example/x"",""click"")"`), csv.content);
      assert.doesNotMatch(csv.content, /(^|,)=/m);
      const svgMark = host.received.length;
      await page.getByRole('button', { name: 'Export SVG' }).click();
      const exported = await host.waitFor('export', (m) => m.format === 'svg', svgMark);
      assert.ok(exported.content.includes('&lt;img src=x onerror=alert(1)&gt;'));
      const elements = (await page.evaluate(
        `(() => { const d = new DOMParser().parseFromString(${JSON.stringify(exported.content)}, 'image/svg+xml');
          const all = [...d.querySelectorAll('*')];
          return [d.getElementsByTagName('parsererror').length,
                  all.filter((e) => !['svg','title','defs','marker','path','g','rect','text'].includes(e.localName)).length,
                  all.flatMap((e) => [...e.attributes].filter((a) => /^on|href$|^style$/i.test(a.localName))).length]; })()`,
      )) as number[];
      assert.deepEqual(elements, [0, 0, 0], 'well-formed, only drawing elements, no handlers or links');
    });
  });

  test('with other policy APIs, the explanation lists the deciding rules by layer: a Deny rule, a Pass, "isolated"', async () => {
    const files = {
      'apps.yaml': `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec: {containers: [{name: c, ports: [{containerPort: 80}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: shop, labels: {app: db}}
spec: {containers: [{name: c, ports: [{containerPort: 5432}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: mon, namespace: ops, labels: {app: mon}}
spec: {containers: [{name: c}]}
`,
      'policies.yaml': `apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {name: guard}
spec:
  tier: Admin
  priority: 5
  subject: {namespaces: {matchLabels: {kubernetes.io/metadata.name: shop}}}
  ingress:
  - name: '${hostile.img}'
    action: Deny
    from: [{namespaces: {matchLabels: {kubernetes.io/metadata.name: ops}}}]
  - name: pass-shop
    action: Pass
    from: [{namespaces: {matchLabels: {kubernetes.io/metadata.name: shop}}}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress: [{from: [{podSelector: {matchLabels: {app: api}}}]}]
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: web-out, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: web}}
  egress:
  - toFQDNs: [{matchName: api.github.com}]
  - toEntities: [cluster]
    toPorts: [{ports: [{port: "53", protocol: ANY}], rules: {dns: [{matchPattern: "*"}]}}]
`,
    };
    const host = FakeHost.ofFiles(files);
    await withView(host, async ({ page }) => {
      const pane = page.locator('#explain');
      await cell(page, 'ops/mon to shop/db: no traffic allowed').click();
      await pane.getByRole('heading', { name: 'Ingress to shop/db' }).waitFor();
      const denied = (await pane.locator('.side-ingress li.decision').allTextContents()).join('\n');
      assert.ok(
        denied.includes(`Admin tier: ClusterNetworkPolicy guard (priority 5) ingress[0] "${hostile.img}"`),
        denied,
      );
      assert.match(denied, /denies \(a Deny rule\)/);
      await cell(page, 'shop/web to shop/db: no traffic allowed').click();
      await pane.getByRole('heading', { name: 'Egress from shop/web' }).waitFor();
      const passed = (await pane.locator('.side-ingress li.decision').allTextContents()).join('\n');
      assert.match(passed, /Admin tier: .*"pass-shop".* passes to the next layer/);
      assert.match(
        passed,
        /Cilium policies and NetworkPolicies: NetworkPolicy shop\/db denies: isolated, and no rule of the layer allows it/,
      );
      assert.equal(await page.locator('#explain img').count(), 0);
      // A toFQDNs name is a node of its own, labelled by the name, among the external nodes.
      const matrix = (await page.locator('#panel-matrix').textContent()) ?? '';
      assert.ok(matrix.includes('api.github.com'), matrix.slice(0, 400));
    });
  });
});
