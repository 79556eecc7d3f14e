import { spawn } from 'node:child_process';

export interface ProcessResult {
  code: number | null;
  out: string;
  err: string;
}

/**
 * Runs `command` as a child process with exactly `env` (nothing inherited), pipes `input` to its
 * standard input and closes it, and resolves with the exit code and everything it printed.
 */
export function runProcess(command: string, args: string[], options: { cwd: string; env: Record<string, string>; input: string }): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
    child.stdin.end(options.input);
  });
}
