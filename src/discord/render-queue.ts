import {
  ButtonStyle,
  ComponentType,
  LabelBuilder,
  ModalBuilder,
  TextInputBuilder,
  TextInputStyle,
  type APIEmbedField,
  type APIStringSelectComponent,
} from 'discord.js';
import { t, type MessageKey } from '../messages/catalog.ts';
import { formatPoints } from '../messages/format.ts';
import { APPEAL_REASON_MAX, type AppealSummary } from '../services/appeals.ts';
import { RESOLUTION_NOTE_MAX, type QueueItem, type QueuePoint, type ResolveResult } from '../services/review-queue.ts';
import { encodeComponentId } from './custom-id.ts';
import {
  COLOR,
  LABEL_LIMIT,
  MODAL_TITLE_LIMIT,
  SELECT_LABEL_LIMIT,
  button,
  escapeMarkdown,
  message,
  row,
  truncate,
  userMention,
  type MessagePayload,
} from './render.ts';

/**
 * What the review queue and appeals show on Discord, built from plain data: the teacher's `/class
 * queue` list and item (answered privately), the per-point score and reject modals, the learner's
 * appeal modal, and the appeals line of `/stats`. Learner text is data: shown escaped, never pinging.
 */

type L = string | null | undefined;

/** Discord allows five text inputs in a modal: a question with more marking points is scored five at a time. */
export const POINTS_PER_MODAL = 5;
/** The select menu holds 25 options; the embed lists the same answers. */
export const QUEUE_PAGE = 25;

const VERDICT_MARK: Record<string, string> = { met: '✅', correct: '✅', partial: '🟡', missed: '❌', wrong: '❌' };

function kindLabel(locale: L, kind: QueueItem['kind']): string {
  return t(locale, `queue.kind.${kind}` as MessageKey);
}

function flat(text: string, max: number): string {
  return truncate(text.replace(/\s+/g, ' ').trim(), max);
}

function inlineCode(text: string, max: number): string {
  return flat(text, max).replace(/`/g, "'") || '—';
}

function questionName(item: Pick<QueueItem, 'stem' | 'questionId'>): string {
  return item.stem ?? item.questionId;
}

function quote(text: string, max: number): string {
  return truncate(text.trim() || '—', max - 2)
    .split('\n')
    .map((line) => `> ${escapeMarkdown(line)}`)
    .join('\n');
}

export interface QueueListInput {
  locale: L;
  items: readonly QueueItem[];
  total: number;
  provisional: boolean;
  /** A line above the list (what was just resolved). */
  notice?: string;
}

function pickMenu(locale: L, items: readonly QueueItem[], provisional: boolean): APIStringSelectComponent {
  return {
    type: ComponentType.StringSelect,
    custom_id: encodeComponentId({ kind: 'queue-pick', provisional }),
    placeholder: t(locale, 'queue.select.placeholder'),
    min_values: 1,
    max_values: 1,
    options: items.slice(0, QUEUE_PAGE).map((item) => ({
      label: truncate(`#${item.attemptId} ${kindLabel(locale, item.kind)} · ${flat(questionName(item), 60)}`, SELECT_LABEL_LIMIT),
      description: truncate(flat(item.appeal ? item.appeal.reason : item.answer, 100) || '—', 100),
      value: String(item.attemptId),
    })),
  };
}

/** The queue, oldest first, with a menu to open one answer. */
export function renderQueueList(input: QueueListInput): MessagePayload {
  const { locale, items } = input;
  const shown = items.slice(0, QUEUE_PAGE);
  const lines = shown.map((item) =>
    t(locale, 'queue.row', {
      id: item.attemptId,
      kind: kindLabel(locale, item.kind),
      user: userMention(item.userId),
      question: inlineCode(questionName(item), 80),
      score: formatPoints(item.score),
      max: formatPoints(item.maxScore),
    }),
  );
  if (input.total > shown.length) lines.push('', t(locale, 'queue.more', { shown: shown.length }));
  return message({
    ...(input.notice ? { content: input.notice } : { content: '' }),
    embeds: [
      {
        title: t(locale, 'queue.title', { count: input.total }),
        description: shown.length === 0 ? t(locale, 'queue.empty') : lines.join('\n'),
        color: shown.length === 0 ? COLOR.neutral : COLOR.info,
      },
    ],
    components: shown.length === 0 ? [] : [row(pickMenu(locale, shown, input.provisional))],
  });
}

