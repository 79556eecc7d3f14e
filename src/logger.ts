import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';
import { redactSecrets } from './redact.ts';

export type { Logger };

export interface CreateLoggerOptions {
  level: LevelWithSilent;
  /** Where JSON lines go; stdout by default (systemd's journal or a log shipper picks them up there). */
  destination?: DestinationStream;
  /** Bound to every line, e.g. `{ service: 'study-tutor' }`. */
  base?: Record<string, unknown>;
  /** Values never to print (the configured keys and tokens: `secretsFromEnv(env)`); removed from every line. */
  secrets?: readonly string[];
}

/**
 * Paths that may carry a secret if someone logs a config or a request by mistake: pino replaces their
 * values, so a token never reaches the logs.
 */
const REDACTED_PATHS = [
  'DISCORD_TOKEN',
  'OPENAI_API_KEY',
  'config.DISCORD_TOKEN',
  'config.OPENAI_API_KEY',
  'token',
  '*.token',
  'apiKey',
  '*.apiKey',
  'headers.authorization',
  '*.headers.authorization',
];

/**
 * The process's root logger: JSON lines with a numeric level, a time and a message, one per event.
 * Components take a child (`logger.child({ component: 'discord' })`) so every line says where it came from.
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  const secrets = options.secrets ?? [];
  const settings = {
    level: options.level,
    base: { pid: process.pid, ...options.base },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    // The paths above catch a config logged whole; this catches a secret anywhere else in the line,
    // e.g. inside an error message a provider sent back ("Incorrect API key provided: sk-…").
    hooks: { streamWrite: (line: string) => redactSecrets(line, secrets) },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      // `"level":"info"` reads better in a journal than pino's numeric 30.
      level: (label: string) => ({ level: label }),
    },
  };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}

/** A logger that writes nothing: the default for the CLI and for tests that do not look at logs. */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}
