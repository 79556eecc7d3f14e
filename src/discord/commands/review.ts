import { SlashCommandBuilder } from 'discord.js';
import { startQuizFromCommand } from '../quiz-flow.ts';
import type { SlashCommand } from '../types.ts';
import { descriptionLocalizations as d, nameLocalizations as n } from './localize.ts';
import { autocompleteBankOrTopic, bankOption, privateThreadOption, questionCountOption } from './options.ts';

/** `/review [bank] [count] [private]`: a quiz of the questions due for spaced review. */
export const reviewCommand: SlashCommand = {
  definition: new SlashCommandBuilder()
    .setName('review')
    .setNameLocalizations(n({ en: 'review', zh: '复习' }))
    .setDescription('A quiz of the questions due for review')
    .setDescriptionLocalizations(d({ en: 'A quiz of the questions due for review', zh: '复习到期的题目' }))
    .addStringOption(bankOption({ en: 'Only questions from this bank', zh: '只复习这个题库' }))
    .addIntegerOption(questionCountOption)
    .addBooleanOption(privateThreadOption)
    .toJSON(),
  defer: 'public',
  async execute({ interaction, deps, locale }) {
    await startQuizFromCommand(interaction, deps, locale, {
      input: {
        bankId: interaction.options.getString('bank') ?? undefined,
        count: interaction.options.getInteger('count') ?? undefined,
        mode: 'review',
      },
      wantsPrivate: interaction.options.getBoolean('private') ?? false,
    });
  },
  autocomplete: autocompleteBankOrTopic,
};
