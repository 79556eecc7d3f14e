import type { Readable, Writable } from 'node:stream';

export interface CliIo {
  stdout: Writable;
  stderr: Writable;
  stdin: Readable;
  env: Record<string, string | undefined>;
  cwd: string;
}

/** One `tutor` sub-command. `path` is the words that select it, e.g. ['bank', 'check']. */
export interface CliCommand {
  path: readonly string[];
  usage: string;
  summary: string;
  /** Returns the process exit code. Expected problems are printed, not thrown. */
  run(args: string[], io: CliIo): Promise<number>;
}
