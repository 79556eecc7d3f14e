import { SlashCommandBuilder, type AutocompleteInteraction } from 'discord.js';
import { MAX_EXAM_MINUTES, MIN_EXAM_MINUTES } from '../../exam/exam-service.ts';
import { startExamFromCommand } from '../exam-flow.ts';
import type { BotDeps, SlashCommand } from '../types.ts';
import { descriptionLocalizations as d, nameLocalizations as n } from './localize.ts';
import { autocompleteBankOrTopic, bankOption } from './options.ts';

const AUTOCOMPLETE_LIMIT = 25;

/** `/exam [bank] [paper] [minutes]`: a card here, the paper under its time limit in a private thread. */
export const examCommand: SlashCommand = {
  definition: new SlashCommandBuilder()
    .setName('exam')
    .setNameLocalizations(n({ en: 'exam', zh: '考试' }))
    .setDescription('Sit a paper as an exam, under its time limit')
    .setDescriptionLocalizations(d({ en: 'Sit a paper as an exam, under its time limit', zh: '限时作答一整套试卷' }))
    .addStringOption(bankOption({ en: 'Question bank', zh: '题库' }))
    .addStringOption((option) =>
      option
        .setName('paper')
        .setNameLocalizations(n({ en: 'paper', zh: '试卷' }))
        .setDescription('A paper of the bank (default: its first)')
        .setDescriptionLocalizations(d({ en: 'A paper of the bank (default: its first)', zh: '题库中的试卷（默认第一套）' }))
        .setAutocomplete(true),
    )
    .addIntegerOption((option) =>
      option
        .setName('minutes')
        .setNameLocalizations(n({ en: 'minutes', zh: '分钟' }))
        .setDescription('Time limit in minutes (default: the paper’s)')
        .setDescriptionLocalizations(d({ en: 'Time limit in minutes (default: the paper’s)', zh: '限时（分钟，默认为试卷规定的时间）' }))
        .setMinValue(MIN_EXAM_MINUTES)
        .setMaxValue(MAX_EXAM_MINUTES),
    )
    .toJSON(),
  defer: 'public',
  async execute({ interaction, deps, locale }) {
    const minutes = interaction.options.getInteger('minutes');
    await startExamFromCommand(interaction, deps, locale, {
      ...(interaction.options.getString('bank') ? { bankId: interaction.options.getString('bank')! } : {}),
      ...(interaction.options.getString('paper') ? { paperId: interaction.options.getString('paper')! } : {}),
      ...(minutes !== null ? { minutes } : {}),
    });
  },
  autocomplete: autocompleteExam,
};

/** Banks as for /quiz; papers of the chosen bank (or of every bank) by id or title. */
async function autocompleteExam(interaction: AutocompleteInteraction, deps: BotDeps): Promise<void> {
  const focused = interaction.options.getFocused(true);
  if (focused.name !== 'paper') {
    await autocompleteBankOrTopic(interaction, deps);
    return;
  }
  const typed = String(focused.value).toLowerCase();
  const bankId = interaction.options.getString('bank') ?? undefined;
  const papers = bankId && !deps.banks.get(bankId) ? [] : deps.exams.papers(bankId);
  const choices = papers
    .filter((paper) => paper.paperId !== null)
    .filter((paper) => paper.paperId!.toLowerCase().includes(typed) || paper.title.toLowerCase().includes(typed))
    .slice(0, AUTOCOMPLETE_LIMIT)
    .map((paper) => ({ name: `${paper.title} (${paper.paperId})`.slice(0, 100), value: paper.paperId!.slice(0, 100) }));
  await interaction.respond(choices);
}
