import { PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import { MAX_IMPORT_BYTES, type ImportOutcome } from '../../bank/import/types.ts';
import { UserError } from '../../errors.ts';
import { t, type Locale } from '../../messages/catalog.ts';
import { renderBankList, renderImportReport, type ImportReportView } from '../render.ts';
import type { CommandContext, SlashCommand } from '../types.ts';
import { descriptionLocalizations as d, nameLocalizations as n } from './localize.ts';
import { countNoun } from '../../messages/format.ts';

/** `/bank list` for everyone; `/bank import <file> [replace]` for members with Manage Server. */
export const bankCommand: SlashCommand = {
  definition: new SlashCommandBuilder()
    .setName('bank')
    .setNameLocalizations(n({ en: 'bank', zh: '题库' }))
    .setDescription('Question banks')
    .setDescriptionLocalizations(d({ en: 'Question banks', zh: '题库' }))
    .addSubcommand((sub) =>
      sub
        .setName('list')
        .setNameLocalizations(n({ en: 'list', zh: '列表' }))
        .setDescription('The banks you can quiz on')
        .setDescriptionLocalizations(d({ en: 'The banks you can quiz on', zh: '可以练习的题库' })),
    )
    .addSubcommand((sub) =>
      sub
        .setName('import')
        .setNameLocalizations(n({ en: 'import', zh: '导入' }))
        .setDescription('Import a bank from a file (paper, .docx, GIFT, Aiken, Moodle XML, CSV); needs Manage Server')
        .setDescriptionLocalizations(d({ en: 'Import a bank from a file (paper, .docx, GIFT, Aiken, Moodle XML, CSV); needs Manage Server', zh: '从文件导入题库（试卷、.docx、GIFT、Aiken、Moodle XML、CSV）；需要管理服务器权限' }))
        .addAttachmentOption((option) =>
          option
            .setName('file')
            .setNameLocalizations(n({ en: 'file', zh: '文件' }))
            .setDescription('The file to import')
            .setDescriptionLocalizations(d({ en: 'The file to import', zh: '要导入的文件' }))
            .setRequired(true),
        )
        .addBooleanOption((option) =>
          option
            .setName('replace')
            .setNameLocalizations(n({ en: 'replace', zh: '覆盖' }))
            .setDescription('Overwrite a bank with the same id')
            .setDescriptionLocalizations(d({ en: 'Overwrite a bank with the same id', zh: '覆盖同 id 的题库' })),
        ),
    )
    .toJSON(),
  defer: 'ephemeral',
  async execute(context) {
    if (context.interaction.options.getSubcommand() === 'import') {
      await importFromAttachment(context);
      return;
    }
    await context.interaction.editReply(renderBankList(context.locale, context.deps.banks.list()));
  },
};

async function importFromAttachment({ interaction, deps, locale }: CommandContext): Promise<void> {
  // Checked here as well as by Discord's default permissions: a server may override those.
  if (!interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) {
    throw new UserError('no-permission');
  }
  const attachment = interaction.options.getAttachment('file', true);
  const replace = interaction.options.getBoolean('replace') ?? false;
  if (attachment.size > MAX_IMPORT_BYTES) {
    throw new UserError('too-large', { size: attachment.size, max: MAX_IMPORT_BYTES });
  }
  const response = await (deps.fetchAttachment ?? fetch)(attachment.url);
  if (!response.ok) throw new UserError('download-failed', { status: response.status });
  const content = Buffer.from(await response.arrayBuffer());
  if (content.length > MAX_IMPORT_BYTES) {
    throw new UserError('too-large', { size: content.length, max: MAX_IMPORT_BYTES });
  }
  // The same flow as `tutor bank import`: parsed in a worker, never replacing a file without `replace`.
  const result = await deps.banks.importIntoFolder({ filename: attachment.name, content, replace });
  const { outcome } = result;
  const view = describeOutcome(attachment.name, outcome);
  if (outcome.ok) {
    if (result.status === 'refused') {
      view.reason = t(locale, 'bank.import.exists', { id: outcome.bank.id });
    } else {
      view.saved = { bankId: outcome.bank.id, questionCount: outcome.bank.questions.filter((q) => q.status !== 'draft').length };
      deps.logger.info({ bankId: outcome.bank.id, userId: interaction.user.id, guildId: interaction.guildId }, 'bank imported from Discord');
    }
  }
  await interaction.editReply(renderImportReport(locale, view));
}

/** The importer's report as lines a teacher can act on: each names its line numbers. */
export function describeOutcome(fileName: string, outcome: ImportOutcome, _locale?: Locale): ImportReportView {
  const problems: string[] = [];
  const warnings: string[] = [];
  if (!outcome.ok) for (const error of outcome.errors) problems.push(error.line ? `line ${error.line}: ${error.message}` : error.message);
  const report = outcome.report;
  if (report) {
    warnings.push(`${countNoun(report.questionCount, 'question')} read as ${report.format} (${report.formatReason}); ${report.answerKeysFound} with an answer key`);
    for (const warning of report.warnings) warnings.push(warning.line ? `line ${warning.line}: ${warning.message}` : warning.message);
    for (const region of report.skipped) warnings.push(`lines ${region.fromLine}–${region.toLine} skipped (${region.reason}): ${region.detail}`);
    if (report.missingAnswers.length > 0) warnings.push(`saved as drafts without an answer: ${report.missingAnswers.join(', ')}`);
  }
  return { fileName, problems, warnings };
}
