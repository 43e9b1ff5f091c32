/** The streams a command reads and writes; tests pass their own. */
export interface CommandIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/**
 * Buffered line output with backpressure: collects small writes into chunks and waits for
 * `drain` when the destination is full, so memory stays bounded on any input size.
 */
export class LineWriter {
  private buf: string[] = [];
  private size = 0;

  constructor(
    private readonly dest: NodeJS.WritableStream,
    private readonly chunk = 64 * 1024,
  ) {}

  async write(s: string): Promise<void> {
    this.buf.push(s);
    this.size += s.length;
    if (this.size >= this.chunk) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.buf.length === 0) return;
    const data = this.buf.join("");
    this.buf = [];
    this.size = 0;
    if (!this.dest.write(data)) await new Promise<void>((resolve) => this.dest.once("drain", resolve));
  }
}
