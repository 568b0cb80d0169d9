import { DemoError } from './demo-error.js';
import type { TokenServiceSettings } from './token-service.js';

/** How `pnpm demo` listens and what it tells the token server, from S3UP_DEMO_* variables. */
export interface DemoSettings {
  /** S3UP_DEMO_PORT. Default 5173 (Vite's usual port, so the URL looks familiar); 0 picks a free one. */
  port: number;
  /** S3UP_DEMO_HOST. Default 127.0.0.1: anyone who can reach the demo can sign in as anyone. */
  host: string;
  /** S3UP_DEMO_AUDIT=stdout also prints the audit lines in the terminal. Default: panel only. */
  auditToStdout: boolean;
  tokenService: TokenServiceSettings;
}

type Env = Record<string, string | undefined>;

function seconds(env: Env, name: string, min: number, max: number): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new DemoError(
      'config',
      `${name} must be a whole number of seconds from ${min} to ${max}, got "${raw}"`,
    );
  return value;
}

/** Reads and checks every S3UP_DEMO_* variable at start; the message names the variable. */
export function demoSettingsFromEnv(env: Env): DemoSettings {
  const rawPort = env.S3UP_DEMO_PORT?.trim() || '5173';
  const port = Number(rawPort);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new DemoError('config', `S3UP_DEMO_PORT must be a TCP port (0 for any free one), got "${rawPort}"`);
  const host = env.S3UP_DEMO_HOST?.trim() || '127.0.0.1';
  const audit = env.S3UP_DEMO_AUDIT?.trim() || 'panel';
  if (audit !== 'panel' && audit !== 'stdout')
    throw new DemoError('config', `S3UP_DEMO_AUDIT must be "panel" or "stdout", got "${audit}"`);
  const tokenService: TokenServiceSettings = {};
  const defaultSeconds = seconds(env, 'S3UP_DEMO_SESSION_SECONDS', 1, 43_200);
  const maxSeconds = seconds(env, 'S3UP_MAX_SESSION_SECONDS', 900, 43_200);
  if (defaultSeconds !== undefined) tokenService.defaultSessionSeconds = defaultSeconds;
  if (maxSeconds !== undefined) tokenService.maxSessionSeconds = maxSeconds;
  return { port, host, auditToStdout: audit === 'stdout', tokenService };
}
