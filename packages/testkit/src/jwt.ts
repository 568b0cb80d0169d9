import { SignJWT } from 'jose';

/** The HS256 settings a test token server verifies with (`inject('tokenServer').jwt`). */
export interface JwtSettings {
  secret: string;
  issuer: string;
  audience: string;
}

export interface MintOptions {
  /** An HMAC algorithm. Default HS256. */
  alg?: 'HS256' | 'HS384' | 'HS512';
  /** `exp`: a duration from now (`'5m'`) or seconds since the epoch. Default `'5m'`. */
  expiresIn?: string | number;
  notBefore?: string | number;
  issuedAt?: number;
  audience?: string;
  issuer?: string;
  secret?: string;
  /** Leave `exp` out entirely. */
  noExpiry?: boolean;
  /** Other claims to add. */
  claims?: Record<string, unknown>;
}

/**
 * An HS256 token for `sub` (left out when undefined), as an identity provider would mint it:
 * the one minting helper of the workspace's tests, in Node and in the browser (core, element,
 * token server, CLI, examples, the adversarial suite). The options make the tokens a verifier
 * must refuse (expired, from the future, another issuer, audience or secret, no `exp`).
 */
export function mintToken(
  jwt: JwtSettings,
  sub: string | undefined,
  options: MintOptions = {},
): Promise<string> {
  let builder = new SignJWT({ ...options.claims })
    .setProtectedHeader({ alg: options.alg ?? 'HS256', typ: 'JWT' })
    .setIssuer(options.issuer ?? jwt.issuer)
    .setAudience(options.audience ?? jwt.audience)
    .setIssuedAt(options.issuedAt);
  if (sub !== undefined) builder = builder.setSubject(sub);
  if (!options.noExpiry) builder = builder.setExpirationTime(options.expiresIn ?? '5m');
  if (options.notBefore !== undefined) builder = builder.setNotBefore(options.notBefore);
  return builder.sign(new TextEncoder().encode(options.secret ?? jwt.secret));
}
