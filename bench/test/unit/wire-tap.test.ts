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
});
