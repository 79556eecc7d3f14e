import { SlashCommandBuilder, type AutocompleteInteraction, type ChatInputCommandInteraction, type SlashCommandStringOption } from 'discord.js';
import { UserError } from '../../errors.ts';
import type { ClassFilter } from '../../progress/class-report.ts';
import { isAnalysedType } from '../../progress/response-analysis.ts';
import { renderDailyChartPng } from '../chart.ts';
import { loadQuestionView } from '../components/class.ts';
import { truncate } from '../render.ts';
import { exportFileName, renderClassReport, renderExportDone, renderItemReport, renderResponseAnalysis, type ClassPeriod } from '../render-class.ts';
import { requireTeacher } from '../teacher.ts';
import type { BotDeps, CommandContext, SlashCommand } from '../types.ts';
import { descriptionLocalizations as d, nameLocalizations as n } from './localize.ts';
import { autocompleteBankOrTopic, bankOption } from './options.ts';
import { classQueue, queueSubcommand } from './class-queue.ts'; // --- h12-queue-appeals ---

/**
 * `/class report|items|export`: the teacher's views of this server's class (issue 12). Every
 * subcommand checks the teacher role first (Discord's default permissions can be changed by a server),
 * and answers privately: the views show other members' answers.
 */

export const CLASS_CHART_FILE_NAME = 'class-30-days.png';

const DAY_MS = 24 * 60 * 60 * 1000;
const PERIOD_DAYS: Record<Exclude<ClassPeriod, 'all'>, number> = { week: 7, month: 30 };

function periodOption(option: SlashCommandStringOption): SlashCommandStringOption {
  return option
    .setName('period')
    .setNameLocalizations(n({ en: 'period', zh: '时间范围' }))
    .setDescription('Answers from the last 7 days, 30 days or all time (default)')
    .setDescriptionLocalizations(d({ en: 'Answers from the last 7 days, 30 days or all time (default)', zh: '最近 7 天、30 天或全部时间（默认）的作答' }))
    .addChoices(
      { name: 'Last 7 days', name_localizations: { 'zh-CN': '最近 7 天' }, value: 'week' },
      { name: 'Last 30 days', name_localizations: { 'zh-CN': '最近 30 天' }, value: 'month' },
      { name: 'All time', name_localizations: { 'zh-CN': '全部时间' }, value: 'all' },
    );
}

/** The class is this server's members; the period counts back from now. */
export function classFilter(guildId: string, bankId: string | undefined, period: ClassPeriod, now: Date): ClassFilter {
  return {
    guildId,
    ...(bankId ? { bankId } : {}),
    ...(period === 'all' ? {} : { since: new Date(now.getTime() - PERIOD_DAYS[period] * DAY_MS) }),
  };
}

interface ClassOptions {
  guildId: string;
  bankId: string | undefined;
  period: ClassPeriod;
}

/** The teacher check and the options every subcommand shares; an unknown bank is named before any work. */
function readOptions({ interaction, deps }: CommandContext): ClassOptions {
  if (!interaction.guildId) throw new UserError('guild-only');
  requireTeacher(interaction, deps.teacherRoleId);
  const bankId = interaction.options.getString('bank') ?? undefined;
  if (bankId) deps.banks.require(bankId);
  const period = (interaction.options.getString('period') ?? 'all') as ClassPeriod;
  return { guildId: interaction.guildId, bankId, period };
}

async function report(context: CommandContext): Promise<void> {
  const { interaction, deps, locale } = context;
  const { guildId, bankId, period } = readOptions(context);
  const result = deps.classReports.classReport(classFilter(guildId, bankId, period, new Date()));
  const bankTitle = bankId ? deps.banks.get(bankId)?.title : undefined;
  const view = { locale, report: result, period, ...(bankTitle ? { bankTitle } : {}) };
  if (result.activeLearners === 0) {
    await interaction.editReply(renderClassReport(view));
    return;
  }
  const chart = renderDailyChartPng(result.daily);
  await interaction.editReply({ ...renderClassReport({ ...view, chartFile: CLASS_CHART_FILE_NAME }), files: [{ attachment: chart, name: CLASS_CHART_FILE_NAME }] });
}

/** The bank `/class items` is about: the one named, else the only one loaded. */
function itemsBank(context: CommandContext, bankId: string | undefined): string {
  if (bankId) return bankId;
  const banks = context.deps.banks.list();
  if (banks.length === 1) return banks[0]!.id;
  throw new UserError('choose-bank', { banks: banks.map((bank) => bank.id).join(', ') || '–' });
}

async function items(context: CommandContext): Promise<void> {
  const { interaction, deps, locale } = context;
  const { guildId, bankId } = readOptions(context);
  const bank = deps.banks.require(itemsBank(context, bankId));
  // A question named outright (the picker holds 25): straight to its response analysis.
  const questionId = interaction.options.getString('question');
  if (questionId) {
    await interaction.editReply(renderResponseAnalysis({ locale, ...loadQuestionView(deps, guildId, bank.id, { id: questionId }) }));
    return;
  }
  const rows = deps.classReports.itemReport(bank.id, { guildId });
  await interaction.editReply(renderItemReport({ locale, bank, rows }));
}

