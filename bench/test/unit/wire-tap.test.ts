import { createServer, request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { startWireTap } from '../../src/wire-tap.js';

describe('wire tap', () => {
  it('resolves whenPartBytes as the chunk that reaches the count arrives, before the part ends', async () => {
    const upstream = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200).end());
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const address = upstream.address() as { port: number };
    const tap = await startWireTap(() => `http://127.0.0.1:${address.port}`);
    try {
      const url = new URL('/bucket/key?partNumber=1&uploadId=u', tap.endpoint);
      const put = request(url, { method: 'PUT', headers: { 'content-length': '3000' } });
      const answered = new Promise<number>((resolve) =>
        put.on('response', (r) => resolve(r.statusCode ?? 0)),
      );
      let reached = false;
      const half = tap.whenPartBytes(1500).then(() => {
        reached = true;
      });
      put.write(Buffer.alloc(1000));
      put.write(Buffer.alloc(1000));
      await half;
      expect(reached).toBe(true);
      // The part is still open: the count moved, the request has not ended.
      expect(tap.stats.uploadPartBytes).toBeLessThan(3000);
      put.end(Buffer.alloc(1000));
      expect(await answered).toBe(200);
      expect(tap.stats.uploadPartBytes).toBe(3000);
      await tap.whenPartBytes(3000);
    } finally {
      await tap.close();
      upstream.close();
    }
  });

  it('holdAt freezes every part body at exactly the byte given, until release', async () => {
    let upstreamBytes = 0;
    const upstream = createServer((req, res) => {
      req.on('data', (chunk: Buffer) => {
        upstreamBytes += chunk.length;
      });
      req.on('end', () => res.writeHead(200).end());
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const address = upstream.address() as { port: number };
    const tap = await startWireTap(() => `http://127.0.0.1:${address.port}`);
    const put = (part: number) => {
      const url = new URL(`/bucket/key?partNumber=${part}&uploadId=u`, tap.endpoint);
      const req = request(url, { method: 'PUT', headers: { 'content-length': '3000' } });
      const answered = new Promise<number>((resolve) =>
        req.on('response', (r) => resolve(r.statusCode ?? 0)),
      );
      return { req, answered };
    };
    try {
      tap.holdAt(1500);
      const one = put(1);
      const two = put(2);
      one.req.write(Buffer.alloc(1000));
      two.req.write(Buffer.alloc(1000));
      await tap.whenPartBytes(1500);
      // More bytes from both parts, and a third part that starts while held.
      one.req.write(Buffer.alloc(1000));
      two.req.write(Buffer.alloc(1000));
      const three = put(3);
      three.req.write(Buffer.alloc(1000));
      await new Promise((r) => setTimeout(r, 200));
      // The second chunk crossed the hold: its first 500 bytes went through, not all 1000.
      expect(tap.stats.uploadPartBytes).toBe(1500);
      expect(upstreamBytes).toBe(1500);

      tap.release();
      one.req.end(Buffer.alloc(1000));
      two.req.end(Buffer.alloc(1000));
      three.req.end(Buffer.alloc(2000));
      expect(await Promise.all([one.answered, two.answered, three.answered])).toEqual([200, 200, 200]);
      expect(tap.stats.uploadPartBytes).toBe(9000);
      expect(upstreamBytes).toBe(9000);
    } finally {
      await tap.close();
      upstream.close();
    }
  });

  it('a held body reaches the server whole and in order after release, its end too', async () => {
    const bodies = new Map<string, Buffer>();
    const upstream = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        bodies.set(
          new URL(req.url ?? '/', 'http://x').searchParams.get('partNumber')!,
          Buffer.concat(chunks),
        );
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const address = upstream.address() as { port: number };
    const tap = await startWireTap(() => `http://127.0.0.1:${address.port}`);
    const body = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7) % 251));
    try {
      // A hold at 100 bytes: the first chunk (1000 bytes) crosses it.
      tap.holdAt(100);
      const url = new URL('/bucket/key?partNumber=1&uploadId=u', tap.endpoint);
      const put = request(url, { method: 'PUT', headers: { 'content-length': String(body.length) } });
      const answered = new Promise<number>((resolve) =>
        put.on('response', (r) => resolve(r.statusCode ?? 0)),
      );
      put.write(body.subarray(0, 1000));
      await tap.whenPartBytes(100);
      // The whole body, end included, arrives while held: nothing more goes through.
      put.end(body.subarray(1000));
      await new Promise((r) => setTimeout(r, 200));
      expect(tap.stats.uploadPartBytes).toBe(100);
      expect(bodies.size).toBe(0);

      tap.release();
      expect(await answered).toBe(200);
      expect(tap.stats.uploadPartBytes).toBe(body.length);
      expect(bodies.get('1')?.equals(body)).toBe(true);

      // Called at a count already passed, the hold takes effect at once.
      tap.holdAt(50);
      const late = request(new URL('/bucket/key?partNumber=2&uploadId=u', tap.endpoint), {
        method: 'PUT',
        headers: { 'content-length': '10' },
      });
      const lateAnswered = new Promise<number>((resolve) =>
        late.on('response', (r) => resolve(r.statusCode ?? 0)),
      );
      late.end(Buffer.alloc(10, 1));
      await new Promise((r) => setTimeout(r, 200));
      expect(tap.stats.uploadPartBytes).toBe(body.length);
      tap.release();
      expect(await lateAnswered).toBe(200);
      expect(bodies.get('2')?.equals(Buffer.alloc(10, 1))).toBe(true);
    } finally {
      await tap.close();
      upstream.close();
    }
  });

  it('drop cuts the held bodies at the hold: the server sees exactly the bytes up to it', async () => {
    let upstreamBytes = 0;
    let cut = 0;
    const upstream = createServer((req, res) => {
      req.on('data', (chunk: Buffer) => {
        upstreamBytes += chunk.length;
      });
      req.on('aborted', () => cut++);
      req.on('end', () => res.writeHead(200).end());
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const address = upstream.address() as { port: number };
    const tap = await startWireTap(() => `http://127.0.0.1:${address.port}`);
    const put = (part: number, length: number) => {
      const url = new URL(`/bucket/key?partNumber=${part}&uploadId=u`, tap.endpoint);
      const req = request(url, { method: 'PUT', headers: { 'content-length': String(length) } });
      const outcome = new Promise<string>((resolve) => {
        req.on('response', (r) => resolve(String(r.statusCode)));
        req.on('error', () => resolve('cut'));
      });
      return { req, outcome };
    };
    try {
      tap.holdAt(1500);
      const one = put(1, 3000);
      const two = put(2, 3000);
      one.req.write(Buffer.alloc(1000));
      two.req.write(Buffer.alloc(1000));
      await tap.whenPartBytes(1500);
      // Bytes that reach the tap after the hold, as a page's sockets hold them at a reload.
      one.req.write(Buffer.alloc(1000));
      await new Promise((r) => setTimeout(r, 100));
      tap.drop();
      expect(await Promise.all([one.outcome, two.outcome])).toEqual(['cut', 'cut']);
      await new Promise((r) => setTimeout(r, 100));
      expect(tap.stats.uploadPartBytes).toBe(1500);
      expect(upstreamBytes).toBe(1500);
      expect(cut).toBe(2);
      // The hold is over: the next page's parts flow.
      const three = put(3, 1000);
      three.req.end(Buffer.alloc(1000));
      expect(await three.outcome).toBe('200');
      expect(tap.stats.uploadPartBytes).toBe(2500);
    } finally {
      await tap.close();
      upstream.close();
    }
  });
});
