import { createHash } from 'node:crypto';
import { ACCEPTABLE_TYPES, blankCredit } from '../../bank/accept-answer.ts';
import type { Bank, Question } from '../../bank/schema.ts';
import { UserError } from '../../errors.ts';
import type { ItemReportRow } from '../../progress/item-report.ts';
import type { ResponseRow } from '../../progress/response-analysis.ts';
import { matchKeyOfNormalized, normalizeText } from '../../grading/normalize.ts';
import type { QuestionPointer } from '../custom-id.ts';
import { renderAcceptConfirm, renderDryRun, renderRegradeDone, renderResponseAnalysis, type AcceptCandidate } from '../render-class.ts';
import { requireTeacher } from '../teacher.ts';
import type { BotDeps, ComponentContext, ComponentHandler, ComponentInteraction } from '../types.ts';

/**
 * The key fix from `/class items` (issue 12 items 3–4): pick a question → its response analysis → pick
 * a wrong answer → confirm (full or half marks) → the key is changed through the KeyFixService and the
 * dry run of the regrade shown → *Regrade* runs it. Every step checks the teacher role again (a
 * message can be forwarded, a role removed) and edits the teacher's private message in place.
 *
 * An answer is named in custom ids by `<blank>.<hash of its text>`, not by its text (which may be
 * longer than a custom id) nor by its row number (which moves as learners answer): the handler finds
 * it again among the stored answers, so a button still works after a restart.
 */

const HASH_LENGTH = 12;

/**
 * A blank's part is keyed by the grader's match key (case, width, spacing and edge punctuation
 * folded), so `BF16` and `bf16` are one candidate as they are one answer to the grader; other answers
 * are stored in the grader's canonical form already.
 */
export function candidateKey(blank: number | undefined, answer: string): string {
  const text = blank === undefined ? answer : matchKeyOfNormalized(normalizeText(answer));
  const hash = createHash('sha256').update(`${blank ?? 0}\u0000${text}`).digest('hex').slice(0, HASH_LENGTH);
  return `${blank ?? 0}.${hash}`;
}

/** The grader's own stored join of blanks (see grading/blank.ts and response-analysis.ts). */
const BLANK_JOINER = ' | ';

/**
 * The answers of a question's response analysis that a teacher may add to its key: every answer not
 * already right; for a fill-in-the-blank question, each blank's part the key of that blank does not
 * give full marks (counted over every answer it appears in), most frequent first. Only the types the
 * KeyFixService can add to (choice, numeric, blank); other keys are edited in the bank file.
 */
export function acceptCandidates(question: Question, responses: readonly ResponseRow[]): AcceptCandidate[] {
  if (!(ACCEPTABLE_TYPES as readonly string[]).includes(question.type)) return [];
  const notRight = responses.filter((response) => response.verdict !== 'correct');
  if (question.type !== 'blank') {
    return notRight
      .filter((response) => response.answer.trim() !== '')
      .map((response) => ({ key: candidateKey(undefined, response.answer), answer: response.answer, count: response.count, learners: response.learners, verdict: response.verdict }));
  }
  const single = question.blanks.length === 1;
  const parts = new Map<string, AcceptCandidate>();
  for (const response of notRight) {
    const split = single ? [response.answer] : response.answer.split(BLANK_JOINER);
    for (const [index, raw] of split.entries()) {
      const part = raw.trim();
      if (!part || index >= question.blanks.length || blankCredit(question, index, part) >= 1) continue;
      const key = candidateKey(index + 1, part);
      const known = parts.get(key);
      if (known) {
        known.count += response.count;
        // Rows are disjoint answers, but one learner may have given this part in several of them: a lower bound.
        known.learners = Math.max(known.learners, response.learners);
      } else {
        parts.set(key, { key, blank: index + 1, answer: part, count: response.count, learners: response.learners, verdict: 'wrong' });
      }
    }
  }
  return [...parts.values()].sort((a, b) => b.count - a.count || (a.blank ?? 0) - (b.blank ?? 0));
}

export interface QuestionView {
  bank: Bank;
  question: Question;
  rows: ItemReportRow[];
  item: ItemReportRow;
  candidates: AcceptCandidate[];
}

function resolveQuestion(bank: Bank, pointer: QuestionPointer): Question {
  const question = 'id' in pointer ? bank.questions.find((q) => q.id === pointer.id) : bank.questions[pointer.index];
  if (!question) {
    const ids = bank.questions.map((q) => q.id);
    const questions = ids.length > 10 ? `${ids.slice(0, 10).join(', ')}, …` : ids.join(', ');
    throw new UserError('unknown-question', { bankId: bank.id, questionId: 'id' in pointer ? pointer.id : `#${pointer.index}`, questions });
  }
  return question;
}

