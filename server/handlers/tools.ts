/**
 * The assistants' tools (shared/tools/) for the VS Code language model tools: the input is validated
 * against the tool's editor schema, `paths` are read as the workspace holds them (the text of open
 * documents, unsaved edits included, before the disk), and a workspace-relative path is resolved
 * against the first workspace folder. Without `files` or `paths`, the tools read the workspace folders.
 */
import { isAbsolute, join, relative, sep } from 'node:path';
import type { RunToolParams, RunToolResult } from '../../shared/protocol.js';
import { editorToolSchema, toolNames } from '../../shared/tools/schemas.js';
import type { ToolName } from '../../shared/tools/schemas.js';
import { runTool, ToolInputError } from '../../shared/tools/run.js';
import type { ToolHost } from '../../shared/tools/run.js';
import { SourceFile } from '../../shared/source/source-file.js';
import { collectSources, InputError } from '../../node/inputs.js';
import { pathToUri } from '../uris.js';
import type { ServerState } from '../server.js';

export function runToolRequest(state: ServerState, params: RunToolParams): RunToolResult {
  const name = params.name as ToolName;
  if (!toolNames.includes(name)) return { error: `unknown tool ${String(params.name)}` };
  const roots = state.folders().map((f) => f.path);
  const raw = (params.input ?? {}) as Record<string, unknown>;
  const input =
    name !== 'diff' && raw.files === undefined && raw.paths === undefined ? { ...raw, paths: roots } : raw;
  const parsed = editorToolSchema(name).safeParse(input);
  if (!parsed.success) return { error: parsed.error.message };
  // `apply` (fix) is the editor's: the client writes the fixed text after the user confirms.
  const toolInput: Record<string, unknown> = { ...(parsed.data as Record<string, unknown>) };
  delete toolInput.apply;
  const root = roots[0];
  const host: ToolHost = {
    readPaths(paths) {
      const absolute = paths.map((p) => (isAbsolute(p) || root === undefined ? p : join(root, p)));
      return collectSources(absolute, () => '').map((s) => {
        const open = state.documents.get(pathToUri(s.path));
        const shown = root !== undefined && s.path.startsWith(root + sep) ? relative(root, s.path) : s.path;
        return new SourceFile(shown, open ? open.getText() : s.text);
      });
    },
  };
  try {
    return { result: runTool(name, toolInput as never, host) };
  } catch (error) {
    if (error instanceof ToolInputError || error instanceof InputError) return { error: error.message };
    throw error;
  }
}
