/**
 * Everything secret a test has seen (JWT signing secrets, minted JWTs, secret keys, session
 * tokens, the service's own keys), plus patterns that give away policy text. `leaksIn`
 * lists what a piece of text gives away: the suite runs it over every captured log line and
 * every error answer (case 10).
 */
export class LeakLedger {
  readonly #secrets = new Map<string, string>();

  /** Remembers a secret under a label that says what it is (never the secret itself). */
  add(label: string, value: string | undefined): void {
    // Very short values would match by accident (an empty session token, say).
    if (value && value.length >= 8) this.#secrets.set(value, label);
  }

  get size(): number {
    return this.#secrets.size;
  }

  /** What `text` leaks: the labels of the secrets it contains and any policy or JWT pattern. */
  leaksIn(text: string): string[] {
    const found: string[] = [];
    for (const [value, label] of this.#secrets) if (text.includes(value)) found.push(label);
    for (const [label, pattern] of POLICY_AND_TOKEN_PATTERNS) if (pattern.test(text)) found.push(label);
    return found;
  }
}

// Text that only a policy, a JWT or an AWS answer would hold: a log line or an error body
// carrying one of these has leaked something even when the ledger does not know the value.
const POLICY_AND_TOKEN_PATTERNS: [string, RegExp][] = [
  ['policy text ("Statement")', /"?Statement"?\s*:/],
  ['policy text (s3 ARN)', /arn:aws:s3:::/],
  ['policy text ("Effect")', /"?Effect"?\s*:\s*"?Allow/],
  ['a JWT', /eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]*/],
  ['an AWS signature', /Signature=[0-9a-f]{64}/],
  ['an XML error body from AWS', /<Error>|<ErrorResponse/],
];
