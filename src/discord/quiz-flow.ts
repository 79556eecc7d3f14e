import {
  ChannelType,
  PermissionFlagsBits,
  type PermissionsBitField,
  type ChatInputCommandInteraction,
  type Message,
  type ThreadChannel,
  type TextChannel,
  type NewsChannel,
} from 'discord.js';
import type { StartQuizInput, SessionView } from '../quiz/types.ts';
import { t, type MessageKey, type Locale } from '../messages/catalog.ts';
import { postResult } from './deliver.ts';
import { renderQuestion, renderQuizCard, renderThreadName, type MessagePayload } from './render.ts';
import type { BotDeps } from './types.ts';

/**
 * Starting a quiz from a slash command (/quiz and /review): the session is stored first, then the
 * quiz card answers the command, a thread opens from it when the bot may, and the first question is
 * posted there. Where no thread can open, the card says why and the questions follow in place.
 */

export type NoThreadReason = 'permission' | 'inThread' | 'dm' | 'channelType' | 'failed';

const NO_THREAD_KEYS: Record<NoThreadReason, MessageKey> = {
  permission: 'quiz.noThread.permission',
  inThread: 'quiz.noThread.inThread',
  dm: 'quiz.noThread.dm',
  channelType: 'quiz.noThread.channelType',
  failed: 'quiz.noThread.failed',
};

export function displayNameOf(interaction: ChatInputCommandInteraction): string {
  const member = interaction.member;
  if (member && 'displayName' in member && typeof member.displayName === 'string') return member.displayName;
  if (member && 'nick' in member && typeof member.nick === 'string' && member.nick) return member.nick;
  return interaction.user.globalName ?? interaction.user.username;
}

export interface ThreadSituation {
  inGuild: boolean;
  /** null when the channel is unknown to the bot (not cached). */
  channelType: ChannelType | null;
  /** The bot's permissions in the channel. */
  permissions: Readonly<PermissionsBitField> | null;
  wantsPrivate: boolean;
}

export type ThreadDecision = { reason: NoThreadReason } | { private: boolean; privateRefused: boolean };

/** Whether the quiz gets a thread (and which kind) or runs in place, and why. Pure: unit-tested. */
export function decideThread(situation: ThreadSituation): ThreadDecision {
  if (!situation.inGuild) return { reason: 'dm' };
  const type = situation.channelType;
  if (type === ChannelType.PublicThread || type === ChannelType.PrivateThread || type === ChannelType.AnnouncementThread) return { reason: 'inThread' };
  if (type !== ChannelType.GuildText && type !== ChannelType.GuildAnnouncement) return { reason: 'channelType' };
  const permissions = situation.permissions;
  const canPost = permissions?.has(PermissionFlagsBits.SendMessagesInThreads) ?? false;
  const canPublic = canPost && (permissions?.has(PermissionFlagsBits.CreatePublicThreads) ?? false);
  // Private threads exist only in text channels and need their own permission.
  const canPrivate = canPost && type === ChannelType.GuildText && (permissions?.has(PermissionFlagsBits.CreatePrivateThreads) ?? false);
  if (situation.wantsPrivate && canPrivate) return { private: true, privateRefused: false };
  if (canPublic) return { private: false, privateRefused: situation.wantsPrivate };
  return { reason: 'permission' };
}

export type ThreadPlan = { reason: NoThreadReason } | { private: boolean; privateRefused: boolean; channel: TextChannel | NewsChannel };

/** Where a command's quiz or exam goes: {@link decideThread} applied to the interaction's channel. */
export function threadPlan(interaction: ChatInputCommandInteraction, wantsPrivate: boolean): ThreadPlan {
  const channel = interaction.channel;
  const decision = decideThread({
    inGuild: interaction.inGuild(),
    channelType: channel?.type ?? null,
    permissions: interaction.inGuild() ? interaction.appPermissions : null,
    wantsPrivate,
  });
  if ('reason' in decision) return decision;
  return { ...decision, channel: channel as TextChannel | NewsChannel };
}

export interface StartOptions {
  input: Omit<StartQuizInput, 'userId' | 'displayName' | 'locale' | 'guildId' | 'channelId'>;
  wantsPrivate: boolean;
}

