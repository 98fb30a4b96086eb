/** The extension manifest (package.json) agrees with the code: rules, settings, commands, engines. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rules } from '../../shared/rules/registry.js';
import { cniPlugins, defaultSettings, dnsTargets, ipBlockPodModes } from '../../shared/settings.js';
import { repoRoot } from '../support/cli.js';

interface Property {
  readonly default?: unknown;
  readonly enum?: readonly string[];
  readonly properties?: Record<string, { enum?: readonly string[] }>;
}

const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  engines: { vscode: string };
  main: string;
  bin: Record<string, string>;
  devDependencies: Record<string, string>;
  contributes: {
    configuration: { properties: Record<string, Property> };
    commands: Array<{ command: string; title: string }>;
    menus: Record<string, Array<{ command: string; when?: string }>>;
  };
};
const properties = pkg.contributes.configuration.properties;

test('every rule of the registry can be configured in netpolScope.rules, and nothing else', () => {
  const configurable = Object.keys(properties['netpolScope.rules']!.properties ?? {}).sort();
  assert.deepEqual(configurable, rules.map((r) => r.id).sort());
  for (const rule of rules) {
    assert.deepEqual(properties['netpolScope.rules']!.properties![rule.id]!.enum, [
      'error',
      'warning',
      'info',
      'hint',
      'off',
    ]);
  }
});

test('contributed settings have the defaults and choices of shared/settings.ts', () => {
  assert.equal(properties['netpolScope.dns.target']!.default, defaultSettings.dns.target);
  assert.deepEqual(properties['netpolScope.dns.target']!.enum, [...dnsTargets]);
  assert.equal(properties['netpolScope.dns.namespace']!.default, defaultSettings.dns.namespace);
  assert.deepEqual(properties['netpolScope.dns.podLabels']!.default, defaultSettings.dns.podLabels);
  assert.equal(properties['netpolScope.dns.ip']!.default, defaultSettings.dns.ip);
  assert.equal(properties['netpolScope.dns.port']!.default, defaultSettings.dns.port);
  assert.equal(properties['netpolScope.cni']!.default, defaultSettings.cni);
  assert.deepEqual(properties['netpolScope.cni']!.enum, [...cniPlugins]);
  assert.equal(properties['netpolScope.cniVersion']!.default, defaultSettings.cniVersion);
  assert.equal(properties['netpolScope.ipBlockPods']!.default, defaultSettings.ipBlockPods);
  assert.deepEqual(properties['netpolScope.ipBlockPods']!.enum, [...ipBlockPodModes]);
  assert.equal(properties['netpolScope.defaultNamespace']!.default, defaultSettings.defaultNamespace);
  assert.deepEqual(properties['netpolScope.include']!.default, defaultSettings.include);
  assert.deepEqual(properties['netpolScope.exclude']!.default, defaultSettings.exclude);
  assert.equal(properties['netpolScope.maxFileSize']!.default, defaultSettings.maxFileSize);
  assert.equal(properties['netpolScope.exposure']!.default, defaultSettings.exposure);
  assert.deepEqual(properties['netpolScope.flows']!.default, defaultSettings.flows);
  assert.deepEqual(properties['netpolScope.flowFlags']!.default, defaultSettings.flowFlags);
  const known = new Set([
    'netpolScope.rules',
    'netpolScope.dns.target',
    'netpolScope.dns.namespace',
    'netpolScope.dns.podLabels',
    'netpolScope.dns.ip',
    'netpolScope.dns.port',
    'netpolScope.cni',
    'netpolScope.cniVersion',
    'netpolScope.ipBlockPods',
    'netpolScope.defaultNamespace',
    'netpolScope.include',
    'netpolScope.exclude',
    'netpolScope.maxFileSize',
    'netpolScope.exposure',
    'netpolScope.flows',
    'netpolScope.flowFlags',
    'netpolScope.trace.server',
  ]);
  assert.deepEqual(Object.keys(properties).sort(), [...known].sort());
});

test('contributed commands are exactly the registered ones', () => {
  const source = readFileSync(join(repoRoot, 'client/commands.ts'), 'utf8');
  const registered = [...source.matchAll(/registerCommand\(\s*'([^']+)'/g)].map((m) => m[1]).sort();
  assert.deepEqual(pkg.contributes.commands.map((c) => c.command).sort(), registered);
  assert.ok(
    pkg.contributes.menus['editor/title']!.some(
      (m) => m.command === 'netpolScope.showReachability' && m.when === 'netpolScope.policyFile',
    ),
  );
});

test('engines.vscode stays installable in code-server 4.100 and @types/vscode is not newer', () => {
  assert.equal(pkg.engines.vscode, '^1.100.0');
  const types = pkg.devDependencies['@types/vscode']!.replace(/^[\^~]/, '')
    .split('.')
    .map(Number);
  assert.ok(types[0] === 1 && types[1]! <= 100, `@types/vscode ${pkg.devDependencies['@types/vscode']}`);
  assert.equal(pkg.main, './dist/client.js');
  assert.equal(pkg.bin['netpol-scope'], './dist/cli.js');
});
