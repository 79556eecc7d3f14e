import type { Message } from 'discord.js';
import type { MessagePayload } from './render.ts';
import { askTutor } from './components/quiz.ts';
import { resolveLocale } from '../messages/catalog.ts';
import { deliverToThread } from './deliver.ts';
import { handleExamThreadMessage } from './exam-flow.ts';
import { classifyThreadMessage, stripQuestionMarker } from './message-rule.ts';
import { newReference } from './router.ts';
import { isUserError } from '../errors.ts';
import { renderAnsweredQuestion, renderError, renderGrading, renderInvalidAnswer, renderPlain, renderThinking, renderVerdict } from './render.ts';
import type { BotDeps } from './types.ts';

/**
 * Messages typed in a quiz thread. Only the quiz owner's count; everyone else may read and talk
 * without the bot answering. See message-rule.ts for when a message is an answer or a follow-up.
 * Needs the Message Content intent: without it the text arrives empty and the buttons do the work.
 */
export async function handleThreadMessage(message: Message, deps: BotDeps): Promise<void> {
  if (message.author.bot || message.system || !message.channel.isThread()) return;
  const text = message.content.trim();
  if (!text) return;
  // --- h13-exam-discord ---
  if (await handleExamThreadMessage(message, text, deps)) return;
  const session = deps.quiz.findActiveByThread(message.channelId, message.author.id);
  if (!session) return;
  const locale = resolveLocale(session.locale);
  let pending: Message | undefined;
  try {
    const view = deps.quiz.view(session.id);
    const current = view.current;
    const intent = classifyThreadMessage({ text, questionType: current?.question.type ?? null, answered: Boolean(current?.attempt) });
    if (intent === 'answer' && current) {
      pending = await message.reply(renderGrading(locale));
      const outcome = await deps.quiz.submitAnswer({ sessionId: session.id, questionId: current.question.id, userId: message.author.id, answer: text, locale });
      if (outcome.status === 'invalid') {
        if (outcome.grade.status === 'invalid') await deliverToThread(pending, message, renderInvalidAnswer(locale, outcome.grade.reason), deps.logger);
        return;
      }
      await deliverToThread(pending, message, renderVerdict({ locale, outcome, answerText: text }), deps.logger);
      const answered = { bank: outcome.bank, question: outcome.question, index: outcome.session.position, total: outcome.session.questions.length };
      await clearAnswerButton(message, session.id, renderAnsweredQuestion({ locale, sessionId: session.id, current: answered })).catch((error: unknown) => {
        deps.logger.debug({ err: error, messageId: message.id }, 'could not clear an answered question’s buttons');
      });
      return;
    }
    pending = await message.reply(renderThinking(locale));
    await deliverToThread(pending, message, await askTutor(deps, session.id, message.author.id, stripQuestionMarker(text), locale), deps.logger);
  } catch (error) {
    let payload;
    if (isUserError(error)) {
      // E.g. a second message sent while the first answer is still being graded.
      payload = renderPlain(error.localized(locale));
    } else {
      const reference = newReference();
      deps.logger.error({ err: error, messageId: message.id, sessionId: session.id, reference }, 'thread message failed');
      payload = renderError(locale, reference);
    }
    try {
      if (pending) await pending.edit({ ...payload, embeds: [], components: [] });
      else await message.reply(payload);
    } catch (secondError) {
      deps.logger.warn({ err: secondError, messageId: message.id }, 'could not report an error in the thread');
    }
  }
}

/**
 * After a typed answer, the question's Answer button would still invite a second answer: find the
 * question among the thread's recent messages (the cache, else one fetch) and show it as answered.
 */
async function clearAnswerButton(message: Message, sessionId: string, answered: MessagePayload): Promise<void> {
  if (!message.channel.isThread()) return;
  const marker = `quiz:open:${sessionId}:`;
  const botId = message.client.user.id;
  const isQuestion = (candidate: Message) =>
    candidate.author.id === botId && JSON.stringify(candidate.components.map((component) => component.toJSON())).includes(marker);
  const thread = message.channel;
  const found = thread.messages.cache.find(isQuestion) ?? (await thread.messages.fetch({ limit: 25 })).find(isQuestion);
  if (found) await found.edit(answered);
}
