import dotenv from 'dotenv';
import { readFileSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { isUserError } from './errors.ts';
import { ConfigError } from './config.ts';
import { asksForHelp, isGroup, nearestCommand, renderCommandHelp, renderGroupHelp, renderOverview } from './cli/help.ts';
import { cliCommands, type CliCommandEntry } from './cli/registry.ts';
import { Writable } from 'node:stream';
import { createRedactor } from './redact.ts';
import type { CliIo } from './cli/types.ts';

/** The version in package.json, which is what `--version` reports. */
export function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}

/** The longest registered command whose words start the arguments. */
function findCommand(argv: readonly string[]): CliCommandEntry | undefined {
  return [...cliCommands].sort((a, b) => b.path.length - a.path.length).find((candidate) => candidate.path.every((word, index) => argv[index] === word));
}

/** Unknown words: the nearest command when one is close, else the list of commands; exit code 2. */
async function unknownCommand(words: string[], io: CliIo): Promise<number> {
  const typed = words.join(' ');
  const suggestion = nearestCommand(words);
  if (suggestion) {
    io.stderr.write(`Unknown command "${typed}". Did you mean \`tutor ${suggestion}\`?\nRun \`tutor --help\` for the list of commands.\n`);
  } else {
    io.stderr.write(`Unknown command "${typed}".\n\n${isGroup(words[0]) ? await renderGroupHelp(words[0]) : await renderOverview(packageVersion())}`);
  }
  return 2;
}

/**
 * Runs one command line in-process and returns the exit code; tests call this directly.
 * `tutor` alone prints the overview and exits 1 (nothing was done); `--help` prints it and exits 0.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [first] = argv;
  if (first === undefined) {
    io.stdout.write(await renderOverview(packageVersion()));
    return 1;
  }
  if (first === '--version' || first === '-V') {
    io.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  if (first === '--help' || first === '-h') {
    io.stdout.write(await renderOverview(packageVersion()));
    return 0;
  }
  if (first === 'help') {
    const topic = argv.slice(1);
    if (topic.length === 0) {
      io.stdout.write(await renderOverview(packageVersion()));
      return 0;
    }
    const entry = findCommand(topic);
    if (entry && entry.path.length === topic.length) {
      io.stdout.write(renderCommandHelp(entry, await entry.load()));
      return 0;
    }
    if (!entry && topic.length === 1 && isGroup(topic[0])) {
      io.stdout.write(await renderGroupHelp(topic[0]));
      return 0;
    }
    return unknownCommand(topic, io);
  }

  const entry = findCommand(argv);
  if (!entry) {
    if (isGroup(first)) {
      const rest = argv.slice(1);
      if (rest.length === 0 || rest[0] === '--help' || rest[0] === '-h') {
        io.stdout.write(await renderGroupHelp(first));
        // `tutor bank` alone did nothing, like `tutor` alone; asking for the list is a success.
        return rest.length === 0 ? 1 : 0;
      }
      return unknownCommand([first, rest[0]!], io);
    }
    return unknownCommand([first], io);
  }
  const command = await entry.load();
  const args = argv.slice(entry.path.length);
  if (asksForHelp(args, entry)) {
    io.stdout.write(renderCommandHelp(entry, command));
    return 0;
  }
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
    return await command.run(args, { ...io, stderr });
  } catch (error) {
    if (isUserError(error) || error instanceof ConfigError) {
      io.stderr.write(redact(`${error.message}\n`));
      return 1;
    }
    if (error instanceof Error && error.name === 'TypeError' && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(redact(`${error.message}\nUsage: tutor ${command.usage}\nRun \`tutor ${entry.path.join(' ')} --help\` for its options.\n`));
      return 2;
    }
    if (error instanceof Error) {
      io.stderr.write(redact(`${error.stack ?? error.message}\n`));
      return 1;
    }
    throw error;
  }
}

/**
 * The process entry: loads .env from the working directory, runs the command line and sets the exit
 * code. bin/tutor.js calls it, however npm linked that file (`.bin/tutor`, `npm link`, a global install).
 */
export async function main(argv: string[] = process.argv.slice(2)): Promise<number> {
  dotenv.config({ quiet: true });
  const code = await runCli(argv, { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd() });
  process.exitCode = code;
  return code;
}

/** `node --import tsx src/cli.ts` (npm run tutor) starts here; the real path, since a script path may be a link. */
function startedDirectly(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return pathToFileURL(realpathSync(script)).href === import.meta.url;
  } catch {
    return false;
  }
}

if (startedDirectly()) await main();
