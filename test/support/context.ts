/** Test helper: an AnalysisContext (workspace, engine, settings) from inline YAML files. */
import { SourceFile } from '../../shared/source/source-file.js';
import { buildWorkspace } from '../../shared/model/build-cluster.js';
import { normaliseSettings } from '../../shared/settings.js';
import { engineFor } from '../../shared/workspace-analysis.js';
import type { AnalysisContext } from '../../shared/context.js';
import { dedent } from './manifests.js';
import { FlowDigest } from '../../shared/flows/digest.js';
import { FlowTextReader } from '../../shared/flows/reader.js';
import { isAssertionsPath, parseAssertions } from '../../shared/assertions/parse.js';

/**
 * Builds a context from `{ 'path.yaml': yaml, ... }` (or one YAML string as `test.yaml`); the YAML is
 * dedented. `settings` is raw configuration as a client would send it; `flows` the text of a flow file.
 */
export function contextOf(
  files: string | Record<string, string>,
  settings: unknown = {},
  flows?: string,
): AnalysisContext {
  const entries = typeof files === 'string' ? [['test.yaml', files] as const] : Object.entries(files);
  const all = entries.map(([path, text]) => new SourceFile(path, dedent(text)));
  // Assertions files are read as assertions, as workspace-analysis.ts does.
  const assertions = all.filter((s) => isAssertionsPath(s.path)).map((s) => parseAssertions(s));
  const sources = all.filter((s) => !isAssertionsPath(s.path));
  const normalised = normaliseSettings(settings);
  const workspace = buildWorkspace(sources, { defaultNamespace: normalised.defaultNamespace });
  return {
    workspace,
    engine: engineFor(workspace.model, normalised),
    settings: normalised,
    ...(flows !== undefined ? { flows: [digestOf(flows)] } : {}),
    ...(assertions.length > 0 ? { assertions } : {}),
  };
}

/** Observed flows from the text of a flow file (any format flows/reader.ts reads). */
export function digestOf(text: string): FlowDigest {
  const digest = new FlowDigest();
  const reader = new FlowTextReader(digest);
  reader.push(text);
  if (reader.end() === undefined) throw new Error(`not a flow file: ${text.slice(0, 80)}`);
  return digest;
}

/** The file of a context by path. */
export function fileOf(ctx: AnalysisContext, path = 'test.yaml'): SourceFile {
  const loaded = ctx.workspace.files.find((f) => f.file.path === path);
  if (!loaded) throw new Error(`no file ${path}`);
  return loaded.file;
}
