/**
 * Language-server latency benchmark: runs the built server (dist/server.js) over stdio with a real
 * JSON-RPC client and prints figures (no thresholds: this is a measurement, not a test).
 *
 *   npm run build && node --import tsx bench/lsp-latency.ts [--runs 30]
 *
 * For generated single-file manifests of about 1k, 10k and 50k lines it measures didOpen → first
 * diagnostics, edit → diagnostics (the edit flips one policy's protocol between TCP and tcp, so every
 * edit changes the diagnostics; debounce included), hover on a podSelector, code actions on a
 * diagnostics, and the server's peak memory (VmHWM). It also measures a 4.5 MB file of 3,000 `---`
 * documents in the style of a cluster export (Deployments with full pod specs and status, ConfigMaps,
 * Services, policies with DNS egress; a tenth of the policies select nothing), where each edit changes
 * one document, and
 * indexing a workspace of 1,000 manifest files (initialized → indexing progress end).
 */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CodeActionRequest,
  DidChangeTextDocumentNotification,
  HoverRequest,
} from 'vscode-languageserver-protocol/node';
import type { Diagnostic } from 'vscode-languageserver-protocol/node';
import { LspClient } from '../test/support/lsp-client.js';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 30;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function p90(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.9))]!;
}

/** A deterministic manifest of about `lines` lines: namespaces, Deployments and NetworkPolicies. */
function generate(lines: number): { text: string; flipLine: number; hoverLine: number } {
  const docs: string[] = [];
  let i = 0;
  let flipLine = -1;
  let hoverLine = -1;
  const namespaces = ['shop', 'payments', 'monitoring', 'search', 'auth'];
  for (const ns of namespaces)
    docs.push(`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n  labels:\n    team: ${ns}\n`);
  let count = docs.join('---\n').split('\n').length;
  while (count < lines) {
    const ns = namespaces[i % namespaces.length]!;
    const app = `app-${i}`;
    const deployment = [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      `  name: ${app}`,
      `  namespace: ${ns}`,
      'spec:',
      '  replicas: 2',
      '  selector:',
      `    matchLabels: {app: ${app}}`,
      '  template:',
      '    metadata:',
      '      labels:',
      `        app: ${app}`,
      `        tier: ${i % 3 === 0 ? 'web' : 'api'}`,
      '    spec:',
      '      containers:',
      '        - name: main',
      '          image: example/app:1.0',
      '          ports:',
      '            - name: http',
      '              containerPort: 8080',
      '',
    ].join('\n');
    const policy = [
      'apiVersion: networking.k8s.io/v1',
      'kind: NetworkPolicy',
      'metadata:',
      `  name: ${app}-ingress`,
      `  namespace: ${ns}`,
      'spec:',
      '  podSelector:',
      '    matchLabels:',
      `      app: ${app}`,
      '  policyTypes: [Ingress]',
      '  ingress:',
      '    - from:',
      '        - namespaceSelector:',
      '            matchLabels:',
      `              kubernetes.io/metadata.name: ${namespaces[(i + 1) % namespaces.length]}`,
      '          podSelector:',
      '            matchLabels:',
      '              tier: web',
      '      ports:',
      '        - port: http',
      '          protocol: TCP',
      '',
    ].join('\n');
    docs.push(deployment, policy);
    count += deployment.split('\n').length + policy.split('\n').length;
    i++;
  }
  const text = docs.join('---\n');
  // The policy in the middle: its `protocol: TCP` line is flipped, its podSelector hovered.
  const all = text.split('\n');
  const middle = Math.floor(all.length / 2);
  for (let l = middle; l < all.length; l++) {
    if (hoverLine < 0 && all[l] === '  podSelector:') hoverLine = l;
    if (hoverLine >= 0 && all[l] === '          protocol: TCP') {
      flipLine = l;
      break;
    }
  }
  return { text, flipLine, hoverLine };
}

function peakMemoryMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/**
 * About 4.5 MB in 3,000 documents: per app a Deployment (labels, annotations, a full container spec and
 * status), a ConfigMap (a block scalar), a Service and a NetworkPolicy (ingress from the next namespace's web tier, egress to DNS and the app's
 * database); one policy in ten selects an app that does not exist.
 */
