import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { decodeMetadataValue, isRenditionKey, parseRenditionKey, type RenditionFormat } from '@s3up/contract';
import type { DemoApi } from './demo-api.js';
import { ScopedCredentials, type SdkCredentials } from './scoped-credentials.js';

/** One thumbnail of an original, as the listing found it. */
export interface Rendition {
  key: string;
  width: number;
  format: RenditionFormat;
}

/** One file of the signed-in user (an original: thumbnails are attached, never listed). */
export interface LibraryItem {
  /** Full key, `users/<id>/...`. */
  key: string;
  /** Key relative to the user's prefix: what `/presign` takes. */
  relativeKey: string;
  name: string;
  size: number;
  lastModified: Date | undefined;
  image: boolean;
  /** Its thumbnails found in the listing (or reported by the upload), smallest first. */
  renditions: Rendition[];
}

/** The title and description stored with a file (`x-amz-meta-*`), when it has them. */
export interface ItemMetadata {
  title?: string;
  description?: string;
}

/** A share link as the token server signed it. */
export interface ShareLink {
  url: string;
  expiresAt: Date;
  requestedSeconds: number;
  /** When the page asked for it (ms): "shorter than requested" is measured from here. */
  createdAt: number;
}

/** A presigned GET and the moment it stops working. */
export interface ViewUrl {
  url: string;
  validUntil: number;
}

const IMAGE = /\.(avif|bmp|gif|heic|jpe?g|png|svg|webp)$/i;
/**
 * View URLs live this long. Default 900 s: a copied thumbnail URL should be useless soon
 * after, and a gallery left open re-signs only the URLs still shown, a few times an hour.
 */
const VIEW_SECONDS = 900;
/**
 * A view URL is re-signed once it has less than this left. Default 120 s: an `<img>` set
 * now may still be waiting for its turn to load (lazy loading) a minute later.
 */
export const VIEW_REFRESH_MARGIN_MS = 120_000;
/** ListObjectsV2's page size: S3's maximum, so 1,200 photos are two requests. */
const PAGE_SIZE = 1000;

/**
 * The signed-in user's files: listed page by page with `list`-scope credentials (thumbnails
 * under `.thumbnails/` attached to their originals, never shown as files), shown through
 * presigned GET URLs signed in the page with `read`-scope credentials and kept while they
 * are valid, shared through the token server's `/presign` (so each share is in the audit
 * log), and deleted with `delete`-scope credentials asked for only when the user deletes.
 *
 * @example
 * const library = new PhotoLibrary(api);
 * for await (const page of library.pages()) show(page);
 * img.src = (await library.viewUrl(item)).url;
 */
export class PhotoLibrary {
  readonly #api: DemoApi;
  readonly #list: ScopedCredentials;
  readonly #read: ScopedCredentials;
  readonly #delete: ScopedCredentials;
  #clients = new Map<string, S3Client>();
  #urls = new Map<string, ViewUrl>();
  #metadata = new Map<string, Promise<ItemMetadata>>();

  constructor(api: DemoApi) {
    this.#api = api;
    this.#list = new ScopedCredentials(api, 'list');
    this.#read = new ScopedCredentials(api, 'read');
    this.#delete = new ScopedCredentials(api, 'delete');
  }

