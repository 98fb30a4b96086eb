/**
 * The egress-DNS lint rules: dns-egress-missing, dns-egress-incomplete, dns-egress-wrong-target, and the
 * DNS target settings (auto, kube-dns, node-local-dns, openshift-dns, custom pods or IP).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectCount, expectFinding, expectNone, lint, ofRule, yaml } from '../support/lint.js';

const web = `
  apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: web
    namespace: shop
  spec:
    template:
      metadata:
        labels:
          app: web
`;

const api = `
  apiVersion: v1
  kind: Pod
  metadata:
    name: api
    namespace: shop
    labels:
      app: api
`;

const defaultDeny = `
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata:
    name: default-deny
    namespace: shop
  spec:
    podSelector: {}
    policyTypes: [Ingress, Egress]
`;

/** An egress policy in `shop` for all pods, with the given egress rules (YAML lines indented 4). */
function egressPolicy(name: string, rules: string): string {
  return `
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata:
    name: ${name}
    namespace: shop
  spec:
    podSelector: {}
    policyTypes: [Egress]
    egress:
${rules}
`;
}

const kubeDnsRule = `
    - to:
      - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}
        podSelector: {matchLabels: {k8s-app: kube-dns}}
      ports:
      - {port: 53, protocol: UDP}
      - {port: 53, protocol: TCP}`;

test('dns-egress-missing: a default-deny egress policy names the workloads left without DNS', () => {
  const { findings } = lint(yaml(web, api, defaultDeny));
  expectFinding(findings, {
    rule: 'dns-egress-missing',
    text: 'Egress',
    severity: 'warning',
    phrases: [
      'shop/default-deny isolates egress of shop/web (Deployment, test.yaml:4) and shop/api (Pod, test.yaml:15)',
      'none of its egress rules allows DNS over UDP and TCP',
      'kube-dns/CoreDNS pods (k8s-app=kube-dns in kube-system) on port 53',
      'NodeLocal DNSCache at 169.254.20.10 on port 53',
      'OpenShift DNS pods (dns.operator.openshift.io/daemonset-dns=default in openshift-dns) on port 5353',
      'name lookups will fail',
    ],
    data: { policy: 'shop/default-deny' },
  });
  expectCount(findings, 'dns-egress-missing', 1);
});

test('dns-egress-missing: reported once per set of pods, on the first policy, naming the others', () => {
  const { findings } = lint(
    yaml(
      web,
      defaultDeny,
      egressPolicy(
        'allow-db',
        `
    - to:
      - podSelector: {matchLabels: {app: db}}`,
      ),
    ),
  );
  expectCount(findings, 'dns-egress-missing', 1);
  expectFinding(findings, {
    rule: 'dns-egress-missing',
    text: 'Egress',
    line: 19,
    phrases: [
      'shop/default-deny isolates egress of shop/web',
      'of the other policies selecting it (shop/allow-db (test.yaml:24))',
    ],
    data: { policy: 'shop/default-deny' },
  });
});

test('dns-egress-missing: a policy selecting no workload of the workspace is judged on its own rules', () => {
  const { findings } = lint(
    yaml(`
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata:
      name: egress-to-db
      namespace: shop
    spec:
      podSelector:
        matchLabels:
          app: web
      egress:
      - to:
        - podSelector: {matchLabels: {app: db}}`),
  );
  expectFinding(findings, {
    rule: 'dns-egress-missing',
    text: 'egress',
    phrases: [
      'shop/egress-to-db isolates egress of the pods it selects (pods labelled app=web in shop; the workspace shows none of them)',
    ],
    data: { policy: 'shop/egress-to-db' },
  });
});

test('dns-egress-*: a DNS allow to kube-dns on UDP and TCP, in another policy, satisfies the pods', () => {
  const { findings } = lint(yaml(web, api, defaultDeny, egressPolicy('allow-dns', kubeDnsRule)));
  expectNone(findings, 'dns-egress-missing');
  expectNone(findings, 'dns-egress-incomplete');
  expectNone(findings, 'dns-egress-wrong-target');
});

test('dns-egress-missing: peers that admit everything count (no `to`, `namespaceSelector: {}`), named ports resolve on the DNS pods', () => {
  for (const rules of [
    `
    - ports:
      - {port: 53, protocol: UDP}
      - {port: 53, protocol: TCP}`,
    `
    - to:
      - namespaceSelector: {}
      ports:
      - {port: 53, protocol: UDP}
      - {port: 53, protocol: TCP}`,
    `
    - to:
      - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}
      ports:
      - {port: dns, protocol: UDP}
      - {port: dns-tcp, protocol: TCP}`,
  ]) {
    const { findings } = lint(yaml(web, egressPolicy('allow-dns', rules)));
    expectNone(findings, 'dns-egress-missing');
    expectNone(findings, 'dns-egress-incomplete');
  }
});

