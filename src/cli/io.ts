/** Where the CLI writes (process streams, or a capture in tests), and the error kinds it reports with status 2. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: Io = { out: (t) => void process.stdout.write(t), err: (t) => void process.stderr.write(t) };

/** Bad arguments or files: reported in one line with exit status 2. */
export class UsageError extends Error {}

/** A command that ran but whose result is a failure (e.g. a study check): one line, exit status 1. */
export class CheckFailure extends Error {}
