/**
 * The tools AI assistants call (schemas.ts), over the analysis core: each takes its validated input and
 * returns a small JSON value (lists are capped, with the number left out said), so that a result fits a
 * model's context. Reading paths or a git revision is the front end's part ({@link ToolHost}); the MCP
 * server (cli/mcp.ts) and the VS Code language model tools (client/lm-tools.ts) run the same functions.
 */
import { analyze } from '../analysis.js';
import type { Analysis } from '../analysis.js';
import { countBySeverity, toRecord } from '../findings.js';
import { fixesFor } from '../fixes/index.js';
import { applyEdits } from '../fixes/types.js';
import { reachDiff } from '../diff/reach-diff.js';
import { diffJson } from '../diff/format.js';
import { explainConnection, parsePortQuery } from '../explain/explain.js';
import { resolveEndpoint } from '../explain/endpoints.js';
import type { PortQuery } from '../explain/explain.js';
import { edgesOf, graphLayout } from '../reach/graph.js';
import { reachInputs } from '../workspace-analysis.js';
import { normaliseSettings } from '../settings.js';
import { SourceFile } from '../source/source-file.js';
import { parseAssertions } from '../assertions/parse.js';
import { evaluateAssertions } from '../assertions/evaluate.js';
import { assertionsJson } from '../assertions/format.js';
import { isAssertionsPath } from '../assertions/parse.js';
import type { ToolInput, ToolName } from './schemas.js';

/** How a front end reads what a tool names by path. */
export interface ToolHost {
  /** The manifests of files and directories (as `netpol-scope check` reads them). */
  readPaths(paths: readonly string[]): SourceFile[];
}

/** A mistake in a tool's input, said to the model (not a failure of the tool). */
export class ToolInputError extends Error {}

/** Items listed per list before "and N more". */
export const LIST_LIMIT = 50;

function capped<T>(items: readonly T[], limit = LIST_LIMIT): { items: T[]; more: number } {
  return { items: items.slice(0, limit), more: Math.max(0, items.length - limit) };
}

type WorkspaceInput = { files?: Array<{ path: string; text: string }>; paths?: string[]; cni?: string };

function sourcesOf(input: WorkspaceInput, host: ToolHost): SourceFile[] {
  const sources = [
    ...(input.files ?? []).map((f) => new SourceFile(f.path, f.text)),
    ...(input.paths && input.paths.length > 0 ? host.readPaths(input.paths) : []),
  ];
  if (sources.length === 0)
    throw new ToolInputError('give the manifests as `files` (path and text) or `paths`');
  return sources.filter((s) => !isAssertionsPath(s.path));
}

function analysisOf(input: WorkspaceInput, host: ToolHost, sources = sourcesOf(input, host)): Analysis {
  return analyze(sources, { settings: normaliseSettings({ cni: input.cni ?? 'unknown' }) });
}

function parsePort(text: string): PortQuery {
  const port = parsePortQuery(text);
  if (!port) throw new ToolInputError(`port must look like 80, 80/TCP or 53/UDP (got "${text}")`);
  return port;
}

export function runTool<N extends ToolName>(name: N, input: ToolInput<N>, host: ToolHost): unknown {
  switch (name) {
    case 'check':
      return check(input as ToolInput<'check'>, host);
    case 'reach':
      return reach(input as ToolInput<'reach'>, host);
    case 'explain':
      return explain(input as ToolInput<'explain'>, host);
    case 'diff':
      return diff(input as ToolInput<'diff'>);
    case 'test':
      return assertionsTool(input as ToolInput<'test'>, host);
    case 'fix':
      return fix(input as ToolInput<'fix'>, host);
  }
  throw new ToolInputError(`unknown tool ${String(name)}`);
}

function check(input: ToolInput<'check'>, host: ToolHost) {
  const analysis = analysisOf(input, host);
  const wanted = input.rules && input.rules.length > 0 ? new Set(input.rules) : undefined;
  const findings = analysis.findings.filter((f) => !wanted || wanted.has(f.rule));
  const { items, more } = capped(findings);
  return {
    summary: countBySeverity(findings),
    findings: items.map((f) => {
      const r = toRecord(f);
      return {
        file: r.file,
        line: r.line,
        column: r.column,
        severity: r.severity,
        rule: r.rule,
        message: r.message,
      };
    }),
    ...(more > 0 ? { more } : {}),
  };
}

function reach(input: ToolInput<'reach'>, host: ToolHost) {
  const analysis = analysisOf(input, host);
  const { model, engine } = reachInputs(analysis, true);
  const layout = graphLayout(engine, model, input.level ?? 'workload');
  const edges: Array<{ from: string; to: string; ports: string }> = [];
  let total = 0;
  for (const e of edgesOf(layout)) {
    if (input.from !== undefined && e.from.id !== input.from) continue;
    if (input.to !== undefined && e.to.id !== input.to) continue;
    total++;
    if (edges.length < LIST_LIMIT) edges.push({ from: e.from.id, to: e.to.id, ports: e.ports.toString() });
  }
  return {
    nodes: layout.nodes.length,
    connections: total,
    edges,
    ...(total > edges.length ? { more: total - edges.length } : {}),
    note: 'Node ids: namespace/name[Kind]; */* and *{labels}/* stand for pods beyond the manifests that policies admit; address ranges for addresses.',
  };
}

