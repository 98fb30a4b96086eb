/**
 * Heavy requests in slices: a computation written as a generator (it yields between slices) runs for a
 * few milliseconds at a time, and between slices the server reads its input, so edits, diagnostics and
 * other requests are not held up. A request is dropped between slices when the client cancels it
 * (`$/cancelRequest`) or a newer request of the same kind supersedes it.
 */
import { LSPErrorCodes, ResponseError } from 'vscode-languageserver';
import type { CancellationToken } from 'vscode-languageserver';

/** Work done between two looks at the input. */
const SLICE_MS = 8;

export interface SliceControl {
  readonly token: CancellationToken;
  /** True once a newer request of the same kind arrived. */
  readonly superseded: () => boolean;
}

export async function runSliced<T>(work: Generator<void, T>, control: SliceControl): Promise<T> {
  let started = performance.now();
  for (;;) {
    const step = work.next();
    if (step.done) return step.value;
    if (performance.now() - started < SLICE_MS) continue;
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (control.token.isCancellationRequested)
      throw new ResponseError(LSPErrorCodes.RequestCancelled, 'the request was cancelled');
    if (control.superseded())
      throw new ResponseError(LSPErrorCodes.ServerCancelled, 'a newer request of the same kind replaced it');
    started = performance.now();
  }
}

/**
 * Runs requests of one kind in slices, the newest superseding the older ones: each request takes a
 * ticket, and one whose ticket is no longer the latest stops at its next slice.
 */
export class NewestInSlices {
  private latest = 0;

  run<T>(work: Generator<void, T>, token: CancellationToken): Promise<T> {
    const ticket = ++this.latest;
    return runSliced(work, { token, superseded: () => this.latest !== ticket });
  }
}
