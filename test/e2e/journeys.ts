/**
 * User journeys in the real workbench (code-server, Chromium), against the INSTALLED VSIX: what a
 * person sees and does. Each step waits on what the screen shows (selectors that work on VS Code
 * 1.100, see shared/notes/vscode-e2e.md), never on sleeps, and saves a screenshot.
 *
 *  1. open shop/policies.yaml: the DNS warning is squiggled and listed in the Problems panel;
 *  2. hover the default-deny podSelector: the hover lists the workloads it selects;
 *  3. Ctrl+. on the warning, "Add DNS egress (UDP/TCP 53)": the warning goes, the YAML has the rule;
 *  4. "netpol-scope: Show Reachability" from the command palette: a matrix cell says what is allowed;
 *  5. click the cell: the explanation pane says why;
 *  6. "netpol-scope: Explain Connection…" answered through its quick picks and input box;
 *  7. "netpol-scope: Load Observed Flows…" with flows/observed.csv picked in the file dialog: the policy
 *     (clicked through code-server's file dialog) the policy that would drop the frontend's flows to the
 *     database gets a flow-would-drop warning;
 *  8. the reachability view overlays the observed traffic (the denied connection marked);
 *  9. "netpol-scope: Generate Policies from Flows…" opens the generated policies in an untitled editor (the
 *     database's policy extended with the observed rule, flagged).
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, FrameLocator, Locator, Page } from 'playwright-core';
import { repoRoot } from '../support/cli.js';
import type { CodeServer } from './code-server.js';
import type { Report } from './report.js';

export interface JourneyContext {
  readonly browser: Browser;
  readonly server: CodeServer;
  readonly workspace: string;
  readonly report: Report;
}

const GROUP = 'journey';
/** The deadline of one expectation (the workbench, the server and the webview are all local). */
const STEP_TIMEOUT = 30_000;

const resultsDir = join(repoRoot, 'test-results/e2e');
const docsImagesDir = join(repoRoot, 'docs/images');

async function screenshot(page: Page, name: string): Promise<void> {
  const file = join(resultsDir, `${name}.png`);
  await page.screenshot({ path: file, animations: 'disabled' });
  if (process.env.UPDATE_SCREENSHOTS === '1') {
    mkdirSync(docsImagesDir, { recursive: true });
    copyFileSync(file, join(docsImagesDir, `e2e-${name}.png`));
  }
}

function expect(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

/** The quick input (quick open, command palette, quick picks, input boxes). */
function quickInput(page: Page): Locator {
  return page.locator('.quick-input-widget');
}

/** Runs a command from the palette (F1) by its full title, as a user types it. */
async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = quickInput(page).locator('input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  await quickInput(page)
    .locator('.monaco-list-row', { hasText: title })
    .first()
    .waitFor({ state: 'visible' });
  await page.keyboard.press('Enter');
}

/** Quick open (Ctrl+P) a workspace file by its relative path. */
async function openFile(page: Page, relative: string): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = quickInput(page).locator('input');
  await input.waitFor({ state: 'visible' });
  await input.fill(relative);
  const name = relative.split('/').pop()!;
  await quickInput(page).locator('.monaco-list-row', { hasText: name }).first().waitFor({ state: 'visible' });
  await page.keyboard.press('Enter');
  await page.locator('.tab.active', { hasText: name }).waitFor({ state: 'visible' });
}

/** The structural bits of the DOM used inside the page (the project compiles without the DOM lib). */
interface ViewLines {
  querySelectorAll(
    selector: string,
  ): Iterable<{ readonly style: { readonly top: string }; readonly textContent: string | null }>;
}
interface FrameScheduler {
  requestAnimationFrame(callback: () => void): number;
}

/** The text of the active editor's rendered lines, top to bottom (what is on screen). */
async function editorText(page: Page): Promise<string> {
  return page
    .locator('.editor-group-container.active .monaco-editor .view-lines')
    .first()
    .evaluate((root) =>
      [...(root as unknown as ViewLines).querySelectorAll('.view-line')]
        .map((line) => ({ top: parseFloat(line.style.top || '0'), text: line.textContent ?? '' }))
        .sort((a, b) => a.top - b.top)
        .map((line) => line.text.replace(/\u00a0/g, ' '))
        .join('\n'),
    );
}

/** Waits until the active editor shows `needle`; returns the text it shows. */
async function waitForEditorText(page: Page, needle: string): Promise<string> {
  const deadline = Date.now() + STEP_TIMEOUT;
  let text = await editorText(page);
  while (!text.includes(needle)) {
    if (Date.now() > deadline) throw new Error(`the editor never showed "${needle}"; it shows:\n${text}`);
    // Read again after the next frame: the editor renders model changes on animation frames.
    await page.evaluate(
      () =>
        new Promise((resolve) =>
          (globalThis as unknown as FrameScheduler).requestAnimationFrame(() => resolve(0)),
        ),
    );
    text = await editorText(page);
  }
  return text;
}