function pointLine(point: QueuePoint, index: number): string {
  const evidence = point.evidence ? ` — “${escapeMarkdown(flat(point.evidence, 120))}”` : '';
  return `${VERDICT_MARK[point.verdict] ?? '•'} ${index + 1}. ${escapeMarkdown(flat(point.label, 120))} (${formatPoints(point.score)}/${formatPoints(point.maxScore)})${evidence}`;
}

export interface QueueItemInput {
  locale: L;
  item: QueueItem;
  provisional: boolean;
  /** The rest of the queue, for the menu under the item. */
  items: readonly QueueItem[];
}

/** One answer: question, the learner's answer, per-point verdicts with evidence, score; Accept, Set scores, Reject. */
export function renderQueueItem(input: QueueItemInput): MessagePayload {
  const { locale, item, provisional } = input;
  const fields: APIEmbedField[] = [
    { name: t(locale, 'queue.item.learner'), value: userMention(item.userId), inline: true },
    {
      name: t(locale, 'queue.item.score'),
      value: [t(locale, 'queue.item.scoreLine', { score: formatPoints(item.score), max: formatPoints(item.maxScore) }), item.claimedScore !== null ? t(locale, 'queue.item.claimed', { claimed: formatPoints(item.claimedScore) }) : '']
        .filter(Boolean)
        .join('\n'),
      inline: true,
    },
    {
      name: t(locale, 'queue.item.question'),
      value: item.stem === null ? t(locale, 'queue.item.questionGone', { bank: item.bankId, question: item.questionId }) : truncate(item.stem, 1000),
    },
    { name: t(locale, 'queue.item.answer'), value: quote(item.answer, 1024) },
  ];
  if (item.appeal) fields.push({ name: t(locale, 'queue.item.appeal'), value: quote(item.appeal.reason, 1024) });
  fields.push({ name: t(locale, 'queue.item.points'), value: item.points.map(pointLine).join('\n') });
  const id = { attemptId: item.attemptId, provisional };
  const others = input.items.filter((other) => other.attemptId !== item.attemptId);
  return message({
    content: '',
    embeds: [
      {
        title: t(locale, 'queue.item.title', { id: item.attemptId, kind: kindLabel(locale, item.kind) }),
        description: item.note ? t(locale, 'queue.item.note', { note: escapeMarkdown(item.note) }) : '',
        color: item.kind === 'flagged' ? COLOR.wrong : COLOR.partial,
        fields,
        footer: { text: `${item.bankId}/${item.questionId}` },
      },
    ],
    components: [
      row(
        button(encodeComponentId({ kind: 'queue-accept', ...id }), t(locale, 'queue.button.accept'), ButtonStyle.Success),
        button(encodeComponentId({ kind: 'queue-scores', ...id, from: 0 }), t(locale, 'queue.button.scores'), ButtonStyle.Primary),
        button(encodeComponentId({ kind: 'queue-reject', ...id }), t(locale, 'queue.button.reject'), ButtonStyle.Danger),
      ),
      ...(others.length > 0 ? [row(pickMenu(locale, others, provisional))] : []),
    ],
  });
}

/**
 * Scores for marking points `from`…`from + 4`: one input each, labelled with the point and its marks.
 * On the last modal, a spare input slot takes an optional note to the learner.
 */
