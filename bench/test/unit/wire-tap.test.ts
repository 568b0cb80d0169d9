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

  it('holdAt freezes every part body at the chunk that reaches the count, until release', async () => {
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
      expect(tap.stats.uploadPartBytes).toBe(2000);
      expect(upstreamBytes).toBe(2000);

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
});
