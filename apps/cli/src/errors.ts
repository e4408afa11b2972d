/** Errors the CLI reports as a plain message and exit code 1 (no stack trace). */

/** A failure with a message written for the user (a file that cannot be read, …). */
export class CliError extends Error {
  override readonly name: string = 'CliError';
}

/** The local cluster could not start; the message says why and what to do. */
export class ClusterStartError extends CliError {
  override readonly name = 'ClusterStartError';
  constructor(
    message: string,
    /** True when the start was interrupted (Ctrl-C), not broken. */
    readonly interrupted = false,
  ) {
    super(message);
  }
}