test('dns-egress-incomplete: UDP 53 only points at the ports entry and names the pods', () => {
  const { findings } = lint(
    yaml(
      web,
      egressPolicy(
        'allow-dns',
        `
    - to:
      - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}
        podSelector: {matchLabels: {k8s-app: kube-dns}}
      ports:
      - {port: 53, protocol: UDP}`,
      ),
    ),
  );
  expectFinding(findings, {
    rule: 'dns-egress-incomplete',
    text: '{port: 53, protocol: UDP}',
    severity: 'warning',
    phrases: [
      'egress[0] of shop/allow-dns allows DNS to kube-dns/CoreDNS pods (k8s-app=kube-dns in kube-system) over UDP 53 only',
      'the policies selecting shop/web (Deployment, test.yaml:4) allows TCP 53 there',
    ],
    data: { missingProtocol: 'TCP', policy: 'shop/allow-dns', rule: 0 },
  });
  // The same gap is not reported twice.
  expectNone(findings, 'dns-egress-missing');
});

test('dns-egress-incomplete: TCP only on the second rule reports the missing UDP with the rule index', () => {
  const { findings } = lint(
    yaml(
      web,
      egressPolicy(
        'allow-dns',
        `
    - to:
      - podSelector: {matchLabels: {app: db}}
    - to:
      - ipBlock: {cidr: 169.254.20.10/32}
      ports:
      - port: 53
        protocol: TCP`,
      ),
    ),
  );
  expectFinding(findings, {
    rule: 'dns-egress-incomplete',
    text: 'port: 53\n      protocol: TCP',
    phrases: ['NodeLocal DNSCache at 169.254.20.10 over TCP 53 only'],
    data: { missingProtocol: 'UDP', policy: 'shop/allow-dns', rule: 1 },
  });
});

test('dns-egress-incomplete: not reported when another policy of the pods covers the other protocol', () => {
  const { findings } = lint(
    yaml(
      web,
      egressPolicy(
        'udp',
        `
    - to:
      - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}
      ports:
      - {port: 53, protocol: UDP}`,
      ),
      egressPolicy(
        'tcp',
        `
    - to:
      - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}
      ports:
      - {port: 53, protocol: TCP}`,
      ),
    ),
  );
  expectNone(findings, 'dns-egress-incomplete');
  expectNone(findings, 'dns-egress-missing');
});

test('dns-egress-wrong-target: a bare podSelector k8s-app=kube-dns selects the own namespace', () => {
  const { findings } = lint(
    yaml(
      web,
      egressPolicy(
        'allow-dns',
        `
    - to:
      - podSelector: {matchLabels: {k8s-app: kube-dns}}
      - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-public}}
      ports:
      - {port: 53, protocol: UDP}
      - {port: 53, protocol: TCP}`,
      ),
    ),
  );
  expectFinding(findings, {
    rule: 'dns-egress-wrong-target',
    text: 'podSelector: {matchLabels: {k8s-app: kube-dns}}',
    severity: 'warning',
    phrases: [
      'egress[0] of shop/allow-dns allows only DNS ports',
      "pods labelled k8s-app=kube-dns in shop only (a podSelector without namespaceSelector selects pods in the policy's own namespace)",
    ],
    data: { policy: 'shop/allow-dns' },
  });
  expectFinding(findings, {
    rule: 'dns-egress-wrong-target',
    text: 'namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-public}}',
    phrases: ['all pods in namespaces that no namespace of the workspace'],
    data: { policy: 'shop/allow-dns' },
  });
  // The pods really are without DNS.
  expectCount(findings, 'dns-egress-missing', 1);
});

test('dns-egress-wrong-target: not reported for the DNS peers, ipBlocks, non-DNS ports or a DNS server of the workspace', () => {
  const { findings } = lint(
    yaml(
      web,
      `
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: unbound
      namespace: shop
    spec:
      template:
        metadata:
          labels:
            app: unbound
        spec:
          containers:
          - name: unbound
            ports:
            - {containerPort: 53, protocol: UDP}`,
      egressPolicy(
        'egress',
        `${kubeDnsRule}
    - to:
      - ipBlock: {cidr: 8.8.8.8/32}
      - podSelector: {matchLabels: {app: unbound}}
      ports:
      - {port: 53, protocol: UDP}
    - to:
      - podSelector: {matchLabels: {app: db}}
      ports:
      - {port: 5432}`,
      ),
    ),
  );
  expectNone(findings, 'dns-egress-wrong-target');
});

