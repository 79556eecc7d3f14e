import { SlashCommandBuilder } from 'discord.js';
import { MAX_QUIZ_COUNT } from '../../quiz/quiz-service.ts';
import { startQuizFromCommand } from '../quiz-flow.ts';
import type { SlashCommand } from '../types.ts';
import { autocompleteBankOrTopic } from './quiz.ts';
import { descriptionLocalizations as d, nameLocalizations as n } from './localize.ts';

/** `/review [bank] [count] [private]`: a quiz of the questions due for spaced review. */
export const reviewCommand: SlashCommand = {
  definition: new SlashCommandBuilder()
    .setName('review')
    .setNameLocalizations(n({ en: 'review', zh: '复习' }))
    .setDescription('A quiz of the questions due for review')
    .setDescriptionLocalizations(d({ en: 'A quiz of the questions due for review', zh: '复习到期的题目' }))
    .addStringOption((option) =>
      option
        .setName('bank')
        .setNameLocalizations(n({ en: 'bank', zh: '题库' }))
        .setDescription('Only questions from this bank')
        .setDescriptionLocalizations(d({ en: 'Only questions from this bank', zh: '只复习这个题库' }))
        .setAutocomplete(true),
    )
    .addIntegerOption((option) =>
      option
        .setName('count')
        .setNameLocalizations(n({ en: 'count', zh: '题数' }))
        .setDescription('How many questions')
        .setDescriptionLocalizations(d({ en: 'How many questions', zh: '题目数量' }))
        .setMinValue(1)
        .setMaxValue(MAX_QUIZ_COUNT),
    )
    .addBooleanOption((option) =>
      option
        .setName('private')
        .setNameLocalizations(n({ en: 'private', zh: '私密' }))
        .setDescription('Use a private thread (where the server allows it)')
        .setDescriptionLocalizations(d({ en: 'Use a private thread (where the server allows it)', zh: '使用私密子区（如果服务器允许）' })),
    )
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
