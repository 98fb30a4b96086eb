/**
 * The policy APIs beyond NetworkPolicy v1 (shared/policy-apis/): the Calico selector grammar, each API's
 * defaults and validation, and the layered evaluation (order, Pass, deny precedence, entities, L7).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SourceFile } from '../../shared/source/source-file.js';
import { buildWorkspace } from '../../shared/model/build-cluster.js';
import { ReachabilityEngine } from '../../shared/reach/engine.js';
import type { Protocol } from '../../shared/model/types.js';
import type { CniPlugin } from '../../shared/settings.js';
import {
  evaluateCalicoSelector,
  isSelectorError,
  parseCalicoSelector,
} from '../../shared/policy-apis/calico-selector.js';
import { explainConnection } from '../../shared/explain/explain.js';
import { fixesFor } from '../../shared/fixes/index.js';
import { applyEdits } from '../../shared/fixes/types.js';
import { lint } from '../support/lint.js';
import { codeLenses } from '../../shared/features/code-lens.js';
import { completionsAt } from '../../shared/features/completion.js';

const pods = `
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {team: shop}}
---
apiVersion: v1
kind: Namespace
metadata: {name: ops}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec:
  containers: [{name: c, image: x, ports: [{name: http, containerPort: 80}]}]
status: {podIP: 10.0.0.1}
---
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: shop, labels: {app: db}}
spec:
  serviceAccountName: db-sa
  containers: [{name: c, image: x, ports: [{name: pg, containerPort: 5432}]}]
status: {podIP: 10.0.0.2}
---
apiVersion: v1
kind: Pod
metadata: {name: mon, namespace: ops, labels: {app: mon}}
spec:
  containers: [{name: c, image: x}]
status: {podIP: 10.0.1.1}
`;

function analyse(policies: string, cni: CniPlugin = 'unknown') {
  const workspace = buildWorkspace([new SourceFile('w.yaml', `${pods}---\n${policies}`)]);
  const engine = new ReachabilityEngine(workspace.model, { cni });
  const endpoint = (id: string) => {
    const w = workspace.model.workloads.find((x) => `${x.namespace}/${x.name}` === id);
    assert.ok(w, id);
    return { kind: 'class' as const, cls: engine.classOf(w)! };
  };
  return {
    workspace,
    engine,
    endpoint,
    allowed(from: string, to: string, port: number, protocol: Protocol = 'TCP') {
      return engine.allowed(endpoint(from), endpoint(to)).has(protocol, port);
    },
    findings: (rule: string) => workspace.findings.filter((f) => f.rule === rule),
  };
}

test('Calico selectors: the grammar, negation of absent labels, and errors at their column', () => {
  const labels = { app: 'web', tier: 'front', 'projectcalico.org/namespace': 'shop' };
  const yes = [
    '',
    'all()',
    "app == 'web'",
    'app == "web"',
    "app != 'db'",
    "missing != 'x'",
    "app in {'web', 'db'}",
    "app not in {'db'}",
    "missing not in {'a'}",
    'has(app)',
    '!has(missing)',
    "app == 'web' && tier == 'front'",
    "app == 'db' || tier == 'front'",
    "!(app == 'db')",
    "app contains 'e'",
    "app starts with 'w'",
    "tier ends with 'nt'",
    "projectcalico.org/namespace not in  {'kube-system', 'calico-system'}",
  ];
  for (const text of yes) {
    const s = parseCalicoSelector(text);
    assert.ok(!isSelectorError(s), `${text}: ${JSON.stringify(s)}`);
    assert.equal(evaluateCalicoSelector(s, labels), true, text);
  }
  for (const text of ["app == 'db'", "missing == 'x'", 'has(missing)', "app in {'db'}", 'global()']) {
    const s = parseCalicoSelector(text);
    assert.ok(!isSelectorError(s), text);
    assert.equal(evaluateCalicoSelector(s, labels), false, text);
  }
  const error = parseCalicoSelector('app == web');
  assert.ok(isSelectorError(error));
  assert.equal(error.offset, 7);
  assert.match(error.message, /quoted string at column 8/);
  const open = parseCalicoSelector("app in {'a'");
  assert.ok(isSelectorError(open));
});

test('Calico: types default from the rules, order inside a tier, Deny before Allow, Log goes on', () => {
  // No types and no rules: Ingress only (egress stays open).
  const a = analyse(`apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: deny-ingress}
spec:
  selector: "projectcalico.org/namespace == 'shop'"
`);
  assert.equal(a.allowed('shop/web', 'shop/db', 5432), false);
  assert.equal(a.allowed('shop/web', 'ops/mon', 80), true);
  // Order: the Deny at order 10 wins over the Allow at order 20; Log decides nothing.
  const b = analyse(`apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: allow-all, namespace: shop}
spec:
  order: 20
  selector: "app == 'db'"
  ingress: [{action: Allow}]
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: deny-web, namespace: shop}
spec:
  order: 10
  selector: "app == 'db'"
  ingress:
  - action: Log
  - action: Deny
    protocol: TCP
    source: {selector: "app == 'web'"}
    destination: {ports: [5432]}
`);
  assert.equal(b.allowed('shop/web', 'shop/db', 5432), false);
  assert.equal(b.allowed('shop/web', 'shop/db', 5433), true);
  assert.equal(b.allowed('ops/mon', 'shop/db', 5432), true);
});

test('Calico tiers: Pass hands over to the next tier; the tier denies what its policies leave undecided', () => {
  const tiers = `apiVersion: projectcalico.org/v3
kind: Tier
metadata: {name: security}
spec: {order: 100}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: security.ops}
spec:
  tier: security
  order: 1
  selector: all()
  ingress:
  - action: Pass
    source: {namespaceSelector: "projectcalico.org/name == 'shop'"}
`;
  const a = analyse(tiers);
  // From ops: the security tier applies and no rule decides: denied at the end of the tier.
  assert.equal(a.allowed('ops/mon', 'shop/db', 5432), false);
  // From shop: passed to the default tier, where no policy applies: allowed.
  assert.equal(a.allowed('shop/web', 'shop/db', 5432), true);
  // A Kubernetes NetworkPolicy in the default tier then decides what was passed.
  const b = analyse(`${tiers}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress: [{from: [{podSelector: {matchLabels: {app: api}}}]}]
`);
  assert.equal(b.allowed('shop/web', 'shop/db', 5432), false);
});

test('ClusterNetworkPolicy: Admin by priority, Pass to NetworkPolicy, then Baseline; egress Accept needs ingress', () => {
  const policies = `apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {name: late-accept}
spec:
  tier: Admin
  priority: 50
  subject: {namespaces: {matchLabels: {team: shop}}}
  ingress:
  - {action: Accept, from: [{namespaces: {}}]}
---
apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {name: early-pass}
spec:
  tier: Admin
  priority: 5
  subject: {pods: {namespaceSelector: {matchLabels: {team: shop}}, podSelector: {matchLabels: {app: db}}}}
  ingress:
  - name: pass-ops
    action: Pass
    from: [{namespaces: {matchLabels: {kubernetes.io/metadata.name: ops}}}]
    protocols: [{tcp: {destinationPort: {number: 5432}}}]
---
apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {name: default}
spec:
  tier: Baseline
  priority: 0
  subject: {namespaces: {}}
  ingress:
  - {action: Deny, from: [{namespaces: {}}]}
`;
  const a = analyse(policies);
  // web -> db: the Accept at priority 50 decides (the Pass at 5 does not match web).
  assert.equal(a.allowed('shop/web', 'shop/db', 5432), true);
  // mon -> db:5432 is passed: no NetworkPolicy isolates db, the Baseline denies.
  assert.equal(a.allowed('ops/mon', 'shop/db', 5432), false);
  // mon -> db on another port: the Accept decides before the Baseline.
  assert.equal(a.allowed('ops/mon', 'shop/db', 5433), true);
  // With a NetworkPolicy allowing ops on 5432, the passed port is allowed there.
  const b = analyse(`${policies}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress: [{from: [{namespaceSelector: {}}], ports: [{port: 5432}]}]
`);
  assert.equal(b.allowed('ops/mon', 'shop/db', 5432), true);
  const text = explainConnection(
    b.engine,
    b.endpoint('ops/mon'),
    b.endpoint('shop/db'),
    { from: 'ops/mon', to: 'shop/db' },
    { protocol: 'TCP', port: 5432 },
  ).text;
  assert.match(
    text,
    /Admin tier: ClusterNetworkPolicy early-pass \(priority 5\) ingress\[0\] "pass-ops" \(w\.yaml:\d+\) matches ops\/mon and passes TCP 5432 to the next layer/,
  );
  assert.match(
    text,
    /NetworkPolicy: NetworkPolicy shop\/db ingress\[0\] \(w\.yaml:\d+\) matches ops\/mon and allows TCP 5432/,
  );
  assert.ok(text.indexOf('Admin tier') < text.indexOf('NetworkPolicy: NetworkPolicy'), 'evaluation order');
  // An egress Accept does not open the destination's ingress.
  const c = analyse(`apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {name: egress-accept}
spec:
  tier: Admin
  priority: 1
  subject: {namespaces: {}}
  egress: [{action: Accept, to: [{networks: ["10.0.0.0/8"]}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: shop}
spec: {podSelector: {}, policyTypes: [Ingress]}
`);
  assert.equal(c.allowed('ops/mon', 'shop/db', 5432), false);
  assert.equal(c.allowed('shop/db', 'ops/mon', 80), true);
});

test('ClusterNetworkPolicy and AdminNetworkPolicy validation: action values, priority, singleton, unknown fields', () => {
  const a = analyse(`apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {name: bad}
spec:
  tier: Admin
  priority: 1001
  subject: {namespaces: {}}
  ingress: [{action: Allow, from: [{namespaces: {}}]}]
---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: BaselineAdminNetworkPolicy
metadata: {name: not-default}
spec:
  subject: {namespaces: {}}
  ingress: [{actoin: Deny, action: Deny, from: [{namespaces: {}}]}]
`);
  const messages = a.findings('policy-api-invalid').map((f) => `${f.severity} ${f.message}`);
  assert.ok(
    messages.some((m) => /^error .*spec\.priority: 1001 is outside 0\.\.1000/.test(m)),
    messages.join('\n'),
  );
  assert.ok(
    messages.some((m) => /^error .*"Allow" is not one of Accept, Deny, Pass/.test(m)),
    messages.join('\n'),
  );
  assert.ok(
    messages.some((m) => /^error .*singleton and must be named "default"/.test(m)),
    messages.join('\n'),
  );
  assert.ok(
    messages.some((m) => /^warning .*unknown field "actoin"; did you mean "action"\?/.test(m)),
    messages.join('\n'),
  );
  // Rejected policies take no part.
  assert.equal(a.allowed('shop/web', 'shop/db', 5432), true);
  assert.equal(a.workspace.model.apiPolicies?.length, 0);
});

test('AdminNetworkPolicy v1alpha1: named ports resolve on the destination; nodes peers are not modelled', () => {
  const a = analyse(`apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: deny-pg}
spec:
  priority: 3
  subject: {namespaces: {}}
  ingress:
  - {action: Deny, from: [{namespaces: {}}], ports: [{namedPort: pg}]}
  egress:
  - {action: Deny, to: [{nodes: {}}]}
`);
  assert.equal(a.allowed('shop/web', 'shop/db', 5432), false);
  assert.equal(a.allowed('shop/web', 'shop/db', 80), true);
  assert.equal(a.allowed('shop/db', 'shop/web', 80), true);
  assert.equal(a.findings('policy-api-not-modelled').length, 1);
});

test('Cilium: default deny per direction, deny precedence, entities, CIDR rules skip pods, namespace labels', () => {
  const a = analyse(`apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: db, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: db}}
  ingress:
  - fromEndpoints: [{matchLabels: {k8s:app: web}}]
  - fromEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: ops}}]
    toPorts: [{ports: [{port: "5432", protocol: TCP}]}]
  - fromCIDR: ["10.0.1.0/24"]
  ingressDeny:
  - fromEntities: [cluster]
    toPorts: [{ports: [{port: "9999"}]}]
`);
  assert.equal(a.allowed('shop/web', 'shop/db', 5432), true);
  assert.equal(a.allowed('shop/web', 'shop/db', 9999), false, 'deny wins over the L3 allow');
  assert.equal(a.allowed('ops/mon', 'shop/db', 5432), true, 'namespace label selects across namespaces');
  assert.equal(a.allowed('ops/mon', 'shop/db', 80), false, 'the CIDR rule does not match a pod');
  // Egress of db is not isolated (no egress section).
  assert.equal(a.allowed('shop/db', 'ops/mon', 80), true);
  // enableDefaultDeny: false keeps the pod open apart from the deny rules.
  const b = analyse(`apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: deny-9999}
spec:
  endpointSelector: {}
  enableDefaultDeny: {ingress: false}
  ingressDeny: [{fromEntities: [all], toPorts: [{ports: [{port: "9999"}]}]}]
`);
  assert.equal(b.allowed('shop/web', 'shop/db', 5432), true);
  assert.equal(b.allowed('shop/web', 'shop/db', 9999), false);
  // ingress: [{}] isolates and allows nothing.
  const c = analyse(`apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: deny, namespace: shop}
spec:
  endpointSelector: {}
  ingress: [{}]
`);
  assert.equal(c.allowed('ops/mon', 'shop/db', 5432), false);
  assert.equal(c.allowed('shop/db', 'ops/mon', 80), true);
});

test('Cilium L7: only the listed requests pass, unless another rule opens the port without L7 rules', () => {
  const l7 = `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: l7, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: web}}
  ingress:
  - fromEndpoints: [{matchLabels: {io.cilium.k8s.policy.serviceaccount: db-sa}}]
    toPorts:
    - ports: [{port: "80", protocol: TCP}]
      rules: {http: [{method: GET, path: "/public.*"}]}
`;
  const a = analyse(l7);
  const v = a.engine.verdict(a.endpoint('shop/db'), a.endpoint('shop/web'));
  assert.ok(v.ports.has('TCP', 80));
  assert.deepEqual(
    v.http?.map((h) => h.rules),
    [[{ method: 'GET', path: '/public.*', host: undefined, headers: undefined }]],
  );
  assert.equal(a.allowed('ops/mon', 'shop/web', 80), false, 'another service account');
  const b = analyse(`${l7}---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: l4, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: web}}
  ingress: [{toPorts: [{ports: [{port: "80", protocol: TCP}]}]}]
`);
  assert.equal(b.engine.verdict(b.endpoint('shop/db'), b.endpoint('shop/web')).http, undefined);
});

test('the CNI decides which APIs take part: a Calico policy does nothing on Cilium', () => {
  const calico = `apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: deny-all}
spec:
  selector: all()
  types: [Ingress]
`;
  assert.equal(analyse(calico, 'calico').allowed('shop/web', 'shop/db', 5432), false);
  assert.equal(analyse(calico, 'unknown').allowed('shop/web', 'shop/db', 5432), false);
  assert.equal(analyse(calico, 'cilium').allowed('shop/web', 'shop/db', 5432), true);
  // By version: Calico enforces ClusterNetworkPolicy from 3.32.
  const cnp = `apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {name: deny}
spec:
  tier: Admin
  priority: 1
  subject: {namespaces: {}}
  ingress: [{action: Deny, from: [{namespaces: {}}]}]
`;
  const on = (version: string) => {
    const workspace = buildWorkspace([new SourceFile('w.yaml', `${pods}---\n${cnp}`)]);
    const engine = new ReachabilityEngine(workspace.model, { cni: 'calico', cniVersion: version });
    const w = (id: string) => ({
      kind: 'class' as const,
      cls: engine.classOf(workspace.model.workloads.find((x) => `${x.namespace}/${x.name}` === id)!)!,
    });
    return engine.allowed(w('shop/web'), w('shop/db')).has('TCP', 5432);
  };
  assert.equal(on('3.31'), true);
  assert.equal(on('3.32.1'), false);
  assert.equal(on(''), false);
  const findings = lint({ 'w.yaml': `${pods}---\n${cnp}` }, { cni: 'calico', cniVersion: '3.28' }).findings;
  assert.match(
    findings.find((f) => f.rule === 'policy-api-not-enforced')?.message ?? '',
    /calico enforces from version 3\.32; the configured version 3\.28 does not/,
  );
});

test('the migration fix rewrites AdminNetworkPolicy and BaselineAdminNetworkPolicy as ClusterNetworkPolicy with the same reachability', () => {
  const anp = `# Admin guardrails.
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata:
  name: guard
spec:
  priority: 7 # before the team policies
  subject:
    namespaces: {matchLabels: {team: shop}}
  ingress:
  - name: from-ops
    action: Pass
    from: [{namespaces: {matchLabels: {kubernetes.io/metadata.name: ops}}}]
    ports:
    - portNumber: {protocol: TCP, port: 5432}
    - portRange: {protocol: UDP, start: 1000, end: 2000}
  - action: Allow # keep
    from: [{pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: web}}}}]
    ports: [{namedPort: pg}]
  - action: Deny
    from: [{namespaces: {}}]
---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: BaselineAdminNetworkPolicy
metadata:
  name: default
spec:
  subject:
    namespaces: {}
  egress:
  - action: Deny
    to: [{networks: ["10.0.1.0/24"]}]
`;
  const { ctx } = lint({ 'w.yaml': `${pods}---\n${anp}` });
  const superseded = ctx.workspace.findings.filter((f) => f.rule === 'policy-api-superseded');
  assert.equal(superseded.length, 2);
  let text = ctx.workspace.files[0]!.file.text;
  const fixes = superseded.map((f) => fixesFor(ctx, f));
  assert.deepEqual(
    fixes.map((list) => list.map((f) => f.title)),
    [
      ['Migrate to ClusterNetworkPolicy v1alpha2 (tier Admin)'],
      ['Migrate to ClusterNetworkPolicy v1alpha2 (tier Baseline)'],
    ],
  );
  text = applyEdits(
    text,
    fixes.flatMap((list) => list[0]!.edits),
  );
  assert.match(
    text,
    /# Admin guardrails\.\napiVersion: policy\.networking\.k8s\.io\/v1alpha2\nkind: ClusterNetworkPolicy/,
  );
  assert.match(text, /priority: 7 # before the team policies\n {2}tier: Admin\n/);
  assert.match(
    text,
    /protocols:\n {4}- tcp:\n {8}destinationPort:\n {10}number: 5432\n {4}- udp:\n {8}destinationPort:\n {10}range:\n {12}start: 1000\n {12}end: 2000\n/,
  );
  assert.match(text, /- action: Accept # keep/);
  assert.match(text, /protocols: \[\{destinationNamedPort: pg\}\]|protocols:\n\s+- destinationNamedPort: pg/);
  assert.match(
    text,
    /subject:\n {4}namespaces: \{\}\n {2}tier: Baseline\n {2}priority: 0\n|subject:\n {4}namespaces: \{\}\n {2}priority: 0\n {2}tier: Baseline\n/,
  );
  const after = lint({ 'w.yaml': text });
  assert.deepEqual(
    after.findings
      .filter((f) => f.severity === 'error' || f.rule.startsWith('policy-api'))
      .map((f) => f.rule),
    [],
  );
  // Same verdicts for every pair and port class.
  const before = analyse(anp);
  const migrated = new ReachabilityEngine(after.ctx.workspace.model);
  const ids = ['shop/web', 'shop/db', 'ops/mon'];
  for (const from of ids)
    for (const to of ids) {
      if (from === to) continue;
      const w = (engine: ReachabilityEngine, model: typeof after.ctx.workspace.model, id: string) => ({
        kind: 'class' as const,
        cls: engine.classOf(model.workloads.find((x) => `${x.namespace}/${x.name}` === id)!)!,
      });
      const a = before.engine.allowed(
        w(before.engine, before.workspace.model, from),
        w(before.engine, before.workspace.model, to),
      );
      const b = migrated.allowed(
        w(migrated, after.ctx.workspace.model, from),
        w(migrated, after.ctx.workspace.model, to),
      );
      assert.equal(b.toString(), a.toString(), `${from} -> ${to}`);
    }
});

test('semantic rules: priority overlaps need shared pods, shadowing needs an earlier covering rule, FQDN rules need a DNS rule', () => {
  const rulesOf = (yamlText: string, rule: string) =>
    lint({ 'w.yaml': `${pods}---\n${yamlText}` }).findings.filter((f) => f.rule === rule);
  // Same priority, but the subjects share no pod: nothing to report.
  const disjoint = `apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {name: a}
spec:
  tier: Admin
  priority: 3
  subject: {namespaces: {matchLabels: {kubernetes.io/metadata.name: shop}}}
  ingress: [{action: Accept, from: [{namespaces: {}}]}]
---
apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {name: b}
spec:
  tier: Admin
  priority: 3
  subject: {namespaces: {matchLabels: {kubernetes.io/metadata.name: ops}}}
  ingress: [{action: Deny, from: [{namespaces: {}}]}]
`;
  assert.equal(rulesOf(disjoint, 'admin-priority-overlap').length, 0);
  assert.equal(
    rulesOf(disjoint.replace('kubernetes.io/metadata.name: ops', 'team: shop'), 'admin-priority-overlap')
      .length,
    1,
  );
  // Calico: an Allow of everything on TCP, then a Deny of port 22: the Deny never applies.
  const calico = `apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: ssh, namespace: shop}
spec:
  selector: all()
  ingress:
  - {action: Allow, protocol: TCP}
  - {action: Deny, protocol: TCP, destination: {ports: [22]}}
`;
  const shadowed = rulesOf(calico, 'policy-rule-shadowed');
  assert.equal(shadowed.length, 1);
  assert.match(
    shadowed[0]!.message,
    /NetworkPolicy shop\/ssh ingress\[1\] .* never decides anything: NetworkPolicy shop\/ssh ingress\[0\]/,
  );
  assert.equal(
    rulesOf(
      calico.replace('- {action: Allow, protocol: TCP}', '- {action: Allow, protocol: UDP}'),
      'policy-rule-shadowed',
    ).length,
    0,
  );
  // The DNS rule may sit in another Cilium policy that selects the same pods.
  const fqdn = `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: web-github, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: web}}
  egress: [{toFQDNs: [{matchPattern: "*.github.com"}]}]
`;
  assert.equal(rulesOf(fqdn, 'cilium-fqdn-without-dns').length, 1);
  const dns = `---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: dns, namespace: shop}
spec:
  endpointSelector: {}
  egress:
  - toEntities: [cluster]
    toPorts: [{ports: [{port: "53", protocol: ANY}], rules: {dns: [{matchPattern: "*"}]}}]
`;
  assert.equal(rulesOf(fqdn + dns, 'cilium-fqdn-without-dns').length, 0);
});

test('bad input to every reader becomes findings, never a failure', () => {
  const kinds = [
    ['policy.networking.k8s.io/v1alpha2', 'ClusterNetworkPolicy'],
    ['policy.networking.k8s.io/v1alpha1', 'AdminNetworkPolicy'],
    ['policy.networking.k8s.io/v1alpha1', 'BaselineAdminNetworkPolicy'],
    ['cilium.io/v2', 'CiliumNetworkPolicy'],
    ['cilium.io/v2', 'CiliumClusterwideNetworkPolicy'],
    ['projectcalico.org/v3', 'NetworkPolicy'],
    ['projectcalico.org/v3', 'GlobalNetworkPolicy'],
    ['crd.projectcalico.org/v1', 'Tier'],
  ];
  const specs = [
    'spec: 5',
    'spec: [a, b]',
    'spec: null',
    'spec: {ingress: {a: 1}, egress: 7, subject: [], tier: 3, priority: x, selector: 9, types: Ingress}',
    'spec: {subject: {namespaces: 5, pods: {namespaceSelector: 1}}, ingress: [null, 7, {action: [], from: {}}]}',
    'spec: {endpointSelector: 5, ingress: [{fromEndpoints: [5, null], toPorts: [{ports: [{port: {}}], rules: {http: [7]}}]}]}',
    "spec: {selector: \"a == 'b' &&\", ingress: [{action: Allow, source: {nets: [5, 'x/99'], selector: '(('}, destination: {ports: ['a:b', -1, 70000]}}]}",
    'spec: {order: [], tier: {}, ingress: [{action: Pass, protocol: {}, destination: {ports: [80]}}]}',
    "spec: {egress: [{toCIDRSet: [{cidr: '10.0.0.0/8', except: ['11.0.0.0/8']}], toEntities: [nowhere]}]}",
    'spec: {subject: {namespaces: {}}, egress: [{action: Deny, to: [{networks: []}], protocols: [{tcp: {destinationPort: {range: {start: 9, end: 1}}}}]}]}',
  ];
  for (const [apiVersion, kind] of kinds)
    for (const spec of specs) {
      const text = `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata: {name: bad, namespace: shop}\n${spec}\n`;
      const a = analyse(text);
      assert.deepEqual(
        a.workspace.findings.filter((f) => f.rule === 'analysis-failed').map((f) => f.message),
        [],
        `${kind} ${spec}`,
      );
      // The engine and explanations still work.
      a.allowed('shop/web', 'shop/db', 5432);
      explainConnection(a.engine, a.endpoint('shop/web'), a.endpoint('shop/db'), { from: 'w', to: 'd' });
    }
});

test('code lenses sum up the policies of other APIs', () => {
  const { ctx } = lint({
    'w.yaml': `${pods}---
apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {name: guard}
spec:
  tier: Admin
  priority: 4
  subject: {namespaces: {matchLabels: {team: shop}}}
  ingress: [{action: Deny, from: [{namespaces: {}}]}]
`,
  });
  const lenses = codeLenses(ctx, ctx.workspace.files[0]!.file).map((l) => l.title);
  assert.ok(
    lenses.includes('Admin tier · priority 4 · applies to 2 workloads · 1 ingress rule, 0 egress rules'),
    lenses.join('\n'),
  );
});

test('Cilium toFQDNs names are external endpoints: allowed by the names and patterns that match them', () => {
  const a = analyse(`apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: web-out, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: web}}
  egress:
  - toFQDNs: [{matchPattern: "*.github.com"}, {matchName: api.stripe.com}]
    toPorts: [{ports: [{port: "443", protocol: TCP}]}]
  - toEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: kube-system}}]
    toPorts: [{ports: [{port: "53", protocol: ANY}], rules: {dns: [{matchPattern: "*"}]}}]
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: db-out, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: db}}
  egress: [{toFQDNs: [{matchName: api.github.com}]}]
`);
  const names = a.engine.externals.filter((b) => b.name !== undefined).map((b) => b.name);
  assert.deepEqual(names, ['*.github.com', 'api.github.com', 'api.stripe.com']);
  const block = (name: string) => ({
    kind: 'external' as const,
    block: a.engine.externals.find((b) => b.name === name)!,
  });
  // web: its pattern covers api.github.com; on 443 only.
  assert.ok(a.engine.allowed(a.endpoint('shop/web'), block('api.github.com')).has('TCP', 443));
  assert.ok(!a.engine.allowed(a.endpoint('shop/web'), block('api.github.com')).has('TCP', 80));
  assert.ok(a.engine.allowed(a.endpoint('shop/web'), block('*.github.com')).has('TCP', 443));
  assert.ok(a.engine.allowed(a.endpoint('shop/web'), block('api.stripe.com')).has('TCP', 443));
  // db: its toFQDNs rule has no DNS proxy (no Cilium policy with rules.dns selects db): it matches nothing.
  assert.ok(a.engine.allowed(a.endpoint('shop/db'), block('api.github.com')).isEmpty);
  assert.ok(a.engine.allowed(a.endpoint('shop/db'), block('*.github.com')).isEmpty);
  // mon is not isolated: it reaches every name.
  assert.ok(a.engine.allowed(a.endpoint('ops/mon'), block('api.stripe.com')).isAll);
});

test('completion of label keys and values in the selectors of the other APIs', () => {
  const cnp = `apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {name: guard}
spec:
  tier: Admin
  priority: 1
  subject:
    namespaces:
      matchLabels:
        te
`;
  const cilium = `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  endpointSelector:
    matchLabels:
      app: 
`;
  for (const [text, at, expected] of [
    [cnp, cnp.indexOf('te\n') + 2, 'team'],
    [cilium, cilium.indexOf('app: ') + 5, 'db'],
  ] as const) {
    const { ctx } = lint({ 'w.yaml': `${pods}---\n${text}` });
    const file = ctx.workspace.files[0]!.file;
    const offset = file.text.indexOf(text) + at;
    const labels = completionsAt(ctx, file, offset).map((c) => c.label);
    assert.ok(labels.includes(expected), `${expected} in ${labels.join(', ')}`);
  }
  // The Cilium endpoint selector completes the policy namespace's pods only.
  const { ctx } = lint({ 'w.yaml': `${pods}---\n${cilium}` });
  const file = ctx.workspace.files[0]!.file;
  const values = completionsAt(ctx, file, file.text.indexOf(cilium) + cilium.indexOf('app: ') + 5).map(
    (c) => c.label,
  );
  assert.deepEqual(values.sort(), ['db', 'web']);
});

test('completion of field names in the other APIs, from their schemas', () => {
  const cases = [
    [
      `apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {name: guard}
spec:
  tier: Admin
  ingress:
  - name: x
    act
`,
      'act',
      ['action', 'from', 'protocols'],
    ],
    [
      `apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: g}
spec:
  selector: all()
  ord
`,
      'ord',
      ['order', 'tier', 'namespaceSelector', 'doNotTrack'],
    ],
    [
      `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: c, namespace: shop}
spec:
  endpointSelector: {}
  egress:
  - toF
`,
      'toF',
      ['toFQDNs', 'toEndpoints', 'toPorts'],
    ],
  ] as const;
  for (const [text, word, expected] of cases) {
    const { ctx } = lint({ 'w.yaml': text });
    const file = ctx.workspace.files[0]!.file;
    const items = completionsAt(ctx, file, text.lastIndexOf(word) + word.length);
    const labels = items.map((c) => c.label);
    for (const e of expected) assert.ok(labels.includes(e), `${e} in ${labels.join(', ')}`);
    assert.ok(items.every((c) => c.kind === 'field'));
    assert.ok(!labels.includes('name') || word !== 'act', 'present fields are not offered again');
  }
});

test('Calico service-account selectors read the ServiceAccount objects of the workspace', () => {
  const a = analyse(`apiVersion: v1
kind: ServiceAccount
metadata: {name: db-sa, namespace: shop, labels: {role: database}}
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: by-account, namespace: shop}
spec:
  serviceAccountSelector: role == 'database'
  ingress:
  - action: Allow
    source:
      serviceAccounts: {names: [default]}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: pcsa}
spec:
  selector: pcsa.role == 'database'
  egress: [{action: Deny}]
`);
  // db (service account db-sa, labelled role=database) is selected: only pods of account default get in.
  assert.equal(a.allowed('shop/web', 'shop/db', 5432), true);
  // Service accounts in a namespaced policy are those of its namespace: mon (ops, default) does not match.
  assert.equal(a.allowed('ops/mon', 'shop/db', 5432), false);
  // The GlobalNetworkPolicy selects db by its account's labels (pcsa.): its egress is denied.
  assert.equal(a.allowed('shop/db', 'shop/web', 80), false);
  assert.equal(a.allowed('shop/web', 'ops/mon', 80), true);
  // web is not selected by the account selector: its ingress stays open.
  assert.equal(a.allowed('shop/db', 'ops/mon', 80), false);
});
