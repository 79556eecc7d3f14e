import { createApp, createRecordsApp, type App, type CreateAppOptions, type RecordsApp } from '../app.ts';
import { loadConfig, type Config } from '../config.ts';
import { createLogger, type Logger } from '../logger.ts';
import type { CliIo } from './types.ts';

/**
 * How `tutor` commands get the app: the same composition root as the bot (src/app.ts), so the tutor's
 * LLM calls are recorded in usage whichever front end made them. Commands say what went wrong in their
 * own words, so logs stay off unless LOG_LEVEL asks for them, and then go to standard error.
 */

type CliAppOptions = Pick<CreateAppOptions, 'existingDatabase' | 'enforceBudgets' | 'promptsOnFirstUse'> & {
  /** The configuration to build from, when the command adjusts it (default: parsed from the environment). */
  config?: Config;
};

function cliLogger(io: CliIo, config: Config): Logger {
  return createLogger({ level: io.env.LOG_LEVEL ? config.LOG_LEVEL : 'silent', destination: io.stderr });
}

export async function createCliApp(io: CliIo, options: CliAppOptions = {}): Promise<App> {
  const { config = loadConfig(io.env), ...rest } = options;
  return createApp(config, { ...rest, cwd: io.cwd, logger: cliLogger(io, config) });
}

/** The services over stored records only; the database must exist. */
export function createCliRecordsApp(io: CliIo): RecordsApp {
  const config = loadConfig(io.env);
  return createRecordsApp(config, { existingDatabase: true, cwd: io.cwd, logger: cliLogger(io, config) });
}
