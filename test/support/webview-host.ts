/**
 * Test support for the reachability webview in a real browser: an HTTP server that serves the built
 * webview (dist/media) inside the real CSP shell (client/webview-html.ts), and a stand-in for the
 * extension host that answers the webview's messages with REAL payloads computed in Node
 * (reachabilityPayload / explainPayload over an AnalysisContext).
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { makeNonce, webviewHtml } from '../../client/webview-html.js';
import type { AnalysisContext } from '../../shared/context.js';
import {
  explainPayload,
  makeLocationOf,
  reachabilityPayload,
} from '../../shared/features/reachability-view.js';
import type { LocationOf } from '../../shared/features/reachability-view.js';
import type { ExplainResult, ReachabilityResult, ReachLevel } from '../../shared/protocol.js';
import type { HostMessage, ViewMessage } from '../../shared/webview-messages.js';
import { isViewMessage } from '../../shared/webview-messages.js';
import { repoRoot } from './cli.js';
import { contextOf } from './context.js';

export const mediaDir = join(repoRoot, 'dist', 'media');

/**
 * Dark theme variables as VS Code sets them on a webview (Dark Modern), served as a second stylesheet
 * from the test origin so that the page's real CSP (`style-src <origin>`) admits it unchanged.
 */
export const darkThemeCss = `:root {
  --vscode-font-family: system-ui, 'Segoe UI', Ubuntu, 'Droid Sans', sans-serif;
  --vscode-font-size: 13px;
  --vscode-editor-font-family: 'DejaVu Sans Mono', 'Droid Sans Mono', monospace;
  --vscode-editor-background: #1f1f1f;
  --vscode-foreground: #cccccc;
  --vscode-descriptionForeground: #9d9d9d;
  --vscode-panel-border: #2b2b2b;
  --vscode-widget-border: #313131;
  --vscode-focusBorder: #0078d4;
  --vscode-list-hoverBackground: #2a2d2e;
  --vscode-charts-green: #89d185;
  --vscode-charts-yellow: #cca700;
  --vscode-charts-red: #f14c4c;
  --vscode-charts-blue: #3794ff;
  --vscode-editorWidget-background: #202020;
  --vscode-button-background: #0078d4;
  --vscode-button-foreground: #ffffff;
  --vscode-button-hoverBackground: #026ec1;
  --vscode-button-secondaryBackground: #313131;
  --vscode-button-secondaryForeground: #cccccc;
  --vscode-button-secondaryHoverBackground: #3c3c3c;
  --vscode-input-background: #313131;
  --vscode-input-foreground: #cccccc;
  --vscode-input-border: #3c3c3c;
  --vscode-errorForeground: #f85149;
  --vscode-inputValidation-errorBorder: #be1100;
  --vscode-textLink-foreground: #4daafc;
  --vscode-textCodeBlock-background: #2b2b2b;
}
`;

export interface WebviewServer {
  readonly origin: string;
  /** Every path requested, in order (a hostile string turned into markup would show up as a request). */
  readonly requests: string[];
  close(): Promise<void>;
}

