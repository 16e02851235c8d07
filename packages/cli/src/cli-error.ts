/**
 * An error the `baton` command reports as one line on standard error before
 * exiting with `exitCode` (default 1). Its message names what failed and the
 * value at fault; `detail` (a stack from the user's own code, say) is printed
 * below it when present.
 */
export class CliError extends Error {
  readonly exitCode: number;
  readonly detail?: string;
  constructor(message: string, options: { exitCode?: number; detail?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "CliError";
    this.exitCode = options.exitCode ?? 1;
    this.detail = options.detail;
  }
}
