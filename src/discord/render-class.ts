import { ButtonStyle, ComponentType, type APIEmbed, type APIEmbedField, type APIStringSelectComponent } from 'discord.js';
import type { Bank, Question } from '../bank/schema.ts';
import type { ClassReport } from '../progress/class-report.ts';
import type { ItemReportRow } from '../progress/item-report.ts';
import type { ResponseVerdict } from '../progress/response-analysis.ts';
import type { AcceptAnswerResult, RegradeReport } from '../services/key-fixes.ts';
import type { LearnerNotice } from '../services/notices.ts';
import { t, type MessageKey } from '../messages/catalog.ts';
import { formatPercent, formatPoints } from '../messages/format.ts';
import { encodeComponentId, type QuestionPointer } from './custom-id.ts';
import { button, COLOR, CONTENT_LIMIT, escapeMarkdown, message, row, SELECT_LABEL_LIMIT, truncate, typeLabel, userMention, type MessagePayload } from './render.ts';

/**
 * Everything `/class` shows (issue 12): the class report, item statistics with response analysis, the
 * key-fix flow (pick an answer → confirm → dry run → regrade) and the export's reply, plus the notices
 * learners get about changed grades. Pure builders over plain data, like render.ts; every message
 * parses no mentions, so a learner named `@everyone` in a report pings nobody.
 */

type L = string | null | undefined;

/** How many rows a list shows before "… and N more": keeps an embed readable and within its limits. */
const LIST_ROWS = 15;
const ITEM_ROWS = 30;
const RESPONSE_ROWS = 20;
const SELECT_OPTIONS = 25;
const STEM_PREVIEW = 300;

function more(locale: L, lines: string[], max: number, hint?: string): string {
  if (lines.length <= max) return lines.join('\n');
  return [...lines.slice(0, max), t(locale, 'class.more', { count: lines.length - max, hint: hint ?? '' })].join('\n');
}

function percent(part: number, whole: number, locale: L): string {
  return whole > 0 ? formatPercent(part / whole, locale ?? undefined) : '–';
}

function groupLine(locale: L, label: string, group: { attempts: number; correct: number; pointsEarned: number; pointsAvailable: number }): string {
  return t(locale, 'class.report.groupRow', {
    label,
    attempts: group.attempts,
    accuracy: percent(group.correct, group.attempts, locale),
    points: formatPoints(group.pointsEarned),
    available: formatPoints(group.pointsAvailable),
  });
}

/** Inline code that survives any text: backticks inside would end it early. */
function code(text: string, max = 100): string {
  return `\`${truncate(text.replace(/`/g, 'ˋ').replace(/\s+/g, ' '), max) || ' '}\``;
}

// ---------------------------------------------------------------------------------------------
// /class report

export type ClassPeriod = 'week' | 'month' | 'all';

export interface ClassReportInput {
  locale: L;
  report: ClassReport;
  period: ClassPeriod;
  /** The bank's title when the report is about one bank. */
  bankTitle?: string;
  /** The attachment name of the 30-day chart, when one is attached. */
  chartFile?: string;
}

function scopeLine(locale: L, bankTitle: string | undefined, period: ClassPeriod): string {
  return t(locale, 'class.scope', {
    bank: bankTitle ?? t(locale, 'class.scope.allBanks'),
    period: t(locale, `class.period.${period}`),
  });
}

