import { SignJWT } from 'jose';

/** The HS256 settings a test token server verifies with (`inject('tokenServer').jwt`). */
export interface JwtSettings {
  secret: string;
  issuer: string;
  audience: string;
}

export interface MintOptions {
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
 * An HS256 token for `sub`, as an identity provider would mint it: the one minting helper
 * of the workspace's tests (token server, CLI, adversarial suite). Browser-safe.
 */
export function mintToken(jwt: JwtSettings, sub: string, options: MintOptions = {}): Promise<string> {
  let builder = new SignJWT({ ...options.claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuer(options.issuer ?? jwt.issuer)
    .setAudience(options.audience ?? jwt.audience)
    .setIssuedAt(options.issuedAt);
  if (!options.noExpiry) builder = builder.setExpirationTime(options.expiresIn ?? '5m');
  if (options.notBefore !== undefined) builder = builder.setNotBefore(options.notBefore);
  return builder.sign(new TextEncoder().encode(options.secret ?? jwt.secret));
}