export function generateExport(documents: number): { text: string; flipLine: number; hoverLine: number } {
  const namespaces = ['shop', 'payments', 'monitoring', 'search', 'auth', 'billing', 'catalog', 'identity'];
  const docs: string[] = namespaces.map(
    (ns) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n  labels:\n    team: ${ns}\n`,
  );
  for (let i = 0; docs.length < documents; i++) {
    const ns = namespaces[i % namespaces.length]!;
    const next = namespaces[(i + 1) % namespaces.length]!;
    const app = `${['cart', 'orders', 'ledger', 'index', 'login', 'invoice', 'items', 'users'][i % 8]}-${i}`;
    const tier = i % 3 === 0 ? 'web' : 'api';
    docs.push(
      [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata:',
        `  name: ${app}`,
        `  namespace: ${ns}`,
        `  labels: {app: ${app}, tier: ${tier}, app.kubernetes.io/part-of: ${ns}}`,
        '  annotations:',
        '    deployment.kubernetes.io/revision: "7"',
        `    kubectl.kubernetes.io/last-applied-configuration: '{"kind":"Deployment","metadata":{"name":"${app}"}}'`,
        'spec:',
        '  replicas: 3',
        '  selector:',
        `    matchLabels: {app: ${app}}`,
        '  template:',
        '    metadata:',
        '      labels:',
        `        app: ${app}`,
        `        tier: ${tier}`,
        '    spec:',
        '      serviceAccountName: default',
        '      containers:',
        '        - name: main',
        `          image: registry.example.com/${ns}/${app}:2.4.${i}`,
        '          args: ["--listen=:8080", "--metrics=:9090", "--log-format=json"]',
        '          env:',
        '            - {name: DATABASE_HOST, value: postgres.data.svc.cluster.local}',
        '            - {name: CACHE_TTL, value: "300"}',
        '          resources:',
        '            requests: {cpu: 100m, memory: 128Mi}',
        '            limits: {cpu: "1", memory: 512Mi}',
        '          ports:',
        '            - name: http',
        '              containerPort: 8080',
        '            - name: metrics',
        '              containerPort: 9090',
        '          readinessProbe:',
        '            httpGet: {path: /healthz, port: http}',
        '            periodSeconds: 10',
        '          livenessProbe:',
        '            httpGet: {path: /livez, port: http}',
        '            failureThreshold: 3',
        '          volumeMounts:',
        '            - {name: config, mountPath: /etc/app}',
        '            - {name: tmp, mountPath: /tmp}',
        '          securityContext:',
        '            runAsNonRoot: true',
        '            readOnlyRootFilesystem: true',
        '            allowPrivilegeEscalation: false',
        '            capabilities: {drop: [ALL]}',
        '      volumes:',
        `        - {name: config, configMap: {name: ${app}-config}}`,
        '        - {name: tmp, emptyDir: {}}',
        'status:',
        '  observedGeneration: 7',
        '  replicas: 3',
        '  readyReplicas: 3',
        '  conditions:',
        '    - type: Available',
        '      status: "True"',
        '      reason: MinimumReplicasAvailable',
        '      message: Deployment has minimum availability.',
        '    - type: Progressing',
        '      status: "True"',
        '      reason: NewReplicaSetAvailable',
        `      message: ReplicaSet "${app}-5d8f7c9b4" has successfully progressed.`,
        '',
      ].join('\n'),
      [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        `  name: ${app}-config`,
        `  namespace: ${ns}`,
        'data:',
        '  app.yaml: |',
        ...Array.from(
          { length: 48 },
          (_, k) => `    setting_${k}: value-${k} # tuned for ${app}, see runbook section ${k}`,
        ),
        '',
      ].join('\n'),
      [
        'apiVersion: v1',
        'kind: Service',
        'metadata:',
        `  name: ${app}`,
        `  namespace: ${ns}`,
        'spec:',
        `  selector: {app: ${app}}`,
        '  ports:',
        '    - {name: http, port: 80, targetPort: http}',
        '',
      ].join('\n'),
      [
        'apiVersion: networking.k8s.io/v1',
        'kind: NetworkPolicy',
        'metadata:',
        `  name: ${app}`,
        `  namespace: ${ns}`,
        'spec:',
        '  podSelector:',
        '    matchLabels:',
        `      app: ${i % 10 === 9 ? `${app}-old` : app}`,
        '  policyTypes: [Ingress, Egress]',
        '  ingress:',
        '    - from:',
        '        - namespaceSelector:',
        '            matchLabels:',
        `              kubernetes.io/metadata.name: ${next}`,
        '          podSelector:',
        '            matchLabels:',
        '              tier: web',
        '      ports:',
        '        - port: http',
        '          protocol: TCP',
        '  egress:',
        '    - to:',
        '        - namespaceSelector:',
        '            matchLabels: {kubernetes.io/metadata.name: kube-system}',
        '          podSelector:',
        '            matchLabels: {k8s-app: kube-dns}',
        '      ports:',
        '        - {port: 53, protocol: UDP}',
        '        - {port: 53, protocol: TCP}',
        '',
      ].join('\n'),
    );
  }
  const text = docs.slice(0, documents).join('---\n');
  const all = text.split('\n');
  const middle = Math.floor(all.length / 2);
  let hoverLine = -1;
  let flipLine = -1;
  for (let l = middle; l < all.length; l++) {
    if (hoverLine < 0 && all[l] === '  podSelector:') hoverLine = l;
    if (hoverLine >= 0 && all[l] === '          protocol: TCP') {
      flipLine = l;
      break;
    }
  }
  return { text, flipLine, hoverLine };
}

