// What the element says, as pure functions of (messages in a locale, what happened): the
// controller and the templates ask here instead of calling back into the element.
import type { ImageNote, UploadErrorCode } from '@s3up/core';
import type { Announcement } from '../announcer.js';
import type { EntryStatus } from '../file-entry.js';
import { formatBytes, formatDuration, formatSpeed } from '../intl-units.js';
import type { Refusal } from '../restrictions.js';
import type { Messages } from './catalog.js';
import type { LimitsInWords } from './hint-text.js';

export type { LimitsInWords } from './hint-text.js';

/** Why `refusal` happened, in words the user can act on. */
export function refusalText(m: Messages, refusal: Refusal, limits: LimitsInWords): string {
  switch (refusal.code) {
    case 'type':
      return m.text('refusedType', { accept: limits.accept ?? '' });
    case 'too-large':
      return m.text('refusedTooLarge', { size: formatBytes(limits.maxFileSize ?? 0, m.locale) });
    case 'too-many':
      return limits.multiple
        ? m.text('refusedTooMany', { count: limits.maxFiles ?? 0 })
        : m.text('refusedOnlyOne');
    case 'duplicate':
      return m.text('refusedDuplicate');
    case 'not-configured':
      return m.text('refusedNotConfigured');
  }
}

/**
 * Why an upload failed, from the engine's error code and status (never the engine's own
 * message). A `credentials` error is "sign in again" only when the endpoint refused (401/403);
 * any other (an answer the engine could not use) is the upload service's fault, not the user's.
 */
export function errorText(
  m: Messages,
  error: UploadErrorCode | { code: UploadErrorCode; status?: number | undefined } | undefined,
): string {
  const code = typeof error === 'object' ? error.code : error;
  const status = typeof error === 'object' ? error.status : undefined;
  switch (code) {
    case 'credentials':
      if (status !== undefined && status !== 401 && status !== 403) return m.text('errorCredentialsAnswer');
      return m.text('errorCredentials');
    case 'exists':
      return m.text('errorExists');
    case 'network':
      return m.text('errorNetwork');
    case 'access-denied':
      return m.text('errorAccessDenied');
    case 'too-large':
      return m.text('errorTooLarge');
    case 'no-such-upload':
      return m.text('errorAborted');
    case 'integrity':
      return m.text('errorIntegrity');
    case 'invalid-metadata':
      return m.text('errorMetadata');
    case 'cors-etag':
    case 'invalid-key':
    case 'invalid-options':
      return m.text('errorMisconfigured');
    default:
      return m.text('errorOther');
  }
}

const FORMAT_NAME = { jpeg: 'JPEG', webp: 'WebP', avif: 'AVIF', png: 'PNG' } as const;

/**
 * The engine's note about a photo (`task.image.notes`) in the element's language, from its
 * code and parameters.
 */
export function imageNoteText(m: Messages, note: ImageNote): string {
  switch (note.code) {
    case 'metadata-unreadable':
      return m.text('noteMetadataUnreadable');
    case 'heic-location-kept':
      return m.text('noteHeicLocationKept');
    case 'gif-kept':
      return m.text('noteGifKept');
    case 'svg-kept':
      return m.text('noteSvgKept');
    case 'heic-not-decoded':
      return m.text('noteHeicNotDecoded');
    case 'not-decoded':
      return m.text('noteNotDecoded');
    case 'format-fallback':
      return m.text(note.target === 'photo' ? 'noteFormatFallback' : 'noteThumbnailsFormatFallback', {
        asked: FORMAT_NAME[note.asked] ?? note.asked,
        used: FORMAT_NAME[note.used] ?? note.used,
      });
    case 'thumbnail-not-stored':
      return m.text('noteThumbnailNotStored', { width: note.width });
    default: {
      // A newer engine's code (or an older engine's plain sentence): its English as it is.
      const unknown = note as unknown;
      return typeof unknown === 'string' ? unknown : String((unknown as { message?: unknown }).message ?? '');
    }
  }
}

/** One live-region message for a batch of news: one file by name, several by count. */
export function announcementText(m: Messages, batch: readonly Announcement[]): string {
  const parts: string[] = [];
  const say = (
    kind: Announcement['kind'],
    one: 'fileAdded' | 'fileRefused' | 'fileUploaded' | 'fileFailed',
    many: 'filesAdded' | 'filesRefused' | 'filesUploaded' | 'filesFailed',
  ) => {
    const news = batch.filter((a) => a.kind === kind);
    const first = news[0];
    if (news.length === 1 && first) {
      parts.push(m.text(one, { name: first.name ?? '', reason: first.reason ?? '' }));
    } else if (news.length > 1) {
      parts.push(m.text(many, { count: news.length }));
    }
  };
  say('added', 'fileAdded', 'filesAdded');
  say('refused', 'fileRefused', 'filesRefused');
  say('finished', 'fileUploaded', 'filesUploaded');
  say('failed', 'fileFailed', 'filesFailed');
  if (batch.some((a) => a.kind === 'details')) parts.push(m.text('detailsMissing'));
  if (batch.some((a) => a.kind === 'all-done')) parts.push(m.text('allDone'));
  return parts.join(' ');
}

/** The summary line: "2 of 5 uploaded · 3 MB of 10 MB · 1.2 MB/s · 6 sec left". */
export function summaryText(
  m: Messages,
  counts: { done: number; counted: number },
  progress: { bytesUploaded: number; totalBytes: number; speed: number },
): string {
  const parts = [
    m.text('uploadedOf', { done: counts.done, count: counts.counted }),
    m.text('bytesOf', {
      sent: formatBytes(progress.bytesUploaded, m.locale),
      total: formatBytes(progress.totalBytes, m.locale),
    }),
  ];
  if (progress.speed > 0) {
    parts.push(formatSpeed(progress.speed, m.locale));
    const seconds = (progress.totalBytes - progress.bytesUploaded) / progress.speed;
    parts.push(m.text('timeLeft', { duration: formatDuration(seconds, m.locale) }));
  }
  return parts.join(' · ');
}

/** A row's state in words; `auto` tells "Waiting" (will start) from "Ready to upload". */
export function statusText(
  m: Messages,
  status: EntryStatus,
  auto: boolean,
  detail: { offline?: boolean; reconnecting?: boolean; otherTab?: boolean; elsewhere?: boolean } = {},
): string {
  switch (status) {
    case 'queued':
      return auto ? m.text('statusWaiting') : m.text('statusReady');
    case 'uploading':
      if (detail.otherTab) return m.text('statusOtherTab');
      return detail.reconnecting ? m.text('statusReconnecting') : m.text('statusUploading');
    case 'pausing':
      return m.text('statusPausing');
    case 'paused':
      // "Paused" means the user paused; a lost connection is said as such, and that it heals.
      return detail.offline ? m.text('statusOffline') : m.text('statusPaused');
    case 'succeeded':
      return detail.elsewhere ? m.text('statusDoneElsewhere') : m.text('statusSucceeded');
    case 'failed':
      return m.text('statusFailed');
    case 'cancelled':
      return m.text('statusCancelled');
    case 'refused':
      return m.text('statusRefused');
  }
}
