import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { TokenServerError } from '../errors.js';

/**
 * AES-256-GCM with the operator's key, for what the cache keeps in Redis. The Redis key is
 * the additional data: a value moved to another key (another user's) does not decrypt.
 */
export class SealedBox {
  readonly #key: Buffer;

  /** `key`: 32 bytes, or their base64 (44 characters) or hex (64) text. */
  constructor(key: string | Uint8Array, variable = 'encryptionKey') {
    this.#key = parseKey(key, variable);
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    // v1: version prefix, so a later key rotation can tell old boxes from new.
    return `v1.${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64')}`;
  }

  /** The plaintext, or `undefined` when the box was not sealed with this key for this context. */
  open(box: string, context: string): string | undefined {
    if (!box.startsWith('v1.')) return undefined;
    const bytes = Buffer.from(box.slice(3), 'base64');
    if (bytes.length < 12 + 16) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, bytes.subarray(0, 12));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(bytes.subarray(bytes.length - 16));
      return Buffer.concat([
        decipher.update(bytes.subarray(12, bytes.length - 16)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      return undefined;
    }
  }
}

function parseKey(key: string | Uint8Array, variable: string): Buffer {
  const help = `${variable} must be 32 random bytes as base64 (make one with: openssl rand -base64 32)`;
  if (typeof key !== 'string') {
    if (key.length !== 32) throw new TokenServerError('invalid_config', `${help}; got ${key.length} bytes.`);
    return Buffer.from(key);
  }
  const text = key.trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(text)) {
    const bytes = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (bytes.length === 32) return bytes;
  }
  throw new TokenServerError('invalid_config', `${help}; the value given is not that.`);
}
