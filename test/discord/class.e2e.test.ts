import { beforeEach, describe, expect, it } from 'vitest';
import type { SimUser, StoredMessage } from '../support/discord-simulator/index.ts';
import { buttonByLabel, buttonByPrefix, closeAndCheckHarnessAfterEach, componentsOf, embedOf, field, isVerdict, startHarness, startQuizInThread, verdictEmbed, type Harness } from './harness.ts';

/**
 * Issue 12 in Discord, as a teacher and two learners would live it: the class views, a wrong key
 * found in `/class items` and fixed from the response analysis, the regrade and the learners told,
 * the teacher check on every command and component, and `/forget-me` leaving the reports.
 */

const TEACHER_ROLE_ID = '990000000000000042';

type Select = { type: number; custom_id: string; options?: Array<{ label: string; value: string; description?: string }> };

function selectOf(message: StoredMessage, prefix: string): Select {
  const found = (componentsOf(message) as Select[]).find((component) => component.custom_id?.startsWith(prefix));
  if (!found) throw new Error(`No select ${prefix}… on ${JSON.stringify(message.components)}`);
  return found;
}

function csvOf(message: StoredMessage): string {
  const [file] = message.attachments;
  if (!file) throw new Error('No attachment');
  return file.data.toString('utf8');
}