const mediaTypes: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/** Serves `/` (the CSP shell with a fresh nonce), `/media/*` (dist/media) and `/test/theme-dark.css`. */
export async function startWebviewServer(): Promise<WebviewServer> {
  const requests: string[] = [];
  let origin = '';
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    requests.push(path);
    const send = (status: number, type: string, body: string | Buffer) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (path === '/' || path === '/index.html') {
      const html = webviewHtml({
        cspSource: origin,
        nonce: makeNonce(),
        scriptUri: `${origin}/media/reachability.js`,
        styleUri: `${origin}/media/reachability.css`,
      });
      send(200, 'text/html; charset=utf-8', html);
      return;
    }
    if (path === '/test/theme-dark.css') {
      send(200, 'text/css; charset=utf-8', darkThemeCss);
      return;
    }
    const media = /^\/media\/([\w-]+(\.[\w-]+)*)$/.exec(path);
    const name = media?.[1];
    const type = name ? mediaTypes[name.slice(name.lastIndexOf('.'))] : undefined;
    if (name && type && existsSync(join(mediaDir, name))) {
      send(200, type, readFileSync(join(mediaDir, name)));
      return;
    }
    if (path === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    send(404, 'text/plain', 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    requests,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}

/** The bundled example workspace (examples/shop), read from disk. */
export function exampleFiles(): Record<string, string> {
  const dir = join(repoRoot, 'examples', 'shop');
  const files: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    if (name.endsWith('.yaml')) files[`examples/shop/${name}`] = readFileSync(join(dir, name), 'utf8');
  }
  return files;
}

/** Locations as the server makes them: file URIs under the repository. */
export const locationOf: LocationOf = makeLocationOf((path) => pathToFileURL(join(repoRoot, path)).href);

type Waiter = { readonly test: (m: ViewMessage) => boolean; readonly resolve: (m: ViewMessage) => void };

/**
 * The extension host's part, in Node: answers `ready`, `setLevel` and `setExpanded` with the graph, `explain` with a
 * real explanation, and records every message the webview posts.
 */
export class FakeHost {
  readonly received: ViewMessage[] = [];
  readonly malformed: unknown[] = [];
  level: ReachLevel = 'workload';
  /** Group nodes the view asked to see expanded. */
  expand: readonly string[] = [];
  /** The view's node limit (the server's VIEW_NODE_LIMIT unless a test lowers it). */
  limit: number | undefined;
  generation = 1;
  /** Adjusts the real graph payload (hand-built hostile additions). */
  transformGraph: (graph: ReachabilityResult) => ReachabilityResult = (g) => g;
  /** Answers some explain requests by hand (hostile explanations). */
  explainOverride: ((from: string, to: string) => ExplainResult | undefined) | undefined;
  private waiters: Waiter[] = [];

  constructor(public ctx: AnalysisContext) {}

  static ofFiles(files: Record<string, string>): FakeHost {
    return new FakeHost(contextOf(files));
  }

  graph(): ReachabilityResult {
    return this.transformGraph(
      reachabilityPayload(this.ctx, this.level, locationOf, this.generation, {
        expand: this.expand,
        ...(this.limit !== undefined ? { limit: this.limit } : {}),
      }),
    );
  }

  explain(
    from: string,
    to: string,
    port?: { protocol: 'TCP' | 'UDP' | 'SCTP'; port: number },
  ): ExplainResult | undefined {
    return (
      this.explainOverride?.(from, to) ??
      explainPayload(this.ctx, this.level, from, to, locationOf, port, this.limit)
    );
  }

  /** Handles one message from the page; returns the host's answers (posted back into the page). */
  receive(message: unknown): HostMessage[] {
    if (!isViewMessage(message)) {
      this.malformed.push(message);
      return [];
    }
    this.received.push(message);
    for (const waiter of [...this.waiters]) {
      if (waiter.test(message)) {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        waiter.resolve(message);
      }
    }
    switch (message.type) {
      case 'ready':
        return [{ type: 'graph', graph: this.graph() }];
      case 'setLevel':
        this.level = message.level;
        return [{ type: 'graph', graph: this.graph() }];
      case 'setExpanded':
        this.expand = message.expand;
        return [{ type: 'graph', graph: this.graph() }];
      case 'explain': {
        const result = this.explain(message.from, message.to, message.port);
        return [
          result
            ? { type: 'explanation', from: message.from, to: message.to, result }
            : { type: 'explanation', from: message.from, to: message.to, error: 'Unknown pair.' },
        ];
      }
      default:
        return [];
    }
  }

  /**
   * The first message at index `after` or later matching `test`, waiting for it if it has not come
   * yet (the wait is on the message itself, bounded by `timeoutMs`).
   */
  waitFor<T extends ViewMessage['type']>(
    type: T,
    test: (m: Extract<ViewMessage, { type: T }>) => boolean = () => true,
    after = 0,
    timeoutMs = 10_000,
  ): Promise<Extract<ViewMessage, { type: T }>> {
    const matches = (m: ViewMessage): m is Extract<ViewMessage, { type: T }> =>
      m.type === type && test(m as Extract<ViewMessage, { type: T }>);
    const found = this.received.slice(after).find(matches);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        test: matches,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m as Extract<ViewMessage, { type: T }>);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(
          new Error(
            `no '${type}' message came; got: ${JSON.stringify(this.received.slice(after)).slice(0, 600)}`,
          ),
        );
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }
}

/**
 * The `acquireVsCodeApi` stand-in, run in the page before its scripts (an init script is not subject to
 * the page's CSP). Posted messages go to the Node host through an exposed binding and its answers come
 * back as `message` events, as in VS Code; state lives in sessionStorage so it survives a reload, as
 * VS Code keeps it while a panel is hidden. CSP violations are collected for the test.
 */
export const vscodeApiStandIn = `(() => {
  const violations = [];
  window.__cspViolations = violations;
  document.addEventListener('securitypolicyviolation', (e) => {
    violations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || ''));
  });
  let acquired = false;
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('acquireVsCodeApi may be called once');
    acquired = true;
    return Object.freeze({
      postMessage(message) {
        window.__hostReceive(message).then((answers) => {
          for (const answer of JSON.parse(answers)) window.postMessage(answer, '*');
        });
      },
      getState() {
        const saved = sessionStorage.getItem('vscode-state');
        return saved === null ? undefined : JSON.parse(saved);
      },
      setState(state) {
        sessionStorage.setItem('vscode-state', JSON.stringify(state));
        return state;
      },
    });
  };
})();`;
