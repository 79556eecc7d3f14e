import type { SlashCommand } from '../types.ts';
import { bankCommand } from './bank.ts';
import { classCommand } from './class.ts';
import { examCommand } from './exam.ts';
import { forgetMeCommand } from './forget-me.ts';
import { leaderboardCommand } from './leaderboard.ts';
import { quizCommand } from './quiz.ts';
import { reviewCommand } from './review.ts';
import { statsCommand } from './stats.ts';

/** Every slash command, listed explicitly: `tutor deploy-commands` registers exactly these. */
export const slashCommands: readonly SlashCommand[] = [
  quizCommand,
  reviewCommand,
  statsCommand,
  leaderboardCommand,
  bankCommand,
  forgetMeCommand,
  // --- h12-class-discord ---
  classCommand,
  examCommand,
];

export function findCommand(name: string): SlashCommand | undefined {
  return slashCommands.find((command) => command.definition.name === name);
}
