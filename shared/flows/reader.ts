/**
 * Reading a flow file as its text arrives, in chunks (no I/O here: the CLI and the language server feed
 * the chunks they read). Formats of one record per line (Hubble, Calico, Inspektor Gadget, Antrea CSV,
 * the plain CSV) are decided from the first 64 KiB and then read line by line, so memory does not grow
 * with the number of records; anything else (a JSON array, Kubescape objects) is read whole at the end.
 */
import type { FlowRecord } from './records.js';
import { detectLineFormat, importFlows, lineParser } from './import.js';
import type { LineFormat, LineParser } from './import.js';

/** Where records go: the dry run's aggregator, or the model-independent digest of observed flows. */
export interface FlowSink {
  add(record: FlowRecord): void;
  /** Counts input records an importer left out, by reason. */
  skip(reason: string, count?: number): void;
}

/** How much of a file decides its format. */
const HEAD = 64 * 1024;

export class FlowTextReader {
  private head = '';
  private format: LineFormat | undefined;
  private parser: LineParser | undefined;
  /** Decided: line by line (`format` set), or read whole at the end (`whole`). */
  private decided = false;
  private whole: string[] = [];
  private carry = '';
  private readonly skipped = new Map<string, number>();

  constructor(private readonly sink: FlowSink) {}

  push(chunk: string): void {
    if (!this.decided) {
      this.head += chunk;
      if (this.head.length < HEAD) return;
      this.decide();
      const text = this.head;
      this.head = '';
      this.take(text);
      return;
    }
    this.take(chunk);
  }

  /**
   * The end of the text: the last line, or the whole text of a format read whole. Returns the format's
   * name, or undefined when the text is of no known format (nothing was added then).
   */
  end(): string | undefined {
    if (!this.decided) {
      this.decide();
      this.take(this.head);
      this.head = '';
    }
    if (this.format && this.parser) {
      if (this.carry !== '') this.line(this.parser, this.carry);
      this.carry = '';
      for (const record of this.parser.end()) this.sink.add(record);
      for (const [reason, n] of this.skipped) this.sink.skip(reason, n);
      return this.format;
    }
    const result = importFlows(this.whole.join(''));
    this.whole = [];
    if (!result) return undefined;
    for (const [reason, n] of result.skipped) this.sink.skip(reason, n);
    for (const record of result.records) this.sink.add(record);
    return result.format;
  }

  private decide(): void {
    this.decided = true;
    this.format = detectLineFormat(this.head.replace(/^\uFEFF/, ''));
    this.parser = this.format && lineParser(this.format);
    if (this.format && this.head.charCodeAt(0) === 0xfeff) this.head = this.head.slice(1);
  }

  private take(chunk: string): void {
    const parser = this.parser;
    if (!parser) {
      this.whole.push(chunk);
      return;
    }
    const text = this.carry === '' ? chunk : this.carry + chunk;
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      this.line(parser, text.slice(start, end));
      start = nl + 1;
    }
    this.carry = text.slice(start);
  }

  private line(parser: LineParser, line: string): void {
    const record = parser.line(line, this.skipped);
    if (record) this.sink.add(record);
  }
}
