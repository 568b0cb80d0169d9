/** One audit line as the operator panel shows it: the token server's JSON plus a sequence number. */
export interface AuditEntry {
  seq: number;
  /** The line as the token server logged it (pino JSON), parsed. */
  line: Record<string, unknown>;
}

export interface AuditBufferOptions {
  /**
   * Lines kept. Default 200: the panel shows the latest few dozen; 200 is enough to
   * scroll back through a demo session while staying a few tens of kB in memory.
   */
  capacity?: number;
  /** Also write every line here (the terminal). Default: nowhere. */
  tee?: { write(line: string): unknown };
}

/**
 * A pino destination that keeps the latest audit lines in memory for the operator panel.
 * Give it to the token server's audit logger; read it with {@link AuditBuffer.since}.
 *
 * @example
 * const audit = new AuditBuffer({ tee: process.stdout });
 * const logger = pino({}, audit); // pino calls audit.write(json + '\n')
 * audit.since(0); // [{ seq: 1, line: { msg: 'issued', ... } }]
 */
export class AuditBuffer {
  readonly #capacity: number;
  readonly #tee: AuditBufferOptions['tee'];
  #entries: AuditEntry[] = [];
  #seq = 0;
  #partial = '';

  constructor(options: AuditBufferOptions = {}) {
    const capacity = options.capacity ?? 200;
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`AuditBuffer capacity must be a positive integer, got ${capacity}`);
    this.#capacity = capacity;
    this.#tee = options.tee;
  }

  /** pino's destination interface: one or more newline-terminated JSON lines. */
  write(chunk: string): boolean {
    this.#tee?.write(chunk);
    const text = this.#partial + chunk;
    const lines = text.split('\n');
    // A chunk may end mid-line; keep the tail until its newline arrives.
    this.#partial = lines.pop() ?? '';
    for (const raw of lines) {
      if (!raw.trim()) continue;
      let line: Record<string, unknown>;
      try {
        const parsed: unknown = JSON.parse(raw);
        line = parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : { msg: raw };
      } catch {
        line = { msg: raw };
      }
      this.#seq += 1;
      this.#entries.push({ seq: this.#seq, line });
      if (this.#entries.length > this.#capacity) this.#entries.shift();
    }
    return true;
  }

  /** Entries newer than `seq` (0 for all that are kept), oldest first. */
  since(seq: number): AuditEntry[] {
    return this.#entries.filter((entry) => entry.seq > seq);
  }

  /** The newest sequence number handed out (0 before the first line). */
  get lastSeq(): number {
    return this.#seq;
  }
}
