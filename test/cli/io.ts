import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { runCli } from '../../src/cli.ts';
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

const repo = path.resolve(import.meta.dirname, '../..');

export interface PracticeWorkspace {
  dir: string;
  banks: string;
  env: Record<string, string>;
}

/** A temp folder with a banks folder holding the every-type fixture bank, and the env that points there. */
export function makePracticeWorkspace(prefix: string): PracticeWorkspace {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const banks = path.join(dir, 'banks');
  fs.mkdirSync(banks);
  fs.copyFileSync(path.join(repo, 'test/fixtures/banks/every-type.json'), path.join(banks, 'every-type.json'));
  return { dir, banks, env: { DATABASE_PATH: path.join(dir, 'var', 'tutor.sqlite'), BANKS_DIR: banks, PROMPTS_DIR: path.join(repo, 'prompts') } };
}

/** `tutor practice <args>` in-process with the given input lines, as a learner at a pipe would run it. */
export async function runPractice(workspace: Pick<PracticeWorkspace, 'dir' | 'env'>, args: string[], input: string[], extraEnv: Record<string, string> = {}) {
  const io = createTestIo({ env: { ...workspace.env, ...extraEnv }, cwd: workspace.dir, input });
  const code = await runCli(['practice', ...args], io);
  return { code, out: io.stdout.text, err: io.stderr.text };
}
