/**
 * kustomize read without running it (shared/model/kustomize.ts, kustomize-apply.ts): namespaces, name
 * prefixes and suffixes, labels into templates and into selectors that have matchLabels, bases used by
 * several overlays, and findings reported once for a base.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SourceFile } from '../../shared/source/source-file.js';
import { analyze } from '../../shared/analysis.js';
import { loadManifests } from '../../shared/parse/yaml-loader.js';
import { joinPath, kustomizeView } from '../../shared/model/kustomize.js';
import { qualifiedName } from '../../shared/model/types.js';
import { dedent } from '../support/manifests.js';

const files = (entries: Record<string, string>) =>
  Object.entries(entries).map(([path, text]) => new SourceFile(path, dedent(text)));

const repo = {
  'base/kustomization.yaml': `
    resources: [deploy.yaml, netpol.yaml]
    commonLabels: {team: shop}`,
  'base/deploy.yaml': `
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web}
    spec:
      template:
        metadata: {labels: {app: web}}
        spec: {containers: [{name: c, image: x}]}`,
  'base/netpol.yaml': `
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: web}
    spec:
      podSelector: {matchLabels: {app: web}}
      policyTypes: [Ingress, Egress]
      ingress:
      - from:
        - podSelector: {matchLabels: {app: web}}
        - podSelector: {}
    ---
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: all}
    spec:
      podSelector: {}
      policyTypes: [Ingress]`,
  'overlays/prod/kustomization.yaml': `
    namespace: prod
    namePrefix: p-
    nameSuffix: -v1
    resources: [../../base]`,
  'overlays/dev/kustomization.yaml': `
    apiVersion: kustomize.config.k8s.io/v1beta1
    kind: Kustomization
    namespace: dev
    resources: [../../base, extra.yaml]
    labels:
    - pairs: {env: dev}
      includeSelectors: true
    - pairs: {owner: me}`,
  'overlays/dev/extra.yaml': `
    apiVersion: v1
    kind: Pod
    metadata: {name: debug, namespace: elsewhere, labels: {app: debug}}`,
  'loose.yaml': `
    apiVersion: v1
    kind: Pod
    metadata: {name: loose, labels: {app: loose}}`,
};

test('joinPath resolves relative entries in paths and URIs', () => {
  assert.equal(joinPath('overlays/prod', '../../base'), 'base');
  assert.equal(joinPath('/repo/overlays/prod', '../../base/./x.yaml'), '/repo/base/x.yaml');
  assert.equal(joinPath('file:///repo/overlays/prod', '../../base'), 'file:///repo/base');
  assert.equal(joinPath('', 'a/b.yaml'), 'a/b.yaml');
});

test('placements: a base is placed once per overlay, with the combined settings; unlisted files have none', () => {
  const view = kustomizeView(files(repo).map((f) => loadManifests(f)));
  const prod = view.placementsOf('base/netpol.yaml').find((p) => p.root === 'overlays/prod')!;
  assert.deepEqual(
    { namespace: prod.namespace, prefix: prod.namePrefix, suffix: prod.nameSuffix },
    { namespace: 'prod', prefix: 'p-', suffix: '-v1' },
  );
  assert.deepEqual(
    view
      .placementsOf('base/netpol.yaml')
      .map((p) => p.root)
      .sort(),
    ['overlays/dev', 'overlays/prod'],
  );
  assert.deepEqual(
    view.placementsOf('overlays/dev/extra.yaml').map((p) => p.root),
    ['overlays/dev'],
  );
  assert.deepEqual(view.placementsOf('loose.yaml'), []);
});

test('objects land where kustomize puts them, with its names and labels', () => {
  const analysis = analyze(files(repo));
  const { model } = analysis.workspace;
  assert.deepEqual(model.workloads.map((w) => qualifiedName(w)).sort(), [
    'default/loose',
    'dev/debug',
    'dev/web',
    'prod/p-web-v1',
  ]);
  const devWeb = model.workloads.find((w) => qualifiedName(w) === 'dev/web')!;
  assert.deepEqual(devWeb.labels, { app: 'web', team: 'shop', env: 'dev' });
  // `labels` without includeSelectors/includeTemplates reaches metadata only; a Pod's metadata is its labels.
  const debug = model.workloads.find((w) => w.name === 'debug')!;
  assert.equal(debug.labels['owner'], 'me');
  const prodPolicy = model.policies.find((p) => qualifiedName(p) === 'prod/p-web-v1')!;
  assert.deepEqual(prodPolicy.podSelector.requirements.map((r) => `${r.key}=${r.values.join()}`).sort(), [
    'app=web',
    'team=shop',
  ]);
  const peers = prodPolicy.ingress[0]!.peers;
  assert.ok(peers !== 'all');
  // A selector without matchLabels gets none (kustomize's fieldSpecs say `create: false`).
  assert.deepEqual(
    peers.map((p) => (p.kind === 'pods' ? p.podSelector!.requirements.map((r) => r.key).sort() : [])),
    [['app', 'team'], []],
  );
  const all = model.policies.find((p) => qualifiedName(p) === 'dev/all')!;
  assert.deepEqual(all.podSelector.requirements, []);
  // The policy still selects its pods in both overlays.
  for (const ns of ['prod', 'dev']) {
    const policy = model.policies.find((p) => p.namespace === ns && p.name.includes('web'))!;
    const engine = analysis.engine;
    const web = model.workloads.find((w) => w.namespace === ns && w.name.includes('web'))!;
    assert.ok(engine.classOf(web), ns);
    assert.ok(policy.affectsEgress);
  }
});

test('a finding on a base is reported once, for every overlay that uses it', () => {
  const analysis = analyze(files(repo));
  const dns = analysis.findings.filter((f) => f.rule === 'dns-egress-missing');
  assert.equal(dns.length, 1, dns.map((f) => f.message).join('\n'));
  assert.equal(dns[0]!.file.path, 'base/netpol.yaml');
  assert.match(
    dns[0]!.message,
    /\[kustomize: holds in every overlay that uses this file \(overlays\/dev, overlays\/prod\)\.\]/,
  );
});
