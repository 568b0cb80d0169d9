import { ContractError } from './contract-error.js';

/** The token server's `POST /credentials` answer (openapi.yaml `Credentials`, docs/contracts.md). */
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
  /** Only when not AWS. */
  endpoint?: string;
  /** Only when true. */
  forcePathStyle?: boolean;
  requestChecksumCalculation?: ChecksumCalculation;
  /** Every key the user may write starts with it; ends with `/`. */
  prefix: string;
  scope?: string;
  actions?: string[];
  /**
   * Only when true: the server serves `POST /uploads` (upload receipts) for this session,
   * so the client reports each finished upload there.
   */
  receipts?: boolean;
}

/**
 * What the token server sends: every field openapi.yaml's `Credentials` requires. A client
 * parses into {@link CredentialsResponse}, which accepts older servers without them.
 */
export type IssuedCredentialsResponse = CredentialsResponse &
  Required<Pick<CredentialsResponse, 'serverTime' | 'requestChecksumCalculation' | 'scope' | 'actions'>>;

export type ChecksumCalculation = 'WHEN_SUPPORTED' | 'WHEN_REQUIRED';
export const CHECKSUM_CALCULATIONS: readonly ChecksumCalculation[] = Object.freeze([
  'WHEN_SUPPORTED',
  'WHEN_REQUIRED',
]);

type Body = Record<string, unknown>;

/**
 * One rule of the answer: the field it reads, and what is wrong with the body, or
 * undefined when the rule holds. The message names the field and says what to fix.
 */
export interface CredentialsCheck {
  readonly name: string;
  readonly field: keyof CredentialsResponse;
  problem(body: Body): string | undefined;
}

const CONTRACT = 'it must follow the s3up token server contract (docs/contracts.md)';

function requiredText(field: keyof CredentialsResponse): CredentialsCheck {
  return {
    name: `${field}-present`,
    field,
    problem: (body) => {
      const value = body[field];
      return typeof value === 'string' && value !== ''
        ? undefined
        : `The credentials endpoint answered without "${field}"; ${CONTRACT}.`;
    },
  };
}

/**
 * The checks the parser runs, in order; the first that fails is thrown. Fields the
 * checks do not require are optional: a wrong optional field is dropped, not refused,
 * so an older or newer server keeps working.
 */
export const CREDENTIALS_CHECKS: readonly CredentialsCheck[] = Object.freeze([
  requiredText('accessKeyId'),
  requiredText('secretAccessKey'),
  requiredText('sessionToken'),
  requiredText('expiration'),
  requiredText('bucket'),
  requiredText('region'),
  {
    name: 'expiration-date',
    field: 'expiration',
    problem: (body) =>
      Number.isNaN(Date.parse(String(body.expiration)))
        ? 'The credentials endpoint answered an invalid "expiration"; it must be an ISO 8601 date-time.'
        : undefined,
  },
]);

/** The fields a valid answer must hold (the rest are optional). */
export const REQUIRED_CREDENTIALS_FIELDS: readonly (keyof CredentialsResponse)[] = Object.freeze([
  ...new Set(CREDENTIALS_CHECKS.map((check) => check.field)),
]);

/**
 * The one parser of a `POST /credentials` answer, for every client (the engine, the CLI,
 * the benchmarks). Throws a `ContractError` (`invalid_credentials`, with the field) that
 * names the field; keeps only the known fields.
 *
 * @example
 * ```ts
 * const answer = parseCredentialsResponse(await response.json());
 * new S3Client({ region: answer.region, credentials: { ...answer, expiration: new Date(answer.expiration) } });
 * ```
 */
export function parseCredentialsResponse(body: unknown): CredentialsResponse {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ContractError('invalid_credentials', 'The credentials endpoint did not answer a JSON object.');
  }
  const b = body as Body;
  for (const check of CREDENTIALS_CHECKS) {
    const problem = check.problem(b);
    if (problem !== undefined) throw new ContractError('invalid_credentials', problem, check.field);
  }
  const parsed: CredentialsResponse = {
    accessKeyId: b.accessKeyId as string,
    secretAccessKey: b.secretAccessKey as string,
    sessionToken: b.sessionToken as string,
    expiration: b.expiration as string,
    bucket: b.bucket as string,
    region: b.region as string,
    prefix: typeof b.prefix === 'string' ? b.prefix : '',
  };
  if (typeof b.serverTime === 'string' && !Number.isNaN(Date.parse(b.serverTime)))
    parsed.serverTime = b.serverTime;
  if (typeof b.endpoint === 'string' && b.endpoint !== '') parsed.endpoint = b.endpoint;
  if (b.forcePathStyle === true) parsed.forcePathStyle = true;
  if ((CHECKSUM_CALCULATIONS as readonly unknown[]).includes(b.requestChecksumCalculation)) {
    parsed.requestChecksumCalculation = b.requestChecksumCalculation as ChecksumCalculation;
  }
  if (typeof b.scope === 'string') parsed.scope = b.scope;
  if (Array.isArray(b.actions)) parsed.actions = b.actions.filter((a): a is string => typeof a === 'string');
  if (b.receipts === true) parsed.receipts = true;
  return parsed;
}
