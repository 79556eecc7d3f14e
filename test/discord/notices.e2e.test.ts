import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { NewLearnerNotice } from '../../src/services/notices.ts';
import { openDatabase } from '../../src/storage/database.ts';
import { SqliteNoticeOutbox } from '../../src/storage/notice-repository.ts';
import { buttonByLabel, buttonByPrefix, closeAndCheckHarnessAfterEach, isVerdict, startHarness, startQuizInThread, type Harness } from './harness.ts';

/**
 * The bot's delivery of learners' notices (src/discord/notices.ts), with notices queued the way the
 * core services queue them: straight into the outbox of the database the bot runs on.
 */
describe('notices to learners', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ botOptions: { notices: { intervalMs: 100, gapMs: 0 } } });
  });
  closeAndCheckHarnessAfterEach(() => h);

  function enqueue(notices: Array<Omit<NewLearnerNotice, 'createdAt' | 'guildId'>>): void {
    const db = openDatabase(path.join(h.dir, 'tutor.sqlite'));
    try {
      new SqliteNoticeOutbox(db).enqueue(notices.map((notice) => ({ ...notice, guildId: h.sim.guildId, createdAt: new Date() })));
    } finally {
      db.close();
    }
  }

  it('sends each learner one message (their archived quiz thread reopened, else a DM) and keeps an unreachable one pending without holding up the rest', async () => {
    const ada = h.sim.createUser({ username: 'ada' });
    const bob = h.sim.createUser({ username: 'bob' });
    const carol = h.sim.createUser({ username: 'carol' });
    const { question, thread } = await startQuizInThread(h.sim, ada, { type: 'choice' });
    const verdict = await h.sim.clickButton({ message: question, user: ada, customId: buttonByLabel(question, 'A. Pruning') }).waitForOriginal(isVerdict);
    const [attempt] = h.store.attemptsForSession(buttonByPrefix(verdict, 'quiz:next:').split(':')[2]!);
    h.sim.updateThread(thread.id, { archived: true });
    h.sim.closeDirectMessages(bob.id);

    enqueue([
      { userId: ada.id, attemptId: attempt!.id, kind: 'teacher-grade', params: { question: 'Which technique keeps the keys?', before: 0, after: 1, max: 2, note: 'Half right: @everyone knows it' } },
      { userId: bob.id, attemptId: null, kind: 'appeal-resolved', params: { question: 'Q2', status: 'rejected', after: 0, max: 2 } },
      { userId: ada.id, attemptId: attempt!.id, kind: 'appeal-resolved', params: { question: 'Which technique keeps the keys?', status: 'changed', before: 1, after: 2, max: 2 } },
      { userId: carol.id, attemptId: null, kind: 'regrade', params: { question: 'Q3', answer: '8-bit', before: 0, after: 2, maxScore: 2, delta: 2 } },
    ]);

    const adaMessage = await h.sim.waitForMessage(thread.id, (m) => m.content.includes('a mark of yours changed'));
    expect(adaMessage.content).toBe(
      [
        `<@${ada.id}>, a mark of yours changed:`,
        '• A teacher reviewed your answer to “Which technique keeps the keys?”: 1 of 2 points (+1 point). Note: Half right: @everyone knows it',
        '• Your appeal on “Which technique keeps the keys?” was accepted and the mark changed: 2 of 2 points (+1 point).',
      ].join('\n'),
    );
    expect(adaMessage.pings).toEqual({ users: [], roles: [], everyone: false });
    expect(h.sim.channel(thread.id)!.archived).toBe(false);
    const carolMessage = await h.sim.waitFor(() => h.sim.directMessages(carol.id)[0]);
    expect(carolMessage.content).toContain('Your answer `8-bit` to “Q3” now counts as right: 2 of 2 points (+2 points).');

    // Bob's notice waits: not marked delivered, and not retried at every round (it backs off).
    await h.sim.waitFor(() => h.logs.some((line) => line.msg === 'learner unreachable for a notice (thread and direct message); will try again later'));
    await h.sim.waitFor(() => h.app.notices.pending(10).length === 1);
    expect(h.app.notices.pending(10).map((notice) => notice.userId)).toEqual([bob.id]);
    const dmTries = () => h.sim.requests.filter((request) => request.method === 'POST' && request.path === '/users/@me/channels').length;
    const before = dmTries();
    await h.bot.notices.deliverNow();
    await h.bot.notices.deliverNow();
    expect(dmTries()).toBe(before);
    expect(h.sim.directMessages(bob.id)).toEqual([]);

    // Nobody is told twice, also across a restart.
    await h.restart();
    await h.bot.notices.deliverNow();
    expect(h.sim.messages(thread.id).filter((m) => m.content.includes('a mark of yours changed'))).toHaveLength(1);
    expect(h.sim.directMessages(carol.id)).toHaveLength(1);
    expect(h.sim.directMessages(ada.id)).toHaveLength(0);
  });
});
