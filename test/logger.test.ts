import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.ts';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  return { lines, destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } };
}

describe('createLogger', () => {
  it('writes one JSON line per event with a level name, an ISO time, the message and the component of a child', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ level: 'info', destination, base: { service: 'study-tutor' } });
    logger.child({ component: 'discord' }).info({ interactionId: '42' }, 'interaction handled');
    expect(lines).toEqual([
      expect.objectContaining({ level: 'info', service: 'study-tutor', component: 'discord', interactionId: '42', msg: 'interaction handled' }),
    ]);
    expect(String(lines[0]?.time)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('drops events below the configured level', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ level: 'warn', destination });
    logger.info('routine');
    logger.debug('detail');
    logger.warn('worth a look');
    logger.error('broken');
    expect(lines.map((line) => [line.level, line.msg])).toEqual([
      ['warn', 'worth a look'],
      ['error', 'broken'],
    ]);
  });

  it('never writes a token or an API key, even when a config or a request is logged whole', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ level: 'info', destination });
    logger.info({ config: { DISCORD_TOKEN: 'discord-secret', OPENAI_API_KEY: 'sk-secret', LLM_MODEL: 'gpt-4o-mini' } }, 'config');
    logger.info({ request: { headers: { authorization: 'Bot discord-secret' } }, token: 'discord-secret' }, 'request');
    const written = JSON.stringify(lines);
    expect(written).not.toContain('discord-secret');
    expect(written).not.toContain('sk-secret');
    expect(written).toContain('gpt-4o-mini');
    expect(lines[0]).toMatchObject({ config: { DISCORD_TOKEN: '[redacted]', OPENAI_API_KEY: '[redacted]' } });
  });
});