/** Runs after the dispatcher deferred a public reply. */
export async function startQuizFromCommand(interaction: ChatInputCommandInteraction, deps: BotDeps, locale: Locale, options: StartOptions): Promise<void> {
  const displayName = displayNameOf(interaction);
  const view = deps.quiz.start({
    ...options.input,
    userId: interaction.user.id,
    displayName,
    locale,
    guildId: interaction.guildId,
    channelId: interaction.channelId,
  });
  const bankTitle = bankTitleOf(view, locale);
  const plan = threadPlan(interaction, options.wantsPrivate);

  if ('reason' in plan) {
    await runInPlace(interaction, deps, locale, view, bankTitle, t(locale, NO_THREAD_KEYS[plan.reason]));
    return;
  }

  const card = (await interaction.editReply(renderQuizCard({ locale, session: view.session, bankTitle, threadId: null }))) as Message;
  let thread: ThreadChannel;
  try {
    thread = await openThread(plan, interaction.user.id, renderThreadName(displayName, bankTitle), card.id);
  } catch (error) {
    deps.logger.warn({ err: error, interactionId: interaction.id, sessionId: view.session.id }, 'could not open a quiz thread; running in place');
    await runInPlace(interaction, deps, locale, view, bankTitle, t(locale, 'quiz.noThread.failed'));
    return;
  }
  deps.quiz.attachThread(view.session.id, thread.id);
  deps.logger.info(
    { sessionId: view.session.id, userId: interaction.user.id, guildId: interaction.guildId, threadId: thread.id, mode: view.session.mode, private: plan.private },
    'quiz started in a thread',
  );
  const question = renderQuestion({ locale, sessionId: view.session.id, current: view.current! });
  await thread.send(question).catch(async (error: unknown) => {
    // E.g. a moderator deleted or locked the new thread at once: the question goes under the card instead.
    deps.logger.warn({ err: error, interactionId: interaction.id, sessionId: view.session.id }, 'could not post the first question in the thread');
    await postResult(interaction, question, deps.logger);
  });
  await interaction.editReply(
    renderQuizCard({
      locale,
      session: view.session,
      bankTitle,
      threadId: thread.id,
      notice: plan.privateRefused ? t(locale, 'quiz.privateFallback') : undefined,
    }),
  );
}

/**
 * Opens the thread a plan chose: a private one with the member added (nobody else is invited), or a
 * public one on the command's card.
 */
export async function openThread(plan: Exclude<ThreadPlan, { reason: NoThreadReason }>, userId: string, name: string, cardId: string): Promise<ThreadChannel> {
  if (plan.private) {
    const thread = await (plan.channel as TextChannel).threads.create({ name, type: ChannelType.PrivateThread, invitable: false, autoArchiveDuration: 1440 });
    await thread.members.add(userId);
    return thread;
  }
  return plan.channel.threads.create({ name, startMessage: cardId, autoArchiveDuration: 1440 });
}

async function runInPlace(
  interaction: ChatInputCommandInteraction,
  deps: BotDeps,
  locale: Locale,
  view: SessionView,
  bankTitle: string,
  notice: string,
): Promise<void> {
  deps.logger.info({ sessionId: view.session.id, userId: interaction.user.id, guildId: interaction.guildId, channelId: interaction.channelId, notice }, 'quiz started in place');
  await interaction.editReply(renderQuizCard({ locale, session: view.session, bankTitle, threadId: null, notice }));
  await postResult(interaction, renderQuestion({ locale, sessionId: view.session.id, current: view.current! }), deps.logger);
}

export function bankTitleOf(view: SessionView, locale: Locale, deps?: Pick<BotDeps, 'banks'>): string {
  if (view.session.mode === 'review' && !view.session.bankId) return locale === 'zh-CN' ? '复习' : 'Review';
  const bankId = view.session.bankId;
  return view.current?.bank.title ?? (bankId ? deps?.banks.get(bankId)?.title : undefined) ?? bankId ?? 'quiz';
}

/** The next question's message, or null when the session has finished. */
export function renderCurrentQuestion(view: SessionView, locale: Locale): MessagePayload | null {
  if (!view.current) return null;
  return renderQuestion({ locale, sessionId: view.session.id, current: view.current });
}
