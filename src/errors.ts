/** Exit codes are an interface: admins script against them. */
export const EXIT = {
  ok: 0,
  /** Files were written but the connectivity check (or a doctor check) failed. */
  checkFailed: 1,
  /** Bad input, or nothing could be written. */
  usage: 2,
  /** The user pressed Ctrl-C at a prompt. */
  cancelled: 130,
} as const;

/**
 * The one error type commands throw. Only the top-level entry prints it and exits,
 * so every command can be tested as a function that returns or throws.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
    /** One line telling the user what to do about it. */
    readonly hint?: string,
    /** Extra lines printed verbatim after the message (for example a line to paste by hand). */
    readonly details: string[] = [],
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export class CancelledError extends CliError {
  constructor() {
    super('Cancelled; nothing was written.', EXIT.cancelled);
    this.name = 'CancelledError';
  }
}

/**
 * Recognises a CliError by its shape: the command line (dist/cli.cjs) and the commands
 * (dist/commands/) are bundled separately, so each has its own copy of the class.
 */
export function isCliError(err: unknown): err is CliError {
  return err instanceof Error && typeof (err as { exitCode?: unknown }).exitCode === 'number' && Array.isArray((err as { details?: unknown }).details);
}
