import { createServer } from 'node:http';
import { handler } from './handler.js';

/**
 * Runs the Lambda handler on your machine the way a function URL calls it: each HTTP request
 * becomes a payload-2.0 event, the result becomes the answer. For trying it with curl only.
 */
const port = Number(process.env.PORT ?? 8788);
createServer(async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const url = new URL(req.url ?? '/', 'http://localhost');
  const headers = Object.fromEntries(
    Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v]),
  );
  const body = Buffer.concat(chunks);
  const result = await handler({
    version: '2.0',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(body.length ? { body: body.toString('base64'), isBase64Encoded: true } : {}),
    requestContext: {
      domainName: String(req.headers.host),
      http: { method: req.method ?? 'GET', sourceIp: req.socket.remoteAddress ?? '127.0.0.1' },
    },
  });
  res.writeHead(result.statusCode, result.headers).end(result.body);
}).listen(port, () => console.log(`lambda handler on http://localhost:${port}/s3up/credentials`));
