import type { z } from 'zod';
import { TokenServerError } from '../../errors.js';

/** Validates a request body against its schema; the first problem becomes a 400 naming the field. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue?.path.length ? `"${issue.path.join('.')}"` : 'the body';
  const what =
    issue?.code === 'unrecognized_keys'
      ? `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`
      : issue?.message;
  throw new TokenServerError('bad_request', `Invalid request: ${where}: ${what ?? 'invalid'}.`);
}
