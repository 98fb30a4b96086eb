/**
 * The context a repository carries, as the rules read it (issue 9): pods the workspace implies without
 * spelling them out, workspace completeness, what a policy says about itself (name, comments), namespace
 * labels per requirement, and the severities that follow from them (docs/rules.md, "Severity policy").
 * Every fixture here is written for this test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectCount, expectFinding, expectNone, lint, ofRule, show, yaml } from '../support/lint.js';
import { fixesFor } from '../../shared/fixes/index.js';

const policy = (name: string, spec: string, namespace = 'shop') => `
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata:
    name: ${name}
    namespace: ${namespace}
  spec:
${spec}`;

const deployment = (name: string, labels: string, namespace = 'shop') => `
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: ${name}, namespace: ${namespace}}
  spec:
    template:
      metadata: {labels: ${labels}}
      spec: {containers: [{name: c, image: x}]}`;

test('pods from any object with a pod template, from the Prometheus operator, and Job labels', () => {
  const { ctx, findings } = lint(
    yaml(
      deployment('web', '{app: web}'),
      `
      apiVersion: argoproj.io/v1alpha1
      kind: Rollout
      metadata: {name: checkout, namespace: shop}
      spec:
        template:
          metadata: {labels: {app: checkout}}
          spec: {containers: [{name: c, image: x, ports: [{containerPort: 8080, name: http}]}]}`,
      `
      apiVersion: monitoring.coreos.com/v1
      kind: Prometheus
      metadata: {name: k8s, namespace: shop}
      spec:
        podMetadata: {labels: {team: obs}}`,
      `
      apiVersion: batch/v1
      kind: Job
      metadata: {name: migrate, namespace: shop}
      spec:
        template:
          spec: {containers: [{name: c, image: x}]}`,
      policy(
        'rollout',
        `
    podSelector: {matchLabels: {app: checkout}}
    policyTypes: [Ingress]
    ingress:
    - from:
      - podSelector: {matchLabels: {app.kubernetes.io/name: prometheus, prometheus: k8s}}
      - podSelector: {matchLabels: {batch.kubernetes.io/job-name: migrate}}
      ports:
      - {port: http}`,
      ),
    ),
  );
  const kinds = ctx.workspace.model.workloads.map((w) => `${w.kind}/${w.name}`).sort();
  assert.deepEqual(kinds, ['Deployment/web', 'Job/migrate', 'Prometheus/k8s', 'Rollout/checkout']);
  const prometheus = ctx.workspace.model.workloads.find((w) => w.kind === 'Prometheus')!;
  assert.equal(prometheus.labels['team'], 'obs');
  assert.equal(prometheus.labels['operator.prometheus.io/name'], 'k8s');
  expectNone(findings, 'policy-selects-nothing');
  expectNone(findings, 'peer-matches-nothing');
  expectNone(findings, 'named-port-unresolved');
});

test('tombstoned objects hold no pods; custom resources are named as possible pod sources', () => {
  const { ctx, findings } = lint(
    yaml(
      `
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: old
        namespace: shop
        annotations: {release.openshift.io/delete: "true"}
      spec:
        template:
          metadata: {labels: {app: old}}
          spec: {containers: [{name: c, image: x}]}`,
      deployment('web', '{app: web}'),
      `
      apiVersion: example.com/v1
      kind: Sandbox
      metadata: {name: box, namespace: shop}
      spec: {size: 2}`,
      policy(
        'runners',
        `
    podSelector: {matchLabels: {app: runner}}
    policyTypes: [Ingress]`,
      ),
    ),
  );
  assert.deepEqual(
    ctx.workspace.model.workloads.map((w) => w.name),
    ['web'],
  );
  expectFinding(findings, {
    rule: 'policy-selects-nothing',
    text: '{matchLabels: {app: runner}}',
    severity: 'info',
    phrases: [
      'Sandbox/box may have an operator create pods that the workspace does not show',
      'Reported as info',
    ],
  });
});

test('selects nothing: a warning only with a likely typo; nothing for per-pod labels or namespaces without workloads', () => {
  const { findings } = lint(
    yaml(
      deployment('web', '{app: frontend}'),
      policy('typo', `    podSelector: {matchLabels: {app: fronted}}`),
      policy('elsewhere', `    podSelector: {matchLabels: {app: payments}}`),
      policy('replica', `    podSelector: {matchLabels: {statefulset.kubernetes.io/pod-name: db-1}}`),
      policy('empty-ns', `    podSelector: {matchLabels: {app: x}}`, 'billing'),
    ),
  );
  expectFinding(findings, {
    rule: 'policy-selects-nothing',
    text: '{matchLabels: {app: fronted}}',
    severity: 'warning',
  });
  expectFinding(findings, {
    rule: 'policy-selects-nothing',
    text: '{matchLabels: {app: payments}}',
    severity: 'info',
  });
  expectCount(findings, 'policy-selects-nothing', 2);
});

test('namespace-name-label is judged per requirement', () => {
  const { findings } = lint(
    yaml(
      `
      apiVersion: v1
      kind: Namespace
      metadata: {name: monitoring, labels: {name: monitoring}}`,
      `
      apiVersion: v1
      kind: Namespace
      metadata: {name: ingress}`,
      policy(
        'p',
        `
    podSelector: {}
    policyTypes: [Ingress]
    ingress:
    - from:
      - namespaceSelector: {matchLabels: {name: monitoring}}
      - namespaceSelector: {matchLabels: {name: ingress}}
      - namespaceSelector: {matchLabels: {name: openshift-monitoring}}
      - namespaceSelector: {matchLabels: {name: logging}}`,
      ),
    ),
  );
  // monitoring is labelled; openshift-* namespaces carry `name` on OpenShift.
  expectFinding(findings, {
    rule: 'namespace-name-label',
    text: 'name',
    line: findLine(findings, 'ingress'),
    severity: 'warning',
    phrases: ['The workspace declares ingress (test.yaml:', 'without a `name` label'],
  });
  expectFinding(findings, {
    rule: 'namespace-name-label',
    text: 'name',
    line: findLine(findings, 'logging'),
    severity: 'info',
    phrases: ['does not declare namespace logging'],
  });
  expectCount(findings, 'namespace-name-label', 2);
});

/** The line of the namespace-name-label finding whose data names `namespace`. */
function findLine(findings: ReturnType<typeof lint>['findings'], namespace: string): number {
  const f = ofRule(findings, 'namespace-name-label').find((x) =>
    (x.data?.namespaces as string[] | undefined)?.includes(namespace),
  );
  assert.ok(f, `no finding for ${namespace}:\n${show(findings)}`);
  return f.file.lineColumn(f.span.start).line;
}

