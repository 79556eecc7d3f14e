import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { BankInput } from '../../src/bank/schema.ts';
import type { SimUser, StoredMessage } from '../support/discord-simulator/index.ts';
import { buttonByLabel, buttonByPrefix, closeAndCheckHarnessAfterEach, componentsOf, embedOf, field, startHarness, type Harness } from './harness.ts';
import { isGradingRequest } from './llm.ts';
import { chatReply } from '../support/openai-server.ts';

const seed = JSON.parse(readFileSync(new URL('../../data/banks/ai-inference-optimization-2025.json', import.meta.url), 'utf8')) as BankInput;
const SEED = seed.id;

/** `/exam` in the quiz channel: the card linking the new thread, and the cover posted in it. */
async function openExam(h: Harness, user: SimUser, options: Record<string, string | number>) {
  const { sim } = h;
  const channelId = sim.channelId('quiz');
  const before = new Set(sim.threads(channelId).map((t) => t.id));
  const command = sim.slashCommand({ name: 'exam', user, channelId, options });
  expect((await command.ack).elapsedMs).toBeLessThan(3000);
  const card = await command.waitForOriginal((m) => embedOf(m).description?.includes('<#') ?? false);
  const thread = await sim.waitFor(() => sim.threads(channelId).find((t) => !before.has(t.id)));
  const cover = await sim.waitForMessage(thread.id, (m) => componentsOf(m).some((c) => c.custom_id?.startsWith('exam:start:')));
  const examId = buttonByPrefix(cover, 'exam:start:').split(':')[2]!;
  return { card, thread, cover, examId };
}

/** Start: the cover loses its button and the first question follows in the thread. */
async function start(h: Harness, user: SimUser, cover: StoredMessage, examId: string) {
  const click = h.sim.clickButton({ message: cover, user, customId: `exam:start:${examId}` });
  expect((await click.ack).elapsedMs).toBeLessThan(3000);
  return click.waitForFollowUp((m) => embedOf(m).title?.startsWith('Question 1/') ?? false);
}

const title = (m: StoredMessage) => (m.embeds[0] as { title?: string } | undefined)?.title ?? '';
const onQuestion = (n: number) => (m: StoredMessage) => title(m).startsWith(`Question ${n}/`);

/** Clicks a button on the exam's question message and waits for the message to show `until`. */
async function click(h: Harness, user: SimUser, message: StoredMessage, customId: string, until: (m: StoredMessage) => boolean) {
  const handle = h.sim.clickButton({ message, user, customId });
  expect((await handle.ack).elapsedMs).toBeLessThan(3000);
  return handle.waitForOriginal(until);
}

async function jump(h: Harness, user: SimUser, message: StoredMessage, examId: string, n: number) {
  const handle = h.sim.selectMenu({ message, user, customId: `exam:jump:${examId}`, values: [String(n - 1)] });
  expect((await handle.ack).elapsedMs).toBeLessThan(3000);
  return handle.waitForOriginal(onQuestion(n));
}

/** The Answer (or Change answer) button's modal, submitted with `fields`. */
async function answerByModal(h: Harness, user: SimUser, message: StoredMessage, examId: string, n: number, fields: Record<string, string>) {
  const open = h.sim.clickButton({ message, user, customId: `exam:open:${examId}:${n - 1}:0` });
  expect((await open.ack).type).toBe(9);
  const submit = h.sim.submitModal({ user, fields });
  expect((await submit.ack).elapsedMs).toBeLessThan(3000);
  return submit.waitForOriginal((m) => m.content?.includes(`Answer to question ${n} saved`) ?? false);
}

/** Every text the bot sent or showed (bodies of its REST writes and interaction callbacks), as one string. */
function everythingTheBotWrote(h: Harness): string {
  return h.sim.requests
    .filter((r) => r.method === 'POST' || r.method === 'PATCH')
    .map((r) => JSON.stringify(r.body ?? ''))
    .join('\n');
}

