/**
 * Helpers for the tests that run inside the VS Code extension host (bundled into the development
 * extension by test/e2e/build-suite.ts). Everything waits on VS Code events with a deadline, never on
 * fixed sleeps.
 */
import * as vscode from 'vscode';

export const EXTENSION_ID = 'netpol-scope.netpol-scope';

/** A file of the example workspace (the temporary copy of examples/ the workbench opened). */
export function workspaceUri(relative: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the tests need a workspace folder (a copy of examples/)');
  return vscode.Uri.joinPath(folder.uri, ...relative.split('/'));
}

/** The rule id of a diagnostic (the client turns `code` + `codeDescription` into `{ value, target }`). */
export function codeOf(diagnostic: vscode.Diagnostic): string {
  const code = diagnostic.code;
  if (code === undefined) return '';
  return typeof code === 'object' ? String(code.value) : String(code);
}

const SEVERITY: Record<vscode.DiagnosticSeverity, string> = {
  [vscode.DiagnosticSeverity.Error]: 'error',
  [vscode.DiagnosticSeverity.Warning]: 'warning',
  [vscode.DiagnosticSeverity.Information]: 'info',
  [vscode.DiagnosticSeverity.Hint]: 'hint',
};

/** `line:column severity rule` (1-based, as the CLI prints), sorted: easy to compare and to read. */
export function summarize(diagnostics: readonly vscode.Diagnostic[]): string[] {
  return diagnostics
    .map(
      (d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${SEVERITY[d.severity]} ${codeOf(d)}`,
    )
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

/**
 * Resolves once `check()` returns a value (checked now and after every `event`), or rejects after
 * `timeoutMs` with `describe()` of the last state.
 */
export function waitFor<T, E>(
  event: vscode.Event<E>,
  check: () => T | undefined,
  what: string,
  describe: () => string = () => '',
  timeoutMs = 30_000,
): Promise<T> {
  const now = check();
  if (now !== undefined) return Promise.resolve(now);
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}${describeSuffix(describe())}`));
    }, timeoutMs);
    const subscription = event(() => {
      const value = check();
      if (value === undefined) return;
      clearTimeout(timer);
      subscription.dispose();
      resolve(value);
    });
  });
}

function describeSuffix(text: string): string {
  return text ? `; last state:\n${text}` : '';
}

/** Waits until the diagnostics of `uri` satisfy `predicate`, and returns them. */
export function waitForDiagnostics(
  uri: vscode.Uri,
  predicate: (diagnostics: readonly vscode.Diagnostic[]) => boolean,
  what: string,
  timeoutMs?: number,
): Promise<readonly vscode.Diagnostic[]> {
  return waitFor(
    vscode.languages.onDidChangeDiagnostics,
    () => {
      const diagnostics = vscode.languages.getDiagnostics(uri);
      return predicate(diagnostics) ? diagnostics : undefined;
    },
    `${what} (${vscode.workspace.asRelativePath(uri)})`,
    () => summarize(vscode.languages.getDiagnostics(uri)).join('\n'),
    timeoutMs,
  );
}

/** The text of hovers (markdown sources joined). */
export function hoverText(hovers: readonly vscode.Hover[]): string {
  return hovers
    .flatMap((hover) => hover.contents)
    .map((content) => (typeof content === 'string' ? content : content.value))
    .join('\n---\n');
}

/** The YAML document (between `---` lines) of a file's text that contains `marker`. */
export function yamlDocumentWith(text: string, marker: string): string {
  const documents = text.split(/^---$/m);
  const found = documents.find((d) => d.includes(marker));
  if (found === undefined) throw new Error(`no YAML document contains ${marker}`);
  return found;
}
