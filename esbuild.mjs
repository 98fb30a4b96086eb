// Builds every bundle of netpol-scope with esbuild.
//   node esbuild.mjs               development build (sourcemaps)
//   node esbuild.mjs --production  minified, for the VSIX
//   node esbuild.mjs --watch       rebuild on change
import * as esbuild from 'esbuild';
import { mkdirSync, readFileSync } from 'node:fs';

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
];

mkdirSync('dist', { recursive: true });
if (watch) {
  for (const options of builds) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
  }
  console.log('esbuild: watching for changes');
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
