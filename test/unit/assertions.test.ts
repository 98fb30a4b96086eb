/**
 * Policy assertions (shared/assertions/): the file's schema and its errors (with positions), the JSON
 * Schema the YAML extension reads (in agreement with the reader, and validating the bundled example),
 * and the verdicts: allow with and without ports, deny with except, `not`, addresses and the internet,
 * pods beyond the workspace, selections of nobody, and the rules named on a failure.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parse as parseYaml } from 'yaml';
import { SourceFile } from '../../shared/source/source-file.js';
import { isAssertionsPath, parseAssertions } from '../../shared/assertions/parse.js';
import { evaluateAssertions } from '../../shared/assertions/evaluate.js';
import type { AssertionResult } from '../../shared/assertions/evaluate.js';
import { assertionsJson, formatAssertionsJunit } from '../../shared/assertions/format.js';
import { contextOf } from '../support/context.js';
import { dedent } from '../support/manifests.js';
import { repoRoot } from '../support/cli.js';
import { lint } from '../support/lint.js';
import { fixesFor } from '../../shared/fixes/index.js';

const parse = (text: string) => parseAssertions(new SourceFile('a.yaml', dedent(text)));

const errors = (text: string) => {
  const p = parse(text);
  return p.errors.map((e) => {
    const { line, column } = p.file.lineColumn(e.span.start);
    return `${p.file.path}:${line}:${column} ${e.message}`;
  });
};

test('malformed assertions are reported where they are, the others still read', () => {
  assert.deepEqual(
    errors(`
      assertions:
        - name: ok
          from: {namespace: a}
          to: {namespace: b}
          expect: deny
        - name: bad
          from: {namespace: a, color: red}
          to: {cidr: 10.0.0.0/33}
          expect: maybe
          ports: [http, 70000/TCP, 53/UDP]
        - name: ok
          from: {any: true}
          to: {internet: true, namespace: x}
          expect: allow
          except: [443]
    `),
    [
      'a.yaml:7:26 "bad" from: unknown field "color" (one of namespace, namespaces, namespaceLabels, namespaceSelector, pods, podSelector, workload, cidr, except, internet, not, any)',
      'a.yaml:8:16 "bad" to: cidr must be a CIDR such as 10.0.0.0/8, and except CIDRs inside it',
      'a.yaml:9:13 "bad": expect must be allow or deny',
      'a.yaml:10:13 "bad" ports: "http" is not a port such as 5432/TCP, 53/UDP or 8000-8100/TCP',
      'a.yaml:10:19 "bad" ports: "70000/TCP" is not a port such as 5432/TCP, 53/UDP or 8000-8100/TCP',
      'a.yaml:13:9 "ok" to: addresses (cidr, internet) cannot be combined with namespaces, pods or a workload',
      'a.yaml:15:13 "ok": except goes with expect: deny ("deny except 443/TCP")',
    ],
  );
  const p = parse(`
    assertions:
      - name: ok
        from: {namespace: a}
        to: {namespace: b}
        expect: deny
  `);
  assert.deepEqual(p.errors, []);
  assert.equal(p.assertions.length, 1);
  assert.deepEqual(errors('{}'), ['a.yaml:1:1 missing `assertions:` (a list of assertions)']);
  assert.deepEqual(
    errors(
      'assertions: [{from: {}, to: {}, expect: deny}, {name: x, from: {}, to: {}, expect: deny}, {name: x, from: {}, to: {}, expect: allow}]',
    ),
    ['a.yaml:1:98 another assertion is named "x"'],
  );
  assert.match(errors('assertions: [')[0]!, /^a\.yaml:1:\d+ /);
  assert.ok(isAssertionsPath('dir/netpol-scope.assertions.yaml'));
  assert.ok(isAssertionsPath('C:\\x\\netpol-scope.assertions.yml'));
  assert.ok(!isAssertionsPath('dir/policies.yaml'));
});

test('the JSON Schema names exactly the fields the reader knows and validates the bundled example', () => {
  const schema = JSON.parse(readFileSync(join(repoRoot, 'schemas', 'assertions.schema.json'), 'utf8')) as {
    definitions: Record<string, { properties: Record<string, unknown> }>;
  };
  assert.deepEqual(Object.keys(schema.definitions.assertion!.properties), [
    'name',
    'from',
    'to',
    'expect',
    'ports',
    'except',
  ]);
  const selectorMessage = errors('assertions: [{from: {x: 1}, to: {}, expect: deny}]')[0]!;
  const known = /one of ([^)]*)\)/.exec(selectorMessage)![1]!.split(', ');
  assert.deepEqual(Object.keys(schema.definitions.endpoints!.properties), known);
  const ajv = new Ajv({ allErrors: true });
  const validate = ajv.compile(schema);
  const example = readFileSync(join(repoRoot, 'examples', 'netpol-scope.assertions.yaml'), 'utf8');
  const parsed = parseAssertions(new SourceFile('example', example));
  assert.deepEqual(parsed.errors, []);
  // The YAML as plain data (what the YAML extension validates).
  const plain = (yamlText: string): unknown => parseYaml(yamlText);
  assert.ok(validate(plain(example)), JSON.stringify(validate.errors));
  assert.ok(!validate(plain('assertions: [{from: {}, to: {}, expect: maybe}]')));
  assert.ok(!validate(plain('assertions: [{from: {color: red}, to: {}, expect: deny}]')));
  assert.ok(!validate(plain('assertions: [{from: {}, to: {}, expect: deny, ports: [http]}]')));
});

const shop = `
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Namespace
metadata: {name: payments}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, ports: [{containerPort: 8080}]}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: db, namespace: payments}
spec:
  template:
    metadata: {labels: {app: db, tier: data}}
    spec: {containers: [{name: c, ports: [{containerPort: 5432}]}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: payments}
spec:
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: c}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db, namespace: payments}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from: [{podSelector: {}}]
    ports: [{port: 5432}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-egress, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
  - to: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}}]
    ports: [{port: 443}, {port: 80}]
`;

function run(assertions: string, manifests = shop): AssertionResult[] {
  const parsed = parse(assertions);
  assert.deepEqual(parsed.errors, []);
  return evaluateAssertions(contextOf(manifests), parsed.assertions);
}

const verdicts = (results: AssertionResult[]) =>
  results.map(
    (r) =>
      `${r.assertion.name}: ${r.holds ? 'holds' : `fails ${r.empty ?? r.violations.map((v) => `${v.from}->${v.to} ${v.ports.toString()}`).join(' | ')}`}`,
  );

test('allow and deny between workloads, namespaces and labels, with ports and except', () => {
  assert.deepEqual(
    verdicts(
      run(`
        assertions:
          - name: payments reaches the db on 5432
            from: {namespace: payments}
            to: {namespace: payments, pods: {app: db}}
            ports: [5432/TCP]
            expect: allow
          - name: nothing outside payments reaches the db
            from: {not: {namespace: payments}}
            to: {namespaceLabels: {kubernetes.io/metadata.name: payments}, podSelector: {matchExpressions: [{key: tier, operator: In, values: [data]}]}}
            expect: deny
          - name: the api reaches the db on UDP
            from: {workload: payments/api}
            to: {workload: "payments/db[Deployment]"}
            ports: [5432/UDP]
            expect: allow
          - name: the shop reaches the internet on HTTPS only
            from: {namespace: shop}
            to: {internet: true}
            expect: deny
            except: [443/TCP]
          - name: the shop reaches 10/8 on nothing
            from: {namespace: shop}
            to: {cidr: 10.0.0.0/8}
            expect: deny
          - name: something reaches the api
            from: {any: true}
            to: {workload: payments/api}
            expect: allow
          - name: about nobody
            from: {namespace: nowhere}
            to: {any: true}
            expect: deny
      `),
    ),
    [
      'payments reaches the db on 5432: holds',
      // The shop is not isolated toward payments... but the db's ingress admits only its own namespace.
      'nothing outside payments reaches the db: holds',
      'the api reaches the db on UDP: fails payments/api[Deployment]->payments/db[Deployment] UDP 5432',
      // 0.0.0.0/0 except 10/8 holds public addresses: port 80 is allowed there.
      'the shop reaches the internet on HTTPS only: fails shop/web[Deployment]->0.0.0.0-9.255.255.255,11.0.0.0-255.255.255.255 TCP 80',
      'the shop reaches 10/8 on nothing: holds',
      // Every pair: the web may not send to the api (its egress is isolated).
      'something reaches the api: fails shop/web[Deployment]->payments/api[Deployment] all ports',
      'about nobody: fails from',
    ],
  );
});

test('a namespaceSelector: {} breaks "nothing outside": the pods beyond the workspace are endpoints', () => {
  const open = shop.replace(
    '  - from: [{podSelector: {}}]',
    '  - from: [{podSelector: {}}, {namespaceSelector: {}}]',
  );
  const [r] = run(
    `
      assertions:
        - name: nothing outside payments reaches the db
          from: {not: {namespace: payments}}
          to: {workload: payments/db}
          expect: deny
    `,
    open,
  );
  assert.equal(r!.holds, false);
  // The web's egress is isolated (only 80 and 443 to addresses): what breaks it is the stand-in.
  assert.equal(r!.violationCount, 1);
  assert.deepEqual(
    r!.violations.map((v) => [
      v.from,
      v.to,
      v.ports.toString(),
      v.rules.map((x) => `${x.direction} ${x.effect} ${x.policy ?? ''} ${x.line ?? ''}`.trim()),
    ]),
    [
      [
        '*/*',
        'payments/db[Deployment]',
        'TCP 5432',
        ['egress beyond the workspace', 'ingress allows payments/db 39'],
      ],
    ],
  );
  assert.match(r!.violations[0]!.explanation, /ALLOWED/);
  // An allow that fails names the isolating policy.
  const [a] = run(`
    assertions:
      - name: the web reaches the db
        from: {workload: shop/web}
        to: {workload: payments/db}
        ports: [5432/TCP]
        expect: allow
  `);
  assert.deepEqual(
    a!.violations[0]!.rules.map((x) => `${x.direction} ${x.effect} ${x.policy}`),
    ['egress isolates shop/web-egress', 'ingress isolates payments/db'],
  );
});

