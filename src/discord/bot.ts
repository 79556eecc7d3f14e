import { Client, Events, GatewayIntentBits, Options, type ClientOptions } from 'discord.js';
import type { Config } from '../config.ts';
import { watchExamDeadlines } from './exam-flow.ts';
import { handleThreadMessage } from './messages.ts';
import { startNoticeDelivery, type NoticeDelivery, type NoticeDeliveryOptions } from './notices.ts';
import { NO_MENTIONS } from './render.ts';
import { handleInteraction } from './router.ts';
import type { BotDeps } from './types.ts';

/** What the bot needs from the composition root's App (which satisfies it as is). */
export type BotApp = BotDeps & { config: Pick<Config, 'DISCORD_TOKEN' | 'DISCORD_API_URL' | 'TEACHER_ROLE_ID'> };

export interface StartDiscordBotOptions {
  token?: string;
  /** REST base for discord.js (`…/api`, no version and no trailing slash). */
  apiUrl?: string;
  /** Only for tests that check the privileged intent's absence. */
  intents?: GatewayIntentBits[];
  // --- h12-class-discord ---
  /** How learners' notices are delivered (src/discord/notices.ts); tests poll faster. */
  notices?: NoticeDeliveryOptions;
  // --- h13-exam-discord ---
  /** Longest wait between checks for exams past their deadline (default 30 s); tests shorten it. */
  examPollMs?: number;
  /** The app's clock, for tests that move time past an exam's deadline (default: the real time). */
  clock?: () => Date;
}

export interface RunningBot {
  client: Client<true>;
  // --- h12-class-discord ---
  /** Delivers learners' notices about changed grades while the bot runs. */
  notices: NoticeDelivery;
  stop(): Promise<void>;
}

/** How often the bot looks for keys changed by another process (`bank_changes`). */
const BANK_SYNC_MS = 30_000;

export const BOT_INTENTS = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent];

/**
 * Logs in and resolves once the gateway is ready. Commands are not registered here (that is
 * `tutor deploy-commands`, run once), and no bot message can ping: `allowedMentions` parses nothing
 * on the client and on every payload.
 */
export async function startDiscordBot(app: BotApp, options: StartDiscordBotOptions = {}): Promise<RunningBot> {
  const token = options.token ?? app.config.DISCORD_TOKEN;
  if (!token) throw new Error('DISCORD_TOKEN is not set: the bot needs a token to log in (see .env.example).');
  const apiUrl = options.apiUrl ?? app.config.DISCORD_API_URL;
  const clientOptions: ClientOptions = {
    intents: options.intents ?? BOT_INTENTS,
    allowedMentions: NO_MENTIONS,
    // Every quiz opens a thread and posts a few messages; without sweepers discord.js would cache them
    // for the life of the process. Buttons and modals carry their message, so nothing needs old ones.
    sweepers: {
      ...Options.DefaultSweeperSettings,
      messages: { interval: 1_800, lifetime: 1_800 },
      threads: { interval: 3_600, lifetime: 3_600 },
    },
  };
  if (apiUrl) clientOptions.rest = { api: apiUrl.replace(/\/+$/, '') };
  const client = new Client(clientOptions);
  const deps: BotDeps = {
    logger: app.logger,
    quiz: app.quiz,
    banks: app.banks,
    stats: app.stats,
    maintenance: app.maintenance,
    // --- h13-exam-core ---
    exams: app.exams,
    ...(app.config.TEACHER_ROLE_ID ? { teacherRoleId: app.config.TEACHER_ROLE_ID } : {}),
    ...(app.fetchAttachment ? { fetchAttachment: app.fetchAttachment } : {}),
    // --- h12-keyfix ---
    keyFixes: app.keyFixes,
    // --- h12-class-discord ---
    classReports: app.classReports,
    notices: app.notices,
    // --- h12-queue-appeals ---
    reviewQueue: app.reviewQueue,
    appeals: app.appeals,
  };
  const logger = app.logger.child({ component: 'discord' });
  client.on(Events.InteractionCreate, (interaction) => {
    handleInteraction(interaction, deps).catch((error: unknown) => logger.error({ err: error, interactionId: interaction.id }, 'interaction handler crashed'));
  });
  client.on(Events.MessageCreate, (message) => {
    handleThreadMessage(message, deps).catch((error: unknown) => logger.error({ err: error, messageId: message.id }, 'message handler crashed'));
  });
  client.on(Events.Error, (error) => logger.error({ err: error }, 'discord client error'));
  client.on(Events.Warn, (warning) => logger.warn({ warning }, 'discord client warning'));

  const ready = new Promise<Client<true>>((resolve) => client.once(Events.ClientReady, resolve));
  try {
    await client.login(token);
    await ready;
  } catch (error) {
    await client.destroy();
    throw error;
  }
  logger.info({ user: client.user?.tag, guilds: client.guilds.cache.size }, 'discord bot ready');
  const notices = startNoticeDelivery(client, deps, options.notices);
  // --- h13-exam-discord ---
  // Exams past their deadline (also while the bot was down) are submitted and reported in their threads.
  const stopExamDeadlines = watchExamDeadlines(client, deps, {
    ...(options.examPollMs !== undefined ? { pollMs: options.examPollMs } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  // --- h12-keyfix ---
  // A key changed from the command line (`tutor bank accept`) is served here within BANK_SYNC_MS.
  const bankSync = setInterval(() => {
    app.keyFixes.syncChangedBanks().then(
      ({ reloaded, problems }) => {
        if (reloaded.length > 0) logger.info({ reloaded }, 'banks reloaded after a key change');
        for (const problem of problems) logger.warn({ problem }, 'a changed bank was not reloaded');
      },
      (error: unknown) => logger.error({ err: error }, 'bank sync failed'),
    );
  }, BANK_SYNC_MS);
  bankSync.unref();
  return {
    client: client as Client<true>,
    notices,
    async stop() {
      await notices.stop();
      stopExamDeadlines();
      clearInterval(bankSync);
      await client.destroy();
    },
  };
}
