import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { DemoApi } from './demo-api.js';
import { ScopedCredentials } from './scoped-credentials.js';

/** One file of the signed-in user. */
export interface LibraryItem {
  /** Full key, `users/<id>/...`. */
  key: string;
  /** Key relative to the user's prefix: what `/presign` takes. */
  relativeKey: string;
  name: string;
  size: number;
  lastModified: Date | undefined;
  image: boolean;
}

/** A share link as the token server signed it. */
export interface ShareLink {
  url: string;
  expiresAt: Date;
  requestedSeconds: number;
}

const IMAGE = /\.(avif|bmp|gif|heic|jpe?g|png|svg|webp)$/i;
/**
 * Thumbnail URLs live this long. Default 900 s: the gallery re-lists (and re-signs) on every
 * upload and sign-in, and a copied thumbnail URL should be useless soon after.
 */
const THUMBNAIL_SECONDS = 900;

/**
 * The signed-in user's files: listed with `list`-scope credentials, shown through
 * presigned GET URLs signed in the page with `read`-scope credentials, shared through the
 * token server's `/presign` (so that each share is in the audit log).
 *
 * @example
 * const library = new PhotoLibrary(api);
 * for (const item of await library.list()) img.src = await library.viewUrl(item);
 */
export class PhotoLibrary {
  readonly #api: DemoApi;
  readonly #list: ScopedCredentials;
  readonly #read: ScopedCredentials;
  #clients = new Map<string, S3Client>();

  constructor(api: DemoApi) {
    this.#api = api;
    this.#list = new ScopedCredentials(api, 'list');
    this.#read = new ScopedCredentials(api, 'read');
  }

  /** Drops cached credentials (sign-out, another user). */
  reset(): void {
    this.#list.forget();
    this.#read.forget();
    for (const client of this.#clients.values()) client.destroy();
    this.#clients.clear();
  }

  async list(): Promise<LibraryItem[]> {
    const answer = await this.#list.get();
    const s3 = this.#client('list', this.#list, answer);
    const items: LibraryItem[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({
          Bucket: answer.bucket,
          Prefix: answer.prefix,
          ...(token ? { ContinuationToken: token } : {}),
        }),
      );
      for (const object of page.Contents ?? []) {
        if (!object.Key || object.Key.endsWith('/')) continue;
        const name = object.Key.slice(object.Key.lastIndexOf('/') + 1);
        items.push({
          key: object.Key,
          relativeKey: object.Key.slice(answer.prefix.length),
          name,
          size: object.Size ?? 0,
          lastModified: object.LastModified,
          image: IMAGE.test(name),
        });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token && items.length < 5000);
    return items.sort((a, b) => (b.lastModified?.getTime() ?? 0) - (a.lastModified?.getTime() ?? 0));
  }

  /** A presigned GET for showing the file in this page. */
  async viewUrl(item: LibraryItem, options: { download?: boolean } = {}): Promise<string> {
    const answer = await this.#read.get();
    const s3 = this.#client('read', this.#read, answer);
    return getSignedUrl(
      s3,
      new GetObjectCommand({
        Bucket: answer.bucket,
        Key: item.key,
        ...(options.download ? { ResponseContentDisposition: `attachment; filename="${item.name}"` } : {}),
      }),
      { expiresIn: THUMBNAIL_SECONDS },
    );
  }

  /** A link anyone can open until it expires; the token server may cap the expiry. */
  async share(item: LibraryItem, seconds: number): Promise<ShareLink> {
    const answer = await this.#api.post<{ url: string; expiresAt: string }>('/api/presign', {
      method: 'GET',
      key: item.relativeKey,
      expiresIn: seconds,
    });
    return { url: answer.url, expiresAt: new Date(answer.expiresAt), requestedSeconds: seconds };
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
