import { SlashCommandBuilder } from 'discord.js';
import type { QuestionType } from '../../bank/schema.ts';
import { startQuizFromCommand } from '../quiz-flow.ts';
import type { SlashCommand } from '../types.ts';
import { descriptionLocalizations as d, nameLocalizations as n } from './localize.ts';
import { autocompleteBankOrTopic, bankOption, privateThreadOption, questionCountOption, questionTypeOption, topicOption } from './options.ts';

/** `/quiz [bank] [type] [topic] [count] [private]`: a quiz card here, the questions in a thread. */
export const quizCommand: SlashCommand = {
  definition: new SlashCommandBuilder()
    .setName('quiz')
    .setNameLocalizations(n({ en: 'quiz', zh: '测验' }))
    .setDescription('Start a quiz in a thread')
    .setDescriptionLocalizations(d({ en: 'Start a quiz in a thread', zh: '在子区中开始一次测验' }))
    .addStringOption(bankOption({ en: 'Question bank', zh: '题库' }))
    .addStringOption(questionTypeOption)
    .addStringOption(topicOption)
    .addIntegerOption(questionCountOption)
    .addBooleanOption(privateThreadOption)
    .toJSON(),
  defer: 'public',
  async execute({ interaction, deps, locale }) {
    const type = interaction.options.getString('type') as QuestionType | null;
    await startQuizFromCommand(interaction, deps, locale, {
      input: {
        bankId: interaction.options.getString('bank') ?? undefined,
        type: type ?? undefined,
        topic: interaction.options.getString('topic') ?? undefined,
        count: interaction.options.getInteger('count') ?? undefined,
        mode: 'quiz',
      },
      wantsPrivate: interaction.options.getBoolean('private') ?? false,
    });
  },
  autocomplete: autocompleteBankOrTopic,
};
