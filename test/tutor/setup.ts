import { afterAll, afterEach } from 'vitest';
import { startOpenAiServer, type OpenAiServer } from '../support/openai-server.ts';
import { makeTutorEnv, type TutorEnv } from './helpers.ts';

export interface LoopbackLlm {
  /** This file's OpenAI-compatible server on 127.0.0.1; its script and recorded requests are reset after each test. */
  llm: OpenAiServer;
  /** Opens a tutor env as `makeTutorEnv` does and closes it after the test that opened it. */
  makeEnv(options?: Parameters<typeof makeTutorEnv>[0]): TutorEnv;
}

/**
 * The set-up every LLM-backed tutor test file shares. Call once at the top level of a test file:
 *
 *   const { llm, makeEnv } = await useLoopbackLlm();
 *
 * The server lives for the whole file and is closed after it.
 */
export async function useLoopbackLlm(): Promise<LoopbackLlm> {
  const llm = await startOpenAiServer();
  const openEnvs: TutorEnv[] = [];
  afterAll(async () => {
    await llm.close();
  });
  afterEach(() => {
    for (const env of openEnvs.splice(0)) env.close();
    llm.reset();
  });
  return {
    llm,
    makeEnv(options) {
      const env = makeTutorEnv(options);
      openEnvs.push(env);
      return env;
    },
  };
}
