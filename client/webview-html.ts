/**
 * The reachability webview's HTML shell: a strict Content-Security-Policy (nothing by default, the
 * script only with a fresh nonce, styles and images only from the webview's own resources), one
 * stylesheet, one script. No manifest data is ever put in this HTML: the script receives it by
 * postMessage and inserts it as text.
 */
export interface WebviewHtmlOptions {
  /** The webview's `cspSource` (VS Code) or the test server's origin. */
  readonly cspSource: string;
  readonly nonce: string;
  readonly scriptUri: string;
  readonly styleUri: string;
}

export function webviewHtml(options: WebviewHtmlOptions): string {
  const csp = [
    "default-src 'none'",
    `img-src ${options.cspSource} data:`,
    `style-src ${options.cspSource}`,
    `font-src ${options.cspSource}`,
    `script-src 'nonce-${options.nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${options.styleUri}">
<title>Reachability</title>
</head>
<body>
<main id="app" aria-busy="true"><p class="loading">Loading reachability…</p></main>
<script nonce="${options.nonce}" src="${options.scriptUri}"></script>
</body>
</html>`;
}

/** A nonce: 32 characters from a cryptographic source. */
export function makeNonce(): string {
  const bytes = new Uint8Array(24);
  globalThis.crypto.getRandomValues(bytes);
  return Buffer.from(bytes)
    .toString('base64')
    .replace(/[+/=]/g, (c) => (c === '+' ? '-' : c === '/' ? '_' : ''));
}
