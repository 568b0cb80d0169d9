// core's SDK module (src/s3-sdk.ts) as the test projects give it to the engine: the same
// exports, with an S3Client that applies the browser build's member rule (build/sdk-members.mjs).
// The tests run the full SDK from source, which sends any member; in users' browsers the
// built SDK (dist/s3-sdk.browser.js) keeps only the members listed there and refuses the
// others. With this guard, every engine test (every option, every operation) fails where the
// browser build would, instead of passing while users' uploads fail. The sdk-members-guard
// plugin (vitest.config.ts) resolves the engine's `./s3-sdk.js` here; the shipped bundle is
// unchanged.
import { inputMembersSent, MEMBERS_USED, NESTED_SHAPES } from '../../build/sdk-members.mjs';
import { S3Client as FullS3Client } from '../../src/s3-sdk.js';

export * from '../../src/s3-sdk.js';

const members = MEMBERS_USED;
const nested = NESTED_SHAPES;
const sent = inputMembersSent();

/** What the engine did that the browser build would refuse (a test failure, not a network error). */
export class SdkMembersGuardError extends Error {
  override readonly name = 'SdkMembersGuardError';
}

type Struct = Record<string, unknown>;
const isStruct = (value: unknown): value is Struct =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Blob);

/** `Shape.Member` paths of `input` that `shape`'s list does not keep, at every depth listed. */
function membersOutside(shape: string, input: Struct, path: string): string[] {
  const kept = members[shape] ?? [];
  const outside: string[] = [];
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    if (!kept.includes(key)) {
      outside.push(`${shape}.${key}${path ? ` (at ${path}${key})` : ''}`);
      continue;
    }
    const inner = nested[`${shape}.${key}`];
    if (!inner) continue;
    const items = Array.isArray(value) ? value : [value];
    items.forEach((item, i) => {
      const at = `${path}${key}${Array.isArray(value) ? `[${i}]` : ''}.`;
      if (isStruct(item)) outside.push(...membersOutside(inner, item, at));
    });
  }
  return outside;
}

/** `output` with only what the browser build's deserializers read (the members listed). */
function membersKept(shape: string, output: Struct): Struct {
  const kept = members[shape];
  if (!kept) return output;
  const out: Struct = {};
  for (const [key, value] of Object.entries(output)) {
    if (key === '$metadata') out[key] = value;
    else if (kept.includes(key)) {
      const inner = nested[`${shape}.${key}`];
      out[key] = !inner
        ? value
        : Array.isArray(value)
          ? value.map((item) => (isStruct(item) ? membersKept(inner, item) : item))
          : isStruct(value)
            ? membersKept(inner, value)
            : value;
    }
  }
  return out;
}

const table = 'MEMBERS_USED in packages/core/build/sdk-members.mjs';

/** A member the browser build does not send, or a command it does not have, stops the request here. */
function refusal(commandName: string, input: Struct): SdkMembersGuardError | undefined {
  const shape = `${commandName.replace(/Command$/, '')}Request`;
  if (!sent[commandName])
    return new SdkMembersGuardError(
      `s3up: ${commandName} is not part of the browser upload build: its SDK (dist/s3-sdk.browser.js) would refuse it in users' browsers. Export it from packages/core/src/s3-sdk.ts and list ${shape} and its output's members in ${table}.`,
    );
  const outside = membersOutside(shape, input, '');
  if (!outside.length) return undefined;
  return new SdkMembersGuardError(
    `s3up: ${commandName} with ${outside.join(', ')} is not part of the browser upload build: its SDK (dist/s3-sdk.browser.js) keeps only the members the engine sends, and would refuse this request in users' browsers. If the engine now sends it, add it to ${table} (core's lean-sdk.test checks that the SDK declares it).`,
  );
}

/** The engine's S3 client, with the browser build's member rule in front of every command. */
export class S3Client extends FullS3Client {
  constructor(...args: ConstructorParameters<typeof FullS3Client>) {
    super(...args);
    this.middlewareStack.add(
      (next, context) => async (args) => {
        const commandName = context.commandName ?? 'an unnamed command';
        const refused = refusal(commandName, (args.input ?? {}) as Struct);
        if (refused) throw refused;
        const result = await next(args);
        const output: unknown = result.output;
        if (!isStruct(output)) return result;
        return {
          ...result,
          output: membersKept(`${commandName.replace(/Command$/, '')}Output`, output) as never,
        };
      },
      { step: 'initialize', name: 's3upSdkMembersGuard', priority: 'high' },
    );
  }
}
