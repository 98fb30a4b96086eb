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

export function formatSarif(findings: readonly Finding[], version: string, cwd: string): string {
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
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
            rules: rules.map((r) => ({
              id: r.id,
              name: r.id.replace(/(^|-)([a-z])/g, (_m, _d: string, c: string) => c.toUpperCase()),
              shortDescription: { text: r.title },
              fullDescription: { text: r.title },
              helpUri: `${INFORMATION_URI}/blob/main/docs/rules.md#${r.id}`,
              defaultConfiguration: { level: level(r.defaultSeverity) },
              properties: { tags: ['kubernetes', 'networkpolicy', r.category] },
            })),
          },
        },
        columnKind: 'utf16CodeUnits',
        originalUriBaseIds: {
          '%SRCROOT%': { uri: `file://${cwd.split(sep).join('/').replace(/\/?$/, '/')}` },
        },
        results: findings.map((f) => {
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
        }),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}
