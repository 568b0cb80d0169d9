import type { CredentialsSource } from './credentials-source.js';
import { isAbort } from './failure.js';
import { type RequestEnvironment, runRequest } from './request-runner.js';
import { isResumeRecord, type ResumeRecord, type ResumeStore } from './resume-store.js';
import type { S3Transport } from './s3-transport.js';

/**
 * A multipart upload the resume store knows about and no task is driving: what a reload,
 * a crash or a closed tab left behind. Adding the same file (same name, size, date and
 * type: the fingerprint) continues it; `discard` aborts it.
 */
export interface InterruptedUpload {
  fingerprint: string;
  /** The file name, from the fingerprint. */
  name: string;
  size: number | undefined;
  /** Epoch ms when the upload was created. */
  created: number;
  key: string;
  /** Bytes S3 holds for it (ListParts); undefined when S3 could not be asked. */
  stored: number | undefined;
}

/** A resume store that can list its records (both built-in stores can). */
export interface ListableResumeStore extends ResumeStore {
  list(): Promise<ResumeRecord[]> | ResumeRecord[];
}

/** What listing and discarding need from the uploader. */
export interface InterruptedAccess {
  env: RequestEnvironment;
  store: ResumeStore | null;
  source: CredentialsSource;
  transport(): Promise<S3Transport>;
  /** Fingerprints a task of this uploader is driving now (not interrupted). */
  active: (fingerprint: string) => boolean;
}

/** The file name inside a fingerprint (`s3up-v1|name|size|lastModified|type`). */
export function nameOfFingerprint(fingerprint: string): string {
  const fields = fingerprint.split('|');
  return fields.length >= 5 ? fields.slice(1, -3).join('|') : fingerprint;
}

function listable(store: ResumeStore | null): store is ListableResumeStore {
  return store !== null && typeof (store as Partial<ListableResumeStore>).list === 'function';
}

/**
 * The interrupted uploads of the signed-in user: records in the store whose key lies in
 * the user's prefix (another user's records on a shared computer are not shown, nor
 * touched), each with what S3 holds of it. Records S3 no longer knows (aborted, expired)
 * are forgotten on the way.
 */
export async function listInterrupted(access: InterruptedAccess): Promise<InterruptedUpload[]> {
  const store = access.store;
  if (!listable(store)) return [];
  const records = (await store.list()).filter(isResumeRecord).filter((r) => !access.active(r.fingerprint));
  if (records.length === 0) return [];
  const { response } = await access.source.get();
  const transport = await access.transport();
  const mine = records.filter((r) => r.bucket === response.bucket && r.key.startsWith(response.prefix));
  const listed = await Promise.all(
    mine.map(async (record): Promise<InterruptedUpload | undefined> => {
      let stored: number | undefined;
      try {
        stored = await storedBytes(access, transport, record);
      } catch (error) {
        if (isAbort(error)) throw error;
        // NoSuchUpload: gone from S3 (aborted, or the lifecycle rule took it). Nothing to continue.
        if ((error as { code?: string }).code === 'no-such-upload') {
          await Promise.resolve(store.delete(record.fingerprint)).catch(() => {});
          return undefined;
        }
      }
      return {
        fingerprint: record.fingerprint,
        name: nameOfFingerprint(record.fingerprint),
        size: record.size,
        created: record.created,
        key: record.key,
        stored,
      };
    }),
  );
  return listed.filter((u): u is InterruptedUpload => u !== undefined).sort((a, b) => b.created - a.created);
}

async function storedBytes(
  access: InterruptedAccess,
  transport: S3Transport,
  record: ResumeRecord,
): Promise<number> {
  const { sdk, client } = transport;
  let total = 0;
  let marker: string | undefined;
  for (;;) {
    const page = await runRequest(access.env, {
      operation: 'ListParts',
      key: record.key,
      transport,
      source: access.source,
      priority: -1,
      signal: new AbortController().signal,
      abortable: true,
      send: (abortSignal) =>
        client.send(
          new sdk.ListPartsCommand({
            Bucket: record.bucket,
            Key: record.key,
            UploadId: record.uploadId,
            ...(marker ? { PartNumberMarker: marker } : {}),
          }),
          { abortSignal },
        ),
    });
    for (const part of page.Parts ?? []) total += part.Size ?? 0;
    if (!page.IsTruncated || !page.NextPartNumberMarker || page.NextPartNumberMarker === marker) return total;
    marker = page.NextPartNumberMarker;
  }
}

/**
 * Aborts an interrupted upload on S3 (its stored parts are deleted) and forgets its record.
 * Only within the signed-in user's prefix; a record of another user is left alone.
 */
export async function discardInterrupted(access: InterruptedAccess, fingerprint: string): Promise<void> {
  const store = access.store;
  if (!store || access.active(fingerprint)) return;
  const record = await store.get(fingerprint);
  if (!isResumeRecord(record)) {
    await store.delete(fingerprint);
    return;
  }
  const { response } = await access.source.get();
  if (record.bucket !== response.bucket || !record.key.startsWith(response.prefix)) return;
  const transport = await access.transport();
  const { sdk, client } = transport;
  try {
    await runRequest(access.env, {
      operation: 'AbortMultipartUpload',
      key: record.key,
      transport,
      source: access.source,
      priority: -1,
      signal: new AbortController().signal,
      abortable: false,
      send: (abortSignal) =>
        client.send(
          new sdk.AbortMultipartUploadCommand({
            Bucket: record.bucket,
            Key: record.key,
            UploadId: record.uploadId,
          }),
          { abortSignal },
        ),
    });
  } catch (error) {
    // Already gone is what was asked for; anything else is reported and the record kept.
    if ((error as { code?: string }).code !== 'no-such-upload') throw error;
  }
  await store.delete(fingerprint);
}
