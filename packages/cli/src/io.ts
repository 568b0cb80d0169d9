import type { AwsClients } from './aws-clients.js';
import type { Settings } from './config.js';

/** Where a command writes; tests pass buffers, the binary passes process streams. */
export interface Output {
  write(text: string): unknown;
  /** Whether to draw a progress bar that redraws in place. */
  isTTY?: boolean;
}

/** What a command needs from the outside world, all injectable. */
export interface CommandContext {
  stdout: Output;
  stderr: Output;
  env: Record<string, string | undefined>;
  /** Default: built from the settings and the SDK's credential chain. */
  clients?: (settings: Settings) => AwsClients;
  /** Default `globalThis.fetch`: the token server and CORS preflights go through it. */
  fetch?: typeof fetch;
  /** Default `() => new Date()`. */
  now?: () => Date;
  cwd?: string;
  /**
   * Registers what to do on Ctrl-C (SIGINT) and returns a function that unregisters it.
   * The binary wires it to the process signal; tests call the handler themselves.
   * Default: none (the command cannot be interrupted gracefully).
   */
  onInterrupt?: (handler: () => void) => () => void;
}