test('dns settings: openshift-dns expects port 5353 on the openshift-dns pods', () => {
  const openshiftRule = `
    - to:
      - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: openshift-dns}}
        podSelector: {matchLabels: {dns.operator.openshift.io/daemonset-dns: default}}
      ports:
      - {port: 5353, protocol: UDP}
      - {port: 5353, protocol: TCP}`;
  const files = yaml(web, egressPolicy('allow-dns', openshiftRule));
  expectNone(lint(files, { dns: { target: 'openshift-dns' } }).findings, 'dns-egress-missing');
  expectNone(lint(files).findings, 'dns-egress-missing'); // auto accepts OpenShift
  const kubeDnsOnly = lint(files, { dns: { target: 'kube-dns' } }).findings;
  expectFinding(kubeDnsOnly, {
    rule: 'dns-egress-missing',
    text: 'Egress',
    phrases: [
      'to kube-dns/CoreDNS pods (k8s-app=kube-dns in kube-system) on port 53: name lookups will fail',
    ],
    data: { policy: 'shop/allow-dns' },
  });
  // Port 53 to the OpenShift DNS pods does not reach them: they listen on 5353 behind the Service.
  const on53 = lint(yaml(web, egressPolicy('allow-dns', openshiftRule.replaceAll('5353', '53'))), {
    dns: { target: 'openshift-dns' },
  }).findings;
  expectFinding(on53, {
    rule: 'dns-egress-missing',
    text: 'Egress',
    phrases: [
      'OpenShift DNS pods (dns.operator.openshift.io/daemonset-dns=default in openshift-dns) on port 5353',
    ],
    data: { policy: 'shop/allow-dns' },
  });
});

test('dns settings: node-local-dns is reached only by an ipBlock holding 169.254.20.10', () => {
  const ipRule = `
    - to:
      - ipBlock: {cidr: 169.254.0.0/16}
      ports:
      - {port: 53, protocol: UDP}
      - {port: 53, protocol: TCP}`;
  expectNone(
    lint(yaml(web, egressPolicy('allow-dns', ipRule)), { dns: { target: 'node-local-dns' } }).findings,
    'dns-egress-missing',
  );
  expectCount(
    lint(yaml(web, egressPolicy('allow-dns', ipRule)), { dns: { target: 'kube-dns' } }).findings,
    'dns-egress-missing',
    1,
  );
  expectCount(
    lint(yaml(web, egressPolicy('allow-dns', kubeDnsRule)), { dns: { target: 'node-local-dns' } }).findings,
    'dns-egress-missing',
    1,
  );
});

test('dns settings: custom DNS pods (namespace, labels, port) and a custom IP', () => {
  const customRule = `
    - to:
      - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: dns}}
        podLabels: {}
        podSelector: {matchLabels: {app: unbound}}
      ports:
      - {port: 5300, protocol: UDP}
      - {port: 5300, protocol: TCP}`.replace('        podLabels: {}\n', '');
  const custom = { dns: { target: 'custom', namespace: 'dns', podLabels: { app: 'unbound' }, port: 5300 } };
  expectNone(lint(yaml(web, egressPolicy('allow-dns', customRule)), custom).findings, 'dns-egress-missing');
  const wrongPort = lint(
    yaml(web, egressPolicy('allow-dns', customRule.replaceAll('5300', '53'))),
    custom,
  ).findings;
  expectFinding(wrongPort, {
    rule: 'dns-egress-missing',
    text: 'Egress',
    phrases: ['to the DNS pods (app=unbound in dns) on port 5300'],
    data: { policy: 'shop/allow-dns' },
  });
  expectCount(lint(yaml(web, egressPolicy('allow-dns', customRule))).findings, 'dns-egress-missing', 1);

  const ipRule = `
    - to:
      - ipBlock: {cidr: 10.96.0.10/32}
      ports:
      - {port: 53, protocol: UDP}
      - {port: 53, protocol: TCP}`;
  const ip = { dns: { target: 'custom', ip: '10.96.0.10', port: 53 } };
  expectNone(lint(yaml(web, egressPolicy('allow-dns', ipRule)), ip).findings, 'dns-egress-missing');
  const elsewhere = lint(yaml(web, egressPolicy('allow-dns', ipRule)), {
    dns: { target: 'custom', ip: '10.96.0.11' },
  });
  const found = ofRule(elsewhere.findings, 'dns-egress-missing');
  assert.equal(found.length, 1);
  assert.ok(found[0]!.message.includes('the DNS server at 10.96.0.11 on port 53'), found[0]!.message);
});

test('dns target namespaces: labels come from the workspace when the namespace is declared', () => {
  const byTeam = `
    - to:
      - namespaceSelector: {matchLabels: {team: platform}}
        podSelector: {matchLabels: {k8s-app: kube-dns}}
      ports:
      - {port: 53, protocol: UDP}
      - {port: 53, protocol: TCP}`;
  const kubeSystem = `
    apiVersion: v1
    kind: Namespace
    metadata:
      name: kube-system
      labels:
        team: platform`;
  expectNone(lint(yaml(kubeSystem, web, egressPolicy('allow-dns', byTeam))).findings, 'dns-egress-missing');
  expectCount(lint(yaml(web, egressPolicy('allow-dns', byTeam))).findings, 'dns-egress-missing', 1);
});