/** A question nobody in the server answered yet: an empty analysis rather than an error. */
function unanswered(question: Question): ItemReportRow {
  return { questionId: question.id, questionType: question.type, topic: question.topic ?? null, attempts: 0, facility: null, discriminationIndex: null, discriminativeEfficiency: null, flags: [], responses: [] };
}

/** The bank, question and stored answers (this server's) a step works on, read afresh each time. The caller checks the teacher role. */
export function loadQuestionView(deps: BotDeps, guildId: string, bankId: string, pointer: QuestionPointer): QuestionView {
  const bank = deps.banks.require(bankId);
  const question = resolveQuestion(bank, pointer);
  const rows = deps.classReports.itemReport(bank.id, { guildId });
  const item = rows.find((row) => row.questionId === question.id) ?? unanswered(question);
  return { bank, question, rows, item, candidates: item.responses ? acceptCandidates(question, item.responses) : [] };
}

function load(deps: BotDeps, interaction: ComponentInteraction, bankId: string, pointer: QuestionPointer): QuestionView {
  requireTeacher(interaction, deps.teacherRoleId);
  if (!interaction.guildId) throw new UserError('guild-only');
  return loadQuestionView(deps, interaction.guildId, bankId, pointer);
}

function findCandidate(view: QuestionView, key: string): AcceptCandidate {
  const candidate = view.candidates.find((entry) => entry.key === key);
  if (!candidate) throw new UserError('class-answer-gone');
  return candidate;
}

async function showAnalysis({ interaction, locale }: Pick<ComponentContext, 'interaction' | 'locale'>, view: QuestionView): Promise<void> {
  await interaction.editReply(renderResponseAnalysis({ locale, ...view }));
}

function selectedValue(interaction: ComponentInteraction): string {
  const value = interaction.isStringSelectMenu() ? interaction.values[0] : undefined;
  if (!value) throw new UserError('class-answer-gone');
  return value;
}

export const classQuestion: ComponentHandler<'class-question'> = {
  kinds: ['class-question'],
  defer: 'update',
  async handle(context) {
    const { interaction, id, deps } = context;
    await showAnalysis(context, load(deps, interaction, id.bankId, { id: selectedValue(interaction) }));
  },
};

export const classShow: ComponentHandler<'class-show'> = {
  kinds: ['class-show'],
  defer: 'update',
  async handle(context) {
    const { interaction, id, deps } = context;
    await showAnalysis(context, load(deps, interaction, id.bankId, id.question));
  },
};

export const classPick: ComponentHandler<'class-pick'> = {
  kinds: ['class-pick'],
  defer: 'update',
  async handle({ interaction, id, deps, locale }) {
    const view = load(deps, interaction, id.bankId, id.question);
    const candidate = findCandidate(view, selectedValue(interaction));
    await interaction.editReply(renderAcceptConfirm({ locale, bank: view.bank, question: view.question, candidate }));
  },
};

export const classAccept: ComponentHandler<'class-accept'> = {
  kinds: ['class-accept'],
  defer: 'update',
  async handle({ interaction, id, deps, locale }) {
    const view = load(deps, interaction, id.bankId, id.question);
    const candidate = findCandidate(view, id.candidate);
    const changedBy = interaction.user.id;
    const accepted = await deps.keyFixes.acceptAnswer({
      bankId: view.bank.id,
      questionId: view.question.id,
      ...(candidate.blank === undefined ? {} : { blank: candidate.blank }),
      answer: candidate.answer,
      fraction: id.percent / 100,
      changedBy,
    });
    deps.logger.info({ userId: changedBy, guildId: interaction.guildId, bankId: view.bank.id, questionId: view.question.id, blank: candidate.blank, changed: accepted.changed }, 'key changed from Discord');
    const report = await deps.keyFixes.regrade({ bankId: view.bank.id, questionId: view.question.id, dryRun: true, changedBy });
    // The reloaded bank: the question as it is now.
    const bank = deps.banks.require(view.bank.id);
    await interaction.editReply(renderDryRun({ locale, bank, question: resolveQuestion(bank, { id: view.question.id }), accepted, report }));
  },
};

export const classRegrade: ComponentHandler<'class-regrade'> = {
  kinds: ['class-regrade'],
  defer: 'update',
  async handle({ interaction, id, deps, locale }) {
    requireTeacher(interaction, deps.teacherRoleId);
    const bank = deps.banks.require(id.bankId);
    const question = resolveQuestion(bank, id.question);
    const report = await deps.keyFixes.regrade({ bankId: bank.id, questionId: question.id, dryRun: false, changedBy: interaction.user.id });
    deps.logger.info(
      { userId: interaction.user.id, guildId: interaction.guildId, bankId: bank.id, questionId: question.id, changed: report.changed.length, pointsDelta: report.pointsDelta },
      'regraded from Discord',
    );
    await interaction.editReply(renderRegradeDone(locale, question, report));
  },
};

export const classComponentHandlers = [classQuestion, classShow, classPick, classAccept, classRegrade] as const;