function problemRows(page: Page): Locator {
  return page.locator('.markers-panel .monaco-list-row');
}

function webview(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

export async function runJourneys(ctx: JourneyContext): Promise<void> {
  const { report } = ctx;
  const context = await ctx.browser.newContext({ viewport: { width: 1440, height: 900 } });
  context.setDefaultTimeout(STEP_TIMEOUT);
  const page = await context.newPage();
  const step = (name: string, body: () => Promise<void>) =>
    report.check(GROUP, name, async () => {
      try {
        await body();
      } catch (error) {
        await screenshot(page, `failed-${name.replace(/\W+/g, '-').slice(0, 60)}`).catch(() => undefined);
        throw error;
      }
    });

  try {
    await step('the workbench opens the examples and the extension analyses them', async () => {
      await page.goto(ctx.server.workbenchUrl(ctx.workspace));
      await page.locator('.monaco-workbench').waitFor({ state: 'visible' });
      // The extension's status bar item, once the server has indexed the folder.
      await page
        .locator('.statusbar-item', { hasText: '6 policies · 2 non-isolated' })
        .waitFor({ state: 'visible' });
      // Give the keyboard to the workbench (a click on the empty editor area).
      await page.locator('.part.editor').click();
    });

    await step('shop/policies.yaml: the DNS warning is squiggled and listed in Problems', async () => {
      await openFile(page, 'shop/policies.yaml');
      await waitForEditorText(page, 'name: default-deny');
      await page
        .locator('.editor-group-container.active .squiggly-warning')
        .first()
        .waitFor({ state: 'visible' });
      const problems = page.locator('#status\\.problems');
      await problems.waitFor({ state: 'visible' });
      const label =
        (await problems.locator('a').first().getAttribute('aria-label')) ?? (await problems.innerText());
      expect(/Warnings: ([3-9]|\d\d)/.test(label), `status bar problems: ${label}`);
      await screenshot(page, '01-dns-warning-squiggle');
      await page.keyboard.press('Control+Shift+M');
      const row = problemRows(page).filter({ hasText: 'shop/default-deny isolates egress of shop/frontend' });
      await row.first().waitFor({ state: 'visible' });
      const text = await row.first().innerText();
      expect(text.includes('dns-egress-missing'), `the Problems row names the rule: ${text}`);
      await screenshot(page, '02-problems-panel');
    });

    await step('hovering the default-deny podSelector lists the workloads it selects', async () => {
      const key = page
        .locator('.editor-group-container.active .view-line', { hasText: /^\s*podSelector:\s*\{\}\s*$/ })
        .first()
        .locator('span span', { hasText: /^podSelector$/ })
        .first();
      await key.hover();
      const hover = page.locator('.monaco-hover .hover-contents', {
        hasText: 'Selects every pod in namespace',
      });
      await hover.first().waitFor({ state: 'visible' });
      const text = await hover.first().innerText();
      for (const expected of [
        'podSelector of NetworkPolicy shop/default-deny',
        '3 workloads now',
        'Deployment shop/frontend',
        'Deployment shop/cart',
        'StatefulSet shop/db',
      ]) {
        expect(text.includes(expected), `the hover says "${expected}":\n${text}`);
      }
      await screenshot(page, '03-hover-selector');
      await page.keyboard.press('Escape');
      await page.mouse.move(5, 450);
      await hover.first().waitFor({ state: 'hidden' });
    });

    await step('Ctrl+. "Add DNS egress (UDP/TCP 53)" removes the warning and writes the rule', async () => {
      await page.locator('.editor-group-container.active .view-lines').first().click();
      await page.keyboard.press('Control+G');
      const input = quickInput(page).locator('input');
      await input.waitFor({ state: 'visible' });
      await input.fill(':9:27');
      await page.keyboard.press('Enter');
      await input.waitFor({ state: 'hidden' });
      await page.keyboard.press('Control+.');
      // The preferred fix comes first and has the keyboard: Enter applies it, as a user would.
      const fix = page.locator('.action-widget .monaco-list-row.focused', {
        hasText: 'Add DNS egress (UDP/TCP 53)',
      });
      await fix.first().waitFor({ state: 'visible' });
      await screenshot(page, '04-quick-fix-menu');
      await page.keyboard.press('Enter');
      await page.locator('.action-widget').waitFor({ state: 'hidden' });
      const text = await waitForEditorText(page, 'k8s-app: kube-dns');
      const expected = [
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
      ].join('\n');
      expect(text.includes(expected), `the default-deny policy has the DNS rule:\n${text}`);
      // The DNS warning of the file goes (default-deny now serves every shop pod, the frontend too).
      await problemRows(page)
        .filter({ hasText: /shop\/(default-deny|frontend) isolates egress/ })
        .first()
        .waitFor({ state: 'detached' });
      await screenshot(page, '05-quick-fix-applied');
    });

    await step(
      'the fixed policy gets a "since HEAD" lens; Compare Reachability with HEAD draws what the fix opened',
      async () => {
        // The workspace is a git repository (test/e2e/run.ts): the DNS rule just added is a change since HEAD.
        const lens = page.locator('.editor-group-container.active .codelens-decoration', {
          hasText: 'since HEAD:',
        });
        await lens.first().waitFor({ state: 'visible' });
        const title = await lens.first().innerText();
        expect(
          /since HEAD: opens \d+ connections?/.test(title),
          `the lens says what the fix opens: ${title}`,
        );
        await screenshot(page, '05b-since-head-lens');
        await runCommand(page, 'netpol-scope: Compare Reachability with HEAD');
        const view = webview(page);
        await view.locator('#status', { hasText: 'compared with HEAD: opens' }).waitFor({ state: 'visible' });
        // The new DNS connections, outlined as opened in the matrix.
        const opened = view.locator('td.cell.diff-added');
        await opened.first().waitFor({ state: 'visible' });
        const label = (await opened.first().getAttribute('aria-label')) ?? '';
        expect(
          /to kube-system\/coredns: .*since HEAD: opened .*NetworkPolicy shop\/default-deny modified/.test(
            label,
          ),
          `an opened DNS connection, with its cause: ${label}`,
        );
        await screenshot(page, '05c-compare-with-head');
      },
    );

    await step('"netpol-scope: Show Reachability" shows what shop/frontend may reach', async () => {
      // Room for the view: hide the panel (Ctrl+J) and the side bar (Ctrl+B).
      await page.keyboard.press('Control+J');
      await page.locator('.markers-panel').waitFor({ state: 'hidden' });
      await page.keyboard.press('Control+B');
      await page.locator('.part.sidebar').waitFor({ state: 'hidden' });
      await runCommand(page, 'netpol-scope: Show Reachability');
      const view = webview(page);
      await view.locator('table.matrix').waitFor({ state: 'visible' });
      const cart = view.getByRole('gridcell', { name: 'shop/frontend to shop/cart: TCP 7070' });
      await cart.waitFor({ state: 'visible' });
      const shown = `${await cart.locator('.sym').innerText()} ${await cart.locator('.txt').innerText()}`;
      expect(shown === '◐ TCP 7070', `the frontend → cart cell reads "${shown}"`);
      // The quick fix above (not even saved) gave the frontend DNS: the view shows it.
      await view
        .getByRole('gridcell', { name: 'shop/frontend to kube-system/coredns: TCP 53; UDP 53' })
        .waitFor({
          state: 'visible',
        });
      await view.getByRole('gridcell', { name: 'shop/frontend to shop/db: no traffic allowed' }).waitFor({
        state: 'visible',
      });
      await screenshot(page, '06-reachability-matrix');
    });

    await step('clicking the matrix cell explains the connection', async () => {
      const view = webview(page);
      await view.getByRole('gridcell', { name: 'shop/frontend to shop/cart: TCP 7070' }).click();
      const pane = view.locator('#explain');
      await pane.locator('.verdict', { hasText: 'allowed on TCP 7070' }).waitFor({ state: 'visible' });
      await pane.scrollIntoViewIfNeeded();
      const text = await pane.innerText();
      for (const expected of [
        'shop/frontend[Deployment] → shop/cart[Deployment]',
        'Rule shop/frontend egress[0]',
        'Rule shop/cart ingress[0]',
      ]) {
        expect(text.includes(expected), `the explanation says "${expected}":\n${text}`);
      }
      await screenshot(page, '07-reachability-explanation');
    });

    await step('"netpol-scope: Explain Connection…" through its quick picks', async () => {
      await page.locator('.editor-group-container').first().click();
      await runCommand(page, 'netpol-scope: Explain Connection…');
      const title = quickInput(page).locator('.quick-input-title');
      const input = quickInput(page).locator('input');
      await title.filter({ hasText: 'Explain Connection (1/3)' }).waitFor({ state: 'visible' });
      await input.fill('shop/frontend');
      await quickInput(page).locator('.monaco-list-row', { hasText: 'shop/frontend' }).first().waitFor();
      await page.keyboard.press('Enter');
      await title.filter({ hasText: 'Explain Connection (2/3)' }).waitFor({ state: 'visible' });
      await input.fill('shop/db');
      await quickInput(page).locator('.monaco-list-row', { hasText: 'shop/db' }).first().waitFor();
      await page.keyboard.press('Enter');
      await title.filter({ hasText: 'Explain Connection (3/3)' }).waitFor({ state: 'visible' });
      await input.fill('5432/TCP');
      await page.keyboard.press('Enter');
      await page.locator('.tab.active', { hasText: 'frontend to db' }).waitFor({ state: 'visible' });
      const text = await waitForEditorText(page, 'DENIED');
      expect(
        text.startsWith('shop/frontend[Deployment] → shop/db[StatefulSet] on TCP 5432: DENIED.'),
        `the explanation document:\n${text}`,
      );
      await screenshot(page, '08-explain-connection');
    });

    await step(
      '"netpol-scope: Load Observed Flows…": the policies that would drop observed flows are flagged',
      async () => {
        await runCommand(page, 'netpol-scope: Load Observed Flows…');
        // code-server's file dialog is a quick input listing a folder (the active file's): go up to the
        // workspace folder, into flows/, and pick observed.csv, as a user clicks through it.
        const value = (suffix: string) =>
          page.waitForFunction(
            (end) => {
              const field = (
                globalThis as unknown as {
                  document: { querySelector(s: string): { value: string } | null };
                }
              ).document.querySelector('.quick-input-widget input');
              return field !== null && field.value.endsWith(end);
            },
            suffix,
            { timeout: STEP_TIMEOUT },
          );
        const entry = (name: string) =>
          quickInput(page)
            .locator('.monaco-list-row', { has: page.getByText(name, { exact: true }) })
            .first();
        await value('/shop/');
        await entry('..').click();
        await value('/workspace-ui/');
        await entry('flows').click();
        await value('/flows/');
        await entry('observed.csv').click();
        await quickInput(page).waitFor({ state: 'hidden' });
        await page
          .locator('.notification-toast', { hasText: 'flow records from 1 file (plain-csv)' })
          .first()
          .waitFor({ state: 'visible' });
        // The previous step's explanation document has the second editor group: reveal the policies in
        // the first one, where they are open (quick open would open a second tab in the active group).
        await page.locator('.editor-group-container').first().click();
        await openFile(page, 'shop/policies.yaml');
        await page.keyboard.press('Control+Shift+M');
        const row = problemRows(page).filter({
          hasText:
            'Would drop 3 observed flows from shop/frontend[Deployment] to shop/db[StatefulSet] on TCP 5432',
        });
        await row.first().waitFor({ state: 'visible' });
        const text = await row.first().innerText();
        expect(text.includes('flow-would-drop'), `the Problems row names the rule: ${text}`);
        await screenshot(page, '09-flow-would-drop');
        await page.keyboard.press('Control+J');
        await page.locator('.markers-panel').waitFor({ state: 'hidden' });
      },
    );

    await step('the reachability view overlays the observed traffic', async () => {
      await runCommand(page, 'netpol-scope: Show Reachability');
      const view = webview(page);
      const denied = view.getByRole('gridcell', {
        name: 'shop/frontend to shop/db: no traffic allowed; 3 flows observed: TCP 5432 (3, denied by the policies)',
      });
      await denied.waitFor({ state: 'visible' });
      expect(
        /traffic-denied/.test((await denied.getAttribute('class')) ?? ''),
        'the denied observed connection is marked',
      );
      await view
        .getByRole('gridcell', { name: 'shop/cart to shop/db: TCP 5432; 25 flows observed: TCP 5432 (25)' })
        .waitFor({ state: 'visible' });
      await view.getByLabel('Observed traffic').waitFor({ state: 'visible' });
      await screenshot(page, '10-observed-overlay');
    });

    await step('"netpol-scope: Generate Policies from Flows…" opens the generated policies', async () => {
      await page.locator('.editor-group-container').first().click();
      await runCommand(page, 'netpol-scope: Generate Policies from Flows…');
      await page.locator('.tab.active', { hasText: 'Untitled' }).waitFor({ state: 'visible' });
      const text = await waitForEditorText(page, 'kind: NetworkPolicy');
      // The database's own policy is extended with the observed rule (flagged: it skips the cart).
      for (const expected of [
        '# Extends NetworkPolicy shop/db',
        '# flagged, review before applying: skips-a-tier',
      ])
        expect(text.includes(expected), `the generated policies say "${expected}":\n${text}`);
      await page
        .locator('.notification-toast', { hasText: 'checked against the same flows' })
        .first()
        .waitFor({ state: 'visible' });
      await screenshot(page, '11-generated-policies');
    });
  } finally {
    await context.close();
  }
}