export function renderClassReport(input: ClassReportInput): MessagePayload {
  const { locale, report } = input;
  const title = t(locale, 'class.report.title');
  const scope = scopeLine(locale, input.bankTitle, input.period);
  if (report.activeLearners === 0) {
    return message({ embeds: [{ title, description: `${scope}\n\n${t(locale, 'class.report.empty')}`, color: COLOR.neutral }] });
  }
  const { totals } = report;
  const overview = t(locale, 'class.report.overview', {
    learners: report.activeLearners,
    attempts: totals.attempts,
    accuracy: percent(totals.correct, totals.attempts, locale),
    points: formatPoints(totals.pointsEarned),
    available: formatPoints(totals.pointsAvailable),
    due: report.reviewsDue,
  });
  const fields: APIEmbedField[] = [];
  if (report.byType.length > 0) {
    fields.push({ name: t(locale, 'class.report.byType'), value: more(locale, report.byType.map((g) => groupLine(locale, typeLabel(locale, g.type), g)), LIST_ROWS) });
  }
  if (report.byTopic.length > 0) {
    fields.push({
      name: t(locale, 'class.report.byTopic'),
      value: more(locale, report.byTopic.map((g) => groupLine(locale, g.topic === null ? t(locale, 'class.noTopic') : escapeMarkdown(g.topic), g)), LIST_ROWS),
    });
  }
  if (report.weakestTopics.length > 0) {
    fields.push({ name: t(locale, 'class.report.weakest'), value: report.weakestTopics.map((g) => `• ${groupLine(locale, escapeMarkdown(g.topic), g)}`).join('\n') });
  }
  if (report.learners.length > 0) {
    fields.push({
      name: t(locale, 'class.report.learners'),
      value: more(
        locale,
        report.learners.map((learner) =>
          t(locale, 'class.report.learnerRow', {
            user: userMention(learner.userId),
            attempts: learner.attempts,
            accuracy: percent(learner.correct, learner.attempts, locale),
            points: formatPoints(learner.pointsEarned),
            available: formatPoints(learner.pointsAvailable),
            last: `<t:${Math.floor(new Date(learner.lastActiveAt).getTime() / 1000)}:R>`,
          }),
        ),
        LIST_ROWS,
        t(locale, 'class.more.export'),
      ),
    });
  }
  const embed: APIEmbed = { title, description: `${scope}\n\n${overview}`, color: COLOR.info, fields };
  if (input.chartFile) {
    embed.image = { url: `attachment://${input.chartFile}` };
    embed.footer = { text: t(locale, 'class.report.chart', { zone: report.timeZone }) };
  }
  return message({ embeds: [embed] });
}

// ---------------------------------------------------------------------------------------------
// /class items: item statistics, then one question's response analysis

const FLAG_KEY: Record<ItemReportRow['flags'][number], MessageKey> = {
  'low-facility': 'class.items.flag.low-facility',
  'low-discrimination': 'class.items.flag.low-discrimination',
  'negative-discrimination': 'class.items.flag.negative-discrimination',
};

function figure(value: number | null, digits: number): string {
  return value === null ? '–' : value.toFixed(digits);
}

function flagText(locale: L, row: ItemReportRow): string {
  return row.flags.map((flag) => t(locale, FLAG_KEY[flag])).join(', ');
}

function itemLine(locale: L, row: ItemReportRow): string {
  const line = t(locale, 'class.items.row', {
    question: code(row.questionId, 64),
    type: typeLabel(locale, row.questionType),
    learners: row.attempts,
    facility: figure(row.facility, 2),
    discrimination: figure(row.discriminationIndex, 1),
  });
  return row.flags.length > 0 ? `⚠️ ${line}\n  ${t(locale, 'class.items.check', { why: flagText(locale, row) })}` : line;
}

/** Where a question is in its bank: the custom ids' fallback when its id would make them too long. */
function positionOf(bank: Bank, questionId: string): number | undefined {
  const index = bank.questions.findIndex((question) => question.id === questionId);
  return index < 0 ? undefined : index;
}

/** The question picker: the questions that have a response analysis, "check the key" ones first. */
function questionSelect(locale: L, bank: Bank, rows: readonly ItemReportRow[], selected?: string): APIStringSelectComponent | null {
  const analysed = rows.filter((item) => item.responses && item.responses.length > 0).slice(0, SELECT_OPTIONS);
  if (analysed.length === 0) return null;
  return {
    type: ComponentType.StringSelect,
    custom_id: encodeComponentId({ kind: 'class-question', bankId: bank.id }),
    placeholder: t(locale, 'class.items.pick'),
    options: analysed.map((item) => {
      const wrong = item.responses!.filter((response) => response.verdict !== 'correct').length;
      return {
        label: truncate(`${item.flags.length > 0 ? '⚠️ ' : ''}${item.questionId}`, SELECT_LABEL_LIMIT),
        value: item.questionId,
        description: truncate(t(locale, 'class.items.option', { type: typeLabel(locale, item.questionType), facility: figure(item.facility, 2), wrong }), SELECT_LABEL_LIMIT),
        default: item.questionId === selected,
      };
    }),
  };
}

export interface ItemReportInput {
  locale: L;
  bank: Bank;
  rows: readonly ItemReportRow[];
}

export function renderItemReport(input: ItemReportInput): MessagePayload {
  const { locale, bank, rows } = input;
  const title = t(locale, 'class.items.title', { bank: bank.title });
  if (rows.length === 0) return message({ embeds: [{ title, description: t(locale, 'class.items.empty'), color: COLOR.neutral }] });
  const flagged = rows.filter((item) => item.flags.length > 0).length;
  const intro = t(locale, 'class.items.intro', { count: rows.length, flagged });
  const select = questionSelect(locale, bank, rows);
  return message({
    embeds: [
      {
        title,
        description: `${intro}\n\n${more(locale, rows.map((item) => itemLine(locale, item)), ITEM_ROWS, t(locale, 'class.more.cli'))}`,
        color: flagged > 0 ? COLOR.partial : COLOR.info,
        footer: { text: t(locale, 'class.items.footer') },
      },
    ],
    components: select ? [row(select)] : [],
  });
}

