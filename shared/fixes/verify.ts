/**
 * The last check before a fix is offered: applied to the text, it must keep the YAML documents it
 * touches (no document added, removed or broken; a fix that says it adds one adds exactly one) and add no error (no YAML or API-validity error that was
 * not there before, rule by rule). A fix that would is not offered: its edit was computed for a layout it
 * does not handle, or it repairs one thing and breaks another (renaming a key to `apiVersion` whose value
 * is not a served version). Only the `---` documents the edits touch are re-read.
 */
import { SourceFile } from '../source/source-file.js';
import { loadManifests } from '../parse/yaml-loader.js';
import { objectsOfDocument } from '../parse/kube-objects.js';
import { validateNetworkPolicy } from '../validate/index.js';
import { isBuiltInGroupVersion } from '../validate/api-version.js';
import { chunkAt, documentChunks } from '../session/document-chunks.js';
import type { Fix } from './types.js';
import { applyEdits } from './types.js';
import { modelledPolicyFamily, readPolicyApiObjects } from '../policy-apis/index.js';

/** Documents and error counts per rule of a text (one or more whole `---` documents). */
function errorsOf(text: string): { documents: number; broken: number; errors: Map<string, number> } {
  const file = new SourceFile('fix.yaml', text);
  const loaded = loadManifests(file);
  const errors = new Map<string, number>();
  const count = (rule: string) => errors.set(rule, (errors.get(rule) ?? 0) + 1);
  for (const problem of loaded.problems) if (problem.severity === 'error') count(problem.code);
  for (const document of loaded.documents) {
    for (const object of objectsOfDocument(file, document)) {
      if (modelledPolicyFamily(object)) {
        for (const finding of readPolicyApiObjects([{ object, namespace: 'default' }]).findings)
          if (finding.severity === 'error') count(finding.rule);
        continue;
      }
      if (object.kind !== 'NetworkPolicy') continue;
      if (object.apiVersion !== undefined && !isBuiltInGroupVersion(object.apiVersion)) continue;
      for (const finding of validateNetworkPolicy(object))
        if (finding.severity === 'error') count(finding.rule);
    }
  }
  return {
    documents: loaded.documents.length,
    broken: loaded.documents.filter((d) => d.broken).length,
    errors,
  };
}

/** True when the fix keeps the documents it edits and adds no error to them. */
export function fixKeepsDocuments(fix: Fix): boolean {
  const file = fix.edits[0]?.file;
  if (!file || fix.edits.some((e) => e.file !== file)) return true; // several files: not checked here
  const text = file.text;
  const start = Math.min(...fix.edits.map((e) => e.span.start));
  const end = Math.max(...fix.edits.map((e) => e.span.end));
  // The documents around the edits: an edit at a `---` line may belong to either side, so both count.
  const chunks = documentChunks(text);
  const from = chunkAt(chunks, Math.max(0, start - 1))?.start ?? 0;
  const to = chunkAt(chunks, end)?.end ?? text.length;
  const after = applyEdits(text, fix.edits);
  const delta = after.length - text.length;
  const before = errorsOf(text.slice(from, to));
  const now = errorsOf(after.slice(from, to + delta));
  if (now.documents !== before.documents + (fix.addsDocument ? 1 : 0) || now.broken > before.broken)
    return false;
  for (const [rule, count] of now.errors) if (count > (before.errors.get(rule) ?? 0)) return false;
  return true;
}
