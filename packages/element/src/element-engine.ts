import type {
  ImageOptions,
  ThumbnailOption,
  Uploader,
  UploaderEvent,
  UploaderEventMap,
  UploaderEventType,
} from '@s3up/core';
import type { ReactiveControllerHost } from 'lit';
import type { EngineModule } from './engine-loader.js';
import { checkEndpoint, S3UploadElementError } from './errors.js';
import type { FieldsHost } from './file-fields.js';

/** What the controller reads from and reports to its element. */
export interface UploadHost extends ReactiveControllerHost, EventTarget, FieldsHost {
  endpoint: string | undefined;
  concurrency: number | undefined;
  partSize: number | undefined;
  /** The engine's pauseGrace (ms). */
  pauseGrace: number | undefined;
  /** The engine's flightTime (ms). */
  flightTime: number | undefined;
  auto: boolean;
  /** Report each success to the token server's `POST /uploads` when it offers receipts. */
  receipts: boolean;
  multiple: boolean;
  accept: string | undefined;
  maxFileSize: number | undefined;
  maxFiles: number | undefined;
  keyFor: ((file: File, ctx: { prefix: string; id: string }) => string) | undefined;
  credentialsRequest: ((init: RequestInit) => RequestInit | Promise<RequestInit>) | undefined;
  /** Photos: the engine's `images` option (see imagesOption). */
  maxDimension: number | undefined;
  imageFormat: 'same' | 'jpeg' | 'webp' | 'avif' | undefined;
  imageQuality: number | undefined;
  keepOriginal: boolean;
  keepLocation: boolean;
  thumbnails: string | readonly ThumbnailOption[] | undefined;
}

/**
 * The engine's `images` option from the element's photo attributes. `thumbnails` is
 * `"320"`, `"320 1280:jpeg"` (width[:format], by spaces or commas) or the engine's array.
 */
export function imagesOption(host: UploadHost): ImageOptions {
  const thumbnails =
    typeof host.thumbnails === 'string'
      ? host.thumbnails
          .split(/[\s,]+/)
          .filter((t) => t !== '')
          .map((t) => {
            const [width, format] = t.split(':');
            return {
              width: Number(width),
              ...(format ? { format: format as ThumbnailOption['format'] } : {}),
            };
          })
      : [...(host.thumbnails ?? [])];
  return {
    stripLocation: !host.keepLocation,
    keepOriginal: host.keepOriginal,
    ...(host.maxDimension !== undefined ? { maxDimension: host.maxDimension } : {}),
    ...(host.imageFormat ? { format: host.imageFormat } : {}),
    ...(host.imageQuality !== undefined ? { quality: host.imageQuality } : {}),
    ...(thumbnails.length > 0 ? { thumbnails } : {}),
  };
}

const ENGINE_EVENTS: readonly UploaderEventType[] = [
  'file-added',
  'upload-started',
  'upload-progress',
  'upload-pausing',
  'upload-paused',
  'upload-resumed',
  'upload-succeeded',
  'upload-failed',
  'upload-cancelled',
  'all-done',
];

/** What the element's engine reports to, and asks of, the controller. */
export interface ElementEngineOptions {
  /** Every event of the current engine (the engine is passed along: rows remember theirs). */
  onEvent(uploader: Uploader, event: UploaderEvent): void;
  /** The folder path a task's row shows, for the default key (undefined: not listed). */
  pathOf(taskId: string): string | undefined;
}

/**
 * The element's engine (`Uploader` from `@s3up/core`): made from the element's current
 * configuration once the engine's code has loaded (engine-loader.ts), and made again when
 * the configuration changed while no upload runs; the engine it replaces is retired. It is
 * part of the lazily loaded engine module (engine-module.ts), not of the render path.
 */
export class ElementEngine {
  readonly #host: UploadHost;
  readonly #options: ElementEngineOptions;
  #uploader: Uploader | undefined;
  #config = '';
  readonly #listeners = new Map<UploaderEventType, (event: Event) => void>();

