import { type JwtSettings, mintToken } from '@s3up/testkit/jwt';
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';

// Ordinary tokens come from the testkit's one minting helper; the attack tokens are this suite's.
export { type JwtSettings, type MintOptions, mintToken } from '@s3up/testkit/jwt';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An unsigned token (`alg: none`), which must never authenticate. */
export function unsignedToken(jwt: JwtSettings, sub: string): string {
  const now = Math.floor(Date.now() / 1000);
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub, iss: jwt.issuer, aud: jwt.audience, iat: now, exp: now + 300 })}.`;
}

/**
 * HS/RS confusion: a token signed with HS256 using an RSA public key (PEM text) as the
 * HMAC secret, which a verifier that trusts the header's `alg` would accept.
 */
export async function rsPublicKeyAsHmacSecret(jwt: JwtSettings, sub: string): Promise<string> {
  const { publicKey } = await generateKeyPair('RS256', { extractable: true });
  const pem = await exportSPKI(publicKey);
  return mintToken(jwt, sub, { secret: pem });
}

/** An RS256 token signed with a key the server has never seen. */
export async function rs256Token(jwt: JwtSettings, sub: string): Promise<string> {
  const { privateKey } = await generateKeyPair('RS256');
  return new SignJWT({})
    .setProtectedHeader({ alg: 'RS256' })
    .setSubject(sub)
    .setIssuer(jwt.issuer)
    .setAudience(jwt.audience)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(privateKey);
}
