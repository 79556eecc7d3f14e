import type { Client } from 'discord.js';
import type { Logger } from '../logger.ts';
import type { LearnerNotice, NoticeService } from '../services/notices.ts';
import { renderNoticeMessages } from './render-class.ts';
import type { MessagePayload } from './render.ts';

/**
 * Delivers the notices the core services queue for learners (a regrade after a key fix, a teacher's
 * grade, an appeal's outcome: src/services/notices.ts) while the bot runs. Every `intervalMs` it reads
 * the pending ones, groups them per learner, and sends each learner one message (split only where
 * Discord's 2,000 characters demand it) in the quiz thread of their latest notice, else as a direct
 * message. A notice is marked delivered only after Discord accepted the message carrying it, so a
 * crash or an outage means a later try, never a lost notice; a learner unreachable both ways (thread
 * gone, direct messages closed) is tried again later with a growing pause, without holding up others.
 * Messages are sent one at a time, `gapMs` apart, so a regrade of a whole class stays well inside
 * Discord's rate limits; nothing pings (the learner's name renders, notifies nobody).
 *
 * Parameters the message catalogue reads from a notice's `params` (render-class.ts, renderNoticeLine):
 * `question` (its id), `answer` (the answer as given), `before`, `after` and `max` (points; `score`
 * and `maxScore` are read as `after` and `max`), `delta` (signed points, else after − before), `note`
 * (a teacher's note), and for appeals `status` (`upheld` | `changed` | `rejected`). Any of them may be
 * absent: the sentence then leaves that part out.
 */

export interface NoticeDeliveryOptions {
  /** How often pending notices are read. Default 15 s. */
  intervalMs?: number;
  /** Pause between two messages. Default 1 s (Discord allows about 5 messages per 5 s per channel). */
  gapMs?: number;
  /** Pending notices read per round. Default 200. */
  batchSize?: number;
}

export interface NoticeDelivery {
  /** Runs one round now (or waits for the one running); resolves with how many notices were delivered. */
  deliverNow(): Promise<number>;
  stop(): Promise<void>;
}

interface Backoff {
  failures: number;
  retryAt: number;
}

const MAX_BACKOFF_MS = 60 * 60 * 1000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The learner's notices grouped, oldest learner first; the thread of their latest notice that has one. */
function byLearner(notices: readonly LearnerNotice[]): Array<{ userId: string; threadId: string | null; guildId: string | null; notices: LearnerNotice[] }> {
  const groups = new Map<string, { userId: string; threadId: string | null; guildId: string | null; notices: LearnerNotice[] }>();
  for (const notice of notices) {
    let group = groups.get(notice.userId);
    if (!group) {
      group = { userId: notice.userId, threadId: null, guildId: null, notices: [] };
      groups.set(notice.userId, group);
    }
    group.notices.push(notice);
    if (notice.threadId) group.threadId = notice.threadId;
    if (notice.guildId) group.guildId = notice.guildId;
  }
  return [...groups.values()];
}

export function startNoticeDelivery(client: Client, deps: { notices: NoticeService; logger: Logger }, options: NoticeDeliveryOptions = {}): NoticeDelivery {
  const intervalMs = options.intervalMs ?? 15_000;
  const gapMs = options.gapMs ?? 1_000;
  const batchSize = options.batchSize ?? 200;
  const logger = deps.logger.child({ component: 'notices' });
  const backoff = new Map<number, Backoff>();
  let running: Promise<number> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let sentAny = false;

  async function sendToThread(threadId: string, payload: MessagePayload): Promise<boolean> {
    try {
      const channel = await client.channels.fetch(threadId);
      if (!channel?.isSendable()) return false;
      // A new message reopens an archived thread that is not locked.
      await channel.send(payload);
      return true;
    } catch (error) {
      logger.debug({ err: error, threadId }, 'could not post a notice in the quiz thread; trying a direct message');
      return false;
    }
  }

  async function sendDirect(userId: string, payload: MessagePayload): Promise<boolean> {
    try {
      await client.users.send(userId, payload);
      return true;
    } catch (error) {
      logger.debug({ err: error, userId }, 'could not send a notice as a direct message');
      return false;
    }
  }

  function localeOf(guildId: string | null): string {
    return (guildId && client.guilds.cache.get(guildId)?.preferredLocale) || 'en-US';
  }

  async function round(): Promise<number> {
    const now = Date.now();
    const due = deps.notices.pending(batchSize).filter((notice) => (backoff.get(notice.id)?.retryAt ?? 0) <= now);
    let delivered = 0;
    for (const group of byLearner(due)) {
      if (stopped) break;
      for (const { ids, payload } of renderNoticeMessages(localeOf(group.guildId), group.userId, group.notices)) {
        if (stopped) break;
        if (sentAny && gapMs > 0) await sleep(gapMs);
        sentAny = true;
        const sent = (group.threadId !== null && (await sendToThread(group.threadId, payload))) || (await sendDirect(group.userId, payload));
        if (sent) {
          deps.notices.markDelivered(ids);
          for (const id of ids) backoff.delete(id);
          delivered += ids.length;
          continue;
        }
        for (const id of ids) {
          const failures = (backoff.get(id)?.failures ?? 0) + 1;
          backoff.set(id, { failures, retryAt: Date.now() + Math.min(MAX_BACKOFF_MS, intervalMs * 2 ** failures) });
        }
        logger.warn({ userId: group.userId, threadId: group.threadId, notices: ids.length }, 'learner unreachable for a notice (thread and direct message); will try again later');
      }
    }
    if (delivered > 0) logger.info({ delivered }, 'notices delivered');
    return delivered;
  }

  function deliverNow(): Promise<number> {
    running ??= round()
      .catch((error: unknown) => {
        logger.error({ err: error }, 'notice delivery round failed');
        return 0;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      void deliverNow().finally(schedule);
    }, intervalMs);
    timer.unref();
  }
  schedule();

  return {
    deliverNow,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
