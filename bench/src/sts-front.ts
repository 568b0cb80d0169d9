import { randomUUID } from 'node:crypto';
import { Agent, createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { assertLoopback } from './loopback.js';

export interface StsFrontSettings {
  /** The local backend's STS (Ceph RGW). */
  upstream: string;
  region: string;
  roleArn: string;
  /** The token service's user: the identity that may assume the role. */
  service: { accessKeyId: string; secretAccessKey: string };
}

export interface StsFront {
  /** `http://127.0.0.1:<port>`: give it to both contenders as their STS endpoint. */
  endpoint: string;
  /** Calls answered since the start, by action. */
  calls: Record<string, number>;
  close(): Promise<void>;
}

/**
 * One loopback STS in front of the local backend's, so s3up and Uppy Companion can be
 * measured against the same STS (issue 21 item 4). Companion's `/s3/sts` calls
 * `GetFederationToken` on every request, which Ceph RGW 16 does not implement; this front
 * answers it by calling RGW's `AssumeRole` with the token service's identity, the caller's
 * session policy and duration, and returns the `GetFederationToken` answer AWS documents.
 * `AssumeRole` (s3up's call) passes through unchanged, Host included, so its SigV4 signature
 * verifies upstream. Both contenders pay the same extra hop; the front runs in the harness's
 * process, outside either contender's CPU figure. The front does not check Companion's
 * signature: on AWS the caller would be an IAM user with long-term keys, which RGW's STS
 * cannot stand in for.
 */
export async function startStsFront(settings: StsFrontSettings): Promise<StsFront> {
  const upstream = assertLoopback(settings.upstream, 'the local STS');
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const sts = new STSClient({
    region: settings.region,
    endpoint: upstream.toString(),
    credentials: settings.service,
    maxAttempts: 1,
  });
  const calls: Record<string, number> = {};

  const passThrough = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const forward = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.once('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    forward.end(body);
  };

  const federationToken = async (params: URLSearchParams, res: ServerResponse) => {
    const name = params.get('Name') ?? 'federated';
    const out = await sts.send(
      new AssumeRoleCommand({
        RoleArn: settings.roleArn,
        RoleSessionName: name,
        DurationSeconds: Number(params.get('DurationSeconds') ?? 3600),
        ...(params.get('Policy') ? { Policy: params.get('Policy') as string } : {}),
      }),
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration)
      throw new Error('AssumeRole answered without credentials');
    const xml = `<GetFederationTokenResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetFederationTokenResult>
    <Credentials>
      <SessionToken>${escapeXml(c.SessionToken)}</SessionToken>
      <SecretAccessKey>${escapeXml(c.SecretAccessKey)}</SecretAccessKey>
      <Expiration>${c.Expiration.toISOString()}</Expiration>
      <AccessKeyId>${escapeXml(c.AccessKeyId)}</AccessKeyId>
    </Credentials>
    <FederatedUser>
      <Arn>arn:aws:sts::000000000000:federated-user/${escapeXml(name)}</Arn>
      <FederatedUserId>000000000000:${escapeXml(name)}</FederatedUserId>
    </FederatedUser>
    <PackedPolicySize>${out.PackedPolicySize ?? 0}</PackedPolicySize>
  </GetFederationTokenResult>
  <ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata>
</GetFederationTokenResponse>`;
    res.writeHead(200, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(xml) }).end(xml);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const params = new URLSearchParams(body.toString('utf8'));
      const action = params.get('Action') ?? 'unknown';
      calls[action] = (calls[action] ?? 0) + 1;
      if (action !== 'GetFederationToken') {
        passThrough(req, res, body);
        return;
      }
      federationToken(params, res).catch((error: unknown) => {
        const name = (error as { name?: string }).name ?? 'InternalFailure';
        const xml = `<ErrorResponse><Error><Type>Sender</Type><Code>${escapeXml(name)}</Code><Message></Message></Error></ErrorResponse>`;
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/xml' });
        res.end(xml);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
        agent.destroy();
        sts.destroy();
      }),
  };
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