const AUTOCOMPLETE_LIMIT = 25;

/** Banks as elsewhere; for `/class items question`, the questions of the chosen (or only) bank that have a response analysis. */
async function autocompleteClass(interaction: AutocompleteInteraction, deps: BotDeps): Promise<void> {
  const focused = interaction.options.getFocused(true);
  if (focused.name !== 'question') {
    await autocompleteBankOrTopic(interaction, deps);
    return;
  }
  const chosen = interaction.options.getString('bank');
  const banks = deps.banks.list();
  const bank = chosen ? deps.banks.get(chosen) : banks.length === 1 ? banks[0] : undefined;
  const typed = String(focused.value).toLowerCase();
  const choices = (bank?.questions ?? [])
    .filter((question) => isAnalysedType(question.type) && (question.id.toLowerCase().includes(typed) || question.stem.toLowerCase().includes(typed)))
    .slice(0, AUTOCOMPLETE_LIMIT)
    .map((question) => ({ name: truncate(`${question.id} · ${question.stem.replace(/\s+/g, ' ')}`, 100), value: question.id }));
  await interaction.respond(choices);
}

async function exportCsv(context: CommandContext): Promise<void> {
  const { interaction, deps, locale } = context;
  const { guildId, bankId, period } = readOptions(context);
  const now = new Date();
  const { csv, rows } = deps.classReports.exportCsv(classFilter(guildId, bankId, period, now));
  const bankTitle = bankId ? deps.banks.get(bankId)?.title : undefined;
  deps.logger.info({ userId: interaction.user.id, guildId, bankId, period, rows }, 'class exported');
  await interaction.editReply({
    ...renderExportDone(locale, { rows, period, ...(bankTitle ? { bankTitle } : {}) }),
    files: [{ attachment: Buffer.from(csv, 'utf8'), name: exportFileName(bankId, now) }],
  });
}

const SUBCOMMANDS: Record<string, (context: CommandContext) => Promise<void>> = { report, items, export: exportCsv, queue: classQueue };

export const classCommand: SlashCommand = {
  definition: new SlashCommandBuilder()
    .setName('class')
    .setNameLocalizations(n({ en: 'class', zh: '班级' }))
    .setDescription("Teachers: how this server's class is doing")
    .setDescriptionLocalizations(d({ en: "Teachers: how this server's class is doing", zh: '教师：本服务器班级的学习情况' }))
    .setDMPermission(false)
    .addSubcommand((sub) =>
      sub
        .setName('report')
        .setNameLocalizations(n({ en: 'report', zh: '报告' }))
        .setDescription('Answers, accuracy and points by topic and type, 30 days of activity, each learner')
        .setDescriptionLocalizations(d({ en: 'Answers, accuracy and points by topic and type, 30 days of activity, each learner', zh: '按知识点和题型的作答数、正确率和得分，最近 30 天活跃度，每位学习者' }))
        .addStringOption(bankOption({ en: 'Only this bank', zh: '只看这个题库' }))
        .addStringOption(periodOption),
    )
    .addSubcommand((sub) =>
      sub
        .setName('items')
        .setNameLocalizations(n({ en: 'items', zh: '题目分析' }))
        .setDescription('Per question: facility, discrimination and the answers given; fix a key from them')
        .setDescriptionLocalizations(d({ en: 'Per question: facility, discrimination and the answers given; fix a key from them', zh: '逐题：难度、区分度和学习者的答案；可据此修正答案' }))
        .addStringOption(bankOption({ en: 'The bank (default: the only one loaded)', zh: '题库（默认：唯一已加载的题库）' }))
        .addStringOption((option) =>
          option
            .setName('question')
            .setNameLocalizations(n({ en: 'question', zh: '题目' }))
            .setDescription('Go straight to the answers given to this question')
            .setDescriptionLocalizations(d({ en: 'Go straight to the answers given to this question', zh: '直接查看这道题的作答' }))
            .setAutocomplete(true),
        ),
    )
    .addSubcommand((sub) =>
      sub
        .setName('export')
        .setNameLocalizations(n({ en: 'export', zh: '导出' }))
        .setDescription('A CSV file: one row per learner and bank (for Excel and LibreOffice)')
        .setDescriptionLocalizations(d({ en: 'A CSV file: one row per learner and bank (for Excel and LibreOffice)', zh: 'CSV 文件：每位学习者每个题库一行（适用于 Excel 和 LibreOffice）' }))
        .addStringOption(bankOption({ en: 'Only this bank', zh: '只导出这个题库' }))
        .addStringOption(periodOption),
    )
    // --- h12-queue-appeals ---
    .addSubcommand(queueSubcommand)
    .toJSON(),
  defer: 'ephemeral',
  async execute(context) {
    const run = SUBCOMMANDS[subcommandOf(context.interaction)];
    if (!run) throw new UserError('unknown-command');
    await run(context);
  },
  autocomplete: autocompleteClass,
};

function subcommandOf(interaction: ChatInputCommandInteraction): string {
  return interaction.options.getSubcommand();
}
