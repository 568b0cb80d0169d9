/**
 * A File whose slices stream at about `bytesPerSecond`: a slow uplink, so an upload lasts
 * longer than short-lived credentials or leaves time to pause mid-part. Only the timing
 * changes; the bytes are the file's.
 */
export class SlowFile extends File {
  readonly #rate: number;

  constructor(bytes: Uint8Array<ArrayBuffer>, name: string, bytesPerSecond: number) {
    super([bytes], name, { type: 'application/octet-stream', lastModified: 1_700_000_000_000 });
    this.#rate = bytesPerSecond;
  }

  override slice(start?: number, end?: number, contentType?: string): Blob {
    return new SlowBlob(super.slice(start, end, contentType), this.#rate);
  }
}

class SlowBlob extends Blob {
  readonly #inner: Blob;
  readonly #rate: number;

  constructor(inner: Blob, rate: number) {
    super([inner]);
    this.#inner = inner;
    this.#rate = rate;
  }

  override stream(): ReadableStream<Uint8Array<ArrayBuffer>> {
    const reader = this.#inner.stream().getReader();
    const rate = this.#rate;
    // 64 KiB chunks, each delayed by its share of the rate.
    let pending: Uint8Array<ArrayBuffer> | undefined;
    return new ReadableStream<Uint8Array<ArrayBuffer>>({
      async pull(controller) {
        if (!pending || pending.length === 0) {
          const { done, value } = await reader.read();
          if (done) return controller.close();
          pending = value;
        }
        const chunk = pending.subarray(0, 64 * 1024);
        pending = pending.subarray(chunk.length);
        await new Promise((r) => setTimeout(r, (chunk.length / rate) * 1000));
        controller.enqueue(chunk);
      },
      cancel() {
        return reader.cancel();
      },
    });
  }
}
