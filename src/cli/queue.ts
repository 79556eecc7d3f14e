import { parseArgs } from 'node:util';
import { escapeForTerminal as safe, formatColumns, formatPoints, truncateWidth } from '../messages/format.ts';
import type { QueueItem, QueueItemKind, QueueResolution, ResolveResult } from '../services/review-queue.ts';
import { createCliApp } from './app.ts';
import type { CliCommand, CliIo } from './types.ts';

/**
 * `tutor queue list|show|resolve`: the review queue for the person running the bot, who sees every
 * server's learners (the Discord `/class queue` shows a teacher their own server's only). Resolutions
 * are recorded as `cli:<name>` and the learner is told through the notice outbox, as from Discord.
 */

const KIND_LABEL: Record<QueueItemKind, string> = { appeal: 'Appeal', flagged: 'Flagged', 'needs-review': 'Needs review', provisional: 'Provisional' };

function oneLine(text: string, width: number): string {
  return safe(truncateWidth(text.replace(/\s+/g, ' ').trim(), width));
}

function learnerOf(item: QueueItem): string {
  return item.displayName && item.displayName !== item.userId ? `${safe(item.displayName)} (${safe(item.userId)})` : safe(item.userId);
}

export function renderQueueListText(items: readonly QueueItem[], total: number): string {
  if (items.length === 0) return 'Nothing awaits review.\n';
  const rows = items.map((item) => [
    `#${item.attemptId}`,
    KIND_LABEL[item.kind],
    learnerOf(item),
    `${safe(item.bankId)}/${safe(item.questionId)}`,
    `${formatPoints(item.score)}/${formatPoints(item.maxScore)}`,
    oneLine(item.appeal ? `appeal: ${item.appeal.reason}` : item.answer, 50),
  ]);
  const lines = [`Review queue: ${total} ${total === 1 ? 'answer' : 'answers'}${items.length < total ? ` (the oldest ${items.length} shown)` : ''}`, ''];
  lines.push(...formatColumns([['Id', 'Kind', 'Learner', 'Question', 'Score', 'Answer'], ...rows], { indent: '  ' }));
  lines.push('', 'See one: tutor queue show <id>');
  return `${lines.join('\n')}\n`;
}