async function measureFile(lines: number): Promise<string> {
  return measureText(generate(lines));
}

async function measureText({
  text,
  flipLine,
  hoverLine,
}: {
  text: string;
  flipLine: number;
  hoverLine: number;
}): Promise<string> {
  // NETPOL_SCOPE_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server.
  const nodeArgs = process.env.NETPOL_SCOPE_SERVER_NODE_ARGS?.split(' ').filter((a) => a !== '') ?? [];
  const client = new LspClient({ nodeArgs });
  try {
    await client.initialize();
    await client.waitFor(
      () => client.progress.some((p) => p.kind === 'end'),
      'indexing of the empty workspace',
    );
    const t0 = performance.now();
    const uri = await client.open('big.yaml', text);
    await client.waitForDiagnostics(uri);
    const openMs = performance.now() - t0;

    let version = 1;
    let lowercase = false;
    const editMs: number[] = [];
    for (let r = 0; r < runs; r++) {
      lowercase = !lowercase;
      version++;
      const expectInvalid = lowercase;
      const start = performance.now();
      await client.connection.sendNotification(DidChangeTextDocumentNotification.type, {
        textDocument: { uri, version },
        contentChanges: [
          {
            range: { start: { line: flipLine, character: 20 }, end: { line: flipLine, character: 23 } },
            text: lowercase ? 'tcp' : 'TCP',
          },
        ],
      });
      const wanted = version;
      await client.waitFor(() => {
        const params = client.diagnostics.get(uri);
        if (!params || params.version !== wanted) return undefined;
        const invalid = params.diagnostics.some((d: Diagnostic) => d.code === 'api-invalid-protocol');
        return invalid === expectInvalid ? true : undefined;
      }, `diagnostics of version ${wanted}`);
      editMs.push(performance.now() - start);
    }

    const hoverMs: number[] = [];
    for (let r = 0; r < runs; r++) {
      const start = performance.now();
      const hover = await client.connection.sendRequest(HoverRequest.type, {
        textDocument: { uri },
        position: { line: hoverLine, character: 4 },
      });
      hoverMs.push(performance.now() - start);
      if (!hover) throw new Error('no hover on the podSelector');
    }

    const diagnostics = client.diagnostics.get(uri)!.diagnostics;
    const target = diagnostics[0];
    const actionMs: number[] = [];
    if (target) {
      for (let r = 0; r < runs; r++) {
        const start = performance.now();
        await client.connection.sendRequest(CodeActionRequest.type, {
          textDocument: { uri },
          range: target.range,
          context: { diagnostics: [target] },
        });
        actionMs.push(performance.now() - start);
      }
    }
    const memory = peakMemoryMb(client.pid);
    const actual = text.split('\n').length;
    const documents = text.split('\n---\n').length;
    return [
      `${String(actual).padStart(6)} lines, ${(text.length / 1024 / 1024).toFixed(1)} MB, ${documents} docs`,
      `open→diag ${openMs.toFixed(0).padStart(5)} ms`,
      `edit→diag median ${median(editMs).toFixed(1).padStart(6)} ms (p90 ${p90(editMs).toFixed(1)})`,
      `hover median ${median(hoverMs).toFixed(1).padStart(5)} ms`,
      `code action median ${actionMs.length ? median(actionMs).toFixed(1).padStart(5) : '  n/a'} ms`,
      `peak RSS ${memory.toFixed(0)} MB`,
    ].join(' | ');
  } finally {
    await client.dispose();
  }
}

async function measureIndexing(files: number): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'netpol-index-'));
  try {
    for (let f = 0; f < files; f++) {
      const sub = join(dir, `team-${f % 20}`);
      mkdirSync(sub, { recursive: true });
      writeFileSync(join(sub, `app-${f}.yaml`), generate(40).text);
    }
    const client = new LspClient({ fixture: dir });
    try {
      const start = performance.now();
      await client.initialize();
      await client.waitFor(
        () => client.progress.some((p) => p.kind === 'end'),
        'indexing progress to end',
        120_000,
      );
      const indexMs = performance.now() - start;
      const logged = client.logs.find((l) => /^indexed \d+ manifest files/.test(l)) ?? '';
      return `indexing ${files} files: ${indexMs.toFixed(0)} ms to progress end (server: ${logged}) | peak RSS ${peakMemoryMb(client.pid).toFixed(0)} MB`;
    } finally {
      await client.dispose();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log(`netpol-scope language server latency (node ${process.version}, ${runs} runs each)`);
  // `--only export` measures the 3,000-document file alone.
  const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
  if (!only) for (const lines of [1_000, 10_000, 50_000]) console.log(await measureFile(lines));
  if (!only || only === 'export') console.log(await measureText(generateExport(3_000)));
  if (!only) console.log(await measureIndexing(1_000));
}

if (process.argv[1]?.endsWith('lsp-latency.ts'))
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