function explain(input: ToolInput<'explain'>, host: ToolHost) {
  const analysis = analysisOf(input, host);
  const { model, engine } = reachInputs(analysis, true);
  const port = input.port !== undefined ? parsePort(input.port) : undefined;
  const namespace = analysis.settings.defaultNamespace;
  let from, to;
  try {
    from = resolveEndpoint(input.from, model.workloads, engine, namespace);
    to = resolveEndpoint(input.to, model.workloads, engine, namespace);
  } catch (error) {
    throw new ToolInputError(error instanceof Error ? error.message : String(error));
  }
  const e = explainConnection(engine, from.endpoint, to.endpoint, { from: from.label, to: to.label }, port, {
    policies: analysis.workspace.foreignPolicies,
    from: from.workload,
    to: to.workload,
  });
  return { from: e.from, to: e.to, allowed: e.allowed, ports: e.ports.toString(), explanation: e.text };
}

function diff(input: ToolInput<'diff'>) {
  const settings = normaliseSettings({ cni: input.cni ?? 'unknown' });
  const side = (files: ReadonlyArray<{ path: string; text: string }>) =>
    analyze(
      files.map((f) => new SourceFile(f.path, f.text)),
      { settings },
    );
  const json = diffJson(reachDiff(side(input.before), side(input.after), input.level ?? 'workload'));
  const cap = <T>(list: readonly T[]) => capped(list, 25);
  const added = cap(json.added);
  const removed = cap(json.removed);
  const changed = cap(json.changed);
  return {
    ...json,
    added: added.items,
    removed: removed.items,
    changed: changed.items,
    ...(added.more + removed.more + changed.more > 0
      ? { more: { added: added.more, removed: removed.more, changed: changed.more } }
      : {}),
  };
}

function assertionsTool(input: ToolInput<'test'>, host: ToolHost) {
  const parsed = parseAssertions(new SourceFile('assertions.yaml', input.assertions));
  const analysis = analysisOf(input, host);
  const json = assertionsJson(parsed, evaluateAssertions(analysis, parsed.assertions));
  return {
    ...json,
    results: json.results.map((r) => ({ ...r, violations: r.violations.slice(0, 5) })),
  };
}

/**
 * Applies quick fixes to one file until none is left to apply (each round re-analyses the workspace
 * with the fixed text): the preferred fix of each finding, or its only one; findings whose fixes are a
 * choice (several, none preferred) or edit other files are reported, not decided.
 */
function fix(input: ToolInput<'fix'>, host: ToolHost) {
  let sources = sourcesOf(input, host);
  if (!sources.some((s) => s.path === input.path))
    throw new ToolInputError(
      `${input.path} is not among the files given (${sources.map((s) => s.path).join(', ')})`,
    );
  const wanted = input.rules && input.rules.length > 0 ? new Set(input.rules) : undefined;
  const applied: Array<{ rule: string; line: number; fix: string }> = [];
  const skipped = new Map<string, { rule: string; line: number; reason: string }>();
  for (let round = 0; round < 50; round++) {
    const analysis = analysisOf(input, host, sources);
    const target = sources.find((s) => s.path === input.path)!;
    let progressed = false;
    for (const finding of analysis.findingsOf(input.path)) {
      if (wanted && !wanted.has(finding.rule)) continue;
      const fixes = fixesFor(analysis, finding).filter((f) => f.kind === 'quickfix');
      if (fixes.length === 0) continue;
      const line = target.lineColumn(finding.span.start).line;
      const chosen = fixes.find((f) => f.preferred) ?? (fixes.length === 1 ? fixes[0] : undefined);
      const key = `${finding.rule}:${line}`;
      if (!chosen) {
        skipped.set(key, {
          rule: finding.rule,
          line,
          reason: `a choice of ${fixes.length} fixes: ${fixes.map((f) => f.title).join('; ')}`,
        });
        continue;
      }
      if (applied.some((a) => a.rule === finding.rule && a.line === line && a.fix === chosen.title)) {
        // The fix did not remove its finding: applying it again would repeat the edit.
        skipped.set(key, {
          rule: finding.rule,
          line,
          reason: `applied once; the finding remains: ${chosen.title}`,
        });
        continue;
      }
      if (chosen.edits.some((e) => e.file.path !== input.path)) {
        skipped.set(key, { rule: finding.rule, line, reason: `the fix edits another file: ${chosen.title}` });
        continue;
      }
      const text = applyEdits(target.text, chosen.edits);
      sources = sources.map((s) => (s.path === input.path ? new SourceFile(s.path, text) : s));
      applied.push({ rule: finding.rule, line, fix: chosen.title });
      progressed = true;
      break; // offsets of the other findings are stale: analyse again
    }
    if (!progressed) break;
  }
  const final = analysisOf(input, host, sources);
  const remaining = final.findingsOf(input.path).filter((f) => !wanted || wanted.has(f.rule));
  return {
    path: input.path,
    text: sources.find((s) => s.path === input.path)!.text,
    applied,
    notApplied: [...skipped.values()],
    remaining: capped(
      remaining.map((f) => {
        const r = toRecord(f);
        return { line: r.line, severity: r.severity, rule: r.rule, message: r.message };
      }),
    ).items,
  };
}