  constructor(host: UploadHost, options: ElementEngineOptions) {
    this.#host = host;
    this.#options = options;
  }

  /** The engine made last, if any (not made now, whatever the configuration). */
  get current(): Uploader | undefined {
    return this.#uploader;
  }

  /** The engine for the current configuration, made from the loaded module when needed. */
  uploaderOf(engine: EngineModule): Uploader {
    const host = this.#host;
    const config = JSON.stringify([
      host.endpoint,
      host.concurrency,
      host.partSize,
      host.pauseGrace,
      host.flightTime,
      host.receipts,
      imagesOption(host),
    ]);
    if (this.#uploader && config !== this.#config && !busy(this.#uploader)) {
      this.#retire(this.#uploader);
      this.#uploader = undefined;
    }
    if (this.#uploader) return this.#uploader;
    checkEndpoint(host.endpoint);
    try {
      this.#uploader = new engine.Uploader({
        credentials: {
          url: host.endpoint as string,
          // Read the hook at request time, so an app may set it after the first upload.
          request: (init) => host.credentialsRequest?.(init) ?? init,
        },
        ...(host.concurrency !== undefined ? { concurrency: host.concurrency } : {}),
        ...(host.partSize !== undefined ? { partSize: host.partSize } : {}),
        ...(host.pauseGrace !== undefined ? { pauseGrace: host.pauseGrace } : {}),
        ...(host.flightTime !== undefined ? { flightTime: host.flightTime } : {}),
        keyFor: (file, ctx) => this.#keyFor(engine, file, ctx),
        receipts: host.receipts,
        images: imagesOption(host),
        // The element starts files itself, so that `auto` can change after the first upload.
        autoStart: false,
      });
    } catch (cause) {
      throw new S3UploadElementError(
        'engine',
        `<s3-upload> could not create its uploader (check the endpoint, concurrency, part-size, pause-grace and flight-time attributes): ${(cause as Error).message}`,
        { cause },
      );
    }
    this.#config = config;
    this.#attach(this.#uploader);
    return this.#uploader;
  }

  #keyFor(engine: EngineModule, file: File, ctx: { prefix: string; id: string }): string {
    if (this.#host.keyFor) return this.#host.keyFor(file, ctx);
    // Default: the engine's `<prefix><id>/<name>` with its own name cleaning (NFC, no control
    // or bidi characters, no dot segments, 1024 bytes), keeping the folder path of folder uploads.
    // A photo re-encoded by the engine is a new File with a new extension: its row still knows
    // the folder path, and the new name replaces the last segment.
    const path = this.#options.pathOf(ctx.id);
    const name =
      file.webkitRelativePath ||
      (path === undefined ? file.name : `${path.slice(0, path.lastIndexOf('/') + 1)}${file.name}`);
    return engine.defaultKey(ctx.prefix, ctx.id, name);
  }

  #attach(uploader: Uploader): void {
    for (const type of ENGINE_EVENTS) {
      const listener = (event: Event) =>
        this.#options.onEvent(uploader, event as UploaderEventMap[typeof type]);
      this.#listeners.set(type, listener);
      uploader.addEventListener(type, listener);
    }
  }

  /**
   * Lets go of a replaced engine: no more of its events, and `destroy()` so that it stops
   * listening for online/offline and releases its S3 client. Only idle engines are
   * replaced, so nothing is cancelled by this; its finished rows stay in the list.
   */
  #retire(uploader: Uploader): void {
    for (const [type, listener] of this.#listeners) uploader.removeEventListener(type, listener);
    this.#listeners.clear();
    void uploader.destroy();
  }
}

function busy(uploader: Uploader): boolean {
  return uploader.tasks.some(
    (t) => t.state === 'queued' || t.state === 'uploading' || t.state === 'pausing' || t.state === 'paused',
  );
}