test('namespace-selector-unmatched: the namespace the value names is declared without the label', () => {
  const { findings } = lint(
    yaml(
      `
      apiVersion: v1
      kind: Namespace
      metadata: {name: payments, labels: {tier: backend}}`,
      policy(
        'db',
        `
    podSelector: {}
    policyTypes: [Ingress]
    ingress:
    - from:
      - namespaceSelector: {matchLabels: {team: payments}}
      - namespaceSelector: {matchLabels: {team: shipping}}
      - namespaceSelector: {matchLabels: {tier: backend}}`,
      ),
    ),
  );
  expectFinding(findings, {
    rule: 'namespace-selector-unmatched',
    text: 'team: payments',
    phrases: [
      'matches no namespace of the workspace: namespace payments (test.yaml:',
      'lacks `team=payments`',
      '`kubernetes.io/metadata.name: payments` would match it',
    ],
    data: { key: 'team', namespace: 'payments' },
  });
  // shipping is not declared here (nothing can be told); tier=backend matches.
  expectCount(findings, 'namespace-selector-unmatched', 1);
});

test('namespace-selector-all: info for admission webhooks, names about all namespaces and DNS; a warning on metrics', () => {
  const rule = (port: string) => `
    podSelector: {}
    policyTypes: [Ingress]
    ingress:
    - from:
      - namespaceSelector: {}   # allow from any namespace
      ports:
      - {port: ${port}}`;
  const { findings } = lint(
    yaml(
      policy('webhook', rule('9443')),
      policy('allow-from-all-namespaces', rule('8080')),
      policy('metrics', rule('8443')),
      policy(
        'dns',
        `
    podSelector: {}
    policyTypes: [Egress]
    egress:
    - to:
      - namespaceSelector: {}
        podSelector: {matchLabels: {k8s-app: kube-dns}}
      ports:
      - {port: 53, protocol: UDP}
      - {port: 53, protocol: TCP}`,
      ),
    ),
  );
  const bySeverity = ofRule(findings, 'namespace-selector-all').map((f) => [
    (f.data as { policy: string }).policy,
    f.severity,
  ]);
  assert.deepEqual(bySeverity, [
    ['shop/webhook', 'info'],
    ['shop/allow-from-all-namespaces', 'info'],
    ['shop/metrics', 'warning'],
    ['shop/dns', 'info'],
  ]);
});

