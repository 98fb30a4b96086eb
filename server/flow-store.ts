/**
 * The observed traffic the server holds: one digest per flow file (flows/digest.ts), from the files the
 * `netpolScope.flows` globs match in each workspace folder and the files "Load Observed Flows…" opened.
 * A file is read once per change (streamed: formats of one record per line never sit in memory whole);
 * the analysis replays the digests whenever the manifests change.
 */
import { createReadStream } from 'node:fs';
import picomatch from 'picomatch';
import { FlowDigest } from '../shared/flows/digest.js';
import { FlowTextReader } from '../shared/flows/reader.js';
import type { FlowFileJson } from '../shared/protocol.js';
import { relativePath, walkFolder } from './indexer.js';

interface HeldFile {
  readonly summary: FlowFileJson;
  readonly digest: FlowDigest | undefined;
}

/** Reads a flow file into a digest; throws when it cannot be read or is of no known format. */
async function readDigest(path: string): Promise<{ digest: FlowDigest; format: string }> {
  const digest = new FlowDigest();
  const reader = new FlowTextReader(digest);
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 256 * 1024 }))
    reader.push(chunk as string);
  const format = reader.end();
  if (format === undefined)
    throw new Error(
      'not a flow file of a known format (Hubble JSON, Calico flow logs, Antrea CSV, Kubescape, Inspektor Gadget, or the plain CSV/JSON format)',
    );
  return { digest, format };
}

export class FlowStore {
  /** By file system path. */
  private readonly files = new Map<string, HeldFile>();

  /** Reads (or re-reads) a file; a file that cannot be read is held with its error, and no flows. */
  async load(path: string, uri: string, origin: FlowFileJson['origin']): Promise<FlowFileJson> {
    const kept = this.files.get(path)?.summary.origin;
    // A file loaded by command stays so when the setting matches it too (clearing must not drop it silently).
    const as = kept === 'command' ? 'command' : origin;
    let held: HeldFile;
    try {
      const { digest, format } = await readDigest(path);
      held = {
        digest,
        summary: {
          uri,
          format,
          records: digest.records,
          skipped: [...digest.skipped.values()].reduce((a, b) => a + b, 0),
          origin: as,
        },
      };
    } catch (error) {
      held = {
        digest: undefined,
        summary: {
          uri,
          records: 0,
          skipped: 0,
          origin: as,
          error: error instanceof Error ? error.message : String(error),
        },
      };
    }
    this.files.set(path, held);
    return held.summary;
  }

  has(path: string): boolean {
    return this.files.has(path);
  }

  drop(path: string): boolean {
    return this.files.delete(path);
  }

  /** Forgets the files of an origin except those in `keep`; true when something was dropped. */
  retain(origin: FlowFileJson['origin'], keep: ReadonlySet<string> = new Set()): boolean {
    let dropped = false;
    for (const [path, held] of this.files)
      if (held.summary.origin === origin && !keep.has(path)) dropped = this.files.delete(path) || dropped;
    return dropped;
  }

  digests(): FlowDigest[] {
    return [...this.files.values()].flatMap((f) => (f.digest ? [f.digest] : []));
  }

  summaries(): FlowFileJson[] {
    return [...this.files.values()].map((f) => f.summary);
  }
}

/** A matcher of a folder's flow globs (relative, `/`-separated paths); undefined when there are none. */
export function flowMatcher(globs: readonly string[]): ((relativePath: string) => boolean) | undefined {
  return globs.length > 0 ? picomatch([...globs], { dot: false }) : undefined;
}

/** The files of a folder that the flow globs match (node_modules, VCS and build folders skipped). */
export async function findFlowFiles(root: string, globs: readonly string[]): Promise<string[]> {
  const matches = flowMatcher(globs);
  if (!matches) return [];
  const out: string[] = [];
  for await (const { files } of walkFolder(root))
    out.push(...files.filter((path) => matches(relativePath(root, path))));
  return out.sort();
}