describe('/class for teachers', () => {
  let h: Harness;
  let teacher: SimUser;
  let ada: SimUser;
  let bob: SimUser;

  beforeEach(async () => {
    h = await startHarness({ env: { TEACHER_ROLE_ID }, botOptions: { notices: { intervalMs: 100, gapMs: 0 } } });
    h.sim.createRole(h.sim.guildId, { name: 'teacher', id: TEACHER_ROLE_ID });
    // A teacher by role alone: no Manage Server.
    teacher = h.sim.createUser({ username: 'teacher', roles: [TEACHER_ROLE_ID] });
    ada = h.sim.createUser({ username: 'ada' });
    bob = h.sim.createUser({ username: 'bob' });
  });
  closeAndCheckHarnessAfterEach(() => h);

  /** Answers the two-blank question through its modal; returns the verdict and the quiz thread. */
  async function answerBlank(user: SimUser, first: string, second: string) {
    const { question, thread } = await startQuizInThread(h.sim, user, { type: 'blank', count: 1 });
    await h.sim.clickButton({ message: question, user, customId: buttonByLabel(question, 'Answer') }).ack;
    const verdict = await h.sim.submitModal({ user, fields: { 'blank-0': first, 'blank-1': second } }).waitForOriginal(isVerdict);
    return { verdict, thread };
  }

  /** Points stored for a learner's answers (the single answer each has in these tests). */
  function pointsOf(user: SimUser): number {
    return h.store.statsForUser(user.id).pointsEarned;
  }

  function classCommand(user: SimUser, subcommand: string, options: Record<string, string> = {}) {
    return h.sim.slashCommand({ name: 'class', subcommand, user, channelId: h.sim.channelId('general'), options });
  }

  it('finds a right answer the key rejects, accepts it from the response analysis, regrades after a dry run and tells each learner once', async () => {
    // BF16 is a right answer for the activations, but the key only knows FP16 and "half precision".
    const adaQuiz = await answerBlank(ada, 'int8', 'BF16');
    const bobQuiz = await answerBlank(bob, 'INT8', 'bf16');
    expect(verdictEmbed(adaQuiz.verdict).description).toContain('1 / 2 points');
    expect(verdictEmbed(bobQuiz.verdict).description).toContain('1 / 2 points');
    // Bob's thread is gone by the time of the regrade: his notice must come by direct message.
    h.sim.deleteChannel(bobQuiz.thread.id);

    const items = classCommand(teacher, 'items', { bank: 'e2e-basics' });
    const itemsAck = await items.ack;
    expect((itemsAck.data as { flags: number }).flags & 64).toBe(64);
    const report = await items.waitForOriginal((m) => m.embeds.length > 0);
    expect(embedOf(report).title).toBe('Item statistics: Inference basics');
    expect(embedOf(report).description).toContain('`int8-blank` · Fill in the blanks · 2 learners · facility 0.50');
    const questionSelect = selectOf(report, 'class:q:');
    expect(questionSelect.options!.map((option) => option.value)).toEqual(['int8-blank']);

    await h.sim.selectMenu({ message: report, user: teacher, customId: questionSelect.custom_id, values: ['int8-blank'] }).ack;
    const analysis = await h.sim.waitFor(() => {
      const current = h.sim.message(report.id)!;
      return embedOf(current).title?.startsWith('Answers to int8-blank') ? current : undefined;
    });
    expect(embedOf(analysis).description).toContain('`int8 | BF16` · 2× by 2 learners · partly right (mean 0.50 of the points)');
    const answerSelect = selectOf(analysis, 'class:pick:');
    // Only the part the key rejects is offered, for its blank; INT8 is already right.
    expect(answerSelect.options!.map((option) => option.label)).toEqual(['Blank 2: BF16']);

    await h.sim.selectMenu({ message: analysis, user: teacher, customId: answerSelect.custom_id, values: [answerSelect.options![0]!.value] }).ack;
    const confirm = await h.sim.waitFor(() => {
      const current = h.sim.message(report.id)!;
      return embedOf(current).title === 'Change the key?' ? current : undefined;
    });
    expect(embedOf(confirm).description).toContain('Accept `BF16` in blank 2 of `int8-blank`? It was given 2 times by 2 learners.');
    // Nothing changed yet: the confirmation comes first.
    expect(pointsOf(ada)).toBe(1);

    const accept = h.sim.clickButton({ message: confirm, user: teacher, customId: buttonByLabel(confirm, 'Accept for full marks') });
    expect((await accept.ack).elapsedMs).toBeLessThan(3000);
    const dryRun = await h.sim.waitFor(() => {
      const current = h.sim.message(report.id)!;
      return embedOf(current).title === 'Regrade int8-blank: dry run' ? current : undefined;
    });
    expect(embedOf(dryRun).description).toContain('Blank 2 of `int8-blank` now accepts `BF16` for 100% of the points.');
    expect(embedOf(dryRun).description).toContain('With the new key 2 stored answers of 2 would change (+2 points) for 2 learners.');
    // The dry run stored nothing, told nobody.
    expect(pointsOf(ada)).toBe(1);
    expect(h.app.notices.pending(10)).toEqual([]);
    // The running bot serves the new key at once: a third answer with BF16 is right.
    const carol = h.sim.createUser({ username: 'carol' });
    const carolQuiz = await answerBlank(carol, 'int8', 'BF16');
    expect(verdictEmbed(carolQuiz.verdict).title).toBe('✅ Correct');

    const regrade = h.sim.clickButton({ message: dryRun, user: teacher, customId: buttonByLabel(dryRun, 'Regrade 2 answers') });
    expect((await regrade.ack).elapsedMs).toBeLessThan(3000);
    const done = await h.sim.waitFor(() => {
      const current = h.sim.message(report.id)!;
      return embedOf(current).title === 'Regraded int8-blank' ? current : undefined;
    });
    expect(embedOf(done).description).toContain('2 answers of 3 changed (+2 points); 2 notices are on their way to the learners');
    expect(componentsOf(done)).toEqual([]);
    expect(pointsOf(ada)).toBe(2);
    expect(pointsOf(bob)).toBe(2);

    // Ada is told in her quiz thread, Bob (thread deleted) by direct message; once each.
    const adaNotice = await h.sim.waitForMessage(adaQuiz.thread.id, (m) => m.content.includes('now counts as right'));
    expect(adaNotice.content).toBe(
      `<@${ada.id}>, a mark of yours changed:\n• Your answer \`int8 BF16\` to “Post-training quantisation usually maps FP32 weights to \\_\\_\\_\\_, and activations are often kept in \\_\\_\\_\\_.” now counts as right: 2 of 2 points (+1 point).`,
    );
    expect(adaNotice.pings).toEqual({ users: [], roles: [], everyone: false });
    const bobNotice = await h.sim.waitFor(() => h.sim.directMessages(bob.id)[0]);
    expect(bobNotice.content).toContain('now counts as right: 2 of 2 points (+1 point).');
    await h.sim.waitFor(() => h.app.notices.pending(10).length === 0);
    await h.bot.notices.deliverNow();
    expect(h.sim.messages(adaQuiz.thread.id).filter((m) => m.content.includes('a mark of yours changed'))).toHaveLength(1);
    expect(h.sim.directMessages(bob.id)).toHaveLength(1);
    expect(h.sim.directMessages(ada.id)).toHaveLength(0);
    expect(h.sim.directMessages(carol.id)).toHaveLength(0);

    // The response analysis now shows the answer as right, and nothing is left to accept for it.
    const again = await classCommand(teacher, 'items', { bank: 'e2e-basics' }).waitForOriginal((m) => m.embeds.length > 0);
    await h.sim.selectMenu({ message: again, user: teacher, customId: selectOf(again, 'class:q:').custom_id, values: ['int8-blank'] }).ack;
    const after = await h.sim.waitFor(() => {
      const current = h.sim.message(again.id)!;
      return embedOf(current).title?.startsWith('Answers to') ? current : undefined;
    });
    expect(embedOf(after).description).toContain('`int8 | BF16` · 3× by 3 learners · right');
    expect((componentsOf(after) as Select[]).some((c) => c.custom_id.startsWith('class:pick:'))).toBe(false);
  });

  it('shows the class report with its chart and exports a CSV, privately', async () => {
    await answerBlank(ada, 'int8', 'FP16');
    const { question } = await startQuizInThread(h.sim, bob, { type: 'choice' });
    await h.sim.clickButton({ message: question, user: bob, customId: buttonByLabel(question, 'A. Pruning') }).waitForOriginal(isVerdict);

    const report = await classCommand(teacher, 'report').waitForOriginal((m) => m.embeds.length > 0);
    expect(report.flags & 64).toBe(64);
    expect(embedOf(report).title).toBe('Class report');
    expect(embedOf(report).description).toContain('Bank: all banks · all time');
    expect(embedOf(report).description).toContain('2 active learners · 2 answers · accuracy 50% · 2/4 points');
    expect(field(report, 'By question type (answers · accuracy · points)')).toBe('Single choice: 1 · 0% · 0/2\nFill in the blanks: 1 · 100% · 2/2');
    const learners = field(report, 'Learners (answers · accuracy · points · last active)')!;
    expect(learners).toContain(`<@${ada.id}>: 1 · 100% · 2/2`);
    expect(learners).toContain(`<@${bob.id}>: 1 · 0% · 0/2`);
    expect(report.attachments[0]!.filename).toBe('class-30-days.png');
    expect(report.pings).toEqual({ users: [], roles: [], everyone: false });

    // Straight to one question's answers, the question found by typing part of its text.
    const typed = h.sim.autocomplete({ name: 'class', subcommand: 'items', user: teacher, channelId: h.sim.channelId('general'), options: { bank: 'e2e-basics', question: 'keys and values' }, focused: 'question' });
    await typed.ack;
    expect(typed.choices()).toEqual([{ name: 'kv-choice · Which technique keeps the keys and values of earlier tokens?', value: 'kv-choice' }]);
    const direct = await classCommand(teacher, 'items', { bank: 'e2e-basics', question: 'kv-choice' }).waitForOriginal((m) => m.embeds.length > 0);
    expect(embedOf(direct).title).toBe('Answers to kv-choice (Inference basics)');
    expect(embedOf(direct).description).toContain('`A` · 1× by 1 learner · wrong');
    expect(selectOf(direct, 'class:pick:').options!.map((option) => option.label)).toEqual(['A']);
    const unknown = await classCommand(teacher, 'items', { bank: 'e2e-basics', question: 'nope' }).waitForOriginal((m) => m.content.length > 0);
    expect(unknown.content).toContain('Bank "e2e-basics" has no question "nope". Questions: kv-choice, int8-blank,');

    const exported = await classCommand(teacher, 'export', { bank: 'e2e-basics', period: 'week' }).waitForOriginal((m) => m.attachments.length > 0);
    expect(exported.flags & 64).toBe(64);
    expect(exported.content).toContain('2 rows (one per learner and bank)');
    expect(exported.attachments[0]!.filename).toMatch(/^class-e2e-basics-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = csvOf(exported);
    expect(csv.startsWith('\uFEFFlearner_id,learner,bank,answers,correct,points,points_available,accuracy')).toBe(true);
    expect(csv).toContain(`${ada.id},ada,e2e-basics,1,1,2,2,1`);
    expect(csv).toContain(`${bob.id},bob,e2e-basics,1,0,0,2,0`);
  });

  it('refuses every teacher command and component to a learner without the role', async () => {
    await answerBlank(ada, 'int8', 'BF16');
    for (const subcommand of ['report', 'items', 'export']) {
      const reply = await classCommand(bob, subcommand, subcommand === 'items' ? { bank: 'e2e-basics' } : {}).waitForOriginal((m) => m.content.length > 0);
      expect(reply.content, subcommand).toBe('Only teachers can do this: members with the Manage Server permission or the teacher role.');
      expect(reply.flags & 64, subcommand).toBe(64);
      expect(reply.attachments, subcommand).toEqual([]);
    }

    // The teacher's private message cannot be clicked by anyone else, but a forwarded or guessed custom
    // id still reaches the bot: every component checks the role again.
    const teacherView = await classCommand(teacher, 'items', { bank: 'e2e-basics' }).waitForOriginal((m) => m.embeds.length > 0);
    const questionSelect = selectOf(teacherView, 'class:q:');
    const seeded = h.sim.seedBotMessage({
      channelId: h.sim.channelId('general'),
      content: 'class components',
      components: [
        { type: 1, components: [{ type: 2, style: 2, label: 'Accept', custom_id: 'class:accept:e2e-basics:int8-blank:2.0123456789ab:100' }] },
        { type: 1, components: [{ type: 2, style: 2, label: 'Regrade', custom_id: 'class:regrade:e2e-basics:int8-blank' }] },
        { type: 1, components: [{ type: 2, style: 2, label: 'Show', custom_id: 'class:show:e2e-basics:int8-blank' }] },
        { type: 1, components: [questionSelect] },
      ],
    });
    const attempts = [
      h.sim.clickButton({ message: seeded, user: bob, customId: 'class:accept:e2e-basics:int8-blank:2.0123456789ab:100' }),
      h.sim.clickButton({ message: seeded, user: bob, customId: 'class:regrade:e2e-basics:int8-blank' }),
      h.sim.clickButton({ message: seeded, user: bob, customId: 'class:show:e2e-basics:int8-blank' }),
      h.sim.selectMenu({ message: seeded, user: bob, customId: questionSelect.custom_id, values: ['int8-blank'] }),
    ];
    for (const attempt of attempts) {
      const refusal = await attempt.waitForFollowUp((m) => m.content.length > 0);
      expect(refusal.content).toBe('Only teachers can do this: members with the Manage Server permission or the teacher role.');
      expect(refusal.flags & 64).toBe(64);
    }
    expect(h.sim.message(seeded.id)!.content).toBe('class components');
    expect(pointsOf(ada)).toBe(1);
    expect(h.app.notices.pending(10)).toEqual([]);
  });

  it('leaves a member who used /forget-me out of the report and the export', async () => {
    await answerBlank(ada, 'int8', 'FP16');
    await answerBlank(bob, 'int8', 'BF16');
    const before = await classCommand(teacher, 'export').waitForOriginal((m) => m.attachments.length > 0);
    expect(csvOf(before)).toContain(bob.id);

    const prompt = await h.sim.slashCommand({ name: 'forget-me', user: bob, channelId: h.sim.channelId('general') }).waitForOriginal((m) => m.components.length > 0);
    await h.sim.clickButton({ message: prompt, user: bob, customId: buttonByPrefix(prompt, 'forget:confirm:') }).ack;
    await h.sim.waitFor(() => h.store.statsForUser(bob.id).attempts === 0);

    const report = await classCommand(teacher, 'report').waitForOriginal((m) => m.embeds.length > 0);
    expect(embedOf(report).description).toContain('1 active learner · 1 answer');
    const learners = field(report, 'Learners (answers · accuracy · points · last active)')!;
    expect(learners).toContain(ada.id);
    expect(learners).not.toContain(bob.id);
    const after = await classCommand(teacher, 'export').waitForOriginal((m) => m.attachments.length > 0);
    expect(csvOf(after)).toContain(ada.id);
    expect(csvOf(after)).not.toContain(bob.id);
    expect(after.content).toContain('1 row (one per learner and bank)');
    const items = await classCommand(teacher, 'items', { bank: 'e2e-basics' }).waitForOriginal((m) => m.embeds.length > 0);
    expect(embedOf(items).description).toContain('`int8-blank` · Fill in the blanks · 1 learner ·');
  });
});