test('a null matchLabels is info; a null `to` stays a warning without an allow-all-rule on top', () => {
  const { ctx, findings } = lint(
    yaml(
      policy(
        'p',
        `
    podSelector:
      matchLabels:
    policyTypes: [Egress]
    egress:
    - to:
      ports:
      - {port: 443}`,
      ),
    ),
  );
  const types = ofRule(ctx.workspace.findings, 'api-invalid-type').map((f) => f.severity);
  assert.deepEqual(types.sort(), ['info', 'warning'], show(ctx.workspace.findings));
  expectNone(findings, 'allow-all-rule');
});

test('dns-egress-missing: info for pods that reach only the API server; a warning when comments say they need more', () => {
  const apiOnly = `
    podSelector: {matchLabels: {app: operator}}
    policyTypes: [Egress]
    egress:
    - ports:
      - {port: 6443, protocol: TCP}`;
  const quiet = lint(yaml(deployment('operator', '{app: operator}'), policy('api', apiOnly)));
  expectFinding(quiet.findings, {
    rule: 'dns-egress-missing',
    text: 'Egress',
    severity: 'info',
    phrases: ['KUBERNETES_SERVICE_HOST'],
  });
  const broad = lint(
    yaml(
      deployment('operator', '{app: operator}'),
      `  # The operator calls cloud provider APIs and external services.${policy('api', apiOnly)}`,
    ),
  );
  expectFinding(broad.findings, { rule: 'dns-egress-missing', text: 'Egress', severity: 'warning' });
});

test('dns-egress-missing without workloads: judged with the policies selecting the same pods, once per selector', () => {
  const { findings } = lint(
    yaml(
      policy('deny-egress', `    podSelector: {}\n    policyTypes: [Egress]`),
      policy('deny-egress-again', `    podSelector: {}\n    policyTypes: [Egress]`),
      policy('covered', `    podSelector: {matchLabels: {app: a}}\n    policyTypes: [Egress]`, 'data'),
      policy(
        'open',
        `
    podSelector: {}
    policyTypes: [Egress]
    egress:
    - {}`,
        'data',
      ),
    ),
  );
  expectFinding(findings, {
    rule: 'dns-egress-missing',
    text: 'Egress',
    phrases: ['shop/deny-egress isolates egress', 'and those of shop/deny-egress-again'],
  });
  // data/covered's pods are also selected by data/open, whose egress [{}] allows DNS.
  expectCount(findings, 'dns-egress-missing', 1);
});

test('split-rule: not for the "peers rule + DNS rule" pair; a split before other ports still is', () => {
  const { findings } = lint(
    yaml(
      policy(
        'dns-pair',
        `
    podSelector: {}
    policyTypes: [Egress]
    egress:
    - to:
      - podSelector: {matchLabels: {app: db}}
    - ports:
      - {port: 53, protocol: UDP}
      - {port: 53, protocol: TCP}`,
      ),
      policy(
        'split',
        `
    podSelector: {}
    policyTypes: [Egress]
    egress:
    - to:
      - podSelector: {matchLabels: {app: db}}
    - ports:
      - {port: 5432}`,
      ),
    ),
  );
  expectCount(findings, 'split-rule', 1);
  expectFinding(findings, { rule: 'split-rule', text: 'ports:\n    - {port: 5432}' });
});

test('egress-metadata-endpoint: an explicit allow of the endpoint is info, without a fix that would repeat the cidr', () => {
  const { findings } = lint(
    yaml(
      policy(
        'imds',
        `
    podSelector: {}
    policyTypes: [Egress]
    egress:
    - to:
      - ipBlock: {cidr: 169.254.169.254/32}
      ports:
      - {port: 80}
    - to:
      - ipBlock: {cidr: 0.0.0.0/0}
      ports:
      - {port: 80}`,
      ),
    ),
  );
  expectFinding(findings, {
    rule: 'egress-metadata-endpoint',
    text: '169.254.169.254/32',
    severity: 'info',
    phrases: ['explicitly allows 169.254.169.254'],
    data: undefined,
  });
  expectFinding(findings, { rule: 'egress-metadata-endpoint', text: '0.0.0.0/0', severity: 'warning' });
});

