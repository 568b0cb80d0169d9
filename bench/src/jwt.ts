import { createHmac } from 'node:crypto';

export interface JwtSettings {
  secret: string;
  issuer: string;
  audience: string;
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An HS256 token for `sub`, as the app's identity provider would mint it. */
export function mintJwt(settings: JwtSettings, sub: string, lifetimeSeconds = 3600): string {
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({
    sub,
    iss: settings.issuer,
    aud: settings.audience,
    iat: now,
    exp: now + lifetimeSeconds,
  })}`;
  return `${unsigned}.${createHmac('sha256', settings.secret).update(unsigned).digest('base64url')}`;
}
