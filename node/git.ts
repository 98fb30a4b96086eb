/**
 * The manifests of a git revision, read with the repository's own git (`git ls-tree`, `git cat-file
 * --batch`): the files `collectSources` would read from the working tree for the same paths, with the
 * same names (relative to the current directory), so that both sides of `diff --base` line up.
 */
import { execFileSync } from 'node:child_process';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { SourceFile } from '../shared/source/source-file.js';
import { InputError, isManifestPath } from './inputs.js';

function git(args: readonly string[], cwd: string, input?: Buffer): Buffer {
  try {
    return execFileSync('git', args, {
      cwd,
      maxBuffer: 1 << 30,
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(input ? { input } : {}),
    });
  } catch (error) {
    const e = error as { code?: string; stderr?: Buffer };
    if (e.code === 'ENOENT')
      throw new InputError('git is not installed (diff --base reads the revision with git)');
    const message = e.stderr?.toString('utf8').trim().split('\n')[0] ?? String(error);
    throw new InputError(`git ${args[0]}: ${message}`);
  }
}

/** The repository's top directory for a directory inside it. */
export function repositoryRoot(cwd: string): string {
  return git(['rev-parse', '--show-toplevel'], cwd).toString('utf8').trim();
}

/**
 * The manifests at `ref` under `paths` (files or directories, relative to `cwd`; default the current
 * directory). Directories are read as the working-tree walk reads them: `.yaml`, `.yml` and `.json`,
 * without `node_modules` and dot-directories.
 */
export function revisionSources(ref: string, paths: readonly string[], cwd = process.cwd()): SourceFile[] {
  const root = repositoryRoot(cwd);
  git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], cwd);
  const specs = (paths.length > 0 ? paths : ['.']).map((p) => {
    const rel = relative(root, resolve(cwd, p)).split(sep).join('/');
    if (rel.startsWith('..') || isAbsolute(rel))
      throw new InputError(`${p} is outside the repository ${root}`);
    return rel === '' ? '.' : rel;
  });
  const listing = git(['ls-tree', '-r', '-z', '--full-tree', ref, '--', ...specs], root).toString('utf8');
  const blobs: Array<{ sha: string; path: string }> = [];
  for (const entry of listing.split('\0')) {
    const m = /^\d+ blob ([0-9a-f]+)\t(.*)$/s.exec(entry);
    if (!m) continue;
    const path = m[2]!;
    const explicit = specs.includes(path);
    const parts = path.split('/');
    const skipped = parts.slice(0, -1).some((d) => d.startsWith('.') || d === 'node_modules');
    if (!explicit && (skipped || !isManifestPath(path))) continue;
    blobs.push({ sha: m[1]!, path });
  }
  if (blobs.length === 0) return [];
  const batch = git(['cat-file', '--batch'], root, Buffer.from(blobs.map((b) => b.sha).join('\n') + '\n'));
  const out: SourceFile[] = [];
  let offset = 0;
  for (const blob of blobs) {
    const newline = batch.indexOf(0x0a, offset);
    const header = batch.subarray(offset, newline).toString('utf8').split(' ');
    const size = Number(header[2]);
    const text = batch.subarray(newline + 1, newline + 1 + size).toString('utf8');
    offset = newline + 1 + size + 1;
    const name = relative(cwd, join(root, blob.path)) || blob.path;
    out.push(new SourceFile(name, text));
  }
  return out.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
}

/** The commit HEAD names in the repository holding a directory; undefined outside a repository or before the first commit. */
export function headCommit(cwd: string): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', '--verify', '--quiet', 'HEAD'], {
      cwd,
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .toString('utf8')
      .trim();
  } catch {
    return undefined;
  }
}
