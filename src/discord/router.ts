import { randomBytes } from 'node:crypto';
import { MessageFlags, type ChatInputCommandInteraction, type Interaction } from 'discord.js';
import { isUserError, UserError } from '../errors.ts';
import { findCommand } from './commands/registry.ts';
import { findComponentHandler } from './components/registry.ts';
import { examIdOf, parseComponentId, sessionIdOf } from './custom-id.ts';
import { resolveLocale, type Locale } from '../messages/catalog.ts';
import { postResult } from './deliver.ts';
import { renderError, renderGrading, renderNotOwner, renderPlain, renderThinking, type MessagePayload } from './render.ts';
import type { BotDeps, ComponentInteraction, DeferPolicy } from './types.ts';

/**
 * The one entry point for interactions: finds the command or component, asks the quiz service whether
 * the clicker may use it, acknowledges it per the handler's defer policy (so the 3-second deadline
 * holds even when the handler waits on the LLM), runs it, and turns errors into a message: a UserError
 * in plain words, anything else logged with the interaction id and answered with a short apology and a
 * reference.
 */

export function newReference(): string {
  return randomBytes(4).toString('hex').toUpperCase();
}

type Acknowledgeable = ChatInputCommandInteraction | ComponentInteraction;

async function acknowledge(interaction: Acknowledgeable, policy: DeferPolicy, locale: Locale): Promise<void> {
  switch (policy) {
    case 'none':
      return;
    case 'public':
      await interaction.deferReply();
      return;
    case 'ephemeral':
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      return;
    case 'update':
      if (interaction.isChatInputCommand() || (interaction.isModalSubmit() && !interaction.isFromMessage())) {
        await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      } else {
        await interaction.deferUpdate();
      }
      return;
    // Where Discord refuses a public reply (a locked thread), the learner gets it privately.
    case 'grading':
      await postResult(interaction, renderGrading(locale));
      return;
    case 'thinking':
      await postResult(interaction, renderThinking(locale));
      return;
  }
}

/** Shows `payload` privately when nothing was sent yet, else in place of the deferred reply. */
async function respond(interaction: Acknowledgeable, policy: DeferPolicy, payload: MessagePayload): Promise<void> {
  if (!interaction.deferred && !interaction.replied) {
    await interaction.reply({ ...payload, flags: MessageFlags.Ephemeral });
  } else if (policy === 'update' || policy === 'none') {
    // The handler acknowledged (or deferred an update of) the component's message: never overwrite it.
    await interaction.followUp({ ...payload, flags: MessageFlags.Ephemeral });
  } else {
    await interaction.editReply({ ...payload, embeds: [], components: [] });
  }
}

async function reportError(interaction: Acknowledgeable, policy: DeferPolicy, locale: Locale, error: unknown, deps: BotDeps): Promise<void> {
  let payload: MessagePayload;
  if (isUserError(error)) {
    payload = renderPlain(error.localized(locale));
  } else {
    const reference = newReference();
    deps.logger.error(
      { err: error, interactionId: interaction.id, reference, userId: interaction.user.id, guildId: interaction.guildId },
      'interaction failed',
    );
    payload = renderError(locale, reference);
  }
  try {
    await respond(interaction, policy, payload);
  } catch (secondError) {
    deps.logger.warn({ err: secondError, interactionId: interaction.id }, 'could not report an error to the user');
  }
}

export async function handleInteraction(interaction: Interaction, deps: BotDeps): Promise<void> {
  if (interaction.isAutocomplete()) {
    const command = findCommand(interaction.commandName);
    try {
      if (command?.autocomplete) await command.autocomplete(interaction, deps);
      else await interaction.respond([]);
    } catch (error) {
      deps.logger.warn({ err: error, interactionId: interaction.id }, 'autocomplete failed');
    }
    return;
  }
  if (interaction.isChatInputCommand()) {
    await handleCommand(interaction, deps);
    return;
  }
  if (interaction.isButton() || interaction.isStringSelectMenu() || interaction.isModalSubmit()) {
    await handleComponent(interaction, deps);
  }
}

async function handleCommand(interaction: ChatInputCommandInteraction, deps: BotDeps): Promise<void> {
  const locale = resolveLocale(interaction.locale);
  const command = findCommand(interaction.commandName);
  if (!command) {
    await reportError(interaction, 'none', locale, new UserError('unknown-command'), deps);
    return;
  }
  const policy = typeof command.defer === 'function' ? command.defer(interaction) : command.defer;
  try {
    await acknowledge(interaction, policy, locale);
    await command.execute({ interaction, deps, locale });
  } catch (error) {
    await reportError(interaction, policy, locale, error, deps);
  }
}

async function handleComponent(interaction: ComponentInteraction, deps: BotDeps): Promise<void> {
  const locale = resolveLocale(interaction.locale);
  const id = parseComponentId(interaction.customId);
  const handler = id ? findComponentHandler(id.kind) : undefined;
  if (!id || !handler) {
    deps.logger.warn({ customId: interaction.customId, interactionId: interaction.id }, 'unknown component');
    await reportError(interaction, 'none', locale, new UserError('session-not-found'), deps);
    return;
  }
  const policy = handler.defer;
  try {
    const sessionId = sessionIdOf(id);
    if (sessionId) {
      // Asked before acknowledging, so a stranger's or a stale click gets a private note, not a public "Grading…".
      try {
        deps.quiz.authorize(sessionId, interaction.user.id);
      } catch (error) {
        if (!isUserError(error) || error.code !== 'not-owner') throw error;
        await interaction.reply({ ...renderNotOwner(locale, String(error.params.ownerId)), flags: MessageFlags.Ephemeral });
        return;
      }
    }
    // --- h13-exam-discord ---
    // An exam is its owner's: anyone else's click is refused privately, before anything is acknowledged.
    const examId = examIdOf(id);
    if (examId && deps.exams.cover(examId).ownerId !== interaction.user.id) {
      await interaction.reply({ ...renderPlain(new UserError('exam-not-owner').localized(locale)), flags: MessageFlags.Ephemeral });
      return;
    }
    await acknowledge(interaction, policy, locale);
    await handler.handle({ interaction, id, deps, locale });
  } catch (error) {
    await reportError(interaction, policy, locale, error, deps);
  }
}
