/**
 * `netpol-scope test [PATH...]`: checks the assertions of `netpol-scope.assertions.yaml` (or the file
 * given with --assertions) against the manifests, with the verdict of each and, for a failing one, the
 * connections that break it and the rules that decide them. Text, JSON or JUnit XML; exit code 1 when
 * an assertion fails or the file has errors.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { ASSERTIONS_FILE, parseAssertions } from '../../shared/assertions/parse.js';
import { evaluateAssertions } from '../../shared/assertions/evaluate.js';
import {
  formatAssertionsJson,
  formatAssertionsJunit,
  formatAssertionsText,
} from '../../shared/assertions/format.js';
import { SourceFile } from '../../shared/source/source-file.js';
import {
  cniOption,
  cniVersionOption,
  ipBlockPodsOption,
  load,
  namespaceOption,
  out,
  reachSettings,
} from '../common.js';
import type { CommonOptions } from '../common.js';
import { InputError } from '../../node/inputs.js';

interface TestOptions extends CommonOptions {
  assertions?: string;
  format: string;
}

export function registerTest(program: Command): void {
  program
    .command('test')
    .description(
      `check the assertions of ${ASSERTIONS_FILE} (allow/deny between workloads, namespaces, labels and addresses) against the manifests`,
    )
    .argument('[paths...]', 'manifest files or directories (default: the current directory)')
    .option(
      '-a, --assertions <file>',
      `the assertions file (default: ${ASSERTIONS_FILE} in the first directory given, or the current one)`,
    )
    .addOption(
      new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'junit']).default('text'),
    )
    .addOption(namespaceOption())
    .addOption(cniOption())
    .addOption(cniVersionOption())
    .addOption(ipBlockPodsOption())
    .action((paths: string[], options: TestOptions) => {
      const inputs = paths.length > 0 ? paths : ['.'];
      const file = assertionsFile(inputs, options.assertions);
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        throw new InputError(`${file}: ${error instanceof Error ? error.message : String(error)}`);
      }
      const parsed = parseAssertions(new SourceFile(file, text));
      const analysis = load(inputs, options, undefined, reachSettings(options));
      const results = evaluateAssertions(analysis, parsed.assertions);
      out(
        options.format === 'json'
          ? formatAssertionsJson(parsed, results)
          : options.format === 'junit'
            ? formatAssertionsJunit(parsed, results)
            : formatAssertionsText(parsed, results),
      );
      if (parsed.errors.length > 0 || results.some((r) => !r.holds)) process.exitCode = 1;
    });
}

/** The file named, or the default file in the first directory given (or beside the first file), or here. */
function assertionsFile(paths: readonly string[], named: string | undefined): string {
  if (named !== undefined) return named;
  const candidates: string[] = [];
  for (const p of paths) {
    let dir = p;
    try {
      if (!statSync(p).isDirectory()) dir = join(p, '..');
    } catch {
      continue;
    }
    candidates.push(join(dir, ASSERTIONS_FILE), join(dir, 'netpol-scope.assertions.yml'));
  }
  candidates.push(ASSERTIONS_FILE);
  const found = candidates.find((c) => existsSync(c));
  if (!found)
    throw new InputError(
      `no assertions file: none of ${[...new Set(candidates)].join(', ')} exists (name one with --assertions)`,
    );
  return found;
}
