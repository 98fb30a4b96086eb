/**
 * Collects the manifest files named on the command line: files, directories (recursive; `.yaml`,
 * `.yml` and `.json`; `node_modules` and dot-directories skipped) and `-` for standard input.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SourceFile } from '../shared/source/source-file.js';

const manifestExtension = /\.(ya?ml|json)$/i;
const skippedDirectories = new Set(['node_modules']);

export class InputError extends Error {}

/** The files a directory walk reads: `.yaml`, `.yml` and `.json`. */
export function isManifestPath(path: string): boolean {
  return manifestExtension.test(path);
}

export function collectSources(paths: readonly string[], readStdin: () => string): SourceFile[] {
  const out: SourceFile[] = [];
  for (const path of paths) {
    if (path === '-') {
      out.push(new SourceFile('<stdin>', readStdin()));
      continue;
    }
    let stat;
    try {
      stat = statSync(path);
    } catch {
      throw new InputError(`cannot read ${path}: no such file or directory`);
    }
    if (stat.isDirectory()) {
      for (const file of walk(path)) out.push(read(file));
    } else out.push(read(path));
  }
  return out;
}

function read(path: string): SourceFile {
  try {
    return new SourceFile(path, readFileSync(path, 'utf8'));
  } catch (error) {
    throw new InputError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

function walk(directory: string): string[] {
  const out: string[] = [];
  let entries;
  try {
    entries = readdirSync(directory, { withFileTypes: true });
  } catch (error) {
    throw new InputError(
      `cannot read directory ${directory}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) {
      if (entry.name.startsWith('.') || skippedDirectories.has(entry.name)) continue;
      out.push(...walk(path));
    } else if (entry.isFile() && manifestExtension.test(entry.name)) out.push(path);
  }
  return out;
}
