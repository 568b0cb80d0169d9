import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A load balancer in miniature: each request goes to the next target in turn. */
export interface RoundRobinProxy {
  url: string;
  /** How many requests each target was sent, in the order of `targets`. */
  served: number[];
  close(): Promise<void>;
}

/**
 * A round-robin HTTP proxy on 127.0.0.1 in front of several instances of a service (the
 * token server's many-instance tests and bench). Requests and answers pass through
 * untouched; a target that cannot be reached answers 502.
 *
 * @example
 * ```ts
 * const lb = await roundRobinProxy([a.url, b.url, c.url]);
 * await fetch(`${lb.url}/credentials`, { method: 'POST', headers });
 * lb.served; // [1, 0, 0]
 * ```
 */
export async function roundRobinProxy(targets: string[]): Promise<RoundRobinProxy> {
  if (targets.length === 0) throw new Error('roundRobinProxy needs at least one target');
  const served = targets.map(() => 0);
  let next = 0;
  const server = createServer((req, res) => {
    const index = next;
    next = (next + 1) % targets.length;
    served[index] = (served[index] ?? 0) + 1;
    const target = new URL(targets[index]!);
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: target.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
      res.end('{"error":{"code":"bad_gateway","message":"The instance did not answer."}}');
    });
    req.pipe(upstream);
  });
  // Longer than the clients' own idle timeout (Node's fetch: 4 s), so the client always
  // closes an idle connection first: a server closing it as a POST goes out resets that
  // POST (fetch does not retry it). close() cuts every connection at once anyway.
  server.keepAliveTimeout = 10_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    served,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
