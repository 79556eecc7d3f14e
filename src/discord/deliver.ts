import { MessageFlags, type ChatInputCommandInteraction, type Message } from 'discord.js';
import type { Logger } from '../logger.ts';
import type { MessagePayload } from './render.ts';
import type { ComponentInteraction } from './types.ts';

/**
 * Showing a result (a verdict, the next question, a summary) so that it never depends on one edit
 * succeeding. Discord refuses an edit when a moderator deleted the message (10008), the thread
 * auto-archived (50083) or was locked (160005), or after the REST client gave up on 429s and 5xx; in
 * each case the result is posted anew:
 *
 * 1. in place: the deferred reply, or the clicked component's own message;
 * 2. else as a new message where the interaction happened: the learner sees it in the thread, and a
 *    new message reopens an archived thread that is not locked;
 * 3. else privately (an ephemeral message): a locked thread refuses everything else, and an ephemeral
 *    message still reaches the learner there. Its buttons work like the public ones, so the quiz goes
 *    on; once the thread is unlocked, the next result is public again. (The parent channel was the
 *    other choice: it would show one member's quiz to everyone, outside the thread a moderator closed.)
 *
 * A result is stored before it is shown, so posting it twice does no harm; showing it never is what
 * this module prevents. A click on an answered question shows the stored verdict again (see
 * components/quiz.ts), so even a result that could not be shown anywhere is one click away.
 */

type Repliable = ComponentInteraction | ChatInputCommandInteraction;

/** Where the result ended up. */
export type Delivery = 'edited' | 'posted' | 'private';

function warn(logger: Logger | undefined, error: unknown, interactionId: string, what: string): void {
  logger?.warn({ err: error, interactionId }, what);
}

function isAcknowledged(interaction: Repliable): boolean {
  return interaction.deferred || interaction.replied;
}

/**
 * Shows `payload` as the interaction's result: edits the deferred reply (or, before any
 * acknowledgement, updates the clicked component's message), else posts it anew (see the module
 * comment). Throws only when Discord refused every way.
 */
export async function deliverResult(interaction: Repliable, payload: MessagePayload, logger?: Logger): Promise<Delivery> {
  try {
    if (isAcknowledged(interaction)) await interaction.editReply(payload);
    else if (interaction.isMessageComponent() || (interaction.isModalSubmit() && interaction.isFromMessage())) await interaction.update(payload);
    else await interaction.reply(payload);
    return 'edited';
  } catch (error) {
    warn(logger, error, interaction.id, 'could not show a result in place; posting it anew');
  }
  return postResult(interaction, payload, logger);
}

/**
 * Posts `payload` as a new message where the interaction happened (a reply, or a follow-up once
 * acknowledged), else privately to the learner. Throws only when both are refused.
 */
export async function postResult(interaction: Repliable, payload: MessagePayload, logger?: Logger): Promise<Delivery> {
  const send = (flags?: MessageFlags.Ephemeral) => {
    const options = flags === undefined ? payload : { ...payload, flags };
    return isAcknowledged(interaction) ? interaction.followUp(options) : interaction.reply(options);
  };
  try {
    await send();
    return 'posted';
  } catch (error) {
    warn(logger, error, interaction.id, 'could not post a result in the channel; sending it privately');
  }
  await send(MessageFlags.Ephemeral);
  return 'private';
}

/**
 * Best effort: takes the buttons off the message a Next or End click came from (a deferred update).
 * A deleted or archived message keeps them; a repeat click on them is harmless.
 */
export async function retireButtons(interaction: ComponentInteraction, payload: Partial<MessagePayload> & Pick<MessagePayload, 'allowedMentions'>, logger?: Logger): Promise<void> {
  try {
    await interaction.editReply(payload);
  } catch (error) {
    logger?.debug({ err: error, interactionId: interaction.id }, 'could not take the buttons off an old message');
  }
}

/**
 * For a typed answer: turns the bot's pending reply ("Grading…") into the result, else posts the
 * result anew in the same channel, as a reply to the learner's message when it still exists (a new
 * message reopens an archived thread). Throws when the channel refuses new messages too (a locked
 * thread): the question's Answer button then shows the stored verdict once the thread is unlocked.
 */
export async function deliverToThread(pending: Message, answer: Message, payload: MessagePayload, logger?: Logger): Promise<Delivery> {
  try {
    await pending.edit(payload);
    return 'edited';
  } catch (error) {
    logger?.warn({ err: error, messageId: pending.id }, 'could not edit the pending reply; posting the result anew');
  }
  if (!answer.channel.isSendable()) throw new Error(`Channel ${answer.channelId} does not take messages`);
  await answer.channel.send({ ...payload, reply: { messageReference: answer.id, failIfNotExists: false } });
  return 'posted';
}
