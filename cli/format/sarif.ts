/**
 * SARIF 2.1.0 output, in the shape GitHub code scanning accepts
 * (https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning):
 * one run, the tool's rules with `defaultConfiguration.level`, results with a `ruleId`, `ruleIndex`,
 * `level`, `message.text` and a physical location relative to `%SRCROOT%`.
 */
import { isAbsolute, relative, sep } from 'node:path';
import type { Finding, Severity } from '../../shared/findings.js';
import { rules } from '../../shared/rules/registry.js';
import { toRecord } from './findings.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
export const INFORMATION_URI = 'https://github.com/netpol-scope/netpol-scope';

function level(severity: Severity): 'error' | 'warning' | 'note' {
  return severity === 'error' ? 'error' : severity === 'warning' ? 'warning' : 'note';
}

export function artifactUri(path: string, cwd: string): string {
  const rel = isAbsolute(path) ? relative(cwd, path) : path;
  return rel.split(sep).join('/').replace(/^\.\//, '');
}

/** A rule of the tool's driver, as SARIF lists it. */
export interface SarifRule {
  readonly id: string;
  readonly text: string;
  readonly level: 'error' | 'warning' | 'note';
  readonly helpUri: string;
  readonly tags: readonly string[];
}

/** One run of netpol-scope: the tool with its rules, `%SRCROOT%` at `cwd`, and the results. */
export function sarifLog(
  rulesOfRun: readonly SarifRule[],
  results: readonly unknown[],
  version: string,
  cwd: string,
): string {
  const sarif = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'netpol-scope',
            informationUri: INFORMATION_URI,
            version,
            semanticVersion: version,
            rules: rulesOfRun.map((r) => ({
              id: r.id,
              name: r.id.replace(/(^|-)([a-z])/g, (_m, _d: string, c: string) => c.toUpperCase()),
              shortDescription: { text: r.text },
              fullDescription: { text: r.text },
              helpUri: r.helpUri,
              defaultConfiguration: { level: r.level },
              properties: { tags: r.tags },
            })),
          },
        },
        columnKind: 'utf16CodeUnits',
        originalUriBaseIds: {
          '%SRCROOT%': { uri: `file://${cwd.split(sep).join('/').replace(/\/?$/, '/')}` },
        },
        results,
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}

export function formatSarif(findings: readonly Finding[], version: string, cwd: string): string {
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const results = findings.map((f) => {
    const r = toRecord(f);
    return {
      ruleId: f.rule,
      ruleIndex: ruleIndex.get(f.rule) ?? -1,
      level: level(f.severity),
      message: { text: f.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: artifactUri(r.file, cwd), uriBaseId: '%SRCROOT%' },
            region: {
              startLine: r.line,
              startColumn: r.column,
              endLine: r.endLine,
              endColumn: r.endColumn,
            },
          },
        },
      ],
    };
  });
  return sarifLog(
    rules.map((r) => ({
      id: r.id,
      text: r.title,
      level: level(r.defaultSeverity),
      helpUri: `${INFORMATION_URI}/blob/main/docs/rules.md#${r.id}`,
      tags: ['kubernetes', 'networkpolicy', r.category],
    })),
    results,
    version,
    cwd,
  );
}
