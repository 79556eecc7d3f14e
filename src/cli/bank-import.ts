import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatImportError, formatImportReport, IMPORT_FORMATS, isImportFormat, MAX_IMPORT_BYTES } from '../bank/import/index.ts';
import { importBankIntoFolder } from '../bank/import/write.ts';
import { displayPath, resolveBanksDir } from './bank-check.ts';
import type { CliCommand } from './types.ts';
import { formatBytes } from '../messages/format.ts';

export const bankImportCommand: CliCommand = {
  path: ['bank', 'import'],
  usage: `bank import <file> [--format auto|${IMPORT_FORMATS.join('|')}] [--id <bank-id>] [--out <file>] [--force] [--json]`,
  summary: 'Convert a paper, .docx, GIFT, Aiken, Moodle XML, CSV or GAOKAO JSON file into a bank and report what was found',
  async run(args, io) {
    const { positionals, values } = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string', default: 'auto' },
        id: { type: 'string' },
        out: { type: 'string' },
        force: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
      },
    });
    if (positionals.length !== 1) {
      io.stderr.write(`Give exactly one file.\nUsage: tutor ${bankImportCommand.usage}\n`);
      return 2;
    }
    const format = values.format;
    if (format !== 'auto' && !isImportFormat(format)) {
      io.stderr.write(`Unknown --format "${format}": use auto, ${IMPORT_FORMATS.join(', ')}\n`);
      return 2;
    }
    const input = path.resolve(io.cwd, positionals[0]!);
    const shown = displayPath(io, input);
    const info = await stat(input).catch(() => undefined);
    if (!info || !info.isFile()) {
      io.stderr.write(`${shown}: ${info ? 'not a file' : 'no such file'}\n`);
      return 1;
    }
    if (info.size > MAX_IMPORT_BYTES) {
      io.stderr.write(`${shown} refused: ${formatBytes(info.size)} is over the ${formatBytes(MAX_IMPORT_BYTES)} limit\n`);
      return 1;
    }
    const handle = await open(input, 'r');
    let content: Buffer;
    try {
      content = await handle.readFile();
    } finally {
      await handle.close();
    }

    const banksDir = resolveBanksDir(io);
    const result = await importBankIntoFolder({
      filename: path.basename(input),
      content,
      format,
      ...(values.id ? { bankId: values.id } : {}),
      banksDir,
      ...(values.out ? { out: path.resolve(io.cwd, values.out) } : {}),
      replace: values.force,
    });
    if (result.status === 'invalid') {
      io.stderr.write(`Could not import ${shown}${result.outcome.format ? ` as ${result.outcome.format}` : ''}:\n`);
      for (const error of result.outcome.errors) io.stderr.write(`  ${formatImportError(error)}\n`);
      io.stderr.write('Nothing was written.\n');
      return 1;
    }
    const { outcome } = result;
    if (result.status === 'refused' && result.code === 'id-taken') {
      io.stderr.write(`${result.message.replace(result.file, displayPath(io, result.file))}\n`);
      return 1;
    }
    const written = result.status === 'written' ? result.file : undefined;
    if (values.json) io.stdout.write(`${JSON.stringify({ file: written ? displayPath(io, written) : null, report: outcome.report }, null, 2)}\n`);
    else io.stdout.write(formatImportReport(outcome.report));
    if (result.status === 'refused') {
      io.stderr.write(`${result.message.replace(result.file, displayPath(io, result.file))}\n`);
      return 1;
    }
    if (!values.json) {
      if (result.backup) io.stdout.write(`The previous file was kept as ${displayPath(io, result.backup)}.\n`);
      io.stdout.write(`Wrote ${displayPath(io, result.file)}.${outcome.report.missingAnswers.length > 0 ? ' Fill in the drafts, then run `tutor bank check`.' : ' Run `tutor bank check` to confirm.'}\n`);
    }
    return 0;
  },
};
