import type { UploadError } from './errors.js';
import type { FileMetadata } from './file-metadata.js';
import type { ImageReport } from './image/image-options.js';
import type { ObjectChecksum, UploadState, UploadTask } from './task.js';
import type { UploadReceipt } from './upload-receipt.js';

/** The engine's writable side of an {@link UploadTask}. */
export class TaskModel implements UploadTask {
  readonly id: string;
  file: File;
  name: string;
  size: number;
  type: string;
  key: string | undefined = undefined;
  state: UploadState = 'queued';
  bytesUploaded = 0;
  speed = 0;
  eta: number | null = null;
  error: UploadError | undefined = undefined;
  resumed = false;
  reconnecting = false;
  waitingForTab = false;
  completedElsewhere = false;
  verified: boolean | undefined = undefined;
  warning: UploadError | undefined = undefined;
  receipt: UploadReceipt | undefined = undefined;
  checksum: ObjectChecksum | undefined = undefined;
  image: ImageReport | undefined = undefined;
  preparing = false;
  metadata: FileMetadata = Object.freeze({});

  constructor(id: string, file: File, name: string, type: string) {
    this.id = id;
    this.file = file;
    this.name = name;
    this.size = file.size;
    this.type = type;
  }

  /** The file to upload instead (a photo resized or without its location), before its upload starts. */
  replaceFile(file: File): void {
    this.file = file;
    this.name = file.name;
    this.size = file.size;
    this.type = file.type;
  }
}

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/**
 * A random task id, 16 characters of [0-9a-z] (82 bits): unguessable enough that two
 * uploads of one user never collide in `<prefix><id>/`. Uses getRandomValues, not
 * randomUUID, which pages served over plain http (a LAN address) do not have.
 */
export function newTaskId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => ALPHABET[b % 36]).join('');
}
