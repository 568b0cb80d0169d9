import { describe, expect, it } from 'vitest';
import { clampDuration, resolveDurationLimits } from '../../src/duration.js';
import { isTokenServerError } from '../../src/errors.js';

function configError(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isTokenServerError(error) ? `${error.code}: ${error.message}` : String(error);
  }
  return undefined;
}

describe('session duration', () => {
  it('defaults to min 900, max 3600, default 3600', () => {
    expect(resolveDurationLimits()).toEqual({ minSeconds: 900, maxSeconds: 3600, defaultSeconds: 3600 });
  });

  it('clamps requests to the configured range', () => {
    const limits = resolveDurationLimits({ minSeconds: 900, maxSeconds: 7200, defaultSeconds: 1800 });
    expect(clampDuration(undefined, limits)).toBe(1800);
    expect(clampDuration(60, limits)).toBe(900);
    expect(clampDuration(5000, limits)).toBe(5000);
    expect(clampDuration(5000.9, limits)).toBe(5000);
    expect(clampDuration(86_400, limits)).toBe(7200);
  });

  it('caps at 3600 under role chaining, whatever the role allows', () => {
    const limits = resolveDurationLimits({ maxSeconds: 43_200, defaultSeconds: 43_200, roleChaining: true });
    expect(limits.maxSeconds).toBe(3600);
    expect(clampDuration(40_000, limits)).toBe(3600);
    expect(limits.defaultSeconds).toBe(3600);
  });

  it('refuses limits STS would refuse, naming the option', () => {
    expect(configError(() => resolveDurationLimits({ maxSeconds: 50_000 }))).toMatch(/maxSeconds.*43200/);
    expect(configError(() => resolveDurationLimits({ minSeconds: 0 }))).toMatch(/minSeconds/);
    expect(
      configError(() => resolveDurationLimits({ minSeconds: 3600, maxSeconds: 7200, roleChaining: true })),
    ).toBe(undefined);
    expect(
      configError(() => resolveDurationLimits({ minSeconds: 4000, maxSeconds: 7200, roleChaining: true })),
    ).toMatch(/role chaining/);
  });
});