export function renderQueueItemText(item: QueueItem): string {
  const indent = (text: string) => safe(text).split('\n').map((line) => `  ${line}`).join('\n');
  const lines = [
    `Answer #${item.attemptId}: ${KIND_LABEL[item.kind]}`,
    `Learner: ${learnerOf(item)}${item.guildId ? `, server ${safe(item.guildId)}` : ''}, answered ${item.createdAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    `Question: ${safe(item.bankId)}/${safe(item.questionId)} (${item.questionType})`,
    item.stem === null ? '  (no longer in the bank)' : indent(item.stem),
    'Answer:',
    indent(item.answer || '—'),
    `Score: ${formatPoints(item.score)} / ${formatPoints(item.maxScore)} (${item.status}, graded by ${item.gradedBy})${item.claimedScore !== null ? `; the AI claimed ${formatPoints(item.claimedScore)}` : ''}`,
  ];
  if (item.note) lines.push(`Tutor note: ${safe(item.note)}`);
  if (item.appeal) lines.push(`Appeal (${item.appeal.createdAt.toISOString().slice(0, 16).replace('T', ' ')} UTC):`, indent(item.appeal.reason));
  lines.push('Marking points:');
  item.points.forEach((point, index) => {
    const evidence = point.evidence ? `  evidence: "${oneLine(point.evidence, 80)}"` : '';
    lines.push(`  ${index + 1}. [${point.verdict}] ${safe(point.label)}  ${formatPoints(point.score)}/${formatPoints(point.maxScore)}${evidence}`);
  });
  const example = item.points.map((point) => formatPoints(point.maxScore)).join(',');
  lines.push('', `Resolve: tutor queue resolve ${item.attemptId} --accept | --scores ${example} | --reject --note "…"`);
  return `${lines.join('\n')}\n`;
}

function parseId(value: string | undefined, io: CliIo, usage: string): number | null {
  const id = Number(value);
  if (value === undefined || !/^\d+$/.test(value) || !Number.isSafeInteger(id)) {
    io.stderr.write(`${value === undefined ? 'Which answer? ' : `"${value}" is not an answer id. `}Usage: tutor ${usage}\n`);
    return null;
  }
  return id;
}

export const queueListCommand: CliCommand = {
  path: ['queue', 'list'],
  usage: 'queue list [--guild <id>] [--bank <id>] [--provisional] [--limit N] [--json]',
  summary: 'The answers awaiting a person: appeals, flagged and needs-review answers (provisional ones on request)',
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        guild: { type: 'string' },
        bank: { type: 'string' },
        provisional: { type: 'boolean', default: false },
        limit: { type: 'string', default: '50' },
        json: { type: 'boolean', default: false },
      },
    });
    const limit = Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
      io.stderr.write(`--limit must be a whole number from 1 to 500, got "${values.limit}"\n`);
      return 2;
    }
    const app = await createCliApp(io, { existingDatabase: true, promptsOnFirstUse: true });
    try {
      const filter = {
        ...(values.guild ? { guildId: values.guild } : {}),
        ...(values.bank ? { bankId: values.bank } : {}),
        includeProvisional: values.provisional,
      };
      const items = app.reviewQueue.list({ ...filter, limit });
      const total = items.length < limit ? items.length : app.reviewQueue.count(filter);
      io.stdout.write(values.json ? `${JSON.stringify({ total, items }, null, 2)}\n` : renderQueueListText(items, total));
      return 0;
    } finally {
      app.close();
    }
  },
};

export const queueShowCommand: CliCommand = {
  path: ['queue', 'show'],
  usage: 'queue show <id> [--json]',
  summary: "One answer of the queue: the question, the learner's answer, the per-point verdicts with their evidence, the score",
  async run(args, io) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean', default: false } } });
    const id = parseId(positionals[0], io, queueShowCommand.usage);
    if (id === null) return 2;
    const app = await createCliApp(io, { existingDatabase: true, promptsOnFirstUse: true });
    try {
      const item = app.reviewQueue.show(id);
      io.stdout.write(values.json ? `${JSON.stringify(item, null, 2)}\n` : renderQueueItemText(item));
      return 0;
    } finally {
      app.close();
    }
  },
};

/** `1, 0.5,2` or `1 0.5 2`: one number per marking point; else the message naming the first bad one. */
function parseScores(text: string): number[] | string {
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  const bad = parts.findIndex((part) => !/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(part));
  if (bad >= 0) return `--scores: score ${bad + 1} is not a number: "${safe(parts[bad]!)}"`;
  return parts.map(Number);
}

export function renderResolveText(result: ResolveResult): string {
  const outcome = result.appealStatus ? `appeal ${result.appealStatus}` : result.after === result.before ? 'grade confirmed' : 'grade changed';
  return `Answer #${result.attemptId}: ${formatPoints(result.before)} → ${formatPoints(result.after)} / ${formatPoints(result.maxScore)} points (${outcome}). Stored as a teacher's grade; the learner will be told.\n`;
}

export const queueResolveCommand: CliCommand = {
  path: ['queue', 'resolve'],
  usage: 'queue resolve <id> (--accept | --scores <list> | --reject) [--note <text>] [--by <name>] [--json]',
  summary: "Store a teacher's grade for an answer of the queue and tell the learner",
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        accept: { type: 'boolean', default: false },
        scores: { type: 'string' },
        reject: { type: 'boolean', default: false },
        note: { type: 'string' },
        by: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    });
    const id = parseId(positionals[0], io, queueResolveCommand.usage);
    if (id === null) return 2;
    const chosen = [values.accept, values.scores !== undefined, values.reject].filter(Boolean).length;
    if (chosen !== 1) {
      io.stderr.write(`Give exactly one of --accept, --scores or --reject.\nUsage: tutor ${queueResolveCommand.usage}\n`);
      return 2;
    }
    const scores = values.scores === undefined ? [] : parseScores(values.scores);
    if (typeof scores === 'string') {
      io.stderr.write(`${scores}\n`);
      return 2;
    }
    const note = values.note === undefined ? {} : { note: values.note };
    const resolution: QueueResolution = values.accept
      ? { action: 'accept', ...note }
      : values.reject
        ? { action: 'reject', note: values.note ?? '' }
        : { action: 'scores', scores, ...note };
    const by = (values.by ?? io.env.USER ?? io.env.USERNAME ?? 'operator').trim() || 'operator';
    const app = await createCliApp(io, { existingDatabase: true, promptsOnFirstUse: true });
    try {
      const result = app.reviewQueue.resolve({ attemptId: id, resolution, resolvedBy: `cli:${by}` });
      io.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : renderResolveText(result));
      return 0;
    } finally {
      app.close();
    }
  },
};
