import { GatewayIntentBits } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { BOT_INTENTS } from '../../src/discord/bot.ts';
import { buttonByLabel, embedOf, field, closeAndCheckHarnessAfterEach, startHarness, startQuizInThread, type Harness, isVerdict, verdictEmbed } from './harness.ts';
import { kvShortGrading, scriptTutor } from './llm.ts';


describe('edge cases of the quiz thread', () => {
  let h: Harness;
  closeAndCheckHarnessAfterEach(() => h);

  it('takes seven blanks through two modals, five and then two', async () => {
    h = await startHarness({
      extraBanks: [
        {
          id: 'seven-blanks',
          title: 'Seven blanks',
          language: 'en-US',
          source: 'test',
          questions: [
            {
              id: 'b7',
              type: 'blank',
              stem: 'Count: __ __ __ __ __ __ __',
              points: 7,
              analysis: 'one to seven',
              blanks: ['one', 'two', 'three', 'four', 'five', 'six', 'seven'].map((word) => ({ accept: [word] })),
            },
          ],
        },
      ],
    });
    const { sim } = h;
    const ada = sim.createUser({ username: 'ada' });
    const { question } = await startQuizInThread(sim, ada, { bank: 'seven-blanks' });

    const first = sim.clickButton({ message: question, user: ada, customId: buttonByLabel(question, 'Answer') });
    await first.ack;
    expect(first.modal!.components).toHaveLength(5);
    const part = sim.submitModal({ user: ada, fields: { 'blank-0': 'one', 'blank-1': 'two', 'blank-2': 'three', 'blank-3': 'four', 'blank-4': 'five' } });
    const prompt = await part.waitForOriginal((m) => m.components.length > 0);
    expect(prompt.content).toBe('Blanks 1–5 saved. Press Continue for the rest.');

    const second = sim.clickButton({ message: prompt, user: ada, customId: buttonByLabel(prompt, 'Continue (blanks 6–7)') });
    await second.ack;
    expect(second.modal!.components).toHaveLength(2);
    const rest = sim.submitModal({ user: ada, fields: { 'blank-5': 'six', 'blank-6': 'eight' } });
    const verdict = await rest.waitForOriginal(isVerdict);
    expect(verdictEmbed(verdict).description).toContain('6 / 7 points');
    await sim.waitFor(() => sim.message(prompt.id)!.components.length === 0);
    expect(sim.message(prompt.id)!.content).toBe('Blanks 1–5 saved. Press Continue for the rest.');
  });

  it('still runs on buttons without the Message Content intent, and ignores the empty typed messages', async () => {
    h = await startHarness({
      simulator: { privilegedIntents: { messageContent: false } },
      botOptions: { intents: BOT_INTENTS.filter((intent) => intent !== GatewayIntentBits.MessageContent) },
    });
    scriptTutor(h.llm, kvShortGrading({ keys: 'keys and values' }), 'ok');
    const { sim } = h;
    const ada = sim.createUser({ username: 'ada' });
    const { thread, question } = await startQuizInThread(sim, ada, { type: 'short' });

    sim.postMessage({ channelId: thread.id, user: ada, content: 'It keeps keys and values.' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sim.messages(thread.id).filter((m) => m.author.bot)).toHaveLength(1);

    await sim.clickButton({ message: question, user: ada, customId: buttonByLabel(question, 'Answer') }).ack;
    const verdict = await sim.submitModal({ user: ada, fields: { answer: 'It keeps keys and values.' } }).waitForOriginal(isVerdict);
    expect(field(verdict, 'Tutor feedback')).toContain('The cache keeps past keys and values');
  });

  it('speaks Chinese to a zh-CN member while the question stays in the bank’s language', async () => {
    h = await startHarness();
    const { sim } = h;
    const li = sim.createUser({ username: 'li', locale: 'zh-CN' });
    const channelId = sim.channelId('quiz');
    const card = await sim
      .slashCommand({ name: 'quiz', user: li, channelId, options: { bank: 'e2e-basics', type: 'truefalse' } })
      .waitForOriginal((m) => embedOf(m).description?.includes('<#') ?? false);
    expect(embedOf(card).title).toBe('测验：Inference basics');
    const thread = sim.threads(channelId)[0]!;
    const question = await sim.waitForMessage(thread.id, (m) => m.embeds.length > 0);
    expect(embedOf(question).title).toBe('第 1/1 题 · 判断题 · 1 分');
    expect(embedOf(question).description).toBe('Pruning always makes a model less accurate.');
    const verdict = await sim.clickButton({ message: question, user: li, customId: buttonByLabel(question, '对') }).waitForOriginal(isVerdict);
    expect(verdictEmbed(verdict).title).toBe('❌ 回答错误');
    expect(field(verdict, '你的答案')).toBe('> 对');
    expect(field(verdict, '解析')).toBe('Light pruning often keeps accuracy, sometimes after fine-tuning.');
  });

  it('defers a button answer first when grading is unexpectedly slow, then shows the verdict', async () => {
    h = await startHarness({
      wrapApp: (app) => ({
        ...app,
        quiz: {
          ...app.quiz,
          submitAnswer: async (input) => {
            await new Promise((resolve) => setTimeout(resolve, 2_500));
            return app.quiz.submitAnswer(input);
          },
        },
      }),
    });
    const { sim } = h;
    const ada = sim.createUser({ username: 'ada' });
    const { question } = await startQuizInThread(sim, ada, { type: 'choice' });
    const click = sim.clickButton({ message: question, user: ada, customId: buttonByLabel(question, 'B. KV cache') });
    const ack = await click.ack;
    expect(ack.type).toBe(6); // a deferred update, well before the deadline
    expect(ack.elapsedMs).toBeLessThan(3000);
    const verdict = await click.waitForOriginal(isVerdict, 10_000);
    expect(verdictEmbed(verdict).title).toBe('✅ Correct');
    expect(click.callbacks.filter((c) => c.status < 300)).toHaveLength(1);
  });
});
