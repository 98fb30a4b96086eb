import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../support/cli.js';

const fixtures = 'test/fixtures/cli';

interface JsonFinding {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: string;
  rule: string;
  message: string;
}

function jsonFindings(args: string[]): { status: number | null; findings: JsonFinding[] } {
  const r = runCli(['check', ...args, '--format', 'json']);
  return { status: r.status, findings: (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings };
}

test('check: a valid workspace has no API errors and exits 0; the semantic rules still speak', () => {
  const r = runCli(['check', `${fixtures}/app`, '--format', 'json']);
  assert.equal(r.status, 0, r.stderr);
  const findings = (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings;
  assert.deepEqual(
    findings.map((f) => [f.line, f.severity, f.rule]),
    [
      [11, 'info', 'workload-not-isolated'],
      [23, 'info', 'workload-not-isolated'],
      [43, 'info', 'policy-types-implicit'],
      [64, 'warning', 'dns-egress-missing'],
    ],
  );
});

test('check: --rule sets severities or turns rules off, like netpolScope.rules', () => {
  const off = runCli([
    'check',
    `${fixtures}/app`,
    '--rule',
    'workload-not-isolated=off',
    '--rule',
    'policy-types-implicit=off',
    '-r',
    'dns-egress-missing=off',
  ]);
  assert.equal(off.status, 0, off.stderr);
  assert.equal(off.stdout, 'No problems found.\n');
  const raised = runCli(['check', `${fixtures}/app`, '--rule', 'dns-egress-missing=error']);
  assert.equal(raised.status, 1);
  assert.match(raised.stdout, /:64:17: error dns-egress-missing /);
  const bad = runCli(['check', `${fixtures}/app`, '--rule', 'no-such-rule=off']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--rule must be <rule-id>=/);
});

test('check: --cni turns on the CNI rules', () => {
  const r = runCli(['check', `${fixtures}/app`, '--cni', 'flannel', '--format', 'json']);
  const rules = (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings.map((f) => f.rule);
  assert.equal(rules.filter((id) => id === 'cni-no-enforcement').length, 2);
  const none = runCli(['check', `${fixtures}/app`, '--format', 'json']);
  assert.ok(
    !(JSON.parse(none.stdout) as { findings: JsonFinding[] }).findings.some((f) => f.rule.startsWith('cni-')),
  );
});

test('check: text output is compiler-like file:line:col: severity rule message', () => {
  const r = runCli(['check', `${fixtures}/invalid.yaml`]);
  assert.equal(r.status, 1);
  const lines = r.stdout.trim().split('\n');
  assert.ok(
    lines.some((l) => /^test\/fixtures\/cli\/invalid\.yaml:13:19: error api-invalid-cidr .+/.test(l)),
    r.stdout,
  );
  assert.ok(
    lines.some((l) => /^test\/fixtures\/cli\/invalid\.yaml:16:21: error api-invalid-protocol .+/.test(l)),
    r.stdout,
  );
  assert.match(lines[lines.length - 1]!, /^2 errors\.$/);
});

test('check: JSON findings carry 1-based ranges, severity and rule', () => {
  const { status, findings } = jsonFindings([`${fixtures}/invalid.yaml`]);
  assert.equal(status, 1);
  const cidr = findings.find((f) => f.rule === 'api-invalid-cidr');
  assert.deepEqual(
    cidr && {
      file: cidr.file,
      line: cidr.line,
      column: cidr.column,
      endLine: cidr.endLine,
      endColumn: cidr.endColumn,
      severity: cidr.severity,
    },
    {
      file: 'test/fixtures/cli/invalid.yaml',
      line: 13,
      column: 19,
      endLine: 13,
      endColumn: 30,
      severity: 'error',
    },
  );
  for (const f of findings) {
    assert.deepEqual(Object.keys(f).sort(), [
      'column',
      'endColumn',
      'endLine',
      'file',
      'line',
      'message',
      'rule',
      'severity',
    ]);
  }
});

test('check: --fail-on decides the exit code', () => {
  assert.equal(runCli(['check', `${fixtures}/invalid.yaml`, '--fail-on', 'never']).status, 0);
  assert.equal(runCli(['check', `${fixtures}/invalid.yaml`, '--fail-on', 'warning']).status, 1);
  // The Helm template yields only an info finding: below both thresholds.
  assert.equal(runCli(['check', `${fixtures}/helm-template.yaml`]).status, 0);
  assert.equal(runCli(['check', `${fixtures}/helm-template.yaml`, '--fail-on', 'warning']).status, 0);
});

test('check: usage and I/O errors exit 2 with a clear message', () => {
  const missing = runCli(['check', `${fixtures}/does-not-exist.yaml`]);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /cannot read test\/fixtures\/cli\/does-not-exist\.yaml/);
  const badFormat = runCli(['check', fixtures, '--format', 'xml']);
  assert.equal(badFormat.status, 2);
  assert.match(badFormat.stderr, /Allowed choices are text, json, sarif/);
  assert.equal(runCli(['check']).status, 2);
});

test('check: reads standard input with -', () => {
  const policy =
    'apiVersion: extensions/v1beta1\nkind: NetworkPolicy\nmetadata:\n  name: old\nspec:\n  podSelector: {}\n';
  const r = runCli(['check', '-', '--format', 'json'], { input: policy });
  const findings = (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings;
  assert.equal(r.status, 1);
  assert.deepEqual(
    findings.map((f) => [f.file, f.line, f.rule]),
    [['<stdin>', 1, 'api-removed-version']],
  );
});

test('check: bad input becomes findings or messages, never a crash, and the rest is analysed', () => {
  const r = runCli(['check', fixtures, '--format', 'json', '--fail-on', 'never']);
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /at .*\.js:\d+/); // no stack trace
  const findings = (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings;
  const rulesByFile = new Map<string, string[]>();
  for (const f of findings) rulesByFile.set(f.file, [...(rulesByFile.get(f.file) ?? []), f.rule]);
  assert.deepEqual(rulesByFile.get(`${fixtures}/alias-bomb.yaml`), ['yaml-alias-bomb']);
  assert.deepEqual(rulesByFile.get(`${fixtures}/helm-template.yaml`), ['helm-template']);
  assert.ok(rulesByFile.get(`${fixtures}/broken-yaml.yaml`)?.includes('yaml-syntax'));
  assert.ok(rulesByFile.get(`${fixtures}/invalid.yaml`)?.includes('api-invalid-cidr'));
  assert.equal(rulesByFile.has(`${fixtures}/empty.yaml`), false);
  assert.equal(rulesByFile.has(`${fixtures}/not-kubernetes.yaml`), false);
  assert.match(r.stderr, /empty\.yaml: empty file/);
  assert.match(r.stderr, /not-kubernetes\.yaml: no Kubernetes objects \(skipped\)/);
});

test('check: SARIF 2.1.0 output has the shape GitHub code scanning accepts', () => {
  const r = runCli(['check', `${fixtures}/invalid.yaml`, '--format', 'sarif']);
  assert.equal(r.status, 1);
  const sarif = JSON.parse(r.stdout) as {
    version: string;
    $schema: string;
    runs: Array<{
      tool: {
        driver: {
          name: string;
          rules: Array<{
            id: string;
            defaultConfiguration: { level: string };
            shortDescription: { text: string };
          }>;
        };
      };
      results: Array<{
        ruleId: string;
        ruleIndex: number;
        level: string;
        message: { text: string };
        locations: Array<{
          physicalLocation: {
            artifactLocation: { uri: string; uriBaseId: string };
            region: { startLine: number; startColumn: number };
          };
        }>;
      }>;
    }>;
  };
  assert.equal(sarif.version, '2.1.0');
  assert.match(sarif.$schema, /sarif-2\.1\.0/);
  assert.equal(sarif.runs.length, 1);
  const run = sarif.runs[0]!;
  assert.equal(run.tool.driver.name, 'netpol-scope');
  const ids = run.tool.driver.rules.map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length);
  assert.ok(run.results.length >= 2);
  for (const result of run.results) {
    assert.equal(run.tool.driver.rules[result.ruleIndex]!.id, result.ruleId);
    assert.ok(['error', 'warning', 'note'].includes(result.level));
    assert.ok(result.message.text.length > 0);
    const loc = result.locations[0]!.physicalLocation;
    assert.equal(loc.artifactLocation.uri, 'test/fixtures/cli/invalid.yaml');
    assert.equal(loc.artifactLocation.uriBaseId, '%SRCROOT%');
    assert.ok(loc.region.startLine >= 1 && loc.region.startColumn >= 1);
  }
});

test('kustomize: objects land in the overlays namespaces, a base finding is reported once, kustomizations are not "skipped"', () => {
  const dir = 'test/fixtures/cli/kustomize';
  const check = runCli(['check', dir, '--format', 'json']);
  assert.doesNotMatch(check.stderr, /skipped/);
  const { findings } = JSON.parse(check.stdout) as {
    findings: Array<{ rule: string; file: string; message: string }>;
  };
  const dns = findings.filter((f) => f.rule === 'dns-egress-missing');
  assert.equal(dns.length, 1);
  assert.equal(dns[0]!.file, `${dir}/base/policies.yaml`);
  assert.match(
    dns[0]!.message,
    /holds in every overlay that uses this file \(.*overlays\/prod, .*overlays\/staging\)/,
  );
  const reach = runCli(['reach', dir, '--level', 'workload', '--format', 'json']);
  assert.equal(reach.status, 0, reach.stderr);
  const nodes = (JSON.parse(reach.stdout) as { nodes: Array<{ id: string }> }).nodes.map((n) => n.id);
  assert.ok(nodes.includes('shop-prod/prod-web[Deployment]'), nodes.join(' '));
  assert.ok(nodes.includes('shop-staging/web[Deployment]'), nodes.join(' '));
});
