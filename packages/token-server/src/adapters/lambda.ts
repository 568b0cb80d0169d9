import { createTokenHandler, type TokenHandler } from '../handler/create-token-handler.js';
import type { TokenHandlerOptions } from '../handler/options.js';

/** The parts of an API Gateway HTTP API (payload 2.0) or Lambda function URL event the adapter reads. */
export interface LambdaHttpEvent {
  version?: string;
  rawPath: string;
  rawQueryString?: string;
  headers?: Record<string, string | undefined>;
  cookies?: string[];
  body?: string;
  isBase64Encoded?: boolean;
  requestContext: {
    domainName?: string;
    http: { method: string; sourceIp?: string };
  };
}

/** The payload 2.0 result API Gateway and function URLs turn into the HTTP answer. */
export interface LambdaHttpResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: boolean;
}

/**
 * An AWS Lambda handler for API Gateway HTTP APIs (payload format 2.0) and function URLs.
 * Create it at module scope, so the credential cache and rate-limit counters live as long
 * as the execution environment (each environment counts alone: give `rateLimit.store` a
 * shared store, or limit at the gateway). The client IP is `requestContext.http.sourceIp`;
 * the authenticator gets the event as `native`. `basePath` includes the stage for a named
 * stage (`/prod/s3up`).
 *
 * @example
 * ```ts
 * import { createLambdaHandler } from '@s3up/token-server/lambda';
 * export const handler = createLambdaHandler({ basePath: '/s3up', bucket, region, roleArn,
 *   authenticate: jwtAuthenticator({ jwksUrl, issuer, audience: 's3up' }) });
 * ```
 */
export function createLambdaHandler(
  options: TokenHandlerOptions,
): ((event: LambdaHttpEvent) => Promise<LambdaHttpResult>) & { handler: TokenHandler } {
  const handler = createTokenHandler(options);
  const lambda = async (event: LambdaHttpEvent): Promise<LambdaHttpResult> => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(event.headers ?? {}))
      if (value !== undefined) headers.set(name, value);
    // Payload 2.0 moves cookies out of the headers into their own array.
    if (event.cookies?.length) headers.set('cookie', event.cookies.join('; '));
    const method = event.requestContext.http.method;
    const host = headers.get('host') ?? event.requestContext.domainName ?? 'lambda.invalid';
    const query = event.rawQueryString ? `?${event.rawQueryString}` : '';
    const body =
      event.body === undefined || method === 'GET' || method === 'HEAD'
        ? undefined
        : Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
    const request = new Request(`https://${host}${event.rawPath}${query}`, { method, headers, body });
    const response = await handler(request, { ip: event.requestContext.http.sourceIp, native: event });
    const result: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      result[name] = value;
    });
    return {
      statusCode: response.status,
      headers: result,
      body: await response.text(),
      isBase64Encoded: false,
    };
  };
  return Object.assign(lambda, { handler });
}
