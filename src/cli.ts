import dotenv from 'dotenv';
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { isUserError } from './errors.ts';
import { ConfigError } from './config.ts';
import { cliCommands } from './cli/registry.ts';
import { createRedactor } from './redact.ts';
import type { CliIo } from './cli/types.ts';

dotenv.config({ quiet: true });

async function helpText(): Promise<string> {
  const lines = ['Usage: tutor <command> [options]', '', 'Commands:'];
  for (const entry of cliCommands) {
    const command = await entry.load();
    lines.push(`  ${command.usage.padEnd(60)} ${command.summary}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Runs one command line in-process and returns the exit code; tests call this directly. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.stdout.write(await helpText());
    return argv.length === 0 ? 1 : 0;
  }
  const entry = [...cliCommands]
    .sort((a, b) => b.path.length - a.path.length)
    .find((candidate) => candidate.path.every((word, index) => argv[index] === word));
  if (!entry) {
    io.stderr.write(`Unknown command: ${argv.join(' ')}\n\n${await helpText()}`);
    return 2;
  }
  const command = await entry.load();
  // Whatever a command prints on error goes through the one redactor: no key or token reaches the terminal.
  const redact = createRedactor(io.env);
  const stderr = new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _encoding, done) {
      io.stderr.write(redact(String(chunk)));
      done();
    },
  });
  try {
    return await command.run(argv.slice(command.path.length), { ...io, stderr });
  } catch (error) {
    if (isUserError(error) || error instanceof ConfigError) {
      io.stderr.write(redact(`${error.message}\n`));
      return 1;
    }
    if (error instanceof Error) {
      io.stderr.write(redact(`${error.stack ?? error.message}\n`));
      return 1;
    }
    if (error instanceof Error && error.name === 'TypeError' && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`${error.message}\nUsage: tutor ${command.usage}\n`);
      return 2;
    }
    throw error;
  }
}

const isEntryPoint = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isEntryPoint || process.argv[1]?.endsWith('bin/tutor.js')) {
  const code = await runCli(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
  });
  process.exitCode = code;
}