/** An answer of the response analysis a teacher may add to the key: a whole answer, or one blank's part. */
export interface AcceptCandidate {
  /** `<blank>.<hash>`: what the custom ids carry (see components/class.ts). */
  key: string;
  /** 1-based blank of a fill-in-the-blank question; absent for other types. */
  blank?: number;
  answer: string;
  /** Attempts and distinct learners that gave it. */
  count: number;
  learners: number;
  verdict: ResponseVerdict;
}

const VERDICT_KEY: Record<ResponseVerdict, MessageKey> = {
  correct: 'class.verdict.correct',
  partial: 'class.verdict.partial',
  wrong: 'class.verdict.wrong',
};

export interface ResponseAnalysisInput {
  locale: L;
  bank: Bank;
  question: Question;
  /** The question's row of the item report; its responses are the analysis. */
  item: ItemReportRow;
  /** All the bank's rows, for the question picker under the analysis. */
  rows: readonly ItemReportRow[];
  candidates: readonly AcceptCandidate[];
}

function candidateLabel(locale: L, candidate: AcceptCandidate): string {
  return candidate.blank === undefined ? candidate.answer : t(locale, 'class.candidate.blank', { blank: candidate.blank, answer: candidate.answer });
}

export function renderResponseAnalysis(input: ResponseAnalysisInput): MessagePayload {
  const { locale, bank, question, item } = input;
  const responses = item.responses ?? [];
  const lines = responses.map((response) =>
    t(locale, 'class.analysis.row', {
      answer: code(response.answer),
      count: response.count,
      learners: response.learners,
      verdict: response.verdict === 'partial' ? t(locale, 'class.verdict.partialMean', { mean: response.meanFraction.toFixed(2) }) : t(locale, VERDICT_KEY[response.verdict]),
    }),
  );
  const head = [
    `> ${escapeMarkdown(truncate(question.stem.replace(/\s+/g, ' '), STEM_PREVIEW))}`,
    t(locale, 'class.analysis.stats', {
      type: typeLabel(locale, item.questionType),
      learners: item.attempts,
      facility: figure(item.facility, 2),
      discrimination: figure(item.discriminationIndex, 1),
    }),
  ];
  if (item.flags.length > 0) head.push(`⚠️ ${t(locale, 'class.items.check', { why: flagText(locale, item) })}`);
  const list = lines.length > 0 ? more(locale, lines, RESPONSE_ROWS, t(locale, 'class.more.cli')) : t(locale, 'class.analysis.none');
  const description = `${head.join('\n')}\n\n${list}`;
  const components: MessagePayload['components'] = [];
  const index = positionOf(bank, question.id);
  if (input.candidates.length > 0) {
    const select: APIStringSelectComponent = {
      type: ComponentType.StringSelect,
      custom_id: encodeComponentId({ kind: 'class-pick', bankId: bank.id, question: { id: question.id } }, index),
      placeholder: t(locale, 'class.analysis.pick'),
      options: input.candidates.slice(0, SELECT_OPTIONS).map((candidate) => ({
        label: truncate(candidateLabel(locale, candidate), SELECT_LABEL_LIMIT),
        value: candidate.key,
        description: truncate(
          t(locale, 'class.candidate.description', { count: candidate.count, learners: candidate.learners, verdict: t(locale, VERDICT_KEY[candidate.verdict]) }),
          SELECT_LABEL_LIMIT,
        ),
      })),
    };
    components.push(row(select));
  }
  const picker = questionSelect(locale, bank, input.rows, question.id);
  if (picker) components.push(row(picker));
  return message({
    embeds: [
      {
        title: t(locale, 'class.analysis.title', { question: question.id, bank: bank.title }),
        description,
        color: item.flags.length > 0 ? COLOR.partial : COLOR.info,
        footer: { text: t(locale, input.candidates.length > 0 ? 'class.analysis.footer' : 'class.analysis.noCandidates') },
      },
    ],
    components,
  });
}

// ---------------------------------------------------------------------------------------------
// The key fix: confirmation, dry run, regrade

export interface AcceptConfirmInput {
  locale: L;
  bank: Bank;
  question: Question;
  candidate: AcceptCandidate;
}