  /** Drops cached credentials, URLs and metadata (sign-out, another user). */
  reset(): void {
    this.#list.forget();
    this.#read.forget();
    this.#delete.forget();
    for (const client of this.#clients.values()) client.destroy();
    this.#clients.clear();
    this.#urls.clear();
    this.#metadata.clear();
  }

  /**
   * Every original of the user, one ListObjectsV2 page (1,000 keys) at a time, with
   * continuation tokens; each page yields all originals known so far (thumbnails found in
   * later pages are attached to originals of earlier ones), newest first.
   */
  async *pages(): AsyncGenerator<{ items: LibraryItem[]; done: boolean; requests: number }> {
    const answer = await this.#list.get();
    const s3 = this.#client('list', this.#list, answer);
    const originals = new Map<string, LibraryItem>();
    const renditions = new Map<string, Rendition[]>();
    let token: string | undefined;
    let requests = 0;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({
          Bucket: answer.bucket,
          Prefix: answer.prefix,
          MaxKeys: PAGE_SIZE,
          ...(token ? { ContinuationToken: token } : {}),
        }),
      );
      requests += 1;
      for (const object of page.Contents ?? []) {
        const key = object.Key;
        if (!key || key.endsWith('/')) continue;
        if (isRenditionKey(key, answer.prefix)) {
          const parts = parseRenditionKey(key, answer.prefix);
          if (!parts) continue;
          const list = renditions.get(parts.originalKey) ?? [];
          list.push({ key, width: parts.width, format: parts.format });
          renditions.set(parts.originalKey, list);
          continue;
        }
        originals.set(key, this.#item(key, answer.prefix, object.Size ?? 0, object.LastModified));
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
      for (const [original, found] of renditions) {
        const item = originals.get(original);
        if (item) item.renditions = found.sort((a, b) => a.width - b.width);
      }
      yield { items: newestFirst([...originals.values()]), done: !token, requests };
    } while (token);
  }

  /** The item of a file just uploaded, without listing again. */
  async uploaded(key: string, size: number, renditionKeys: readonly string[] = []): Promise<LibraryItem> {
    const answer = await this.#list.get();
    const item = this.#item(key, answer.prefix, size, new Date());
    for (const renditionKey of renditionKeys) {
      const parts = parseRenditionKey(renditionKey, answer.prefix);
      if (parts) item.renditions.push({ key: renditionKey, width: parts.width, format: parts.format });
    }
    item.renditions.sort((a, b) => a.width - b.width);
    return item;
  }

  /**
   * The key to show as a card's picture: the smallest thumbnail at least `minWidth` wide
   * (else the largest there is), or the original when the file has none.
   */
  pictureKey(item: LibraryItem, minWidth = 240): string {
    const fit = item.renditions.find((r) => r.width >= minWidth) ?? item.renditions.at(-1);
    return fit?.key ?? item.key;
  }

  /** The user's prefix (from the list credentials). */
  async prefix(): Promise<string> {
    return (await this.#list.get()).prefix;
  }

  /**
   * A presigned GET for `key`, the same one each time while it has more than
   * {@link VIEW_REFRESH_MARGIN_MS} left, so the browser's cache serves it again.
   */
  async viewUrl(key: string, options: { download?: string } = {}): Promise<ViewUrl> {
    const cacheKey = options.download ? `${key}\u0000download` : key;
    const cached = this.#urls.get(cacheKey);
    if (cached && cached.validUntil - Date.now() > VIEW_REFRESH_MARGIN_MS) return cached;
    const answer = await this.#read.get();
    const s3 = this.#client('read', this.#read, answer);
    const credentials: SdkCredentials = await this.#read.sdk();
    const url = await getSignedUrl(
      s3,
      new GetObjectCommand({
        Bucket: answer.bucket,
        Key: key,
        ...(options.download
          ? {
              ResponseContentDisposition: `attachment; filename*=UTF-8''${encodeURIComponent(options.download)}`,
            }
          : {}),
      }),
      { expiresIn: VIEW_SECONDS },
    );
    // A presigned URL dies with the session that signed it (FACTS.md).
    const view = {
      url,
      validUntil: Math.min(Date.now() + VIEW_SECONDS * 1000, credentials.expiration.getTime()),
    };
    this.#urls.set(cacheKey, view);
    return view;
  }

  /** The title and description stored with the file (HeadObject, read scope), once per file. */
  metadata(item: LibraryItem): Promise<ItemMetadata> {
    let pending = this.#metadata.get(item.key);
    if (!pending) {
      pending = (async () => {
        const answer = await this.#read.get();
        const s3 = this.#client('read', this.#read, answer);
        const head = await s3.send(new HeadObjectCommand({ Bucket: answer.bucket, Key: item.key }));
        const meta = head.Metadata ?? {};
        const result: ItemMetadata = {};
        if (meta.title?.trim()) result.title = decodeMetadataValue(meta.title.trim());
        if (meta.description?.trim()) result.description = decodeMetadataValue(meta.description.trim());
        return result;
      })();
      // A failure is not remembered: the next render asks again.
      pending.catch(() => this.#metadata.delete(item.key));
      this.#metadata.set(item.key, pending);
    }
    return pending;
  }

  /**
   * Deletes the file and every thumbnail of it, with `delete`-scope credentials (asked for
   * now, not held all along). The original goes last: a failure part-way leaves a file that
   * is still listed and can be deleted again, never a thumbnail without its photo shown.
   */
  async remove(item: LibraryItem): Promise<void> {
    const answer = await this.#delete.get();
    const s3 = this.#client('delete', this.#delete, answer);
    const thumbnails = new Set(item.renditions.map((r) => r.key));
    await Promise.all(
      [...thumbnails].map((Key) => s3.send(new DeleteObjectCommand({ Bucket: answer.bucket, Key }))),
    );
    await s3.send(new DeleteObjectCommand({ Bucket: answer.bucket, Key: item.key }));
    this.#metadata.delete(item.key);
    for (const key of [item.key, ...thumbnails]) this.#urls.delete(key);
  }

  /** A link anyone can open until it expires; the token server may cap the expiry. */
  async share(item: LibraryItem, seconds: number): Promise<ShareLink> {
    const createdAt = Date.now();
    const answer = await this.#api.post<{ url: string; expiresAt: string }>('/api/presign', {
      method: 'GET',
      key: item.relativeKey,
      expiresIn: seconds,
    });
    return { url: answer.url, expiresAt: new Date(answer.expiresAt), requestedSeconds: seconds, createdAt };
  }

  #item(key: string, prefix: string, size: number, lastModified: Date | undefined): LibraryItem {
    const name = key.slice(key.lastIndexOf('/') + 1);
    return {
      key,
      relativeKey: key.slice(prefix.length),
      name,
      size,
      lastModified,
      image: IMAGE.test(name),
      renditions: [],
    };
  }

  #client(
    name: string,
    source: ScopedCredentials,
    answer: Awaited<ReturnType<ScopedCredentials['get']>>,
  ): S3Client {
    let client = this.#clients.get(name);
    if (!client) {
      const checksums = answer.requestChecksumCalculation ?? 'WHEN_SUPPORTED';
      client = new S3Client({
        region: answer.region,
        ...(answer.endpoint ? { endpoint: answer.endpoint } : {}),
        forcePathStyle: answer.forcePathStyle === true,
        requestChecksumCalculation: checksums,
        responseChecksumValidation: checksums,
        credentials: () => source.sdk(),
      });
      this.#clients.set(name, client);
    }
    return client;
  }
}

function newestFirst(items: LibraryItem[]): LibraryItem[] {
  return items.sort(
    (a, b) =>
      (b.lastModified?.getTime() ?? 0) - (a.lastModified?.getTime() ?? 0) || a.key.localeCompare(b.key),
  );
}