test('JSON and JUnit outputs', () => {
  const text = dedent(`
    assertions:
      - name: web <reaches> & "db"
        from: {workload: shop/web}
        to: {workload: payments/db}
        ports: [5432/TCP]
        expect: allow
      - name: fine
        from: {namespace: payments}
        to: {workload: payments/db}
        expect: allow
  `);
  const parsed = parseAssertions(new SourceFile('intent.yaml', text));
  const results = evaluateAssertions(contextOf(shop), parsed.assertions);
  const json = assertionsJson(parsed, results);
  assert.deepEqual(json.summary, { assertions: 2, holds: 1, fails: 1, errors: 0 });
  assert.deepEqual(json.results[0]!.violations[0]!.ports, [{ protocol: 'TCP', port: 5432, endPort: 5432 }]);
  assert.equal(json.results[0]!.line, 2);
  const junit = formatAssertionsJunit(parsed, results);
  assert.match(
    junit,
    /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="netpol-scope" tests="2" failures="1" errors="0">/,
  );
  assert.match(
    junit,
    /<testcase classname="intent.yaml" name="web &lt;reaches&gt; &amp; &quot;db&quot;" file="intent.yaml" line="2">\n {6}<failure message="fails: shop\/web\[Deployment\] → payments\/db\[Deployment\] is denied on TCP 5432" type="violation">/,
  );
  assert.match(junit, /<testcase classname="intent.yaml" name="fine" file="intent.yaml" line="7"\/>/);
});

test('a quick fix that would break an assertion that holds is not offered', () => {
  const workspace = {
    'k8s.yaml': `
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: api}]}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, ports: [{containerPort: 5432}]}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-ingress, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  policyTypes: [Ingress]
  ingress:
  - from: [{podSelector: {matchLabels: {app: api}}}]
    ports: [{port: 5432}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-egress, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Egress]
  egress:
  - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}}]
    ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]
`,
  };
  const offered = (files: Record<string, string>) => {
    const { ctx, findings } = lint(files);
    return findings
      .filter((f) => f.rule === 'other-side-denies')
      .flatMap((f) => fixesFor(ctx, f).map((x) => x.title));
  };
  assert.ok(
    offered(workspace).some((t) => /Add the egress rule to shop\/api-egress/.test(t)),
    'offered without assertions',
  );
  const intent = `
assertions:
  - name: the api never reaches the database directly
    from: {workload: shop/api}
    to: {workload: shop/db}
    expect: deny
`;
  assert.deepEqual(
    offered({ ...workspace, 'netpol-scope.assertions.yaml': intent }).filter((t) =>
      /egress rule to shop\/api-egress/.test(t),
    ),
    [],
  );
});
