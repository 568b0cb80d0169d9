import { UploadError } from './errors.js';

/** The token server's `POST /credentials` answer (docs/contracts.md). */
export interface CredentialsResponse {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** ISO 8601 on the server's clock. */
  expiration: string;
  /** ISO 8601: the server's clock when it answered, to correct the browser's clock skew. */
  serverTime?: string;
  bucket: string;
  region: string;
  endpoint?: string;
  forcePathStyle?: boolean;
  requestChecksumCalculation?: 'WHEN_SUPPORTED' | 'WHEN_REQUIRED';
  /** Every key the user may write starts with it; ends with `/`. */
  prefix: string;
  scope?: string;
  actions?: string[];
  /** The server takes upload receipts (`POST /uploads`): the engine reports each success. */
  receipts?: boolean;
}

function text(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value === '') {
    throw new UploadError(
      'credentials',
      `The credentials endpoint answered without "${field}"; it must follow the s3up token server contract (docs/contracts.md).`,
    );
  }
  return value;
}

/** Checks the shape of a credentials answer; a wrong one is a `credentials` error naming the field. */
export function parseCredentialsResponse(body: unknown): CredentialsResponse {
  if (typeof body !== 'object' || body === null) {
    throw new UploadError('credentials', 'The credentials endpoint did not answer a JSON object.');
  }
  const b = body as Record<string, unknown>;
  const parsed: CredentialsResponse = {
    accessKeyId: text(b, 'accessKeyId'),
    secretAccessKey: text(b, 'secretAccessKey'),
    sessionToken: text(b, 'sessionToken'),
    expiration: text(b, 'expiration'),
    bucket: text(b, 'bucket'),
    region: text(b, 'region'),
    prefix: typeof b.prefix === 'string' ? b.prefix : '',
  };
  if (Number.isNaN(Date.parse(parsed.expiration))) {
    throw new UploadError('credentials', `The credentials endpoint answered an invalid "expiration".`);
  }
  if (typeof b.serverTime === 'string' && !Number.isNaN(Date.parse(b.serverTime)))
    parsed.serverTime = b.serverTime;
  if (typeof b.endpoint === 'string' && b.endpoint !== '') parsed.endpoint = b.endpoint;
  if (b.forcePathStyle === true) parsed.forcePathStyle = true;
  if (b.requestChecksumCalculation === 'WHEN_SUPPORTED' || b.requestChecksumCalculation === 'WHEN_REQUIRED') {
    parsed.requestChecksumCalculation = b.requestChecksumCalculation;
  }
  if (typeof b.scope === 'string') parsed.scope = b.scope;
  if (Array.isArray(b.actions)) parsed.actions = b.actions.filter((a): a is string => typeof a === 'string');
  if (b.receipts === true) parsed.receipts = true;
  return parsed;
}
