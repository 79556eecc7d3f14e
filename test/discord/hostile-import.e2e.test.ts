import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { hostileFiles } from '../import/hostile-files.ts';
import { closeAndCheckHarnessAfterEach, embedOf, field, startHarness, type Harness } from './harness.ts';

describe('/bank import of hostile files', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  closeAndCheckHarnessAfterEach(() => h);

  function teacher() {
    const role = h.sim.createRole(h.sim.guildId, { name: 'teacher', permissions: ['ManageGuild'] });
    return h.sim.createUser({ username: 'teacher', roles: [role.id] });
  }

  it('answers /quiz from another member within 3 s while the largest hostile file is being imported', async () => {
    const worst = hostileFiles().find((file) => file.name === 'rows-130k.csv')!;
    const importing = h.sim.slashCommand({
      name: 'bank',
      subcommand: 'import',
      user: teacher(),
      channelId: h.sim.channelId('general'),
      options: { file: { filename: worst.name, data: worst.content } },
    });
    await importing.ack;
    let importDone = false;
    const report = importing.waitForOriginal((m) => m.embeds.length > 0, 30_000).then((message) => {
      importDone = true;
      return message;
    });

    const ada = h.sim.createUser({ username: 'ada' });
    const started = performance.now();
    const quiz = h.sim.slashCommand({ name: 'quiz', user: ada, channelId: h.sim.channelId('quiz'), options: { bank: 'e2e-basics' } });
    const card = await quiz.waitForOriginal((m) => embedOf(m).description?.includes('<#') ?? false, 3_000);
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(card.embeds.length).toBeGreaterThan(0);
    expect(importDone).toBe(false);

    const refused = await report;
    expect(embedOf(refused).title).toBe(`Import report: ${worst.name}`);
    expect(embedOf(refused).description).toBe('Nothing was saved: fix the problems below and import again.');
    expect(field(refused, 'Problems')).toContain('130,000 rows is more than the 20,000 questions one bank may hold');
    expect(h.app.banks.list().map((bank) => bank.id)).toEqual(['e2e-basics']);
  }, 60_000);

  it('never overwrites banks/midterm.json that holds another bank id without replace, and backs it up when replacing', async () => {
    const target = path.join(h.dir, 'banks', 'midterm.json');
    const before = `${JSON.stringify({ id: 'final-exam', title: 'Final', note: 'hand-edited' })}\n`;
    fs.writeFileSync(target, before);
    const file = { filename: 'midterm.txt', data: Buffer.from('What does INT8 quantisation store?\nA. 8-bit integers\nB. 32-bit floats\nANSWER: A\n') };
    const admin = teacher();

    const refused = await h.sim
      .slashCommand({ name: 'bank', subcommand: 'import', user: admin, channelId: h.sim.channelId('general'), options: { file } })
      .waitForOriginal((m) => m.embeds.length > 0, 30_000);
    expect(embedOf(refused).description).toBe('A bank with the id `midterm` already exists. Use replace:true to overwrite it.');
    expect(fs.readFileSync(target, 'utf8')).toBe(before);
    expect(h.app.banks.get('midterm')).toBeUndefined();

    const replaced = await h.sim
      .slashCommand({ name: 'bank', subcommand: 'import', user: admin, channelId: h.sim.channelId('general'), options: { file, replace: true } })
      .waitForOriginal((m) => m.embeds.length > 0, 30_000);
    expect(embedOf(replaced).description).toMatch(/^Saved bank `midterm` with 1 question\./);
    expect(JSON.parse(fs.readFileSync(target, 'utf8'))).toMatchObject({ id: 'midterm' });
    const backups = fs.readdirSync(path.join(h.dir, 'banks')).filter((name) => name.startsWith('midterm.json.') && name.endsWith('.bak'));
    expect(backups).toHaveLength(1);
    expect(fs.readFileSync(path.join(h.dir, 'banks', backups[0]!), 'utf8')).toBe(before);
  }, 60_000);
});
