/**
 * `netpol-scope diff BEFORE AFTER` and `netpol-scope diff --base REF [PATH...]`: what a change does to
 * reachability (shared/diff/), as text, JSON, markdown for a pull-request comment, or SARIF.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import { reachDiff } from '../../shared/diff/reach-diff.js';
import type { ReachDiff } from '../../shared/diff/reach-diff.js';
import { diffCounts, formatDiffJson, formatDiffMarkdown, formatDiffText } from '../../shared/diff/format.js';
import type { LoadedFile } from '../../shared/parse/yaml-loader.js';
import type { Level } from '../../shared/reach/graph.js';
import {
  cniOption,
  cniVersionOption,
  ipBlockPodsOption,
  loadSources,
  namespaceOption,
  out,
  reachSettings,
  readStdin,
  UsageError,
  version,
} from '../common.js';
import type { CommonOptions } from '../common.js';
import { collectSources } from '../../node/inputs.js';
import { revisionSources } from '../../node/git.js';
import { formatDiffSarif } from '../format/diff-sarif.js';

interface DiffOptions extends CommonOptions {
  base?: string;
  level: Level;
  format: string;
  failOn: string;
}

export function registerDiff(program: Command): void {
  program
    .command('diff')
    .description(
      'what a change does to reachability: connections added, removed and changed, isolation changes, and the policy changes that cause them',
    )
    .argument(
      '[paths...]',
      'BEFORE AFTER (two files or directories), or with --base the paths to compare (default: the current directory)',
    )
    .option(
      '--base <ref>',
      'compare the working tree with this git revision (HEAD, main, origin/main, a commit)',
    )
    .addOption(
      new Option('-l, --level <level>', 'pods or workloads as nodes')
        .choices(['pod', 'workload'])
        .default('workload'),
    )
    .addOption(
      new Option('-f, --format <format>', 'output format: markdown is a pull-request comment')
        .choices(['text', 'json', 'markdown', 'sarif'])
        .default('text'),
    )
    .addOption(
      new Option(
        '--fail-on <what>',
        'exit 1 when the change opens a connection (added, or ports widened), or changes anything',
      )
        .choices(['added', 'any', 'never'])
        .default('never'),
    )
    .addOption(namespaceOption())
    .addOption(cniOption())
    .addOption(cniVersionOption())
    .addOption(ipBlockPodsOption())
    .action((paths: string[], options: DiffOptions) => {
      const diff = runDiff(paths, options);
      out(formatDiff(diff, options.format));
      const counts = diffCounts(diff);
      if (options.failOn === 'added' && counts.opens > 0) process.exitCode = 1;
      if (options.failOn === 'any' && diff.connections.length + diff.isolation.length > 0)
        process.exitCode = 1;
    });
}

export function formatDiff(diff: ReachDiff, format: string): string {
  if (format === 'json') return formatDiffJson(diff);
  if (format === 'markdown') return formatDiffMarkdown(diff);
  if (format === 'sarif') return formatDiffSarif(diff, version, process.cwd());
  return formatDiffText(diff);
}

function runDiff(paths: string[], options: DiffOptions): ReachDiff {
  const settings = reachSettings(options);
  let beforeSources;
  let afterSources;
  if (options.base !== undefined) {
    beforeSources = revisionSources(options.base, paths);
    afterSources = collectSources(paths.length > 0 ? paths : ['.'], readStdin);
  } else {
    if (paths.length !== 2)
      throw new UsageError('diff takes two paths (BEFORE AFTER), or --base REF and the paths to compare');
    beforeSources = collectSources([paths[0]!], readStdin);
    afterSources = collectSources([paths[1]!], readStdin);
  }
  // Files identical on both sides are parsed once.
  const parsed = new Map<string, LoadedFile>();
  const before = loadSources(beforeSources, options, undefined, settings, parsed);
  const after = loadSources(afterSources, options, undefined, settings, parsed);
  return reachDiff(before, after, options.level);
}
