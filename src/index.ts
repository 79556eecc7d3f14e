import dotenv from 'dotenv';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { isUserError } from './errors.ts';
import { trackInFlight } from './in-flight.ts';
import { createLogger, type Logger } from './logger.ts';
import { secretsFromEnv } from './redact.ts';

/**
 * `npm start`: the Discord bot's composition root. Configuration → logger → app (database, banks,
 * tutor, quiz) → Discord client. SIGINT and SIGTERM stop it gracefully: no new interactions, in-flight
 * grading gets a bounded time to finish, then the database closes.
 */

/**
 * How long a shutdown waits for in-flight grading: one LLM timeout plus a margin, after which the tutor
 * has fallen back and stored the attempt as pending. Keep systemd's TimeoutStopSec above it (30 s).
 */
function shutdownGraceMs(config: Config): number {
  return config.LLM_TIMEOUT_MS + 2_000;
}

const MISSING_TOKEN_MESSAGE = [
  'DISCORD_TOKEN is not set, so the Discord bot cannot start.',
  'Put your bot token in .env (cp .env.example .env; the README explains "Running it on Discord" step by step),',
  'or, to try the tutor without Discord, run `npm run practice`.',
].join('\n');

function readConfig(): Config | undefined {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\nFix these in .env or the environment; .env.example describes every setting.\n`);
    return undefined;
  }
}

/** Plain words for the start-up failures people actually hit; anything else is logged as it is. */
function explainStartFailure(error: unknown): string | undefined {
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof Error && 'code' in error ? String(error.code) : '';
  if (code === 'TokenInvalid' || /invalid token/i.test(message)) {
    return 'Discord refused DISCORD_TOKEN: it is mistyped or was reset. Copy a fresh one from the Developer Portal (Bot → Reset Token); `npm run tutor -- doctor` checks it.';
  }
  if (isUserError(error)) return error.message;
  return undefined;
}

/** Discord closes the gateway with 4014 when the bot asks for a privileged intent the portal has not granted. */
function isDisallowedIntents(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof Error && 'code' in error ? String(error.code) : '';
  return /disallowed intent/i.test(message) || code === '4014' || code === 'DisallowedIntents';
}

function waitAtMost(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  return Promise.race([promise.then(() => true), timeout]).finally(() => clearTimeout(timer));
}

async function main(): Promise<void> {
  dotenv.config({ quiet: true });
  const config = readConfig();
  if (!config) {
    process.exitCode = 1;
    return;
  }
  if (!config.DISCORD_TOKEN) {
    process.stderr.write(`${MISSING_TOKEN_MESSAGE}\n`);
    process.exitCode = 1;
    return;
  }

  const logger: Logger = createLogger({ level: config.LOG_LEVEL, base: { service: 'study-tutor' }, secrets: secretsFromEnv(config) });
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));

  // Loaded only once a token is known, so the message above needs neither Discord nor the database.
  const { createApp } = await import('./app.ts');
  const { startDiscordBot, BOT_INTENTS } = await import('./discord/bot.ts');
  const { GatewayIntentBits } = await import('discord.js');

  let app: Awaited<ReturnType<typeof createApp>>;
  try {
    app = await createApp(config, { logger });
  } catch (error) {
    const plain = explainStartFailure(error);
    logger.fatal({ err: error }, plain ?? 'could not start: the app failed to build');
    if (plain) process.stderr.write(`${plain}\n`);
    process.exitCode = 1;
    return;
  }

  const inFlight = trackInFlight(app.quiz);
  const botApp = { ...app, quiz: inFlight.quiz };
  let bot: Awaited<ReturnType<typeof startDiscordBot>>;
  try {
    try {
      bot = await startDiscordBot(botApp);
    } catch (error) {
      if (!isDisallowedIntents(error)) throw error;
      // The portal has not granted Message Content: run without it. Buttons, forms and Ask still work;
      // only answers and questions typed in threads go unseen. doctor and the README say how to enable it.
      logger.warn(
        'the Message Content intent is not enabled in the Developer Portal: typed messages in quiz threads will be ignored; buttons, forms and Ask still work',
      );
      bot = await startDiscordBot(botApp, { intents: BOT_INTENTS.filter((intent) => intent !== GatewayIntentBits.MessageContent) });
    }
  } catch (error) {
    const plain = explainStartFailure(error);
    logger.fatal({ err: error }, plain ?? 'could not connect to Discord');
    if (plain) process.stderr.write(`${plain}\n`);
    app.close();
    process.exitCode = 1;
    return;
  }
  logger.info(
    { banks: app.banks.list().map((bank) => bank.id), llm: config.llmEnabled ? config.LLM_MODEL : 'fallback', database: config.DATABASE_PATH },
    'study-tutor is running',
  );

  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals): Promise<void> => {
    if (stopping) {
      logger.warn({ signal }, 'second signal during shutdown: exiting now');
      process.exit(1);
    }
    stopping = true;
    const graceMs = shutdownGraceMs(config);
    logger.info({ signal, graceMs, inFlight: inFlight.count() }, 'shutting down: refusing new answers, waiting for in-flight grading');
    const clean = await waitAtMost(inFlight.drain(), graceMs);
    if (!clean) logger.warn({ graceMs, inFlight: inFlight.count() }, 'in-flight grading did not finish in time; closing anyway (nothing half-stored: each attempt is one transaction)');
    // A moment for the handlers to post the results they just stored, then the gateway goes.
    await new Promise((resolve) => setTimeout(resolve, 500));
    try {
      await waitAtMost(bot.stop(), 5_000);
    } catch (error) {
      logger.error({ err: error }, 'error while stopping the Discord client');
    }
    try {
      app.close();
      logger.info({ clean }, 'shutdown complete: database closed');
    } catch (error) {
      logger.error({ err: error }, 'error while closing the database');
    }
    // Exit 0 either way: this was a requested stop, and whatever was stored is consistent.
    process.exit(0);
  };
  process.on('SIGINT', (signal) => void shutdown(signal));
  process.on('SIGTERM', (signal) => void shutdown(signal));
}

await main();
