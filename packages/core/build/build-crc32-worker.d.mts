/** Where the generated worker source lives. */
export const WORKER_SOURCE_FILE: string;
/** The text src/crc32-worker-source.ts must have, built from the current sources. */
export function crc32WorkerModule(): Promise<string>;
