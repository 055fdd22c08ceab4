/**
 * An error the user caused or can fix (bad file, bad flag, bad SQL). The CLI prints `message` as one line and exits
 * with `exitCode`; it never prints a stack trace for these. Messages start with the file they are about.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** A problem with one file: "<file>: <problem>" (and " at byte N" when the position is known). */
export function fileError(file: string, problem: string, byteOffset?: number): UserError {
  const where = byteOffset === undefined ? '' : ` (at byte ${byteOffset})`;
  return new UserError(`${file}: ${problem}${where}`);
}