test('a DNS rule with the wrong target and TCP only is two findings: the target and the missing UDP', () => {
  const { findings } = lint(
    yaml(
      policy(
        'dns',
        `
    podSelector: {}
    policyTypes: [Egress]
    egress:
    - to:
      - podSelector: {matchLabels: {k8s-app: kube-dns}}
      ports:
      - {port: 53, protocol: TCP}`,
      ),
    ),
  );
  expectFinding(findings, {
    rule: 'dns-egress-wrong-target',
    text: 'podSelector: {matchLabels: {k8s-app: kube-dns}}',
  });
  expectFinding(findings, {
    rule: 'dns-egress-incomplete',
    text: '{port: 53, protocol: TCP}',
    phrases: ['allows TCP only', 'DNS also needs UDP'],
  });
});

test('service-port-not-pod-port: the Service port in the policy, the pods on the targetPort; with a fix', () => {
  const manifests = (policyPort: string, containerPorts: string) =>
    yaml(
      `
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: manager, namespace: system}
      spec:
        template:
          metadata: {labels: {control-plane: manager}}
          spec: {containers: [{name: m, image: x, ports: [${containerPorts}]}]}`,
      `
      apiVersion: v1
      kind: Service
      metadata: {name: webhook, namespace: system}
      spec:
        selector: {control-plane: manager}
        ports:
        - {port: 443, targetPort: webhook-server}`,
      policy(
        'webhook',
        `
    podSelector: {matchLabels: {control-plane: manager}}
    policyTypes: [Ingress]
    ingress:
    - ports:
      - {port: ${policyPort}}`,
        'system',
      ),
    );
  const { ctx, findings } = lint(manifests('443', '{containerPort: 9443, name: webhook-server}'));
  const found = expectFinding(findings, {
    rule: 'service-port-not-pod-port',
    text: '443',
    phrases: [
      'allows TCP 443, the port of Service system/webhook (test.yaml:',
      'forwards it to targetPort webhook-server (9443)',
      'Allow 9443 instead',
    ],
    data: { port: 443, targetPort: 9443 },
  });
  const fixes = fixesFor(ctx, found);
  assert.equal(fixes.length, 1);
  assert.equal(fixes[0]!.edits[0]!.newText, '9443');
  // A port a container declares, or the targetPort itself, is fine.
  expectNone(
    lint(manifests('443', '{containerPort: 443}, {containerPort: 9443, name: webhook-server}')).findings,
    'service-port-not-pod-port',
  );
  expectNone(
    lint(manifests('9443', '{containerPort: 9443, name: webhook-server}')).findings,
    'service-port-not-pod-port',
  );
});

test('objects the API server refuses: a YAML 1.1 `namespace: y` is left out; an owner reference without kind is reported', () => {
  const { ctx } = lint(
    yaml(
      `
      apiVersion: v1
      kind: Pod
      metadata:
        name: p
        namespace: y
        ownerReferences:
        - {apiVersion: apps/v1, name: rs, uid: "1"}`,
      policy(
        'host-bits',
        `
    podSelector: {}
    policyTypes: [Ingress]
    ingress:
    - from:
      - ipBlock: {cidr: 10.0.0.1/8}`,
      ),
    ),
  );
  const errors = ctx.workspace.findings.filter((f) => f.severity === 'error').map((f) => f.message);
  assert.equal(errors.length, 2, errors.join('\n'));
  assert.match(
    errors[0]!,
    /metadata\.namespace must be a string; found the boolean true \(YAML reads `y` as true\)/,
  );
  assert.match(errors[1]!, /needs kind/);
  // The namespace cannot be told, so the Pod is left out (its owner reference is reported all the same).
  assert.deepEqual(ctx.workspace.model.workloads, []);
  // A CIDR with host bits is a warning; the policy still takes part.
  const cidr = ofRule(ctx.workspace.findings, 'api-invalid-cidr');
  assert.deepEqual(
    cidr.map((f) => f.severity),
    ['warning'],
  );
  assert.equal(ctx.workspace.model.policies[0]!.rejected, false);
});

test('a Pod whose owner reference lacks kind is reported, and read without that owner', () => {
  const { ctx } = lint(
    yaml(`
      apiVersion: v1
      kind: Pod
      metadata:
        name: worker-1
        namespace: jobs
        labels: {app: worker}
        ownerReferences:
        - {name: worker, controller: true}`),
  );
  assert.deepEqual(
    ofRule(ctx.workspace.findings, 'api-missing-field').map((f) => f.severity),
    ['error'],
  );
  assert.deepEqual(
    ctx.workspace.model.workloads.map((w) => [w.name, w.owner]),
    [['worker-1', undefined]],
  );
});
