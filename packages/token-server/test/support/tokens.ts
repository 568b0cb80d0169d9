import { SignJWT } from 'jose';

export interface JwtSettings {
  secret: string;
  issuer: string;
  audience: string;
}

/** An HS256 token for `sub`, as an identity provider would mint it. */
export function mintToken(
  jwt: JwtSettings,
  sub: string,
  options: { expiresIn?: string | number; audience?: string; issuer?: string; secret?: string } = {},
): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuer(options.issuer ?? jwt.issuer)
    .setAudience(options.audience ?? jwt.audience)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '5m')
    .sign(new TextEncoder().encode(options.secret ?? jwt.secret));
}
