// Builds every bundle of netpol-scope with esbuild.
//   node esbuild.mjs               development build (sourcemaps)
//   node esbuild.mjs --production  minified, for the VSIX
//   node esbuild.mjs --watch       rebuild on change
import * as esbuild from 'esbuild';
import { join } from 'node:path';
import { copyFileSync, mkdirSync, readFileSync, watch as watchFile, readdirSync, rmSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
  define: { NETPOL_SCOPE_VERSION: JSON.stringify(pkg.version) },
};

/** @type {Array<import('esbuild').BuildOptions>} */
const builds = [
  {
    ...common,
    entryPoints: { cli: 'cli/main.ts' },
    outdir: 'dist',
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    ...common,
    entryPoints: { server: 'server/main.ts' },
    outdir: 'dist',
  },
  {
    ...common,
    entryPoints: { client: 'client/extension.ts' },
    outdir: 'dist',
    external: ['vscode'],
  },
  {
    // The reachability webview's script: a browser program, loaded by the CSP shell in client/webview-html.ts.
    entryPoints: { reachability: 'client/webview/main.ts' },
    outdir: 'dist/media',
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    sourcemap: !production,
    minify: production,
    logLevel: 'warning',
    legalComments: 'eof',
    plugins: [{ name: 'copy-webview-css', setup: (build) => build.onEnd(copyWebviewCss) }],
  },
];

/** The webview's stylesheet is plain CSS (theme variables with fallbacks): copied as it is. */
const webviewCss = 'client/webview/reachability.css';
function copyWebviewCss() {
  mkdirSync('dist/media', { recursive: true });
  copyFileSync(webviewCss, 'dist/media/reachability.css');
}

mkdirSync('dist', { recursive: true });
// A production build has no source maps: drop those a development build left behind.
if (production) {
  for (const file of readdirSync('dist', { recursive: true })) {
    if (String(file).endsWith('.map')) rmSync(join('dist', String(file)));
  }
}
if (watch) {
  for (const options of builds) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
  }
  watchFile(webviewCss, () => copyWebviewCss());
  console.log('esbuild: watching for changes');
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