/** The tutor marks short-1's first marking point met (4 of its 10 points) and the others missed, taking 1.5 s. */
function scriptShortGrading(h: Harness, quote: string) {
  h.llm.script((request) =>
    isGradingRequest(request)
      ? {
          ...chatReply({
            points: [
              { index: 0, verdict: 'met', quote },
              { index: 1, verdict: 'missed', quote: '' },
              { index: 2, verdict: 'missed', quote: '' },
            ],
            strengths: ['Names what pruning removes.'],
            improvements: ['Compare the costs of both.'],
            explanation: 'Pruning removes weights; quantisation lowers their precision.',
            injection_suspected: false,
          }),
          // Slow enough for the grading line to be seen before the report replaces it.
          delayMs: 1_500,
        }
      : chatReply('Quantisation keeps every weight but stores it in fewer bits.'),
  );
}

describe('/exam: a paper sat in a private thread', () => {
  let h: Harness;
  closeAndCheckHarnessAfterEach(() => h);

  it('sits the seed paper out of order with a flag, a changed answer and a restart, and hands in for a hand-computed total', async () => {
    h = await startHarness({ extraBanks: [seed] });
    const { sim } = h;
    const ada = sim.createUser({ username: 'ada', locale: 'en-US' });
    const { card, thread, cover, examId } = await openExam(h, ada, { bank: SEED });
    expect(thread.type).toBe(12); // private
    expect([...thread.memberIds]).toContain(ada.id);
    expect(embedOf(card).description).toContain('18 questions, 100 points, 120 minutes');
    expect(embedOf(cover).title).toBe('2025年AI模型推理速度优化基础试卷');
    expect(field(cover, 'Sections')).toContain('一、选择题: 8 questions, 16 points');
    expect(field(cover, 'Sections')).toContain('四、论述题: 1 question, 30 points');

    // A second /exam while this one is open points to it.
    const again = sim.slashCommand({ name: 'exam', user: ada, channelId: sim.channelId('quiz'), options: { bank: SEED } });
    expect((await again.waitForOriginal((m) => m.content.length > 0)).content).toContain(`<#${thread.id}>`);

    let q = await start(h, ada, cover, examId);
    expect(q.channel_id).toBe(thread.id);
    const deadlineStamp = /<t:(\d+):R>/.exec(q.content)![1]!;
    expect(Number(deadlineStamp) * 1000 - Date.now()).toBeGreaterThan(119 * 60_000);
    await sim.waitFor(() => componentsOf(sim.message(cover.id)!).length === 0);
    expect(embedOf(sim.message(cover.id)!).description).toContain(`<t:${deadlineStamp}:R>`);

    // Out of order: question 9 (two blanks) first, through the quiz's own blanks modal.
    q = await jump(h, ada, q, examId, 9);
    q = await answerByModal(h, ada, q, examId, 9, { 'blank-0': '延迟', 'blank-1': '吞吐量' });
    expect(field(q, 'Your answer (saved)')).toBe('> 1. 延迟\n> 2. 吞吐量');
    q = await click(h, ada, q, `exam:next:${examId}:8`, onQuestion(10));
    q = await answerByModal(h, ada, q, examId, 10, { 'blank-0': '体积', 'blank-1': '颜色' });

    // Question 1: a wrong choice, then changed to the right one; no verdict either time.
    q = await jump(h, ada, q, examId, 1);
    q = await click(h, ada, q, `exam:answer:${examId}:0:A`, (m) => m.content.includes('Answer to question 1 saved'));
    expect(field(q, 'Your answer (saved)')).toContain('A.');
    q = await click(h, ada, q, `exam:answer:${examId}:0:C`, (m) => field(m, 'Your answer (saved)')?.includes('C.') ?? false);
    expect(componentsOf(q).find((c) => c.custom_id === `exam:answer:${examId}:0:C`)).toMatchObject({ style: 3 });
    q = await click(h, ada, q, `exam:next:${examId}:0`, onQuestion(2));
    q = await click(h, ada, q, `exam:answer:${examId}:1:D`, (m) => m.content.includes('saved'));
    q = await click(h, ada, q, `exam:next:${examId}:1`, onQuestion(3));
    q = await click(h, ada, q, `exam:answer:${examId}:2:A`, (m) => m.content.includes('saved'));
    q = await click(h, ada, q, `exam:flag:${examId}:2:1`, (m) => m.content.includes('Flagged for later'));
    expect(buttonByLabel(q, 'Remove flag')).toBe(`exam:flag:${examId}:2:0`);

    // The bot restarts mid-exam: the same message's buttons still work, answers and deadline intact.
    await h.restart();
    q = await jump(h, ada, q, examId, 8);
    expect(q.content).toContain(`<t:${deadlineStamp}:R>`);
    const menu = componentsOf(q).find((c) => c.custom_id === `exam:jump:${examId}`) as unknown as { placeholder: string; options: Array<{ label: string; description: string }> };
    expect(menu.placeholder).toContain('5 answered, 13 unanswered, 1 flagged');
    expect(menu.options[2]).toMatchObject({ label: '🚩 3. Single choice · 2 points', description: 'Answered · flagged' });
    expect(menu.options[0]!.label).toBe('✅ 1. Single choice · 2 points');
    expect(menu.options[3]!.label).toBe('⬜ 4. Single choice · 2 points');
    q = await click(h, ada, q, `exam:answer:${examId}:7:C`, (m) => m.content.includes('Answer to question 8 saved'));
    q = await jump(h, ada, q, examId, 1);
    expect(field(q, 'Your answer (saved)')).toContain('C.');

    // A written answer typed in the thread; a question to the tutor is refused during the exam.
    q = await jump(h, ada, q, examId, 15);
    const written = '剪枝移除不重要的权重或通道，改变模型结构；量化降低数值精度。';
    scriptShortGrading(h, '剪枝移除不重要的权重或通道');
    const typed = sim.postMessage({ channelId: thread.id, user: ada, content: written });
    const saved = await sim.waitForMessage(thread.id, (m) => m.message_reference?.message_id === typed.id);
    expect(saved.content).toBe('✅ Saved as your answer to question 15. You can change it until you hand in.');
    await sim.waitFor(() => field(sim.message(q.id)!, 'Your answer (saved)')?.includes('剪枝移除') ?? false);
    const asked = sim.postMessage({ channelId: thread.id, user: ada, content: '? What is the answer to question 1?' });
    const refusal = await sim.waitForMessage(thread.id, (m) => m.message_reference?.message_id === asked.id);
    expect(refusal.content).toContain("During the exam the tutor can't answer questions");
    expect(h.llm.chatRequests).toHaveLength(0);

    // Nothing shown so far carries a verdict, a key or an analysis.
    const shownBefore = everythingTheBotWrote(h);
    for (const question of seed.questions) expect(shownBefore).not.toContain(question.analysis.slice(0, 20));
    for (const word of ['Correct answer', 'Analysis', 'Reference answer', '✅ Correct', 'Not quite', 'Partly right', 'Rubric']) expect(shownBefore).not.toContain(word);

    // Hand in: the confirmation counts the unanswered questions.
    q = sim.message(q.id)!;
    const confirm = await click(h, ada, q, `exam:submit:${examId}`, (m) => title(m) === 'Hand in the exam?');
    expect(embedOf(confirm).description).toContain('7 of 18 answered.');
    expect(embedOf(confirm).description).toContain('11 questions are unanswered: 4, 5, 6, 7, 11, 12, 13, 14, 16, 17, 18.');
    expect(embedOf(confirm).description).toContain('1 question is flagged: 3.');
    const handIn = sim.clickButton({ message: confirm, user: ada, customId: `exam:confirm:${examId}` });
    expect((await handIn.ack).elapsedMs).toBeLessThan(3000);
    const gradingLine = await handIn.waitForOriginal((m) => title(m).startsWith('Handed in'));
    expect(embedOf(gradingLine).description).toBe('Objective answers are graded.\n⏳ Grading written answers: 0 of 1');
    const report = await handIn.waitForOriginal((m) => title(m).startsWith('Score report'), 10_000);

    // By hand: choices 1 (C), 2 (D), 8 (C) right = 6, 3 wrong = 0; blanks 9 = 4, 10 one of two = 2;
    // short 15: the first marking point (4 of 10) = 4. Total 16 of 100.
    expect(embedOf(report).description).toContain('**16 / 100 points** · 7 of 18 answered');
    expect(embedOf(report).description).toContain('Handed in <t:');
    expect(field(report, 'By section')).toBe(
      ['一、选择题: 6 / 16 (4 of 8 answered)', '二、填空题: 6 / 24 (2 of 6 answered)', '三、简答题: 4 / 30 (1 of 3 answered)', '四、论述题: 0 / 30 (0 of 1 answered)'].join('\n'),
    );
    expect(field(report, 'Questions that lost points')).toContain('3. Single choice: 0 / 2');
    expect(field(report, 'Questions that lost points')).toContain('4. Single choice: not answered (0 / 2)');
    expect(field(report, 'Questions that lost points')).toContain('15. Short answer: 4 / 10');
    expect(field(report, 'Questions that lost points')).not.toContain('1. Single choice');
    const grading = h.llm.chatRequests.filter(isGradingRequest);
    expect(grading).toHaveLength(1);
    expect(JSON.stringify(grading[0]!.body.messages)).toContain('剪枝移除不重要的权重或通道');

    // What is stored matches the report: one attempt per answered question, summing to the total.
    expect(h.store.statsForUser(ada.id)).toMatchObject({ attempts: 7, pointsEarned: 16 });

    // Review: the first page as a new message, with the verdict and the analysis now.
    const reviewClick = sim.clickButton({ message: report, user: ada, customId: `exam:reviewstart:${examId}` });
    const review = await reviewClick.waitForFollowUp((m) => m.embeds.length === 2);
    expect((review.embeds[1] as { title: string }).title).toBe('✅ Correct');
    expect(field(review, 'Correct answer')).toBe('C');
    expect(field(review, 'Analysis')).toBeTruthy();
    const third = await click(h, ada, review, `exam:review:${examId}:1`, (m) => (m.embeds[0] as { title: string }).title.startsWith('Question 2/'));
    const page3 = await click(h, ada, third, `exam:review:${examId}:2`, (m) => (m.embeds[0] as { title: string }).title.startsWith('Question 3/'));
    expect((page3.embeds[1] as { title: string }).title).toBe('❌ Not quite');
    expect(field(page3, 'Your answer')).toContain('A.');
    // Follow-up questions are allowed from here on.
    await sim.clickButton({ message: page3, user: ada, customId: `exam:ask:${examId}:2` }).ack;
    const ask = sim.submitModal({ user: ada, fields: { message: 'Why is A wrong?' } });
    const reply = await ask.waitForOriginal((m) => m.embeds.length > 0 && embedOf(m).title === 'Tutor', 10_000);
    expect(embedOf(reply).description).toBe('Quantisation keeps every weight but stores it in fewer bits.');
  });

  it('hands in automatically at the deadline passed while the bot was down, and posts the report in the thread', async () => {
    let offset = 0;
    const clock = () => new Date(Date.now() + offset);
    h = await startHarness({ clock, botOptions: { clock } });
    const { sim } = h;
    const ada = sim.createUser({ username: 'ada', locale: 'en-US' });
    const { thread, cover, examId } = await openExam(h, ada, { bank: 'e2e-basics', minutes: 1 });
    let q = await start(h, ada, cover, examId);
    q = await click(h, ada, q, `exam:answer:${examId}:0:B`, (m) => m.content.includes('saved'));
    q = await click(h, ada, q, `exam:next:${examId}:0`, onQuestion(2));

    // Time passes beyond the deadline while the bot is stopped; on start it hands the exam in.
    offset = 5 * 60_000;
    await h.restart();
    const report = await sim.waitForMessage(thread.id, (m) => m.embeds.length > 0 && title(m).startsWith('Score report'), 10_000);
    expect(embedOf(report).description).toContain('Time is up: the exam was handed in automatically with the answers given.');
    expect(embedOf(report).description).toContain('**2 / 11 points** · 1 of 5 answered · time used 1 min 0 s');
    expect(embedOf(report).description).toContain('Handed in automatically at the deadline');

    // A click on the old question afterwards is refused privately; nothing more is taken.
    const late = sim.clickButton({ message: q, user: ada, customId: `exam:next:${examId}:1` });
    const refusal = await late.waitForFollowUp((m) => m.content.length > 0);
    expect(refusal.content).toBe('This exam has been handed in: answers can no longer be changed.');
    expect(refusal.flags & 64).toBe(64);
    expect(sim.messages(thread.id).filter((m) => title(m).startsWith('Score report'))).toHaveLength(1);
  });

  it('hands in automatically while the bot runs when the time is up', async () => {
    let offset = 0;
    const clock = () => new Date(Date.now() + offset);
    h = await startHarness({ clock, botOptions: { clock, examPollMs: 100 } });
    const { sim } = h;
    const ada = sim.createUser({ username: 'ada', locale: 'en-US' });
    const { thread, cover, examId } = await openExam(h, ada, { bank: 'e2e-basics', minutes: 1 });
    const q = await start(h, ada, cover, examId);
    await click(h, ada, q, `exam:answer:${examId}:0:A`, (m) => m.content.includes('saved'));
    offset = 61_000;
    const report = await sim.waitForMessage(thread.id, (m) => m.embeds.length > 0 && title(m).startsWith('Score report'), 10_000);
    expect(embedOf(report).description).toContain('**0 / 11 points** · 1 of 5 answered');
    expect(field(report, 'Questions that lost points')).toContain('1. Single choice: 0 / 2');
  });

  it('refuses a stranger every control of someone else’s exam, privately', async () => {
    h = await startHarness();
    const { sim } = h;
    const ada = sim.createUser({ username: 'ada', locale: 'en-US' });
    const bob = sim.createUser({ username: 'bob', locale: 'en-US' });
    sim.setBotPermissions(sim.channelId('quiz'), { deny: ['CreatePrivateThreads'] });
    const { card, thread, cover, examId } = await openExam(h, ada, { bank: 'e2e-basics', minutes: 30 });
    expect(thread.type).toBe(11);
    expect(embedOf(card).description).toContain("Private threads aren't allowed here, so the exam is in a public thread.");

    const refusedStart = await sim.clickButton({ message: cover, user: bob, customId: `exam:start:${examId}` }).ack;
    expect(refusedStart.type).toBe(4);
    expect((refusedStart.data as { content: string; flags: number }).content).toBe('This exam belongs to someone else: start your own with /exam.');
    expect((refusedStart.data as { flags: number }).flags & 64).toBe(64);

    const q = await start(h, ada, cover, examId);
    for (const customId of [`exam:answer:${examId}:0:B`, `exam:next:${examId}:0`, `exam:flag:${examId}:0:1`, `exam:submit:${examId}`]) {
      const ack = await sim.clickButton({ message: q, user: bob, customId }).ack;
      expect(ack.type, customId).toBe(4);
      expect((ack.data as { flags: number }).flags & 64).toBe(64);
    }
    const jumped = await sim.selectMenu({ message: q, user: bob, customId: `exam:jump:${examId}`, values: ['3'] }).ack;
    expect(jumped.type).toBe(4);
    sim.postMessage({ channelId: thread.id, user: bob, content: 'It is B, surely?' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sim.messages(thread.id).filter((m) => m.author.bot && m.content.includes('tutor'))).toHaveLength(0);
    // Ada's exam is untouched: question 1 unanswered, not flagged.
    expect(field(sim.message(q.id)!, 'Your answer (saved)')).toBe('Not answered yet.');
  });
  it('runs the exam in the channel, saying why, where the bot may not open threads', async () => {
    h = await startHarness();
    const { sim } = h;
    const ada = sim.createUser({ username: 'ada', locale: 'en-US' });
    const channelId = sim.channelId('quiz');
    sim.setBotPermissions(channelId, { deny: ['CreatePublicThreads', 'CreatePrivateThreads'] });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const command = sim.slashCommand({ name: 'exam', user: ada, channelId, options: { bank: 'e2e-basics', minutes: 20 } });
    const card = await command.waitForOriginal((m) => m.embeds.length > 0);
    expect(embedOf(card).description).toContain("I can't open a thread here (missing permission), so the exam runs in this channel.");
    const cover = await command.waitForFollowUp((m) => componentsOf(m).some((c) => c.custom_id?.startsWith('exam:start:')));
    expect(cover.channel_id).toBe(channelId);
    expect(sim.threads(channelId)).toHaveLength(0);
    const examId = buttonByPrefix(cover, 'exam:start:').split(':')[2]!;
    let q = await start(h, ada, cover, examId);
    expect(q.channel_id).toBe(channelId);
    q = await click(h, ada, q, `exam:answer:${examId}:0:B`, (m) => m.content.includes('saved'));
    const confirm = await click(h, ada, q, `exam:submit:${examId}`, (m) => title(m) === 'Hand in the exam?');
    expect(embedOf(confirm).description).toContain('4 questions are unanswered: 2, 3, 4, 5.');
    const report = await click(h, ada, confirm, `exam:confirm:${examId}`, (m) => title(m).startsWith('Score report'));
    expect(embedOf(report).description).toContain('**2 / 11 points** · 1 of 5 answered');
  });
});
