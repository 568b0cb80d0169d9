export {
  type CachedCredential,
  type CredentialStore,
  MemoryCredentialStore,
  type MemoryCredentialStoreOptions,
  type ReleaseLock,
} from './credential-store.js';
export {
  type FailureHoldStore,
  type HeldFailure,
  MemoryFailureHoldStore,
  type MemoryFailureHoldStoreOptions,
} from './failure-hold-store.js';
export { LocalPurgeSignal, type PurgeMessage, type PurgeSignal } from './purge-signal.js';
export {
  MemoryRateLimitStore,
  type MemoryRateLimitStoreOptions,
  type RateLimitHit,
  type RateLimitStore,
} from './rate-limit-store.js';
