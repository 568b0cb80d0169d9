// The bad answers of the credentials endpoint that issue #14 held back, as spoils of a real
// answer. Shared by the browser test (the names) and the spoiling server (the functions):
// nothing here may need Node.

export type Answer = Record<string, unknown>;

/** How each spoil turns the real answer into a bad one (a string is sent as the raw body). */
export const SPOILS = {
  'past-expiry': (a: Answer) => ({
    ...a,
    expiration: new Date(Date.parse(String(a.serverTime)) - 60_000).toISOString(),
  }),
  'expiry-at-server-time': (a: Answer) => ({ ...a, expiration: a.serverTime }),
  'no-prefix': ({ prefix: _p, ...a }: Answer) => a,
  'prefix-without-slash': (a: Answer) => ({ ...a, prefix: String(a.prefix).replace(/\/$/, '') }),
  'no-session-token': ({ sessionToken: _t, ...a }: Answer) => a,
  'malformed-json': (a: Answer) => JSON.stringify(a).slice(0, 40),
} satisfies Record<string, (a: Answer) => Answer | string>;

export type Spoil = keyof typeof SPOILS;
export const SPOIL_NAMES = Object.keys(SPOILS) as Spoil[];
