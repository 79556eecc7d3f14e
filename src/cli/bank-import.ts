import { open, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatImportError, formatImportReport, importBank, IMPORT_FORMATS, isImportFormat, MAX_IMPORT_BYTES } from '../bank/import/index.ts';
import { writeBankFile } from '../bank/import/write.ts';
import { displayPath, resolveBanksDir } from './bank-check.ts';
import type { CliCommand } from './types.ts';

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
      io.stderr.write(`${shown} refused: ${(info.size / 1024 / 1024).toFixed(1)} MB is over the ${MAX_IMPORT_BYTES / 1024 / 1024} MB limit\n`);
      return 1;
    }
    const handle = await open(input, 'r');
    let content: Buffer;
    try {
      content = await handle.readFile();
    } finally {
      await handle.close();
    }

    const outcome = await importBank({ filename: path.basename(input), content, format, ...(values.id ? { bankId: values.id } : {}) });
    if (!outcome.ok) {
      io.stderr.write(`Could not import ${shown}${outcome.format ? ` as ${outcome.format}` : ''}:\n`);
      for (const error of outcome.errors) io.stderr.write(`  ${formatImportError(error)}\n`);
      io.stderr.write('Nothing was written.\n');
      return 1;
    }

    const banksDir = resolveBanksDir(io);
    const out = values.out ? path.resolve(io.cwd, values.out) : path.join(banksDir, `${outcome.bank.id}.json`);
    // Only a file in the banks folder is loaded next to the others, so only there can ids clash.
    const clash = path.dirname(out) === banksDir ? await findBankFileWithId(banksDir, outcome.bank.id) : undefined;
    if (clash && path.resolve(clash) !== out) {
      io.stderr.write(`Bank id "${outcome.bank.id}" is already used by ${displayPath(io, clash)}: choose another with --id. Nothing was written.\n`);
      return 1;
    }

    const report = formatImportReport(outcome.report);
    const written = await writeBankFile(outcome.bank, out, { force: values.force });
    if (values.json) io.stdout.write(`${JSON.stringify({ file: written.ok ? displayPath(io, written.file) : null, report: outcome.report }, null, 2)}\n`);
    else io.stdout.write(report);
    if (!written.ok) {
      io.stderr.write(`${written.reason.replace(out, displayPath(io, out))}\n`);
      return 1;
    }
    if (!values.json) {
      io.stdout.write(`Wrote ${displayPath(io, out)}.${outcome.report.missingAnswers.length > 0 ? ' Fill in the drafts, then run `tutor bank check`.' : ' Run `tutor bank check` to confirm.'}\n`);
    }
    return 0;
  },
};

/** The bank file in `dir` whose `id` is `bankId`, if any (files that are not valid JSON are ignored here). */
async function findBankFileWithId(dir: string, bankId: string): Promise<string | undefined> {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names.filter((candidate) => candidate.toLowerCase().endsWith('.json')).sort()) {
    const file = path.join(dir, name);
    try {
      const value = JSON.parse(await readFile(file, 'utf8')) as { id?: unknown };
      if (value.id === bankId) return file;
    } catch {
      // `tutor bank check` reports broken files; they cannot clash.
    }
  }
  return undefined;
}
