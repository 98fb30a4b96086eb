/**
 * A realistic workspace for the editor features (hover, completion, code lens): three namespaces in
 * their own files, workloads of several kinds with named ports, policies across two namespaces (one of
 * them rejected by the API server), and a pod whose labels carry markdown and HTML.
 *
 * Line numbers asserted by the tests are 1-based and noted in comments on the lines they point at.
 */
import assert from 'node:assert/strict';
import type { AnalysisContext } from '../../shared/context.js';
import type { SourceFile } from '../../shared/source/source-file.js';
import { contextOf, fileOf } from './context.js';
import { dedent } from './manifests.js';

export const namespacesYaml = `
apiVersion: v1
kind: Namespace
metadata:
  name: shop # line 4
  labels:
    team: storefront
    env: prod
---
apiVersion: v1
kind: Namespace
metadata:
  name: payments # line 12
  labels:
    team: payments
    env: prod
---
apiVersion: v1
kind: Namespace
metadata:
  name: monitoring # line 20
  labels:
    team: sre
`;

export const shopAppsYaml = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: frontend # line 4
  namespace: shop
spec:
  template:
    metadata:
      labels:
        app: frontend
        tier: web
    spec:
      containers:
      - name: web
        ports:
        - name: http
          containerPort: 8080
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: frontend-canary # line 22
  namespace: shop
spec:
  template:
    metadata:
      labels:
        app: frontend
        tier: web
        track: canary
    spec:
      containers:
      - name: web
        ports:
        - name: web
          containerPort: 8081
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: cart # line 41
  namespace: shop
spec:
  template:
    metadata:
      labels:
        app: carts
        tier: api
    spec:
      containers:
      - name: cart
        ports:
        - name: http
          containerPort: 9090
---
apiVersion: v1
kind: Pod
metadata:
  name: debug # line 59
  namespace: shop
  labels:
    app: debug
    note: "<img src=x onerror=alert(1)>"
    desc: "*[x](y)*"
status:
  podIP: 10.0.1.5
`;

export const paymentsAppsYaml = `
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db # line 4
  namespace: payments
spec:
  template:
    metadata:
      labels:
        app: db
        tier: data
    spec:
      containers:
      - name: pg
        ports:
        - name: pg
          containerPort: 5432
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api # line 22
  namespace: payments
spec:
  template:
    metadata:
      labels:
        app: api
        tier: api
    spec:
      containers:
      - name: api
        ports:
        - name: http
          containerPort: 8000
`;

export const monitoringYaml = `
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: prometheus # line 4
  namespace: monitoring
spec:
  template:
    metadata:
      labels:
        app: prometheus
    spec:
      containers:
      - name: prometheus
`;

export const shopPoliciesYaml = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny # line 4
  namespace: shop
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: frontend-ingress # line 13
  namespace: shop
spec:
  podSelector:
    matchLabels:
      app: frontend
  ingress:
  - from: # line 20
    - namespaceSelector:
        matchLabels:
          team: sre
    - ipBlock:
        cidr: 0.0.0.0/0
        except:
        - 10.0.0.0/8
    ports:
    - port: http
    - port: 9000
      endPort: 9100
      protocol: TCP
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: cart # line 37
  namespace: shop
spec:
  podSelector:
    matchLabels:
      app: cart
  policyTypes: [Egress]
  egress:
  - to: # line 45
    - namespaceSelector:
        matchLabels:
          team: payments
      podSelector:
        matchLabels:
          app: db
    ports:
    - port: pg
  ingress:
  - {}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: frontend-egress # line 60
  namespace: shop
spec:
  podSelector:
    matchLabels:
      tier: web
  egress:
  - to: # line 67
    - podSelector:
        matchLabels:
          tier: api
    - namespaceSelector: {}
      podSelector:
        matchLabels:
          app: api
    ports:
    - port: http
  - to: # line 77
    - ipBlock:
        cidr: 169.254.0.0/16
`;

export const paymentsPoliciesYaml = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: db # line 4
  namespace: payments
spec:
  podSelector:
    matchLabels:
      app: db
  ingress:
  - from: # line 11
    - namespaceSelector:
        matchLabels:
          team: storefront
    - podSelector:
        matchLabels:
          app: api
    - ipBlock: {cidr: 10.0.0.0/16}
    ports:
    - protocol: TCP
      port: 5432
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: broken # line 26
  namespace: payments
spec:
  podSelector: {}
  policyTypes: [Ingres]
`;

export const shopFiles: Readonly<Record<string, string>> = {
  'namespaces.yaml': namespacesYaml,
  'shop/apps.yaml': shopAppsYaml,
  'payments/apps.yaml': paymentsAppsYaml,
  'monitoring/prometheus.yaml': monitoringYaml,
  'shop/policies.yaml': shopPoliciesYaml,
  'payments/policies.yaml': paymentsPoliciesYaml,
};

export interface Cursor {
  readonly ctx: AnalysisContext;
  readonly file: SourceFile;
  readonly offset: number;
}

/** The shop workspace, optionally with files added or replaced. */
export function shopContext(extra: Readonly<Record<string, string>> = {}): AnalysisContext {
  return contextOf({ ...shopFiles, ...extra });
}

/**
 * A cursor in the shop workspace: `snippet` holds one `|` (the cursor) and is searched in `path` after
 * the first occurrence of `after` (to pick one of several equal snippets).
 */
export function cursorIn(ctx: AnalysisContext, path: string, snippet: string, after = ''): Cursor {
  const file = fileOf(ctx, path);
  const bar = snippet.indexOf('|');
  assert.ok(bar >= 0, `snippet ${snippet} has a | cursor`);
  const plain = snippet.slice(0, bar) + snippet.slice(bar + 1);
  const from = after ? file.text.indexOf(after) : 0;
  assert.ok(from >= 0, `${after} in ${path}`);
  const at = file.text.indexOf(plain, from);
  assert.ok(at >= 0, `${plain} in ${path} after ${after}`);
  return { ctx, file, offset: at + bar };
}

/**
 * A cursor in a file written with a `|` marker (the file is added to the shop workspace, or to
 * `base` when given): the marker is removed and its offset returned.
 */
export function cursorInText(
  path: string,
  yamlWithCursor: string,
  base: Readonly<Record<string, string>> = shopFiles,
): Cursor {
  const text = dedent(yamlWithCursor);
  const offset = text.indexOf('|');
  assert.ok(offset >= 0 && text.indexOf('|', offset + 1) < 0, 'exactly one | cursor');
  const ctx = contextOf({ ...base, [path]: text.slice(0, offset) + text.slice(offset + 1) });
  return { ctx, file: fileOf(ctx, path), offset };
}
