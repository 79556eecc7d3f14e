import type { Bank, Question } from '../bank/schema.ts';
import type { AttemptRecord, ProgressStore } from '../progress/ports.ts';
import type { ChatTurn, FollowUpReply, Tutor } from '../tutor/types.ts';

export interface TutorTurn {
  bank: Pick<Bank, 'id' | 'language' | 'title'>;
  question: Question;
  /** The learner's attempt at the question, if any: the tutor discusses their answer and grade. */
  attempt: AttemptRecord | undefined;
  /** False before the learner has answered: the tutor gives hints, not the answer. */
  answered: boolean;
  message: string;
  history: ChatTurn[];
  locale?: string | undefined;
  userId: string;
  guildId: string | null;
  /** The quiz session the turn belongs to; null for an exam's review (found by learner and question). */
  sessionId: string | null;
  now: Date;
}

/**
 * One follow-up question to the tutor and its reply, both stored as the thread's history: the same
 * step for a quiz thread and an exam's review, so the two cannot drift in what the tutor is told.
 */
export async function askTutorAndRecord(deps: { tutor: Tutor; store: Pick<ProgressStore, 'addFollowUp'> }, turn: TutorTurn): Promise<FollowUpReply> {
  const { attempt, now } = turn;
  const reply = await deps.tutor.followUp({
    bank: { id: turn.bank.id, language: turn.bank.language, title: turn.bank.title },
    question: turn.question,
    answered: turn.answered,
    ...(attempt ? { learnerAnswer: attempt.rawAnswer, grade: attempt.grade } : {}),
    ...(attempt?.feedback ? { feedback: attempt.feedback } : {}),
    message: turn.message,
    history: turn.history,
    ...(turn.locale ? { locale: turn.locale } : {}),
    userId: turn.userId,
    ...(turn.guildId ? { guildId: turn.guildId } : {}),
  });
  const base = { sessionId: turn.sessionId, userId: turn.userId, bankId: turn.bank.id, questionId: turn.question.id };
  deps.store.addFollowUp({ ...base, role: 'user', content: turn.message, tokens: reply.usage?.inputTokens ?? null, createdAt: now });
  // One millisecond later, so the reply sorts after the question it answers.
  deps.store.addFollowUp({ ...base, role: 'assistant', content: reply.text, tokens: reply.usage?.outputTokens ?? null, createdAt: new Date(now.getTime() + 1) });
  return reply;
}
