import type { ComponentId } from '../custom-id.ts';
import type { ComponentHandler } from '../types.ts';
import { classComponentHandlers } from './class.ts';
import { forgetCancel, forgetConfirm } from './forget.ts';
import { quizComponentHandlers } from './quiz.ts';
import { queueComponentHandlers } from './queue.ts';
// --- h13-exam-discord ---
import { examComponentHandlers } from './exam.ts';

/** Every component handler, by the kind of custom id it answers (see custom-id.ts). */
export const componentHandlers: readonly ComponentHandler[] = [
  ...quizComponentHandlers,
  forgetConfirm,
  forgetCancel,
  // --- h12-class-discord ---
  ...classComponentHandlers,
  // --- h12-queue-appeals ---
  ...queueComponentHandlers,
  // --- h13-exam-discord ---
  ...examComponentHandlers,
] as unknown as ComponentHandler[];

export function findComponentHandler(kind: ComponentId['kind']): ComponentHandler | undefined {
  return componentHandlers.find((handler) => (handler.kinds as readonly string[]).includes(kind));
}