/** Full and half marks: the CLI (`tutor bank accept --fraction`) takes any other share. */
export const ACCEPT_PERCENTS = [100, 50] as const;

export function renderAcceptConfirm(input: AcceptConfirmInput): MessagePayload {
  const { locale, bank, question, candidate } = input;
  const pointer: QuestionPointer = { id: question.id };
  const index = positionOf(bank, question.id);
  const description = [
    t(locale, candidate.blank === undefined ? 'class.accept.confirm' : 'class.accept.confirmBlank', {
      answer: code(candidate.answer),
      question: code(question.id, 64),
      blank: candidate.blank ?? 0,
      count: candidate.count,
      learners: candidate.learners,
    }),
    '',
    t(locale, 'class.accept.how'),
  ].join('\n');
  return message({
    embeds: [{ title: t(locale, 'class.accept.title'), description, color: COLOR.partial }],
    components: [
      row(
        ...ACCEPT_PERCENTS.map((percent) =>
          button(
            encodeComponentId({ kind: 'class-accept', bankId: bank.id, question: pointer, candidate: candidate.key, percent }, index),
            t(locale, percent === 100 ? 'class.accept.full' : 'class.accept.part', { percent }),
            percent === 100 ? ButtonStyle.Success : ButtonStyle.Primary,
          ),
        ),
        button(encodeComponentId({ kind: 'class-show', bankId: bank.id, question: pointer }, index), t(locale, 'class.cancel')),
      ),
    ],
  });
}

function changeLines(locale: L, report: RegradeReport): string {
  return more(
    locale,
    report.changed.map((change) =>
      t(locale, 'class.regrade.change', {
        user: userMention(change.userId),
        answer: code(change.answer, 60),
        before: formatPoints(change.before),
        after: formatPoints(change.after),
        max: formatPoints(change.maxScore),
      }),
    ),
    10,
  );
}

/** `+4 points`, `-1 point`: a change of points with its sign, in the locale's plural. */
function signedPoints(locale: L, value: number): string {
  return `${value > 0 ? '+' : value < 0 ? '−' : ''}${t(locale, 'points', { points: Math.abs(value) })}`;
}

export interface DryRunInput {
  locale: L;
  bank: Bank;
  question: Question;
  /** The key change just made; absent when the dry run follows an edited bank file. */
  accepted?: AcceptAnswerResult;
  report: RegradeReport;
}

/** The key change's outcome and the dry run of the regrade, with the button that runs it for real. */
export function renderDryRun(input: DryRunInput): MessagePayload {
  const { locale, bank, question, accepted, report } = input;
  const lines: string[] = [];
  if (accepted) {
    const params = {
      answer: code(accepted.answer),
      question: code(question.id, 64),
      blank: accepted.blank ?? 0,
      fraction: formatPercent(accepted.fraction, locale ?? undefined),
    };
    lines.push(t(locale, accepted.changed ? (accepted.blank === undefined ? 'class.accept.done' : 'class.accept.doneBlank') : 'class.accept.unchanged', params), '');
  }
  lines.push(
    t(locale, 'class.regrade.dryRun', {
      changed: report.changed.length,
      considered: report.considered,
      delta: signedPoints(locale, report.pointsDelta),
      learners: report.learners,
      skipped: report.skippedTeacherGraded,
    }).trim(),
  );
  if (report.changed.length > 0) lines.push('', changeLines(locale, report));
  const pointer: QuestionPointer = { id: question.id };
  const index = positionOf(bank, question.id);
  return message({
    embeds: [{ title: t(locale, 'class.regrade.dryRunTitle', { question: question.id }), description: lines.join('\n'), color: COLOR.info }],
    components: [
      row(
        button(
          encodeComponentId({ kind: 'class-regrade', bankId: bank.id, question: pointer }, index),
          t(locale, 'class.regrade.run', { count: report.changed.length }),
          ButtonStyle.Danger,
          report.changed.length === 0,
        ),
        button(encodeComponentId({ kind: 'class-show', bankId: bank.id, question: pointer }, index), t(locale, 'class.back')),
      ),
    ],
  });
}

export function renderRegradeDone(locale: L, question: Question, report: RegradeReport): MessagePayload {
  const lines = [
    t(locale, 'class.regrade.done', {
      changed: report.changed.length,
      considered: report.considered,
      delta: signedPoints(locale, report.pointsDelta),
      learners: report.learners,
      notices: report.noticesQueued,
      skipped: report.skippedTeacherGraded,
    }).trim(),
  ];
  if (report.changed.length > 0) lines.push('', changeLines(locale, report));
  return message({
    embeds: [{ title: t(locale, 'class.regrade.doneTitle', { question: question.id }), description: lines.join('\n'), color: COLOR.correct }],
    components: [],
  });
}

