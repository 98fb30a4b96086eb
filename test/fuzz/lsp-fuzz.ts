/**
 * Drives the real language server (dist/server.js over stdio) with mutated documents: each case opens a
 * seed text, applies seeded mutations as incremental changes and applies quick fixes as an editor would,
 * asking for hovers, completions, code lenses, code actions and reachability along the way. Every answer
 * must come within the time limit and every range must be valid for the text it is about; every applied
 * fix must be safe (checks.ts). The first failure stops the run with everything needed to reproduce it.
 */
import type { CodeAction, Diagnostic, Position, Range, TextEdit } from 'vscode-languageserver-protocol';
import { LspClient, applyTextEdits, editsFor } from '../support/lsp-client.js';
import { repoRoot } from '../support/cli.js';
import { join } from 'node:path';
import { invalidRange, lineContents, unsafeFix } from './checks.js';
import { mutate, pick } from './mutations.js';
import type { Random } from './mutations.js';
import type { Seed } from './corpus.js';

/** An answer later than this is a hang (issue 8). */
export const ANSWER_LIMIT_MS = 3_000;

export class FuzzFailure extends Error {
  constructor(
    readonly kind: 'hang' | 'server exit' | 'internal error' | 'invalid range' | 'unsafe fix',
    message: string,
    readonly reproduction: { seed: string; steps: readonly string[]; text: string },
  ) {
    super(`${kind}: ${message}`);
  }
}

export interface LspStats {
  cases: number;
  edits: number;
  fixesApplied: number;
  /** Fixes offered that edit another file (not applied by the fuzzer, which edits one document). */
  crossDocumentFixes: number;
  requests: number;
  rangesChecked: number;
  /** Fixes applied per rule, to show what was covered. */
  readonly fixesByRule: Map<string, number>;
  memoryBefore?: number;
  memoryAfter?: number;
}

