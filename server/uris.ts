/**
 * Document URIs <-> the paths the core shows in messages. A file inside a workspace folder is shown
 * relative to it (`policies/web.yaml`), prefixed with the folder's name when there are several
 * folders; anything else keeps its full path or URI.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { relative, sep, isAbsolute } from 'node:path';

export interface Folder {
  readonly uri: string;
  readonly name: string;
  readonly path: string;
}

export function folderFromUri(uri: string, name?: string): Folder {
  const path = uriToPath(uri);
  return { uri, name: name ?? path.split(sep).pop() ?? path, path };
}

export function uriToPath(uri: string): string {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
  } catch {
    return uri;
  }
}

export function pathToUri(path: string): string {
  return pathToFileURL(path).toString();
}

export class PathMap {
  private readonly toDisplay = new Map<string, string>();
  private readonly toUri = new Map<string, string>();

  constructor(private folders: readonly Folder[] = []) {}

  setFolders(folders: readonly Folder[]): void {
    this.folders = folders;
  }

  /** The folder a URI belongs to, if any (the innermost one). */
  folderOf(uri: string): Folder | undefined {
    const path = uriToPath(uri);
    let best: Folder | undefined;
    for (const f of this.folders) {
      const rel = relative(f.path, path);
      if (!rel.startsWith('..') && !isAbsolute(rel) && (!best || f.path.length > best.path.length)) best = f;
    }
    return best;
  }

  display(uri: string): string {
    const known = this.toDisplay.get(uri);
    if (known) return known;
    const folder = this.folderOf(uri);
    let display = uri;
    if (folder) {
      const rel = relative(folder.path, uriToPath(uri)).split(sep).join('/');
      display = this.folders.length > 1 ? `${folder.name}/${rel}` : rel;
    } else if (uri.startsWith('file:')) display = uriToPath(uri);
    // Two URIs may never share a display path.
    let unique = display;
    for (let n = 2; this.toUri.has(unique) && this.toUri.get(unique) !== uri; n++)
      unique = `${display} (${n})`;
    this.toDisplay.set(uri, unique);
    this.toUri.set(unique, uri);
    return unique;
  }

  uri(display: string): string | undefined {
    return this.toUri.get(display);
  }

  forget(uri: string): void {
    const display = this.toDisplay.get(uri);
    if (display !== undefined) this.toUri.delete(display);
    this.toDisplay.delete(uri);
  }
}
