/** Test helpers: manifests from inline YAML. */
import { SourceFile } from '../../shared/source/source-file.js';
import { loadManifests } from '../../shared/parse/yaml-loader.js';
import type { LoadedFile } from '../../shared/parse/yaml-loader.js';
import { objectsOfDocument } from '../../shared/parse/kube-objects.js';
import type { KubeObject } from '../../shared/parse/kube-objects.js';

/** Removes the common indentation of a template literal, so YAML can be written indented in tests. */
export function dedent(text: string): string {
  const lines = text.replace(/^\n/, '').split('\n');
  const indents = lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)![0].length);
  const cut = indents.length ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(cut)).join('\n');
}

export function load(yaml: string, path = 'test.yaml'): LoadedFile {
  return loadManifests(new SourceFile(path, dedent(yaml)));
}

export function objects(yaml: string, path = 'test.yaml'): KubeObject[] {
  const loaded = load(yaml, path);
  return loaded.documents.flatMap((d) => objectsOfDocument(loaded.file, d));
}

/** The text a span covers. */
export function textOf(file: SourceFile, span: { start: number; end: number }): string {
  return file.text.slice(span.start, span.end);
}
