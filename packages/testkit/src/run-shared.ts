/**
 * One resource for a whole vitest run, shared by every project whose globalSetup asks for
 * it. vitest loads a globalSetup file once per project, but all of them run in the main
 * process, so the resource lives on `globalThis` and the last release stops it.
 *
 * @example
 * const server = runShared('token-server', startServer, (s) => s.close());
 * export default async function setup(project) {
 *   const { value, release } = await server.acquire();
 *   project.provide('tokenServer', value.provided);
 *   return release;
 * }
 */
export function runShared<T>(name: string, start: () => Promise<T>, stop: (value: T) => Promise<void>) {
  interface Slot {
    value: Promise<T>;
    users: number;
  }
  const key = Symbol.for(`s3up.testkit.run-shared.${name}`);
  const store = globalThis as unknown as Record<symbol, Slot | undefined>;
  return {
    /** The resource, started by the first caller; `release` stops it after the last. */
    async acquire(): Promise<{ value: T; release: () => Promise<void> }> {
      let slot = store[key];
      if (!slot) {
        slot = { value: start(), users: 0 };
        store[key] = slot;
      }
      slot.users += 1;
      const value = await slot.value;
      let released = false;
      const release = async () => {
        const current = store[key];
        if (released || !current) return;
        released = true;
        current.users -= 1;
        if (current.users > 0) return;
        store[key] = undefined;
        await stop(await current.value);
      };
      return { value, release };
    },
    /** The running resource, for a globalSetup listed after the one that acquired it. */
    current(): Promise<T> {
      const slot = store[key];
      if (!slot) throw new Error(`no ${name} in this run: list its globalSetup before the one that needs it`);
      return slot.value;
    },
  };
}
