import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buttonByLabel, buttonByPrefix, embedOf, field, startHarness, type Harness } from './harness.ts';

describe('a member quizzing in a thread', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h?.close();
  });

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
    expect((await click.ack).elapsedMs).toBeLessThan(3000);
    const verdict = await click.waitForOriginal((m) => m.embeds.length > 0);
    expect(embedOf(verdict).title).toBe('✅ Correct');
    expect(embedOf(verdict).description).toContain('2 / 2 pt');
    expect(field(verdict, 'Correct answer')).toBe('B');
    expect(field(verdict, 'Analysis')).toContain('The KV cache stores past keys');
    expect(verdict.channel_id).toBe(thread!.id);
    expect(buttonByPrefix(verdict, 'quiz:next:')).toMatch(/^quiz:next:/);

    const attempts = h.app.store.attemptsForSession(buttonByPrefix(verdict, 'quiz:next:').split(':')[2]!);
    expect(attempts.map((a) => [a.questionId, a.score, a.maxScore, a.gradedBy])).toEqual([['kv-choice', 2, 2, 'rule']]);
    expect(sim.failures).toEqual([]);
  });
});
