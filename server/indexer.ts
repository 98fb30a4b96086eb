/**
 * Finds the Kubernetes manifests of a workspace folder: walks it (skipping node_modules, VCS folders
 * and build output), keeps files matching the include globs and not the exclude globs, below the size
 * limit, and whose text looks like Kubernetes YAML/JSON (`kind:` or `"kind":`).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import picomatch from 'picomatch';
import type { Settings } from '../shared/settings.js';
import { isAssertionsPath } from '../shared/assertions/parse.js';

const skippedDirectories: ReadonlySet<string> = new Set([
  'node_modules',
  '.git',
  '.hg',
  '.svn',
  'dist',
  'out',
  'build',
  'target',
  '.venv',
  '__pycache__',
  '.terraform',
  '.vscode-test',
]);

const KIND = /^\s*(?:-\s+)?kind\s*:|"kind"\s*:/m;

export interface IndexedFile {
  readonly path: string;
  readonly text: string;
}

export interface ScanOptions {
  readonly settings: Settings;
  /** Called for each directory visited, for progress. */
  readonly onDirectory?: (relativePath: string) => void;
  readonly isCancelled?: () => boolean;
}

export function globMatcher(settings: Settings): (relativePath: string) => boolean {
  const include = picomatch([...settings.include], { dot: false });
  const exclude = settings.exclude.length > 0 ? picomatch([...settings.exclude], { dot: true }) : () => false;
  return (rel) => include(rel) && !exclude(rel);
}

/** True when a text is worth parsing as manifests. */
export function looksLikeManifest(text: string): boolean {
  return KIND.test(text);
}

/**
 * True when a file (relative to its workspace folder, `/`-separated) is one indexing would visit: not in
 * a skipped directory, matching the include globs and not the exclude globs.
 */
export function isIndexedPath(relativePath: string, settings: Settings): boolean {
  const parts = relativePath.split('/');
  if (parts.some((p) => p === '..' || p === '')) return false;
  if (parts.slice(0, -1).some((dir) => skippedDirectories.has(dir))) return false;
  return globMatcher(settings)(relativePath);
}

/**
 * The text of one file of a workspace folder when indexing would take it (path, size and content as in
 * scanFolder), else undefined: for files that change on disk after the folder was scanned.
 */
export async function readIndexedFile(
  root: string,
  path: string,
  settings: Settings,
): Promise<string | undefined> {
  if (!isIndexedPath(relativePath(root, path), settings)) return undefined;
  return (await readCandidate(path, settings.maxFileSize))?.text;
}

/**
 * The directories of a folder, breadth first, each with its files (full paths); node_modules, VCS
 * folders and build output are skipped, and unreadable directories too.
 */
export async function* walkFolder(
  root: string,
  isCancelled?: () => boolean,
): AsyncGenerator<{ readonly dir: string; readonly files: readonly string[] }> {
  const queue = [root];
  while (queue.length > 0) {
    if (isCancelled?.()) return;
    const dir = queue.shift()!;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      continue; // unreadable directory: skip it
    }
    const files: string[] = [];
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!skippedDirectories.has(entry.name)) queue.push(path);
      } else if (entry.isFile()) files.push(path);
    }
    yield { dir, files };
  }
}

/** A path relative to a folder, `/`-separated (what globs match). */
export function relativePath(root: string, path: string): string {
  return relative(root, path).split(sep).join('/');
}

export async function scanFolder(root: string, options: ScanOptions): Promise<IndexedFile[]> {
  const matches = globMatcher(options.settings);
  const out: IndexedFile[] = [];
  for await (const { dir, files } of walkFolder(root, options.isCancelled)) {
    options.onDirectory?.(relative(root, dir));
    const reads = files
      .filter((path) => matches(relativePath(root, path)))
      .map((path) => readCandidate(path, options.settings.maxFileSize));
    for (const file of await Promise.all(reads)) if (file) out.push(file);
  }
  return out;
}

async function readCandidate(path: string, maxSize: number): Promise<IndexedFile | undefined> {
  try {
    const info = await stat(path);
    if (info.size > maxSize) return undefined;
    const text = await readFile(path, 'utf8');
    // Assertions files (netpol-scope.assertions.yaml) are read with the manifests they speak of.
    return looksLikeManifest(text) || isAssertionsPath(path) ? { path, text } : undefined;
  } catch {
    return undefined;
  }
}
