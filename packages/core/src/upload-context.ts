import type { CredentialsSource } from './credentials-source.js';
import type { FlightController } from './flight-controller.js';
import type { ResolvedOptions } from './options.js';
import type { RequestEnvironment } from './request-runner.js';
import type { ResumeStore } from './resume-store.js';
import type { S3Transport } from './s3-transport.js';

/**
 * What every file upload of one {@link Uploader} shares: the request environment (budget,
 * connectivity, retry policy), the options, the credentials, the resume store and the S3
 * clients. The uploader builds it once; each `FileUpload` reads it.
 */
export interface UploadContext {
  env: RequestEnvironment;
  options: ResolvedOptions;
  /** The uplink as measured over every file, and how much work may be in flight on it. */
  flight: FlightController;
  source: CredentialsSource;
  store: ResumeStore | null;
  /** The S3 client for upload credentials, created on first use. */
  transport(): Promise<S3Transport>;
  /** An S3 client on `read`-scope credentials, for HeadObject when upload credentials may not read. */
  readAccess(): Promise<{ transport: S3Transport; source: CredentialsSource }>;
  /** Reserves a fingerprint so two tasks of one file never drive the same UploadId. */
  claim(fingerprint: string): boolean;
  unclaim(fingerprint: string): void;
}
