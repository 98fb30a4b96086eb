/**
 * What the fix modules share: finding the document, the editor and the objects behind a finding, and
 * building Fix values.
 */
import type { AnalysisContext } from '../context.js';
import type { Finding } from '../findings.js';
import type { KubeObject } from '../parse/kube-objects.js';
import type { LoadedFile, ManifestDocument } from '../parse/yaml-loader.js';
import type { SMap, SNode, SPair } from '../parse/snode.js';
import { isMap } from '../parse/snode.js';
import type { NetworkPolicy } from '../model/types.js';
import { qualifiedName } from '../model/types.js';
import type { SourceFile, Span } from '../source/source-file.js';
import type { Fix, TextEdit } from './types.js';
import { YamlEditor, detectStyle } from './yaml-edit.js';

/** The loaded file of a source file (the same object, else the same path). */
export function loadedFileOf(ctx: AnalysisContext, file: SourceFile): LoadedFile | undefined {
  const files = ctx.workspace.files;
  return files.find((f) => f.file === file) ?? files.find((f) => f.file.path === file.path);
}

/** The well-formed document of a file that holds `offset`. */
export function documentAt(loaded: LoadedFile, offset: number): ManifestDocument | undefined {
  return loaded.documents.find(
    (d) => !d.broken && d.root !== undefined && offset >= d.span.start && offset <= d.span.end,
  );
}

const editors = new WeakMap<SNode, YamlEditor>();

/** The editor of a document (built once per document tree). */
export function editorOf(loaded: LoadedFile, document: ManifestDocument): YamlEditor | undefined {
  const root = document.root;
  if (!root || document.broken) return undefined;
  let editor = editors.get(root);
  if (!editor || editor.file !== loaded.file) {
    const others = loaded.documents.flatMap((d) => (d.root && d !== document ? [d.root] : []));
    editor = new YamlEditor(loaded.file, root, detectStyle(loaded.file, [root], others));
    editors.set(root, editor);
  }
  return editor;
}

/** The editor of the document holding `offset` in `file`. */
export function editorAt(ctx: AnalysisContext, file: SourceFile, offset: number): YamlEditor | undefined {
  const loaded = loadedFileOf(ctx, file);
  const document = loaded && documentAt(loaded, offset);
  return loaded && document ? editorOf(loaded, document) : undefined;
}

/** The editor of the document an object was read from. */
export function editorOfObject(ctx: AnalysisContext, object: KubeObject): YamlEditor | undefined {
  const loaded = loadedFileOf(ctx, object.file);
  return loaded ? editorOf(loaded, object.document) : undefined;
}

/** The innermost Kubernetes object of the workspace whose node holds `offset` in `file`. */
export function objectAt(ctx: AnalysisContext, file: SourceFile, offset: number): KubeObject | undefined {
  let best: KubeObject | undefined;
  for (const object of ctx.workspace.objects) {
    if (object.file !== file && object.file.path !== file.path) continue;
    const span = object.node.span;
    if (offset < span.start || offset > span.end) continue;
    if (!best || span.start >= best.node.span.start) best = object;
  }
  return best;
}

/**
 * The policy (and its object) a finding is about: by the qualified name in `data.policy` when given
 * (preferring the definition that holds the finding), else the policy whose object holds the finding.
 */
export function policyOf(
  ctx: AnalysisContext,
  finding: Finding,
): { readonly policy: NetworkPolicy; readonly object: KubeObject } | undefined {
  const name = typeof finding.data?.policy === 'string' ? finding.data.policy : undefined;
  const candidates: Array<{ policy: NetworkPolicy; object: KubeObject }> = [];
  for (const [policy, object] of ctx.workspace.policyObjects) {
    if (name === undefined || qualifiedName(policy) === name) candidates.push({ policy, object });
  }
  const holds = (object: KubeObject) =>
    (object.file === finding.file || object.file.path === finding.file.path) &&
    finding.span.start >= object.node.span.start &&
    finding.span.start <= object.node.span.end;
  const holding = candidates.filter((c) => holds(c.object));
  // Innermost first (the items of a List sit inside the List's document).
  holding.sort((a, b) => b.object.node.span.start - a.object.node.span.start);
  if (holding[0]) return holding[0];
  if (name === undefined) return undefined;
  return candidates.find((c) => !c.policy.rejected) ?? candidates[0];
}

/**
 * The pair of a map holding `key` as written in the map itself (not through a merge key). With a
 * duplicated key it is the last one, the one the analysis reads (parse/snode.ts `pairOf`), so a fix
 * edits the copy that its finding is about.
 */
export function ownPair(editor: YamlEditor, map: SNode | undefined, key: string): SPair | undefined {
  if (!isMap(map)) return undefined;
  const own = editor.ownPairs(map);
  for (let i = own.length - 1; i >= 0; i--) if (own[i]!.key.value === key) return own[i];
  return undefined;
}

/** The `spec` mapping of an object, when it is one the editor may change. */
export function specOf(editor: YamlEditor, object: KubeObject): SMap | undefined {
  const spec = ownPair(editor, object.node, 'spec')?.value;
  return isMap(spec) && !editor.isShared(spec) ? spec : undefined;
}

/** The node that a finding's span starts at: a value (pair value or entry), else a pair's value by its key. */
export function nodeAtSpan(editor: YamlEditor, span: Span): SNode | undefined {
  return editor.valueAt(span.start) ?? editor.pairWithKeyAt(span.start)?.value;
}

export function quickFix(title: string, edits: readonly TextEdit[] | undefined, preferred = false): Fix[] {
  if (!edits || edits.length === 0) return [];
  return [{ title, kind: 'quickfix', edits, ...(preferred ? { preferred: true } : {}) }];
}

/** A string array from finding data (entries that are not strings are dropped). */
export function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
