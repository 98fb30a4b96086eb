/**
 * Source action: create a default-deny NetworkPolicy for the namespace of the document at the cursor.
 *
 * "You can create a 'default' isolation policy for a namespace by creating a NetworkPolicy that selects
 * all pods but does not allow any ingress traffic to those pods" — and likewise for egress; with both
 * policyTypes, every pod of the namespace is isolated in both directions
 * (https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies).
 *
 * The policy is appended as a new `---` document at the end of the file, in the file's indentation and
 * line endings; the rest of the file is untouched. Its name is `default-deny`, made unique against the
 * namespace's existing policies. The namespace is the cursor document's `metadata.namespace` (a
 * Namespace object's own name), else the default namespace; `namespace:` is written only when the
 * document named one, so the new policy goes wherever the file's other objects go.
 */
import type { AnalysisContext } from '../context.js';
import type { SourceFile } from '../source/source-file.js';
import type { Fix, TextEdit } from './types.js';
import { renderBlock, detectStyle, defaultStyle } from './yaml-edit.js';
import type { YamlStyle, YamlValue } from './yaml-edit.js';
import { documentAt, loadedFileOf, objectAt } from './target.js';

export function defaultDenyActions(ctx: AnalysisContext, file: SourceFile, offset: number): Fix[] {
  const loaded = loadedFileOf(ctx, file);
  if (!loaded || /\.json$/i.test(file.path)) return [];
  const objects = ctx.workspace.objects.filter((o) => o.file === loaded.file);
  if (objects.length === 0) return [];
  const document = documentAt(loaded, offset);
  const at =
    objectAt(ctx, loaded.file, offset) ??
    (document ? objects.find((o) => o.document === document) : undefined);
  const declared = at?.kind === 'Namespace' ? at.name : at?.namespace;
  const namespace = declared ?? ctx.settings.defaultNamespace;
  const edit = appendDefaultDeny(ctx, loaded.file, namespace, declared !== undefined);
  return [
    { title: `Create a default-deny policy for namespace ${namespace}`, kind: 'source', edits: [edit] },
  ];
}

/**
 * A default-deny policy for a chosen namespace (the "Create Default-Deny Policy for Namespace…"
 * command): appended to `file` when given (YAML only), and as the text of a new file otherwise.
 */
export function defaultDenyPolicy(
  ctx: AnalysisContext,
  namespace: string,
  file: SourceFile | undefined,
): { readonly text: string; readonly edits: readonly TextEdit[] } {
  const loaded = file && !/\.json$/i.test(file.path) ? loadedFileOf(ctx, file) : undefined;
  if (loaded) return { text: '', edits: [appendDefaultDeny(ctx, loaded.file, namespace, true)] };
  return {
    text: documentLines(ctx, namespace, true, defaultStyle)
      .map((l) => `${l}\n`)
      .join(''),
    edits: [],
  };
}

function uniqueName(ctx: AnalysisContext, namespace: string): string {
  const defaultNamespace = ctx.settings.defaultNamespace;
  const taken = new Set(
    ctx.workspace.objects
      .filter((o) => o.kind === 'NetworkPolicy' && (o.namespace ?? defaultNamespace) === namespace)
      .flatMap((o) => (o.name === undefined ? [] : [o.name])),
  );
  let name = 'default-deny';
  for (let n = 2; taken.has(name); n++) name = `default-deny-${n}`;
  return name;
}

/** The comment and policy lines (no `---`), in a style. */
function documentLines(
  ctx: AnalysisContext,
  namespace: string,
  writeNamespace: boolean,
  style: YamlStyle,
): string[] {
  const name = uniqueName(ctx, namespace);
  const policy: YamlValue = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: writeNamespace ? { name, namespace } : { name },
    spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
  };
  return [
    `# Default deny: selects every pod of namespace ${namespace} (podSelector: {}) and isolates it for ingress and egress;`,
    '# only traffic that other policies allow gets through.',
    ...renderBlock(policy, 0, style),
  ];
}

/** The edit appending the policy as a new `---` document at the end of a file, in the file's style. */
function appendDefaultDeny(
  ctx: AnalysisContext,
  file: SourceFile,
  namespace: string,
  writeNamespace: boolean,
): TextEdit {
  return appendDocument(ctx, file, (style) => documentLines(ctx, namespace, writeNamespace, style));
}

/**
 * The edit appending a new `---` document at the end of a file, its lines written in the file's style
 * (indentation, line ends); nothing before the end changes.
 */
export function appendDocument(
  ctx: AnalysisContext,
  file: SourceFile,
  linesOf: (style: YamlStyle) => readonly string[],
): TextEdit {
  const loaded = loadedFileOf(ctx, file)!;
  const roots = loaded.documents.flatMap((d) => (d.root ? [d.root] : []));
  const style = detectStyle(loaded.file, roots);
  const text = loaded.file.text;
  const eol = style.eol;
  const endsWithBreak = text === '' || /[\r\n]$/.test(text);
  const endsWithMarker = /(^|[\r\n])---[ \t]*(\r\n|\n|\r)?$/.test(text);
  const lines = [...(endsWithMarker ? [] : ['---']), ...linesOf(style)];
  const newText = (endsWithBreak ? '' : eol) + lines.map((l) => l + eol).join('');
  return { file: loaded.file, span: { start: text.length, end: text.length }, newText };
}
