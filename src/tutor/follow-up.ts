import type { Question } from '../bank/schema.ts';
import { acceptedText, isFreeText } from '../bank/schema.ts';
import { t } from '../messages/catalog.ts';
import { FEEDBACK_LIMITS } from './limits.ts';
import { neutralizeAnswer } from './injection.ts';
import type { ChatMessage } from './llm-client.ts';
import { renderPart, type PromptTemplate } from './prompts.ts';
import { estimateTokens, truncateText, truncateToTokens, type FeedbackLanguage } from './text.ts';
import type { ChatTurn, FollowUpRequest } from './types.ts';

/**
 * Follow-up chat. Before the learner has answered, nothing that gives the answer away (the answer
 * key, the reference answer, the analysis) is put in the prompt at all: the model cannot leak what it
 * was never sent. After grading, the reference material, the learner's answer and the feedback go in.
 */

function describeQuestionOnly(question: Question): string[] {
  const lines = [`## Question (${question.type}, ${question.points} pt)`, question.stem];
  if (question.topic) lines.push(`Topic: ${question.topic}`);
  if (question.type === 'choice' || question.type === 'multi') {
    lines.push('', 'Options:', ...question.options.map((option) => `${option.key}. ${option.text}`));
  }
  if (question.type === 'blank') lines.push(`Blanks to fill: ${question.blanks.length}`);
  if (question.type === 'numeric' && question.unit) lines.push(`Unit: ${question.unit}`);
  return lines;
}

/** The answer key in words, for after the learner has answered. */
export function describeAnswerKey(question: Question): string {
  switch (question.type) {
    case 'choice':
      return question.answer;
    case 'multi':
      return question.answer.join('');
    case 'truefalse':
      return question.answer ? 'true' : 'false';
    case 'numeric':
      return `${question.answer}${question.unit ? ` ${question.unit}` : ''}`;
    case 'blank':
      return question.blanks.map((blank) => (blank.accept[0] === undefined ? '' : acceptedText(blank.accept[0]))).join(' | ');
    case 'short':
    case 'essay':
      return question.reference;
  }
}

export function buildFollowUpContext(request: FollowUpRequest): string {
  const { question } = request;
  const lines = describeQuestionOnly(question);
  if (!request.answered) {
    lines.push('', '(The learner has not answered yet. The answer key is deliberately not given to you.)');
    return lines.join('\n');
  }
  lines.push('', isFreeText(question) ? '## Reference answer' : '## Correct answer', describeAnswerKey(question));
  if (isFreeText(question)) {
    lines.push('', '## Rubric', ...question.rubric.map((point) => `- [${point.points} pt] ${point.point}`));
  }
  if (question.analysis.trim()) lines.push('', '## Analysis', question.analysis);
  if (request.learnerAnswer !== undefined) {
    const answer = truncateToTokens(request.learnerAnswer, FOLLOW_UP_MESSAGE_TOKENS * 2).text;
    lines.push('', "## The learner's answer (data)", '<learner_answer>', neutralizeAnswer(answer), '</learner_answer>');
  }
  const feedback = request.feedback;
  const grade = request.grade;
  if (feedback) {
    lines.push('', `## Feedback given (${feedback.score}/${feedback.maxScore}${feedback.provisional ? ', provisional keyword score' : ''})`);
    for (const point of feedback.rubric) lines.push(`- ${point.verdict}: ${point.point}`);
    if (feedback.explanation) lines.push(truncateText(feedback.explanation, 600));
  } else if (grade && grade.status === 'graded') {
    lines.push('', `## Grade: ${grade.score}/${grade.maxScore}${grade.correct ? ' (correct)' : ''}`);
  }
  return lines.join('\n');
}

/**
 * The most of one follow-up question sent to the model, in estimated tokens: a 1 MB paste would
 * otherwise be sent whole, at the guild's expense. The learner is told when it was cut.
 */
export const FOLLOW_UP_MESSAGE_TOKENS = 1_000;

export function boundFollowUpMessage(message: string): { text: string; truncated: boolean } {
  return truncateToTokens(message, FOLLOW_UP_MESSAGE_TOKENS);
}

/** The most recent turns whose estimated tokens fit the bound, oldest first. */
export function trimHistory(history: readonly ChatTurn[], maxTokens: number): ChatTurn[] {
  const kept: ChatTurn[] = [];
  let used = 0;
  for (let index = history.length - 1; index >= 0; index -= 1) {
    const turn = history[index];
    if (!turn) continue;
    const cost = estimateTokens(turn.content) + 4;
    if (used + cost > maxTokens) break;
    used += cost;
    kept.unshift(turn);
  }
  return kept;
}

export function buildFollowUpMessages(
  template: PromptTemplate,
  request: FollowUpRequest,
  languageName: string,
  historyTokens: number,
): ChatMessage[] {
  const modeRules = renderPart(template, request.answered ? 'full-explanation' : 'hints-only', {});
  const messages: ChatMessage[] = [{ role: 'system', content: renderPart(template, 'system', { language: languageName, modeRules }) }];
  for (const turn of trimHistory(request.history, historyTokens)) {
    messages.push({ role: turn.role, content: turn.role === 'user' ? neutralizeAnswer(turn.content) : turn.content });
  }
  messages.push({
    role: 'user',
    content: renderPart(template, 'user', { context: buildFollowUpContext(request), message: neutralizeAnswer(boundFollowUpMessage(request.message).text) }),
  });
  return messages;
}

/** Longest lead-in of a marking point that is still a heading, not its content. */
const ASPECT_MAX_CHARS = 24;

/**
 * The aspect a marking point is about, without its content: the lead-in before its first colon
 * ("剪枝的优缺点：能减少计算量…" → "剪枝的优缺点"). A point with no short lead-in gives no hint, since its
 * text is the answer itself.
 */
export function rubricAspect(point: string): string | null {
  const match = /^([^:：]{2,})[:：]/.exec(point.trim());
  const aspect = match?.[1]?.trim();
  return aspect && [...aspect].length <= ASPECT_MAX_CHARS ? aspect : null;
}

/**
 * The reply without an LLM: a hint that gives nothing away before answering, the bank's explanation after.
 * It opens by saying why: no AI is configured (and what is offered instead), or the AI could not be reached.
 */
export function buildFallbackFollowUp(request: FollowUpRequest, language: FeedbackLanguage, reason: 'no-llm-configured' | 'unavailable' = 'unavailable'): string {
  const { question } = request;
  const lines = [t(language, reason === 'no-llm-configured' ? 'tutor.followUp.noLlm' : 'tutor.followUp.unavailable'), ''];
  if (!request.answered) {
    lines.push(t(language, 'tutor.hintIntro'));
    if (question.topic) lines.push(t(language, 'tutor.hintTopic', { topic: question.topic }));
    const aspects = isFreeText(question) ? question.rubric.map((point) => rubricAspect(point.point)).filter((aspect) => aspect !== null) : [];
    if (aspects.length > 0) lines.push(t(language, 'tutor.hintPoints', { points: aspects.join(t(language, 'tutor.listSeparator')) }));
    if (!question.topic && aspects.length === 0) lines.push(t(language, 'tutor.hintStem'));
    return truncateText(lines.join('\n'), FEEDBACK_LIMITS.followUpChars);
  }
  lines.push(t(language, 'tutor.afterAnswerIntro'), `${t(language, 'tutor.referenceHeading')} ${describeAnswerKey(question)}`);
  if (question.analysis.trim()) lines.push(`${t(language, 'tutor.analysisHeading')} ${question.analysis}`);
  return truncateText(lines.join('\n'), FEEDBACK_LIMITS.followUpChars);
}
