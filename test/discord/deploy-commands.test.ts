import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.ts';
import { startDiscordSimulator, type DiscordSimulator } from '../support/discord-simulator/index.ts';

function captureIo(env: Record<string, string>) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return { io: { stdout, stderr, stdin: new PassThrough(), env, cwd: process.cwd() }, out: () => out, err: () => err };
}

describe('tutor deploy-commands', () => {
  let sim: DiscordSimulator;
  beforeEach(async () => {
    sim = await startDiscordSimulator();
  });
  afterEach(async () => {
    await sim.close();
  });

  it('registers the commands globally when no guild is given, replacing what was there', async () => {
    const { io, out } = captureIo({ DISCORD_TOKEN: sim.token, DISCORD_API_URL: sim.apiUrl });
    expect(await runCli(['deploy-commands'], io)).toBe(0);
    expect(sim.commands.global.map((c) => c.name)).toEqual(['quiz', 'review', 'stats', 'leaderboard', 'bank', 'forget-me', 'class', 'exam']);
    expect(out()).toContain('Registered 8 commands for every server');
    expect(await runCli(['deploy-commands'], io)).toBe(0);
    expect(sim.commands.global).toHaveLength(8);
    const puts = sim.requests.filter((r) => r.method === 'PUT');
    expect(puts.map((r) => r.path)).toEqual([`/applications/${sim.applicationId}/commands`, `/applications/${sim.applicationId}/commands`]);
  });

  it('registers them in one guild for testing with --guild', async () => {
    const { io, out } = captureIo({ DISCORD_TOKEN: sim.token, DISCORD_API_URL: sim.apiUrl });
    expect(await runCli(['deploy-commands', '--guild', sim.guildId], io)).toBe(0);
    expect(sim.commands.guild.get(sim.guildId)).toHaveLength(8);
    expect(sim.commands.global).toEqual([]);
    expect(out()).toContain(`for guild ${sim.guildId}: /quiz, /review, /stats, /leaderboard, /bank, /forget-me, /class, /exam`);
  });

  it('says what is missing when there is no token', async () => {
    const { io, err } = captureIo({});
    expect(await runCli(['deploy-commands'], io)).toBe(1);
    expect(err()).toContain('DISCORD_TOKEN is not set');
  });
});