// ---------------------------------------------------------------------------------------------
// /class export

export function renderExportDone(locale: L, input: { rows: number; bankTitle?: string; period: ClassPeriod }): MessagePayload {
  const scope = scopeLine(locale, input.bankTitle, input.period);
  return message({ content: `${scope}\n${t(locale, input.rows === 0 ? 'class.export.empty' : 'class.export.done', { rows: input.rows })}` });
}

/** The attachment's name: ASCII only (a bank id is), with the day it was made. */
export function exportFileName(bankId: string | undefined, now: Date): string {
  return `class-${bankId ?? 'all-banks'}-${now.toISOString().slice(0, 10)}.csv`;
}

// ---------------------------------------------------------------------------------------------
// Notices to learners (src/discord/notices.ts delivers them)

const APPEAL_STATUSES = ['upheld', 'changed', 'rejected'] as const;

function param(notice: LearnerNotice, name: string): string | number | undefined {
  return notice.params[name];
}

function numberParam(notice: LearnerNotice, name: string): number | undefined {
  const value = param(notice, name);
  const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  return Number.isFinite(number) ? number : undefined;
}

/**
 * One notice as a line. The enqueuing services fill `params` (see src/discord/notices.ts for the
 * names); a parameter left out drops its part of the sentence rather than showing a raw `{name}`.
 */
export function renderNoticeLine(locale: L, notice: LearnerNotice): string {
  const question = escapeMarkdown(truncate(String(param(notice, 'question') ?? param(notice, 'questionId') ?? '?').replace(/\s+/g, ' '), 120));
  const answerValue = param(notice, 'answer');
  const answer = answerValue === undefined ? undefined : code(String(answerValue), 80);
  const before = numberParam(notice, 'before');
  const after = numberParam(notice, 'after') ?? numberParam(notice, 'score');
  const max = numberParam(notice, 'max') ?? numberParam(notice, 'maxScore');
  const delta = numberParam(notice, 'delta') ?? (after !== undefined && before !== undefined ? after - before : undefined);
  const score = after === undefined ? '' : t(locale, 'notice.score', { after: formatPoints(after), max: max ?? '?' });
  const change = delta === undefined || delta === 0 ? '' : t(locale, 'notice.change', { delta: signedPoints(locale, delta) });
  const noteValue = param(notice, 'note');
  const note = typeof noteValue === 'string' && noteValue.trim() ? t(locale, 'notice.note', { note: escapeMarkdown(truncate(noteValue.trim(), 300)) }) : '';
  switch (notice.kind) {
    case 'regrade': {
      const right = after !== undefined && max !== undefined && after >= max;
      return t(locale, right ? 'notice.regrade' : 'notice.regrade.partial', { question, answer: answer ?? '', score, change });
    }
    case 'teacher-grade':
      return t(locale, 'notice.teacher-grade', { question, score, change, note });
    case 'appeal-resolved': {
      const statusValue = String(param(notice, 'status') ?? '');
      const status = (APPEAL_STATUSES as readonly string[]).includes(statusValue) ? t(locale, `notice.appealStatus.${statusValue}` as MessageKey) : t(locale, 'notice.appealStatus.resolved');
      return t(locale, 'notice.appeal-resolved', { question, status, score, change, note });
    }
  }
}

/**
 * A learner's notices as messages: their name (rendered, never pinging) and a line per notice, packed
 * so each message stays within Discord's 2,000 characters. Each message says which notices it carries,
 * so only those sent are marked delivered.
 */
export function renderNoticeMessages(locale: L, userId: string, notices: readonly LearnerNotice[]): Array<{ ids: number[]; payload: MessagePayload }> {
  const header = t(locale, 'notice.header', { user: userMention(userId) });
  const messages: Array<{ ids: number[]; payload: MessagePayload }> = [];
  let content = header;
  let ids: number[] = [];
  for (const notice of notices) {
    const line = `• ${truncate(renderNoticeLine(locale, notice), CONTENT_LIMIT - header.length - 2)}`;
    if (ids.length > 0 && content.length + 1 + line.length > CONTENT_LIMIT) {
      messages.push({ ids, payload: message({ content }) });
      content = header;
      ids = [];
    }
    content += `\n${line}`;
    ids.push(notice.id);
  }
  if (ids.length > 0) messages.push({ ids, payload: message({ content }) });
  return messages;
}
