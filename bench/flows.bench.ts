/**
 * Streaming flow import and dry run: `npm run bench:flows [-- <size>] [--records <n>]`.
 *
 * Builds the bench workspace of a size (default `large`: 10,000 pods, 2,000 policies; bench/generate.ts) in
 * memory, then feeds `--records` (default 1,000,000) Hubble JSON lines, one at a time, through the same
 * path as `netpol-scope flows verify` (flows/reader.ts FlowTextReader in 256 KiB chunks → flows/verify.ts FlowAggregator), and
 * prints the rate, the report time and memory (heap after the run; peak RSS). The lines come from a
 * generator, so memory shows what the aggregator keeps (distinct connections and endpoints), not the input.
 * Figures only: no thresholds.
 */
import { SourceFile } from '../shared/source/source-file.js';
import { analyze } from '../shared/analysis.js';
import { FlowTextReader } from '../shared/flows/reader.js';
import { FlowAggregator } from '../shared/flows/verify.js';
import { Random, generateFiles, sizes } from './generate.js';

const args = process.argv.slice(2);
const recordsArg = args.indexOf('--records');
const total = recordsArg >= 0 ? Number(args[recordsArg + 1]) : 1_000_000;
const size = args.find((a) => a in sizes) ?? 'large';

const t0 = performance.now();
const cluster = generateFiles(sizes[size]!);
const analysis = analyze(cluster.files.map((f) => new SourceFile(f.name, f.text)));
const model = analysis.workspace.model;
const engine = analysis.engine;
const pods = model.workloads.filter((w) => w.kind === 'Pod' && !w.hostNetwork);
const aggregator = new FlowAggregator(model, engine);
const tWorkspace = performance.now();

// 20,000 distinct client -> server pairs (a busy cluster's working set), each on the server's first port.
const random = new Random(7);
const pairs = Array.from({ length: 20_000 }, () => {
  const src = pods[Math.floor(random.next() * pods.length)]!;
  const dst = pods[Math.floor(random.next() * pods.length)]!;
  return { src, dst, port: dst.ports[0]?.port ?? 8080 };
});
// The input is built before timing: 60,000 lines (the pairs, 60 seconds of timestamps, every tenth line a
// reply) in chunks of about 256 KiB, as the CLI reads a file, replayed until `total` lines went through.
const period = 60_000;
const chunks: Array<{ text: string; lines: number }> = [];
let parts: string[] = [];
let partSize = 0;
for (let i = 0; i < period; i++) {
  const { src, dst, port } = pairs[i % pairs.length]!;
  const line =
    `{"flow":{"time":"2026-12-05T10:00:${String(i % 60).padStart(2, '0')}Z","verdict":"FORWARDED",` +
    `"IP":{"source":"10.0.0.1","destination":"10.0.0.2"},"l4":{"TCP":{"source_port":40000,"destination_port":${port}}},` +
    `"source":{"namespace":"${src.namespace}","pod_name":"${src.name}"},"destination":{"namespace":"${dst.namespace}","pod_name":"${dst.name}"},` +
    `"traffic_direction":"EGRESS","is_reply":${i % 10 === 9}}}\n`;
  parts.push(line);
  partSize += line.length;
  if (partSize >= 256 * 1024 || i === period - 1) {
    chunks.push({ text: parts.join(''), lines: parts.length });
    parts = [];
    partSize = 0;
  }
}
const reader = new FlowTextReader(aggregator);
let peakRss = 0;
const tStart = performance.now();
for (let fed = 0, c = 0; fed < total; c = (c + 1) % chunks.length) {
  const chunk = chunks[c]!;
  // The last chunk is cut to the lines still due.
  const text =
    fed + chunk.lines <= total
      ? chunk.text
      : chunk.text
          .split('\n')
          .slice(0, total - fed)
          .map((l) => l + '\n')
          .join('');
  reader.push(text);
  fed += Math.min(chunk.lines, total - fed);
  if (c === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
}
reader.end();
const tImported = performance.now();
const report = aggregator.report();
const tReport = performance.now();
peakRss = Math.max(peakRss, process.memoryUsage().rss);
global.gc?.();

const seconds = (tImported - tStart) / 1000;
console.log(
  `flows bench: ${size} workspace (${model.workloads.length.toLocaleString('en-US')} workloads), ${total.toLocaleString('en-US')} Hubble records`,
);
console.log(`  workspace analysed in ${((tWorkspace - t0) / 1000).toFixed(1)} s`);
console.log(
  `  import + resolve + aggregate: ${seconds.toFixed(2)} s, ${Math.round(total / seconds).toLocaleString('en-US')} records/s`,
);
console.log(
  `  report (verdicts of ${report.summary.edges.toLocaleString('en-US')} connections, unobserved list): ${((tReport - tImported) / 1000).toFixed(2)} s; ` +
    `${report.summary.denied.toLocaleString('en-US')} would break, ${report.unobserved.length.toLocaleString('en-US')} allowed but never observed`,
);
console.log(
  `  memory: peak RSS ${Math.round(peakRss / 1048576)} MB, heap after ${Math.round(process.memoryUsage().heapUsed / 1048576)} MB`,
);
