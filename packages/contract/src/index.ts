export { ContractError, type ContractErrorCode, isContractError } from './contract-error.js';
export { BROWSER_EXPOSE_HEADERS, CHECKSUM_RESPONSE_HEADERS } from './cors.js';
export {
  CHECKSUM_CALCULATIONS,
  type ChecksumCalculation,
  CREDENTIALS_CHECKS,
  type CredentialsCheck,
  type CredentialsCheckContext,
  type CredentialsResponse,
  type IssuedCredentialsResponse,
  MIN_CREDENTIALS_LIFETIME_MS,
  parseCredentialsResponse,
  REQUIRED_CREDENTIALS_FIELDS,
} from './credentials-response.js';
export {
  ERROR_CODES,
  ERROR_STATUS,
  type ErrorBody,
  type ErrorCode,
  errorBody,
  errorCodeOf,
  isErrorCode,
} from './error-body.js';
export {
  assertSafePrefix,
  DEFAULT_PREFIX_BASE,
  isSafePrefix,
  isSafePrefixBase,
  isValidUserId,
  PREFIX_PATTERN,
  USER_ID_PATTERN,
  userPrefix,
} from './identity.js';
export {
  assertSafeKey,
  cleanFileName,
  KEY_RULES,
  type KeyCheckOptions,
  type KeyRule,
  keyBytes,
  keyProblem,
  objectKey,
  UNSAFE_KEY_CHARACTERS,
} from './object-key.js';
export {
  contentDisposition,
  decodeMetadataValue,
  displayName,
  encodeMetadataValue,
  MAX_USER_METADATA_BYTES,
  METADATA_NAME,
  type MetadataSize,
  metadataSize,
  pastedFileName,
} from './object-metadata.js';
export {
  isRenditionFormat,
  RENDITION_CONTENT_TYPES,
  RENDITION_FORMATS,
  type RenditionFormat,
} from './rendition-formats.js';
export {
  isRenditionKey,
  parseRenditionKey,
  RENDITIONS_FOLDER,
  type RenditionKeyParts,
  type RenditionSpec,
  renditionKey,
  renditionsPrefix,
} from './rendition-key.js';
export {
  DEFAULT_MAX_OBJECT_SIZE,
  LIST_PARTS_PAGE_SIZE,
  MAX_KEY_BYTES,
  MAX_PART_SIZE,
  MAX_PARTS,
  MAX_PUT_SIZE,
  MIN_PART_SIZE,
  S3_LIMITS,
} from './s3-limits.js';
export { actionsFor, isScope, SCOPE_ACTIONS, SCOPES, type Scope } from './scopes.js';