async function withinLimit<T>(
  promise: Promise<T>,
  what: string,
  fail: (kind: 'hang', m: string) => never,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), ANSWER_LIMIT_MS);
  });
  try {
    return await Promise.race([promise, timeout]);
  } catch (error) {
    if (error instanceof Error && error.message === 'timeout')
      fail('hang', `no answer to ${what} in ${ANSWER_LIMIT_MS} ms`);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** One incremental change from `before` to `after`: the differing middle, with ends off CRLFs and surrogate pairs. */
function minimalChange(before: string, after: string): { start: number; end: number; text: string } {
  let prefix = 0;
  const max = Math.min(before.length, after.length);
  while (prefix < max && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (
    suffix < max - prefix &&
    before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)
  )
    suffix++;
  // Positions may not split a CRLF or a surrogate pair: widen the change over them.
  const splits = (t: string, at: number) => {
    const a = t.charCodeAt(at - 1);
    const b = t.charCodeAt(at);
    return (a === 13 && b === 10) || (a >= 0xd800 && a <= 0xdbff && b >= 0xdc00 && b <= 0xdfff);
  };
  while (prefix > 0 && (splits(before, prefix) || splits(after, prefix))) prefix--;
  while (suffix > 0 && (splits(before, before.length - suffix) || splits(after, after.length - suffix)))
    suffix--;
  return { start: prefix, end: before.length - suffix, text: after.slice(prefix, after.length - suffix) };
}

function positionAt(text: string, offset: number): Position {
  const lines = lineContents(text.slice(0, offset));
  return { line: lines.length - 1, character: lines[lines.length - 1]!.length };
}

export class LspFuzzer {
  readonly stats: LspStats = {
    cases: 0,
    edits: 0,
    fixesApplied: 0,
    crossDocumentFixes: 0,
    requests: 0,
    rangesChecked: 0,
    fixesByRule: new Map(),
  };
  private client!: LspClient;
  private steps: string[] = [];
  private seedName = '';
  private text = '';

  constructor(private readonly random: Random) {}

  async start(): Promise<void> {
    // A workspace with workloads and namespaces, so that the workspace rules, hovers and fixes have data.
    this.client = new LspClient({ fixture: join(repoRoot, 'examples'), nodeArgs: ['--expose-gc'] });
    await this.client.start();
    this.stats.memoryBefore = (await this.client.memory()).heapUsed;
  }

  async stop(): Promise<void> {
    if (this.client.exited === undefined) this.stats.memoryAfter = (await this.client.memory()).heapUsed;
    await this.client.dispose();
  }

  private fail(kind: FuzzFailure['kind'], message: string): never {
    throw new FuzzFailure(kind, message, { seed: this.seedName, steps: [...this.steps], text: this.text });
  }

  /** Fails on a server exit or an error the server logged. */
  private checkHealth(): void {
    const exited = this.client.exited;
    if (exited)
      this.fail(
        'server exit',
        `the server exited (code ${exited.code}, signal ${exited.signal}): ${this.client.stderrText}`,
      );
    if (this.client.errorLogs.length > 0) this.fail('internal error', this.client.errorLogs.join('\n'));
    if (/\n\s+at /.test(this.client.stderrText)) this.fail('internal error', this.client.stderrText);
  }

  private async answer<T>(promise: Promise<T>, what: string): Promise<T> {
    this.stats.requests++;
    try {
      return await withinLimit(promise, what, (kind, m) => this.fail(kind, m));
    } catch (error) {
      if (error instanceof FuzzFailure) throw error;
      this.checkHealth();
      this.fail(
        'internal error',
        `${what} failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  private checkRange(range: Range, text: string, what: string): void {
    this.stats.rangesChecked++;
    const problem = invalidRange(text, range);
    if (problem) this.fail('invalid range', `${what}: ${problem} in ${JSON.stringify(range)}`);
  }

  /** Waits for the analysis of the latest change and checks the document's diagnostics. */
  private async analysed(uri: string, action: () => Promise<unknown>): Promise<Diagnostic[]> {
    await this.answer(this.client.analysedAfter(action), 'the analysis of a change');
    this.checkHealth();
    const diagnostics = this.client.diagnostics.get(uri)?.diagnostics ?? [];
    for (const d of diagnostics) {
      this.checkRange(d.range, this.text, `diagnostic ${String(d.code)}`);
      if (d.code === 'analysis-failed') this.fail('internal error', d.message);
      for (const r of d.relatedInformation ?? [])
        if (r.location.uri === uri) this.checkRange(r.location.range, this.text, 'related information');
    }
    return diagnostics;
  }

  private randomPosition(): Position {
    return positionAt(this.text, Math.floor(this.random() * (this.text.length + 1)));
  }

  /** Snaps a random offset off a CRLF or surrogate pair, as a client's cursor would be. */
  private async features(uri: string, diagnostics: readonly Diagnostic[]): Promise<void> {
    const version = this.client.versionOf(uri);
    const r = this.random();
    if (r < 0.25) {
      const hover = await this.answer(this.client.hover(uri, this.randomPosition()), 'hover');
      if (hover?.range) this.checkRange(hover.range, this.text, 'hover');
    } else if (r < 0.5) {
      const items = await this.answer(this.client.completion(uri, this.randomPosition()), 'completion');
      for (const item of items) {
        const edit = item.textEdit;
        if (edit && 'range' in edit) this.checkRange(edit.range, this.text, `completion ${item.label}`);
      }
    } else if (r < 0.65) {
      for (const lens of await this.answer(this.client.codeLenses(uri), 'code lens'))
        this.checkRange(lens.range, this.text, 'code lens');
    } else if (r < 0.9 && diagnostics.length > 0) {
      const d = pick(this.random, diagnostics);
      await this.actions(uri, version, d.range, [d]);
    } else if (r < 0.95) {
      const start = this.randomPosition();
      await this.actions(uri, version, { start, end: start }, []);
    } else {
      const level = this.random() < 0.5 ? 'pod' : 'workload';
      const graph = await this.answer(this.client.reachability(level), `reachability (${level})`);
      const [a, b] = [pick(this.random, graph.nodes), pick(this.random, graph.nodes)];
      if (a && b) await this.answer(this.client.explain({ level, from: a.id, to: b.id }), 'explain');
    }
  }

  /** Code actions for a range; checks every edit and returns the actions. */
  private async actions(
    uri: string,
    version: number,
    range: Range,
    diagnostics: Diagnostic[],
  ): Promise<CodeAction[]> {
    const actions = await this.answer(this.client.codeActions(uri, range, diagnostics), 'code actions');
    for (const action of actions) {
      if (!action.edit) continue;
      // A fix may extend a policy in another file (other-side-denies): the fuzzer edits one document, so
      // it checks and applies only fixes of the document it edits, and counts the others.
      if (editsOtherDocuments(action, uri)) {
        this.stats.crossDocumentFixes++;
        continue;
      }
      let edits: TextEdit[];
      try {
        edits = editsFor(action.edit, uri, version);
      } catch (error) {
        this.fail(
          'unsafe fix',
          `"${action.title}": ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      for (const e of edits) this.checkRange(e.range, this.text, `edit of "${action.title}"`);
    }
    return actions;
  }

  private async applyFix(uri: string, diagnostics: readonly Diagnostic[]): Promise<boolean> {
    const version = this.client.versionOf(uri);
    const d = pick(this.random, diagnostics);
    const fixes = (await this.actions(uri, version, d.range, [d])).filter(
      (a) => a.kind === 'quickfix' && a.edit && !editsOtherDocuments(a, uri),
    );
    if (fixes.length === 0) return false;
    // Real repairs first: "Disable … for this line" is offered for nearly every finding.
    const repairs = fixes.filter((a) => !a.title.startsWith('Disable '));
    const action = pick(this.random, repairs.length > 0 && this.random() < 0.85 ? repairs : fixes);
    const edits = editsFor(action.edit!, uri, version);
    const before = this.text;
    const after = applyTextEdits(before, edits);
    this.steps.push(`fix "${action.title}" for ${String(d.code)}`);
    this.text = after;
    const diagnosticsAfter = await this.analysed(uri, () => this.client.changeIncremental(uri, edits));
    const problem = unsafeFix({
      title: action.title,
      rule: String(d.code),
      message: d.message,
      before,
      after,
      edits,
      diagnosticsBefore: diagnostics,
      diagnosticsAfter,
    });
    if (problem) {
      // The text the fix was applied to is what reproduces it.
      this.text = before;
      this.fail('unsafe fix', `"${action.title}" for ${String(d.code)}: ${problem}`);
    }
    this.stats.fixesApplied++;
    this.stats.fixesByRule.set(String(d.code), (this.stats.fixesByRule.get(String(d.code)) ?? 0) + 1);
    return true;
  }

  /** One case: a seed opened, mutated and fixed `steps` times, then closed. */
  async runCase(seed: Seed, steps: number): Promise<void> {
    this.seedName = seed.name;
    this.steps = [];
    this.text = seed.text;
    const relative = `fuzz/case-${this.stats.cases}.yaml`;
    const uri = this.client.uri(relative);
    let diagnostics = await this.analysed(uri, () => this.client.open(relative, this.text));
    for (let step = 0; step < steps; step++) {
      if (diagnostics.length > 0 && this.random() < 0.35 && (await this.applyFix(uri, diagnostics))) {
        diagnostics = this.client.diagnostics.get(uri)?.diagnostics ?? [];
      } else {
        const mutated = mutate(this.text, this.random);
        if (mutated.text === this.text) continue;
        const change = minimalChange(this.text, mutated.text);
        const range = { start: positionAt(this.text, change.start), end: positionAt(this.text, change.end) };
        this.steps.push(
          `${mutated.name}: ${JSON.stringify(range)} -> ${JSON.stringify(change.text.slice(0, 80))}`,
        );
        const stale = diagnostics;
        this.text = mutated.text;
        this.stats.edits++;
        const send = () => this.client.changeIncremental(uri, [{ range, newText: change.text }]);
        if (this.random() < 0.1 && stale.length > 0) {
          // A request that arrives right after a change, with the previous version's diagnostics: its
          // answer must be about the new text (valid ranges, the new version) or empty.
          diagnostics = await this.analysed(uri, async () => {
            await send();
            await this.actions(uri, this.client.versionOf(uri), stale[0]!.range, [stale[0]!]);
          });
        } else {
          diagnostics = await this.analysed(uri, send);
        }
      }
      if (this.random() < 0.6) await this.features(uri, diagnostics);
    }
    await this.answer(this.client.closeAndForget(uri), 'closing the document');
    this.stats.cases++;
    this.checkHealth();
  }
}

/** True when a code action's edit changes a document other than `uri`. */
function editsOtherDocuments(action: CodeAction, uri: string): boolean {
  const changes = action.edit?.documentChanges ?? [];
  return changes.some((c) => 'textDocument' in c && c.textDocument.uri !== uri);
}
