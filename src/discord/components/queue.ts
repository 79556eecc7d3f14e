import { UserError } from '../../errors.ts';
import { t, type Locale } from '../../messages/catalog.ts';
import type { QueueItem, QueueResolution } from '../../services/review-queue.ts';
import {
  POINTS_PER_MODAL,
  QUEUE_PAGE,
  renderAppealModal,
  renderQueueItem,
  renderQueueList,
  renderRejectModal,
  renderResolvedLine,
  renderScoresContinue,
  renderScoresModal,
} from '../render-queue.ts';
import { NO_MENTIONS, renderPlain, type MessagePayload } from '../render.ts';
import { requireTeacher } from '../teacher.ts';
import type { BotDeps, ComponentContext, ComponentHandler, ComponentInteraction } from '../types.ts';

/**
 * The Appeal button under a verdict (the learner's, checked by the appeals service: their own answer,
 * once, within the rate limit) and the review queue's components under `/class queue` (teachers only:
 * `requireTeacher` on every one, and only answers given in this server).
 */

/** The server a teacher acts in: the queue never shows another server's learners. */
function teacherGuild(interaction: ComponentInteraction, deps: BotDeps): string {
  if (!interaction.guildId) throw new UserError('guild-only');
  requireTeacher(interaction, deps.teacherRoleId);
  return interaction.guildId;
}

/** The queue of this server as `/class queue` shows it, with `notice` (what was just resolved) above it. */
export function queueListPayload(deps: BotDeps, locale: Locale, guildId: string, provisional: boolean, notice?: string): MessagePayload {
  const filter = { guildId, includeProvisional: provisional };
  const items = deps.reviewQueue.list({ ...filter, limit: QUEUE_PAGE });
  // Counted apart only when the page is full: one query less for the usual short queue.
  const total = items.length < QUEUE_PAGE ? items.length : deps.reviewQueue.count(filter);
  return renderQueueList({ locale, items, total, provisional, ...(notice ? { notice } : {}) });
}

function itemPayload(deps: BotDeps, locale: Locale, guildId: string, item: QueueItem, provisional: boolean): MessagePayload {
  const items = deps.reviewQueue.list({ guildId, includeProvisional: provisional, limit: QUEUE_PAGE });
  return renderQueueItem({ locale, item, provisional, items });
}

async function resolveAndShow(
  context: Pick<ComponentContext, 'interaction' | 'deps' | 'locale'>,
  guildId: string,
  attemptId: number,
  provisional: boolean,
  resolution: QueueResolution,
): Promise<void> {
  const { interaction, deps, locale } = context;
  const result = deps.reviewQueue.resolve({ attemptId, resolution, resolvedBy: interaction.user.id, guildId });
  deps.logger.info(
    { attemptId, teacherId: interaction.user.id, guildId, action: resolution.action, before: result.before, after: result.after, appeal: result.appealStatus },
    'review queue item resolved',
  );
  await interaction.editReply(queueListPayload(deps, locale, guildId, provisional, renderResolvedLine(locale, result)));
}

/**
 * Scores typed for marking points of a rubric longer than one modal, by teacher and answer, until the
 * last modal. Kept in memory only: after a restart the teacher starts that answer's modals again.
 */
const partialScores = new Map<string, string[]>();

/** `2`, `1.5`, `1,5`: a number of points; anything else names the point it was typed for. */
export function parseScore(text: string, point: number): number {
  const value = text.trim().replace(',', '.');
  if (!/^\d+(\.\d+)?$|^\.\d+$/.test(value)) throw new UserError('queue-invalid-score', { point, value: text.trim() });
  return Number(value);
}

const appealOpen: ComponentHandler<'appeal-open'> = {
  kinds: ['appeal-open'],
  defer: 'none',
  async handle({ interaction, id, deps, locale }) {
    if (interaction.isModalSubmit()) return;
    // Refused before the modal opens, so nobody types a reason for an appeal that cannot be made.
    deps.appeals.checkCanAppeal(id.attemptId, interaction.user.id);
    await interaction.showModal(renderAppealModal(locale, id.attemptId));
  },
};

