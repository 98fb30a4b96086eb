/**
 * netpol-scope command line: `check`, `reach` and `explain` over the analysis core in shared/.
 * Exit codes: 0 success; 1 a finding reached --fail-on (check); 2 usage or I/O error; 3 internal error.
 */
import { createReadStream, readFileSync, writeFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { analyzeLoaded } from '../shared/analysis.js';
import type { Analysis } from '../shared/analysis.js';
import { loadManifests } from '../shared/parse/yaml-loader.js';
import { severityRank } from '../shared/findings.js';
import { dnsTargets, normaliseSettings } from '../shared/settings.js';
import { isRuleId } from '../shared/rules/registry.js';
import type { Severity } from '../shared/findings.js';
import { countReach, graphLayout } from '../shared/reach/graph.js';
import { reachInputs } from '../shared/workspace-analysis.js';
import type { GraphLayout, Level } from '../shared/reach/graph.js';
import { explainConnection, parsePortQuery } from '../shared/explain/explain.js';
import type { PortQuery } from '../shared/explain/explain.js';
import { foreignPolicyRef } from '../shared/model/foreign-policies.js';
import type { ForeignPolicy } from '../shared/model/foreign-policies.js';
import { collectSources, InputError } from '../node/inputs.js';
import {
  cniOption,
  cniVersionOption,
  ipBlockPodsOption,
  load,
  namespaceOption,
  out,
  reachSettings,
  readStdin,
  UsageError,
  version,
} from './common.js';
import type { CommonOptions } from './common.js';
import { registerDiff } from './commands/diff.js';
import { registerTest } from './commands/test.js';
import { formatJson, formatText } from './format/findings.js';
import { formatSarif } from './format/sarif.js';
import { reachCsvChunks, reachJsonChunks, reachTextChunks, writeChunks } from './format/reach.js';
import { formatReachSummary, formatTimings, PhaseTimer } from './format/summary.js';
import { EndpointError, resolveEndpoint } from '../shared/explain/endpoints.js';
import { FlowTextReader } from '../shared/flows/reader.js';
import type { FlowSink } from '../shared/flows/reader.js';
import { FlowAggregator } from '../shared/flows/verify.js';
import { entryPoints } from '../shared/flows/entry-points.js';
import { parseIntent } from '../shared/flows/intent.js';
import { flagKinds } from '../shared/flows/flag-kinds.js';
import type { FlagKind } from '../shared/flows/flag-kinds.js';
import type { Intent } from '../shared/flows/intent.js';
import { flowsJson, flowsMarkdown, flowsText } from '../shared/flows/report-format.js';
import { generatedCheckText, generatePolicies, withoutExtended } from '../shared/flows/generate.js';
import { SourceFile } from '../shared/source/source-file.js';

function parsePort(text: string): PortQuery {
  const port = parsePortQuery(text);
  if (!port) throw new UsageError(`--port must look like 80, 80/TCP, 53/UDP or 2905/SCTP (got "${text}")`);
  return port;
}

export function buildProgram(): Command {
  const program = new Command('netpol-scope')
    .description(
      'See what Kubernetes NetworkPolicies really do: validity checks, reachability, explanations.',
    )
    .version(version)
    .showHelpAfterError()
    .exitOverride();

  program
    .command('check')
    .description('report problems in NetworkPolicy manifests')
    .argument('<paths...>', 'files, directories (recursive) or - for stdin')
    .addOption(
      new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'sarif']).default('text'),
    )
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a finding is at least this severe')
        .choices(['error', 'warning', 'never'])
        .default('error'),
    )
    .addOption(namespaceOption())
    .option(
      '-r, --rule <id=severity>',
      'set a rule to error, warning, info, hint or off (repeatable), as netpolScope.rules does',
      collectRule,
      {},
    )
    .addOption(cniOption())
    .addOption(cniVersionOption())
    .addOption(ipBlockPodsOption())
    .addOption(
      new Option('--dns <target>', 'the cluster DNS the DNS rules expect')
        .choices([...dnsTargets].filter((t) => t !== 'custom'))
        .default('auto'),
    )
    .action((paths: string[], options: CheckOptions) => {
      const settings = normaliseSettings({
        rules: options.rule,
        cni: options.cni,
        cniVersion: options.cniVersion,
        ipBlockPods: options.ipblockPods,
        dns: { target: options.dns },
        defaultNamespace: options.namespace,
      });
      const analysis = load(paths, options, undefined, settings);
      const findings = analysis.findings;
      if (options.format === 'json') out(formatJson(findings));
      else if (options.format === 'sarif') out(formatSarif(findings, version, process.cwd()));
      else out(formatText(findings));
      if (options.failOn !== 'never') {
        const threshold = severityRank[options.failOn as Severity];
        if (findings.some((f) => severityRank[f.severity] >= threshold)) process.exitCode = 1;
      }
    });

  program
    .command('reach')
    .description('list who can talk to whom, on which ports')
    .argument('<paths...>', 'files, directories (recursive) or - for stdin')
    .addOption(
      new Option('-l, --level <level>', 'pods or workloads as nodes')
        .choices(['pod', 'workload'])
        .default('pod'),
    )
    .addOption(
      new Option(
        '-f, --format <format>',
        'output format; summary decides every pair but prints only figures (classes, pairs, allowed pod pairs)',
      )
        .choices(['text', 'json', 'csv', 'summary'])
        .default('text'),
    )
    .option('--timings', 'print the time of each phase and the peak memory to stderr')
    .option('--exposure', exposureHelp)
    .addOption(namespaceOption())
    .addOption(cniOption())
    .addOption(cniVersionOption())
    .addOption(ipBlockPodsOption())
    .action(async (paths: string[], options: ReachOptions) => {
      const timer = new PhaseTimer();
      const settings = reachSettings(options);
      const analysis = load(paths, options, timer, settings);
      reportRejected(analysis.workspace.model.policies);
      reportForeign(analysis.workspace.foreignPolicies);
      reportUnanalysed(analysis);
      const { model, engine } = timer.time('engine classes', () =>
        reachInputs(analysis, options.exposure === true),
      );
      if (options.format === 'summary') {
        const counts = timer.time('pairs', () => countReach(engine));
        out(formatReachSummary(analysis, counts));
      } else {
        const layout = timer.time('nodes', () => graphLayout(engine, model, options.level));
        // Pairs are decided while the output is written (one source row at a time).
        await timer.timeAsync('pairs and output', () =>
          writeChunks(reachChunks(layout, options.format), process.stdout),
        );
      }
      if (options.timings) process.stderr.write(formatTimings(timer));
    });

  program
    .command('explain')
    .description('explain in plain words why a connection is allowed or denied')
    .argument('<paths...>', 'files, directories (recursive) or - for stdin')
    .requiredOption('--from <endpoint>', 'source: namespace/name, namespace/name[Kind], name or IP address')
    .requiredOption(
      '--to <endpoint>',
      'destination: namespace/name, namespace/name[Kind], name or IP address',
    )
    .option('-p, --port <port>', 'a port to judge, e.g. 80/TCP or 53/UDP (default: all ports)')
    .option('--exposure', `${exposureHelp}; --from and --to may name them by id (*/*)`)
    .addOption(namespaceOption())
    .addOption(cniOption())
    .addOption(cniVersionOption())
    .addOption(ipBlockPodsOption())
    .action((paths: string[], options: ExplainOptions) => {
      const port = options.port !== undefined ? parsePort(options.port) : undefined;
      const settings = reachSettings(options);
      const analysis = load(paths, options, undefined, settings);
      reportRejected(analysis.workspace.model.policies);
      reportForeign(analysis.workspace.foreignPolicies);
      reportUnanalysed(analysis);
      const { model, engine } = reachInputs(analysis, options.exposure === true);
      const { workloads } = model;
      const from = resolveEndpoint(options.from, workloads, engine, options.namespace);
      const to = resolveEndpoint(options.to, workloads, engine, options.namespace);
      const explanation = explainConnection(
        engine,
        from.endpoint,
        to.endpoint,
        { from: from.label, to: to.label },
        port,
        { policies: analysis.workspace.foreignPolicies, from: from.workload, to: to.workload },
      );
      out(explanation.text + '\n');
    });

  const flows = program
    .command('flows')
    .description('observed traffic: dry-run the policies against flow records');
  flows
    .command('verify')
    .description(
      'compare observed flows (Hubble JSON, the plain CSV/JSON format) with what the policies allow: what would break on enforce, and what is allowed but never observed',
    )
    .argument('<paths...>', 'manifest files or directories (recursive)')
    .requiredOption('--flows <files...>', 'flow files (the format is detected from the content)')
    .addOption(
      new Option('-f, --format <format>', 'output format')
        .choices(['text', 'json', 'markdown'])
        .default('text'),
    )
    .addOption(
      new Option('--fail-on <what>', 'exit 1 when an observed flow would break on enforce')
        .choices(['would-break', 'never'])
        .default('never'),
    )
    .option(
      '--flags <kinds>',
      `the flags to report, comma-separated: ${flagKinds.join(', ')}, or none (default: all)`,
    )
    .option(
      '--intent <file>',
      'an intent file (which namespaces or tiers may talk to which, see the README): observed connections it does not allow are flagged',
    )
    .addOption(namespaceOption())
    .addOption(cniOption())
    .addOption(cniVersionOption())
    .addOption(ipBlockPodsOption())
    .action(async (paths: string[], options: FlowsOptions) => {
      const settings = reachSettings(options);
      let intent: Intent | undefined;
      if (options.intent !== undefined) {
        let text: string;
        try {
          text = readFileSync(options.intent, 'utf8');
        } catch (error) {
          throw new InputError(
            `${options.intent}: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
        const parsed = parseIntent(text);
        if (!parsed.intent) throw new InputError(`${options.intent}: ${parsed.errors.join('; ')}`);
        intent = parsed.intent;
      }
      const analysis = load(paths, options, undefined, settings);
      reportRejected(analysis.workspace.model.policies);
      const aggregator = new FlowAggregator(analysis.workspace.model, analysis.engine, {
        entryPoints: entryPoints(analysis.workspace, settings.defaultNamespace),
        ...(intent ? { intent } : {}),
        kinds: flagKindsOf(options.flags),
      });
      for (const file of options.flows) await readFlowFile(file, aggregator);
      const report = aggregator.report();
      out(
        options.format === 'json'
          ? flowsJson(report)
          : options.format === 'markdown'
            ? flowsMarkdown(report)
            : flowsText(report),
      );
      if (options.failOn === 'would-break' && report.wouldBreak.length > 0) process.exitCode = 1;
    });

  flows
    .command('generate')
    .description(
      'least-privilege NetworkPolicies from observed flows: a default deny and DNS per namespace, one ingress and one egress policy per workload with exactly the observed peers and ports',
    )
    .argument('[paths...]', 'the manifests the flows belong to (files or directories)')
    .requiredOption('--flows <files...>', 'flow files (the format is detected from the content)')
    .option('-o, --output <file>', 'write the policies to a file (default: standard output)')
    .addOption(
      new Option(
        '--api <api>',
        'the policy API to write: NetworkPolicy, or CiliumNetworkPolicy with the observed HTTP requests as L7 rules',
      )
        .choices(['networkpolicy', 'cilium'])
        .default('networkpolicy'),
    )
    .option(
      '--aggregate <prefix>',
      'aggregate addresses outside the cluster to networks of this prefix length (IPv4, e.g. 24; IPv6 takes /64 then) instead of one /32 per address',
    )
    .addOption(namespaceOption())
    .addOption(cniOption())
    .addOption(cniVersionOption())
    .addOption(ipBlockPodsOption())
    .action(async (paths: string[], options: GenerateOptions) => {
      const settings = reachSettings(options);
      const analysis = load(paths, options, undefined, settings);
      const aggregator = new FlowAggregator(analysis.workspace.model, analysis.engine);
      for (const file of options.flows) await readFlowFile(file, aggregator);
      const prefix = options.aggregate === undefined ? undefined : Number(options.aggregate);
      if (prefix !== undefined && !(Number.isInteger(prefix) && prefix >= 0 && prefix <= 32))
        throw new UsageError(
          `--aggregate must be an IPv4 prefix length from 0 to 32 (got "${options.aggregate}")`,
        );
      const generated = generatePolicies(
        analysis.workspace.model,
        analysis.engine,
        aggregator.observedEdges(),
        settings,
        {
          ...(prefix === undefined ? {} : { aggregateV4: prefix, aggregateV6: 64 }),
          ...(options.api === 'cilium' ? { cilium: true } : { workspace: analysis.workspace }),
        },
      );
      if (options.output) writeFileSync(options.output, generated.yaml);
      else out(generated.yaml);
      // Checked by construction: the workspace with the generated policies, against the same flows.
      const sources = collectSources(paths, readStdin);
      const checked = analyzeLoaded(
        [
          ...sources.map((s) =>
            generated.extended.some((e) => e.path === s.path)
              ? new SourceFile(s.path, withoutExtended(s.path, s.text, generated.extended))
              : s,
          ),
          new SourceFile(options.output ?? 'generated.yaml', generated.yaml),
        ].map((s) => loadManifests(s)),
        { defaultNamespace: options.namespace, settings },
      );
      const check = new FlowAggregator(checked.workspace.model, checked.engine);
      for (const file of options.flows) await readFlowFile(file, check);
      process.stderr.write(`netpol-scope: ${generatedCheckText(generated, check.report())}\n`);
    });

  registerDiff(program);
  registerTest(program);
  program
    .command('mcp')
    .description(
      'serve the analysis to AI assistants: a Model Context Protocol server over stdio with the tools check, reach, explain, diff, test and fix',
    )
    // Loaded on demand: the other commands do not pay for the MCP SDK.
    .action(async () => (await import('./mcp.js')).serveMcp());

  return program;
}

interface GenerateOptions extends CommonOptions {
  flows: string[];
  output?: string;
  aggregate?: string;
  api: string;
}

/**
 * Reads one flow file into a sink, chunk by chunk (flows/reader.ts: formats of one record per line are
 * streamed, memory independent of the number of records; a JSON array is read whole).
 */
async function readFlowFile(file: string, sink: FlowSink): Promise<void> {
  const reader = new FlowTextReader(sink);
  try {
    for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 256 * 1024 }))
      reader.push(chunk as string);
  } catch (error) {
    throw new InputError(`${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (reader.end() === undefined)
    throw new InputError(
      `${file}: not a flow file of a known format (Hubble JSON, Calico flow logs, Antrea CSV, Kubescape, Inspektor Gadget, or the plain CSV/JSON format)`,
    );
}

interface FlowsOptions extends CommonOptions {
  flows: string[];
  format: string;
  failOn: string;
  intent?: string;
  flags?: string;
}

/** `--flags metadata-endpoint,skips-a-tier` (or `none`; absent: all). */
function flagKindsOf(value: string | undefined): ReadonlySet<FlagKind> {
  if (value === undefined) return new Set(flagKinds);
  if (value.trim() === 'none') return new Set();
  const kinds = value.split(',').map((k) => k.trim());
  const unknown = kinds.filter((k) => !(flagKinds as readonly string[]).includes(k));
  if (unknown.length > 0)
    throw new UsageError(
      `--flags: unknown flag ${unknown.join(', ')} (flags: ${flagKinds.join(', ')}, or none)`,
    );
  return new Set(kinds as FlagKind[]);
}

interface CheckOptions extends CommonOptions {
  format: string;
  failOn: string;
  rule: Record<string, string>;
  dns: string;
}

const ruleSettings = new Set(['error', 'warning', 'info', 'hint', 'off']);

/** Parses one `--rule id=severity` into the accumulated rules object. */
function collectRule(value: string, previous: Record<string, string>): Record<string, string> {
  const m = /^([a-z0-9-]+)=([a-z]+)$/.exec(value.trim());
  if (!m || !isRuleId(m[1]!) || !ruleSettings.has(m[2]!)) {
    throw new UsageError(
      `--rule must be <rule-id>=<error|warning|info|hint|off> with a rule id from docs/rules.md (got "${value}")`,
    );
  }
  return { ...previous, [m[1]!]: m[2]! };
}

interface ReachOptions extends CommonOptions {
  level: Level;
  format: string;
  timings?: boolean;
  exposure?: boolean;
}

interface ExplainOptions extends CommonOptions {
  from: string;
  to: string;
  port?: string;
  exposure?: boolean;
}

const exposureHelp =
  'add stand-in nodes for pods the workspace does not show that the policies admit or reach ' +
  '("any pod in other namespaces", "any pod in namespaces labelled ...")';

function reachChunks(layout: GraphLayout, format: string): Iterable<string> {
  if (format === 'json') return reachJsonChunks(layout);
  return format === 'csv' ? reachCsvChunks(layout) : reachTextChunks(layout);
}

/** A line on stderr for each file (or document) left out of the analysis: `reach` never drops one silently. */
function reportUnanalysed(analysis: Analysis): void {
  for (const loaded of analysis.workspace.files) {
    for (const problem of loaded.problems) {
      if (
        problem.severity !== 'error' &&
        problem.code !== 'helm-template' &&
        problem.code !== 'file-too-large'
      )
        continue;
      const where = loaded.file.where(problem.span.start);
      process.stderr.write(
        `netpol-scope: ${where}: left out of the analysis (${problem.code}: ${problem.message.split('. ')[0]}.)\n`,
      );
    }
  }
}

/** A line on stderr when policies of other APIs are present: the output reads NetworkPolicy v1 only. */
function reportForeign(policies: readonly ForeignPolicy[]): void {
  if (policies.length === 0) return;
  const list = policies.slice(0, 5).map(foreignPolicyRef).join(', ');
  process.stderr.write(
    `netpol-scope: ${policies.length} ${policies.length === 1 ? 'policy' : 'policies'} of other APIs ${policies.length === 1 ? 'is' : 'are'} not analysed, so this output may overstate what is allowed: ` +
      `${list}${policies.length > 5 ? ` and ${policies.length - 5} more` : ''}\n`,
  );
}

function reportRejected(policies: Analysis['workspace']['model']['policies']): void {
  const rejected = policies.filter((p) => p.rejected);
  if (rejected.length === 0) return;
  process.stderr.write(
    `netpol-scope: ${rejected.length} NetworkPolic${rejected.length === 1 ? 'y is' : 'ies are'} ignored because the API server would reject ${rejected.length === 1 ? 'it' : 'them'} (run \`netpol-scope check\`): ` +
      rejected.map((p) => `${p.namespace}/${p.name}`).join(', ') +
      '\n',
  );
}

export async function main(argv: readonly string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv as string[], { from: 'node' });
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode =
        error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0
          ? 0
          : 2;
      return;
    }
    if (error instanceof InputError || error instanceof UsageError || error instanceof EndpointError) {
      process.stderr.write(`netpol-scope: ${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    // A bug: one clear line (the stack only on request) and exit code 3, never a half-written output.
    process.stderr.write(
      `netpol-scope: internal error (please report it): ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`,
    );
    if (process.env.NETPOL_SCOPE_DEBUG && error instanceof Error && error.stack)
      process.stderr.write(`${error.stack}\n`);
    process.exitCode = 3;
  }
}

process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

void main(process.argv);
