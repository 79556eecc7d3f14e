import { beforeEach, describe, expect, it } from 'vitest';
import { buttonByLabel, buttonByPrefix, componentsOf, embedOf, field, closeAndCheckHarnessAfterEach, startHarness, startQuizInThread, type Harness, isVerdict, verdictEmbed } from './harness.ts';

describe('a member quizzing in a thread', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  closeAndCheckHarnessAfterEach(() => h);

  it('answers /quiz with a card, opens a thread, and grades a choice click there', async () => {
    const { sim } = h;
    const ada = sim.createUser({ username: 'ada', locale: 'en-US' });
    const channelId = sim.channelId('quiz');
    const command = sim.slashCommand({ name: 'quiz', user: ada, channelId, options: { bank: 'e2e-basics', type: 'choice' } });
    expect((await command.ack).elapsedMs).toBeLessThan(3000);

    const card = await command.waitForOriginal((m) => embedOf(m).description?.includes('<#') ?? false);
    expect(embedOf(card).title).toBe('Quiz: Inference basics');
    const [thread] = sim.threads(channelId);
    expect(thread).toBeDefined();
    expect(thread!.type).toBe(11);
    expect(embedOf(card).description).toContain(`<#${thread!.id}>`);

    const question = await sim.waitForMessage(thread!.id, (m) => m.embeds.length > 0);
    expect(embedOf(question).description).toContain('Which technique keeps the keys and values');
    const click = sim.clickButton({ message: question, user: ada, customId: buttonByLabel(question, 'B. KV cache') });
    const ack = await click.ack;
    expect(ack.elapsedMs).toBeLessThan(3000);
    expect(ack.type).toBe(7); // graded at once: the question's own message becomes question + verdict
    const verdict = await click.waitForOriginal(isVerdict);
    expect(verdict.id).toBe(question.id);
    expect(embedOf(verdict).description).toContain('Which technique keeps the keys and values');
    expect(componentsOf(verdict).map((c) => c.label)).toEqual(['Finish', 'Ask', 'End', 'Appeal']); // the only choice question
    expect(verdictEmbed(verdict).title).toBe('✅ Correct');
    expect(verdictEmbed(verdict).description).toContain('2 / 2 points');
    expect(field(verdict, 'Correct answer')).toBe('B');
    expect(field(verdict, 'Analysis')).toContain('The KV cache stores past keys');
    expect(verdict.channel_id).toBe(thread!.id);
    expect(buttonByPrefix(verdict, 'quiz:next:')).toMatch(/^quiz:next:/);

    const attempts = h.store.attemptsForSession(buttonByPrefix(verdict, 'quiz:next:').split(':')[2]!);
    expect(attempts.map((a) => [a.questionId, a.score, a.maxScore, a.gradedBy])).toEqual([['kv-choice', 2, 2, 'rule']]);
    expect(sim.failures).toEqual([]);
  });

  it('takes a blank answer through its modal, one field per blank', async () => {
    const { sim } = h;
    const ada = sim.createUser({ username: 'ada' });
    const { question } = await startQuizInThread(sim, ada, { type: 'blank', count: 1 });
    const open = sim.clickButton({ message: question, user: ada, customId: buttonByLabel(question, 'Answer') });
    expect((await open.ack).type).toBe(9);
    expect(open.modal!.components).toHaveLength(2);
    const submit = sim.submitModal({ user: ada, fields: { 'blank-0': 'int8', 'blank-1': 'FP32' } });
    expect((await submit.ack).elapsedMs).toBeLessThan(3000);
    const verdict = await submit.waitForOriginal(isVerdict);
    expect(verdictEmbed(verdict).title).toBe('🟡 Partly right');
    expect(verdictEmbed(verdict).description).toContain('1 / 2 points');
    expect(field(verdict, 'Your answer')).toBe('> 1. int8\n> 2. FP32');
    // The question's Answer button is gone once it has been answered.
    await sim.waitFor(() => componentsOf(sim.message(question.id)!).length === 0);

    // A one-question quiz: the verdict offers Finish, which posts the summary.
    const finish = sim.clickButton({ message: verdict, user: ada, customId: buttonByLabel(verdict, 'Finish') });
    const summary = await finish.waitForFollowUp((m) => m.embeds.length > 0);
    expect(embedOf(summary).description).toContain('**1 / 2 points** · 1 of 1 answered');
    expect(field(summary, 'To review')).toContain('Post-training quantisation usually maps');
    expect(sim.failures).toEqual([]);
  });

  it('tells another member whose quiz it is, privately, and lets two members quiz at once', async () => {
    const { sim } = h;
    const ada = sim.createUser({ username: 'ada' });
    const bob = sim.createUser({ username: 'bob', locale: 'zh-CN' });
    const [adaQuiz, bobQuiz] = await Promise.all([startQuizInThread(sim, ada, { type: 'choice' }), startQuizInThread(sim, bob, { type: 'choice' })]);
    expect(adaQuiz.thread.id).not.toBe(bobQuiz.thread.id);

    const intrusion = sim.clickButton({ message: adaQuiz.question, user: bob, customId: buttonByLabel(adaQuiz.question, 'A. Pruning') });
    const note = await intrusion.ack;
    expect(note.type).toBe(4);
    expect((note.data as { flags: number }).flags & 64).toBe(64);
    expect((note.data as { content: string }).content).toBe(`这是 <@${ada.id}> 的测验。用 /quiz 开始你自己的测验吧。`);

    const [adaClick, bobClick] = [
      sim.clickButton({ message: adaQuiz.question, user: ada, customId: buttonByLabel(adaQuiz.question, 'B. KV cache') }),
      sim.clickButton({ message: bobQuiz.question, user: bob, customId: buttonByLabel(bobQuiz.question, 'A. Pruning') }),
    ];
    const [adaVerdict, bobVerdict] = await Promise.all([adaClick.waitForOriginal(isVerdict), bobClick.waitForOriginal((m) => m.embeds.length > 0)]);
    expect(verdictEmbed(adaVerdict).title).toBe('✅ Correct');
    expect(verdictEmbed(bobVerdict).title).toBe('❌ 回答错误');
    expect(field(bobVerdict, '正确答案')).toBe('B');
    const sessions = [adaQuiz.thread.id, bobQuiz.thread.id].map((id) => h.app.quiz.findActiveByThread(id)!);
    expect(sessions.map((s) => s.ownerId)).toEqual([ada.id, bob.id]);
    expect(sessions.map((s) => h.store.attemptsForSession(s.id).map((a) => [a.userId, a.score]))).toEqual([[[ada.id, 2]], [[bob.id, 0]]]);
  });

  it('keeps working after a restart: an old Next button continues the quiz, a finished one says so', async () => {
    const { sim } = h;
    const ada = sim.createUser({ username: 'ada' });
    const { thread, question } = await startQuizInThread(sim, ada, { topic: 'caching', count: 2 });
    const verdict = await sim.clickButton({ message: question, user: ada, customId: buttonByLabel(question, 'B. KV cache') }).waitForOriginal(isVerdict);

    await h.restart();

    const next = sim.clickButton({ message: verdict, user: ada, customId: buttonByLabel(verdict, 'Next') });
    expect((await next.ack).elapsedMs).toBeLessThan(3000);
    const second = await next.waitForFollowUp((m) => m.embeds.length > 0);
    expect(embedOf(second).title).toBe('Question 2/2 · Short answer · 4 points');
    expect(second.channel_id).toBe(thread.id);

    const oldAsk = buttonByPrefix(second, 'quiz:ask:');
    const end = sim.clickButton({ message: second, user: ada, customId: buttonByLabel(second, 'End') });
    const summary = await end.waitForFollowUp((m) => m.embeds.length > 0);
    expect(embedOf(summary).title).toBe('Quiz finished: Inference basics');
    expect(embedOf(summary).description).toContain('**2 / 2 points** · 1 of 2 answered');
    expect(field(summary, 'By question type')).toBe('Single choice: 1/1 right, 2/2 points');

    // An old message that still shows the button (e.g. on another device) after the quiz ended.
    const oldMessage = sim.seedBotMessage({ channelId: thread.id, content: 'old', components: [{ type: 1, components: [{ type: 2, style: 2, label: 'Ask', custom_id: oldAsk }] }] });
    const stale = sim.clickButton({ message: oldMessage, user: ada, customId: oldAsk });
    const staleAck = await stale.ack;
    expect((staleAck.data as { content: string; flags: number }).content).toBe('That quiz has already finished. Start a new one with /quiz.');
    expect((staleAck.data as { flags: number }).flags & 64).toBe(64);
  });

  it('opens a modal from Ask and posts the tutor’s hint in the thread', async () => {
    const { sim, llm } = h;
    llm.script(() => ({ status: 200, body: { id: 'x', object: 'chat.completion', created: 0, model: 'm', choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'Think about what decoding repeats.' } }] } }));
    const ada = sim.createUser({ username: 'ada' });
    const { question } = await startQuizInThread(sim, ada, { type: 'choice' });
    await sim.clickButton({ message: question, user: ada, customId: buttonByLabel(question, 'Ask') }).ack;
    const submit = sim.submitModal({ user: ada, fields: { message: 'Can I get a hint?' } });
    expect(((await submit.ack).data as { content: string }).content).toBe('⏳ The tutor is thinking…');
    const reply = await submit.waitForOriginal((m) => m.embeds.length > 0);
    expect(embedOf(reply).description).toBe('Think about what decoding repeats.');
    expect(field(reply, 'You asked')).toBe('> Can I get a hint?');
  });

  it('runs the quiz in place, saying why, where the bot may not open threads', async () => {
    const { sim } = h;
    const ada = sim.createUser({ username: 'ada' });
    const channelId = sim.channelId('quiz');
    sim.setBotPermissions(channelId, { deny: ['CreatePublicThreads', 'CreatePrivateThreads'] });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const command = sim.slashCommand({ name: 'quiz', user: ada, channelId, options: { bank: 'e2e-basics', type: 'choice' } });
    const card = await command.waitForOriginal((m) => m.embeds.length > 0);
    expect(embedOf(card).description).toContain("I can't open a thread here (missing permission), so the quiz runs in this channel.");
    const question = await command.waitForFollowUp((m) => m.embeds.length > 0);
    expect(question.channel_id).toBe(channelId);
    expect(sim.threads(channelId)).toHaveLength(0);
    const verdict = await sim.clickButton({ message: question, user: ada, customId: buttonByLabel(question, 'B. KV cache') }).waitForOriginal(isVerdict);
    expect(verdictEmbed(verdict).title).toBe('✅ Correct');
  });

  it('runs the quiz in place when started inside a thread', async () => {
    const { sim } = h;
    const ada = sim.createUser({ username: 'ada' });
    const { thread } = await startQuizInThread(sim, ada, { type: 'choice' });
    const command = sim.slashCommand({ name: 'quiz', user: ada, channelId: thread.id, options: { bank: 'e2e-basics', type: 'truefalse' } });
    const card = await command.waitForOriginal((m) => m.embeds.length > 0);
    expect(embedOf(card).description).toContain("We're already in a thread, so the quiz runs here.");
    const question = await command.waitForFollowUp((m) => m.embeds.length > 0);
    const verdict = await sim.clickButton({ message: question, user: ada, customId: buttonByLabel(question, 'False') }).waitForOriginal(isVerdict);
    expect(verdictEmbed(verdict).title).toBe('✅ Correct');
    expect(field(verdict, 'Your answer')).toBe('> False');
  });

  it('opens a private thread when asked', async () => {
    const { sim } = h;
    const ada = sim.createUser({ username: 'ada' });
    const channelId = sim.channelId('quiz');
    const command = sim.slashCommand({ name: 'quiz', user: ada, channelId, options: { bank: 'e2e-basics', type: 'choice', private: true } });
    await command.waitForOriginal((m) => embedOf(m).description?.includes('<#') ?? false);
    const [thread] = sim.threads(channelId);
    expect(thread!.type).toBe(12);
    expect([...thread!.memberIds]).toContain(ada.id);
    await sim.waitForMessage(thread!.id, (m) => m.embeds.length > 0);
  });

  it('opens a public thread instead, and says so, when private threads are not allowed', async () => {
    const { sim } = h;
    const ada = sim.createUser({ username: 'ada' });
    const channelId = sim.channelId('quiz');
    sim.setBotPermissions(channelId, { deny: ['CreatePrivateThreads'] });
    const command = sim.slashCommand({ name: 'quiz', user: ada, channelId, options: { bank: 'e2e-basics', type: 'choice', private: true } });
    const card = await command.waitForOriginal((m) => embedOf(m).description?.includes('<#') ?? false);
    expect(embedOf(card).description).toContain("Private threads aren't allowed here, so I opened a public thread.");
    expect(sim.threads(channelId).map((t) => t.type)).toEqual([11]);
  });

  it('says plainly when no question matches', async () => {
    const { sim } = h;
    const ada = sim.createUser({ username: 'ada' });
    const command = sim.slashCommand({ name: 'quiz', user: ada, channelId: sim.channelId('quiz'), options: { bank: 'e2e-basics', topic: 'nothing-here' } });
    const reply = await command.waitForOriginal((m) => m.content.length > 0);
    expect(reply.content).toBe('No questions match that choice.');
  });
});
