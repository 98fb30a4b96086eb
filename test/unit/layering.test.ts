/** The architecture's import rules (ARCHITECTURE.md, "Rules of the house"). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { repoRoot } from '../support/cli.js';

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return tsFiles(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
}

test('shared/ imports no vscode module, no node I/O and nothing outside shared/', () => {
  const shared = join(repoRoot, 'shared');
  const offending: string[] = [];
  for (const file of tsFiles(shared)) {
    for (const spec of importsOf(file)) {
      const where = relative(repoRoot, file);
      if (/^vscode/.test(spec) && !/^vscode-(jsonrpc|languageserver-protocol)$/.test(spec))
        offending.push(`${where}: ${spec}`);
      if (/^(node:)?(fs|child_process|net|http|https)(\/|$)/.test(spec)) offending.push(`${where}: ${spec}`);
      if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec);
        if (!target.startsWith(shared + '/')) offending.push(`${where}: ${spec}`);
      }
    }
  }
  assert.deepEqual(offending, []);
});
