/** The CNI lint rules (setting `cni`): cni-no-enforcement and cni-unsupported-feature. */
import { test } from 'node:test';
import { expectCount, expectFinding, expectNone, lint, yaml } from '../support/lint.js';

function policy(name: string, ports: string): string {
  return `
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata:
    name: ${name}
    namespace: shop
  spec:
    podSelector: {}
    policyTypes: [Ingress]
    ingress:
    - from:
      - podSelector: {}
      ports:
${ports}
`;
}

const range = policy(
  'range',
  `
      - port: 32000
        endPort: 32768`,
);
const sctp = policy(
  'sctp',
  `
      - port: 3868
        protocol: SCTP`,
);
const plain = policy(
  'plain',
  `
      - port: 80`,
);

test('cni-no-enforcement: flannel reports every policy on its metadata.name', () => {
  const { findings } = lint(yaml(range, plain), { cni: 'flannel' });
  expectFinding(findings, {
    rule: 'cni-no-enforcement',
    text: 'range',
    severity: 'warning',
    phrases: [
      'The configured CNI is flannel',
      'does not enforce NetworkPolicy',
      'shop/range is accepted by the API server but has no effect',
    ],
    data: { cni: 'flannel' },
  });
  expectFinding(findings, { rule: 'cni-no-enforcement', text: 'plain', data: { cni: 'flannel' } });
  expectCount(findings, 'cni-no-enforcement', 2);
  // Features are moot when nothing is enforced.
  expectNone(findings, 'cni-unsupported-feature');
});

test('cni-no-enforcement: not reported for unknown, enforcing plugins, kindnet or aws-vpc-cni', () => {
  for (const cni of ['unknown', 'calico', 'cilium', 'antrea', 'kindnet', 'aws-vpc-cni', 'ovn-kubernetes']) {
    expectNone(lint(yaml(plain), { cni }).findings, 'cni-no-enforcement');
  }
  expectNone(lint(yaml(plain)).findings, 'cni-no-enforcement');
});

test('cni-unsupported-feature: endPort under weave and azure-npm points at the endPort key', () => {
  for (const cni of ['weave', 'azure-npm']) {
    const { findings } = lint(yaml(range, sctp, plain), { cni });
    expectFinding(findings, {
      rule: 'cni-unsupported-feature',
      text: 'endPort',
      severity: 'warning',
      phrases: [
        `ingress[0] of shop/range uses endPort, but the configured CNI is ${cni}`,
        'covers port alone',
      ],
      data: { cni, feature: 'endPort' },
    });
    expectCount(findings, 'cni-unsupported-feature', 1);
  }
});

test('cni-unsupported-feature: SCTP under kube-router, cilium and gke-dataplane-v2 points at the protocol value', () => {
  const expected: Record<string, string> = {
    'kube-router': 'kube-router does not implement SCTP',
    cilium: 'sctp.enabled=true',
    'gke-dataplane-v2': 'GKE 1.32.2-gke.1297000',
  };
  for (const [cni, phrase] of Object.entries(expected)) {
    const { findings } = lint(yaml(range, sctp, plain), { cni });
    expectFinding(findings, {
      rule: 'cni-unsupported-feature',
      text: 'SCTP',
      phrases: [`ingress[0] of shop/sctp uses SCTP, but the configured CNI is ${cni}`, phrase],
      data: { cni, feature: 'SCTP' },
    });
    expectCount(findings, 'cni-unsupported-feature', 1);
  }
});

test('cni-unsupported-feature: nothing for unknown or plugins that support both features', () => {
  for (const cni of [
    'unknown',
    'calico',
    'antrea',
    'ovn-kubernetes',
    'openshift-sdn',
    'kindnet',
    'aws-vpc-cni',
  ]) {
    expectNone(lint(yaml(range, sctp), { cni }).findings, 'cni-unsupported-feature');
  }
});

test('cni rules: rejected policies are not reported', () => {
  const rejected = `
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata:
    name: rejected
    namespace: shop
  spec:
    podSelector: {}
    ingress:
    - ports:
      - port: 80
        endPort: 70`;
  expectNone(lint(yaml(rejected), { cni: 'flannel' }).findings, 'cni-no-enforcement');
  expectNone(lint(yaml(rejected), { cni: 'weave' }).findings, 'cni-unsupported-feature');
});