const appealModal: ComponentHandler<'appeal-modal'> = {
  kinds: ['appeal-modal'],
  defer: 'ephemeral',
  async handle({ interaction, id, deps, locale }) {
    if (!interaction.isModalSubmit()) return;
    const appeal = deps.appeals.submit({ attemptId: id.attemptId, userId: interaction.user.id, reason: interaction.fields.getTextInputValue('reason') });
    deps.logger.info({ appealId: appeal.id, attemptId: id.attemptId, userId: interaction.user.id }, 'appeal submitted');
    await interaction.editReply(renderPlain(t(locale, 'appeal.submitted')));
    // Best effort: the verdict's Appeal button goes grey, since the answer cannot be appealed again.
    const verdict = interaction.message;
    if (verdict) {
      const components = verdict.components.map((component) => {
        const json = component.toJSON() as { components?: Array<{ custom_id?: string; disabled?: boolean }> };
        for (const child of json.components ?? []) if (child.custom_id === interaction.customId.replace(':modal:', ':open:')) child.disabled = true;
        return json;
      });
      await verdict.edit({ components: components as never, allowedMentions: NO_MENTIONS }).catch((error: unknown) => {
        deps.logger.debug({ err: error, interactionId: interaction.id }, 'could not grey out an appealed verdict’s button');
      });
    }
  },
};

const queuePick: ComponentHandler<'queue-pick'> = {
  kinds: ['queue-pick'],
  defer: 'update',
  async handle({ interaction, id, deps, locale }) {
    if (!interaction.isStringSelectMenu()) return;
    const guildId = teacherGuild(interaction, deps);
    const attemptId = Number(interaction.values[0]);
    const item = deps.reviewQueue.show(attemptId, { guildId });
    await interaction.editReply(itemPayload(deps, locale, guildId, item, id.provisional));
  },
};

const queueAccept: ComponentHandler<'queue-accept'> = {
  kinds: ['queue-accept'],
  defer: 'update',
  async handle(context) {
    const { interaction, id, deps } = context;
    const guildId = teacherGuild(interaction, deps);
    await resolveAndShow(context, guildId, id.attemptId, id.provisional, { action: 'accept' });
  },
};

const queueScores: ComponentHandler<'queue-scores'> = {
  kinds: ['queue-scores'],
  defer: 'none',
  async handle({ interaction, id, deps, locale }) {
    if (interaction.isModalSubmit()) return;
    const guildId = teacherGuild(interaction, deps);
    const item = deps.reviewQueue.show(id.attemptId, { guildId });
    await interaction.showModal(renderScoresModal(locale, item, id.provisional, Math.min(id.from, Math.max(0, item.points.length - 1))));
  },
};

const queueScoresModal: ComponentHandler<'queue-scoresmodal'> = {
  kinds: ['queue-scoresmodal'],
  defer: 'update',
  async handle(context) {
    const { interaction, id, deps, locale } = context;
    if (!interaction.isModalSubmit()) return;
    const guildId = teacherGuild(interaction, deps);
    const item = deps.reviewQueue.show(id.attemptId, { guildId });
    const key = `${interaction.user.id}:${id.attemptId}`;
    const typed = id.from === 0 ? [] : (partialScores.get(key) ?? []);
    if (typed.length < id.from) {
      // The earlier points' scores were lost (a restart): ask for them again from the first.
      await interaction.editReply(renderScoresContinue(locale, item, id.provisional, 0));
      return;
    }
    const to = Math.min(item.points.length, id.from + POINTS_PER_MODAL);
    for (let index = id.from; index < to; index++) typed[index] = interaction.fields.getTextInputValue(`score-${index}`);
    if (to < item.points.length) {
      partialScores.set(key, typed);
      await interaction.editReply(renderScoresContinue(locale, item, id.provisional, to));
      return;
    }
    partialScores.delete(key);
    const scores = typed.map((text, index) => parseScore(text, index + 1));
    const note = interaction.fields.fields.has('note') ? interaction.fields.getTextInputValue('note') : '';
    await resolveAndShow(context, guildId, id.attemptId, id.provisional, { action: 'scores', scores, ...(note.trim() ? { note } : {}) });
  },
};

const queueReject: ComponentHandler<'queue-reject'> = {
  kinds: ['queue-reject'],
  defer: 'none',
  async handle({ interaction, id, deps, locale }) {
    if (interaction.isModalSubmit()) return;
    const guildId = teacherGuild(interaction, deps);
    deps.reviewQueue.show(id.attemptId, { guildId });
    await interaction.showModal(renderRejectModal(locale, id.attemptId, id.provisional));
  },
};

const queueRejectModal: ComponentHandler<'queue-rejectmodal'> = {
  kinds: ['queue-rejectmodal'],
  defer: 'update',
  async handle(context) {
    const { interaction, id, deps } = context;
    if (!interaction.isModalSubmit()) return;
    const guildId = teacherGuild(interaction, deps);
    await resolveAndShow(context, guildId, id.attemptId, id.provisional, { action: 'reject', note: interaction.fields.getTextInputValue('note') });
  },
};

export const queueComponentHandlers = [appealOpen, appealModal, queuePick, queueAccept, queueScores, queueScoresModal, queueReject, queueRejectModal] as const;
