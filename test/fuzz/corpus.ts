/**
 * The texts the fuzzer starts from: the bundled examples, the test fixtures, every example of
 * docs/rules.md (they trigger every rule, so every quick fix gets exercised), and, when it is present
 * beside the repository, manifests of ../shared/peer-suites (read in place, never copied).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from '../support/cli.js';
import { example, sections } from '../support/rules-doc.js';

export interface Seed {
  readonly name: string;
  readonly text: string;
}

export const peerSuites = join(repoRoot, '..', 'shared', 'peer-suites');

/** Larger files make each step slow without finding more. */
const MAX_SEED_CHARS = 60_000;

function manifestFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) manifestFiles(path, out);
    else if (/\.(ya?ml|json)$/.test(entry.name) && statSync(path).size <= MAX_SEED_CHARS) out.push(path);
  }
  return out;
}

export interface Corpus {
  readonly seeds: readonly Seed[];
  /** True when ../shared/peer-suites contributed seeds. */
  readonly peerSuites: boolean;
}

export function loadCorpus(): Corpus {
  const seeds: Seed[] = [];
  const add = (path: string) => {
    const text = readFileSync(path, 'utf8');
    if (text.trim() !== '') seeds.push({ name: relative(repoRoot, path), text });
  };
  for (const dir of ['examples', 'test/fixtures']) manifestFiles(join(repoRoot, dir)).forEach(add);
  for (const section of sections()) {
    for (const label of ['Bad', 'Good'] as const) {
      const found = example(section, label);
      if (found) seeds.push({ name: `docs/rules.md#${section.id} (${label})`, text: found.yaml });
    }
  }
  const peers = existsSync(peerSuites);
  if (peers) {
    for (const dir of ['realworld', 'workspaces', 'kube-linter', 'kube-score', 'polaris', 'recipes']) {
      const path = join(peerSuites, dir);
      if (existsSync(path)) manifestFiles(path).forEach(add);
    }
  }
  return { seeds, peerSuites: peers };
}