export function renderScoresModal(locale: L, item: QueueItem, provisional: boolean, from: number): ModalBuilder {
  const total = item.points.length;
  const to = Math.min(total, from + POINTS_PER_MODAL);
  const modal = new ModalBuilder()
    .setCustomId(encodeComponentId({ kind: 'queue-scoresmodal', attemptId: item.attemptId, provisional, from }))
    .setTitle(truncate(t(locale, 'queue.modal.scoresTitle', { from: from + 1, to, total }), MODAL_TITLE_LIMIT));
  for (let index = from; index < to; index++) {
    const point = item.points[index]!;
    modal.addLabelComponents(
      new LabelBuilder()
        .setLabel(truncate(t(locale, 'queue.modal.pointLabel', { n: index + 1, point: flat(point.label, 60) }), LABEL_LIMIT))
        .setTextInputComponent(
          new TextInputBuilder()
            .setCustomId(`score-${index}`)
            .setStyle(TextInputStyle.Short)
            .setRequired(true)
            .setMaxLength(10)
            .setPlaceholder(truncate(t(locale, 'queue.modal.pointPlaceholder', { max: formatPoints(point.maxScore) }), 100))
            .setValue(formatPoints(point.score)),
        ),
    );
  }
  if (to === total && to - from < POINTS_PER_MODAL) modal.addLabelComponents(noteInput(locale, false));
  return modal;
}

function noteInput(locale: L, required: boolean): LabelBuilder {
  return new LabelBuilder()
    .setLabel(truncate(t(locale, 'queue.modal.noteLabel'), LABEL_LIMIT))
    .setTextInputComponent(new TextInputBuilder().setCustomId('note').setStyle(TextInputStyle.Paragraph).setRequired(required).setMaxLength(RESOLUTION_NOTE_MAX));
}

export function renderRejectModal(locale: L, attemptId: number, provisional: boolean): ModalBuilder {
  return new ModalBuilder()
    .setCustomId(encodeComponentId({ kind: 'queue-rejectmodal', attemptId, provisional }))
    .setTitle(truncate(t(locale, 'queue.modal.rejectTitle'), MODAL_TITLE_LIMIT))
    .addLabelComponents(noteInput(locale, true));
}

/** After the first five points of a longer rubric: a button opening the modal for the next five. */
export function renderScoresContinue(locale: L, item: QueueItem, provisional: boolean, from: number): MessagePayload {
  const to = Math.min(item.points.length, from + POINTS_PER_MODAL);
  return message({
    content: t(locale, 'queue.scores.partial', { to: from }),
    embeds: [],
    components: [
      row(button(encodeComponentId({ kind: 'queue-scores', attemptId: item.attemptId, provisional, from }), t(locale, 'queue.button.continueScores', { from: from + 1, to }), ButtonStyle.Primary)),
    ],
  });
}

export function renderResolvedLine(locale: L, result: ResolveResult): string {
  const outcome = result.appealStatus ?? (result.after === result.before ? 'confirmed' : 'changed');
  return t(locale, 'queue.resolved', {
    id: result.attemptId,
    before: formatPoints(result.before),
    after: formatPoints(result.after),
    max: formatPoints(result.maxScore),
    outcome: t(locale, `queue.outcome.${outcome}` as MessageKey),
  });
}

export function renderAppealModal(locale: L, attemptId: number): ModalBuilder {
  return new ModalBuilder()
    .setCustomId(encodeComponentId({ kind: 'appeal-modal', attemptId }))
    .setTitle(truncate(t(locale, 'appeal.modal.title'), MODAL_TITLE_LIMIT))
    .addLabelComponents(
      new LabelBuilder()
        .setLabel(truncate(t(locale, 'appeal.modal.label'), LABEL_LIMIT))
        .setTextInputComponent(new TextInputBuilder().setCustomId('reason').setStyle(TextInputStyle.Paragraph).setRequired(true).setMaxLength(APPEAL_REASON_MAX)),
    );
}

/** The appeals field of `/stats` (the learner's own): each recent appeal and its state; null without appeals. */
export function renderAppealsField(locale: L, summary: AppealSummary, questionText: (bankId: string, questionId: string) => string | undefined): APIEmbedField | null {
  if (summary.recent.length === 0) return null;
  return {
    name: t(locale, 'stats.appeals'),
    value: summary.recent
      .map((appeal) =>
        t(locale, 'stats.appealRow', {
          question: inlineCode(questionText(appeal.bankId, appeal.questionId) ?? appeal.questionId, 80),
          score: formatPoints(appeal.score),
          max: formatPoints(appeal.maxScore),
          status: t(locale, `appeal.status.${appeal.status}` as MessageKey),
        }),
      )
      .join('\n'),
  };
}
