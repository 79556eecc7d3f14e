import { PassThrough, Readable, Writable } from 'node:stream';
import type { CliIo } from '../../src/cli/types.ts';

/** A Writable that keeps everything written to it, for asserting what a user would read. */
export class CapturedOutput extends Writable {
  readonly chunks: string[] = [];
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.chunks.push(chunk.toString());
    callback();
  }
  get text(): string {
    return this.chunks.join('');
  }
}

export interface TestIo extends CliIo {
  stdout: CapturedOutput;
  stderr: CapturedOutput;
}

/** An io whose standard input is the given lines (then end of input), like `printf … | tutor …`. */
export function createTestIo(options: { env: Record<string, string | undefined>; cwd: string; input?: string[] | Readable }): TestIo {
  const stdin = options.input instanceof Readable ? options.input : Readable.from(options.input ? [`${options.input.join('\n')}\n`] : []);
  return { stdout: new CapturedOutput(), stderr: new CapturedOutput(), stdin, env: options.env, cwd: options.cwd };
}

/** Standard input a test feeds line by line while the command runs. */
export function createLiveInput(): PassThrough {
  return new PassThrough();
}
