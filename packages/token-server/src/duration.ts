import { TokenServerError } from './errors.js';

/** AWS: a role session lasts at least 900 s. */
export const AWS_MIN_SESSION_SECONDS = 900;
/** AWS: a role's MaxSessionDuration is at most 12 h. */
export const AWS_MAX_SESSION_SECONDS = 43_200;
/** AWS: a role assumed with role credentials (role chaining) lasts at most 1 h, whatever the role says. */
export const ROLE_CHAINING_MAX_SECONDS = 3600;

export interface DurationLimits {
  /**
   * Shortest session. Default 900 (the AWS minimum). The local backend accepts 1 so tests
   * can watch credentials expire; AWS would refuse anything below 900.
   */
  minSeconds?: number;
  /**
   * Longest session: the role's MaxSessionDuration. Default 3600, the MaxSessionDuration
   * a role gets unless its owner raises it.
   */
  maxSeconds?: number;
  /** Duration when the client asks for none. Default 3600 (STS's own default), clamped. */
  defaultSeconds?: number;
  /**
   * True when the server itself runs under a role (ECS, Lambda, EKS): AWS then caps every
   * session at 3600 s. Default false.
   */
  roleChaining?: boolean;
}

export interface ResolvedDurationLimits {
  minSeconds: number;
  maxSeconds: number;
  defaultSeconds: number;
}

/** Validates the limits once, at start, so a misconfiguration never reaches STS. */
export function resolveDurationLimits(limits: DurationLimits = {}): ResolvedDurationLimits {
  const minSeconds = limits.minSeconds ?? AWS_MIN_SESSION_SECONDS;
  let maxSeconds = limits.maxSeconds ?? 3600;
  if (!Number.isInteger(minSeconds) || minSeconds < 1) {
    throw new TokenServerError(
      'invalid_config',
      `duration.minSeconds must be a positive integer, got ${minSeconds}.`,
    );
  }
  if (!Number.isInteger(maxSeconds) || maxSeconds > AWS_MAX_SESSION_SECONDS) {
    throw new TokenServerError(
      'invalid_config',
      `duration.maxSeconds must be an integer up to ${AWS_MAX_SESSION_SECONDS} (12 h, the STS limit), got ${maxSeconds}.`,
    );
  }
  if (limits.roleChaining) maxSeconds = Math.min(maxSeconds, ROLE_CHAINING_MAX_SECONDS);
  if (maxSeconds < minSeconds) {
    throw new TokenServerError(
      'invalid_config',
      `duration.maxSeconds (${maxSeconds}${limits.roleChaining ? ', capped at 3600 by role chaining' : ''}) ` +
        `is below duration.minSeconds (${minSeconds}).`,
    );
  }
  const defaultSeconds = clamp(limits.defaultSeconds ?? 3600, minSeconds, maxSeconds);
  return { minSeconds, maxSeconds, defaultSeconds };
}

/**
 * The `DurationSeconds` to send to STS: the requested value (or the default) clamped to
 * `[minSeconds, maxSeconds]`. Clamped rather than refused, because a client asking for
 * more than the operator allows still wants credentials.
 */
export function clampDuration(requested: number | undefined, limits: ResolvedDurationLimits): number {
  if (requested === undefined) return limits.defaultSeconds;
  return clamp(Math.floor(requested), limits.minSeconds, limits.maxSeconds);
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
