import fs from 'node:fs';
import path from 'node:path';
import { BankSchema } from '../bank/schema.ts';
import type { CheckResult } from './doctor.ts';

/** The banks part of `tutor doctor`: every JSON file in the folder parses and validates. */
export function checkBanks(dir: string): CheckResult {
  if (!fs.existsSync(dir)) {
    return { name: 'Banks', status: 'error', message: `The banks folder ${dir} does not exist.`, hints: ['Set BANKS_DIR to the folder holding your bank JSON files.'] };
  }
  const files = fs
    .readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort();
  const problems: string[] = [];
  const loaded: Array<{ id: string; questions: number }> = [];
  for (const file of files) {
    const full = path.join(dir, file);
    try {
      const parsed = BankSchema.safeParse(JSON.parse(fs.readFileSync(full, 'utf8')));
      if (parsed.success) loaded.push({ id: parsed.data.id, questions: parsed.data.questions.length });
      else for (const issue of parsed.error.issues.slice(0, 5)) problems.push(`${file} › ${issue.path.join('.')}: ${issue.message}`);
    } catch (error) {
      problems.push(`${file}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (problems.length > 0) {
    return { name: 'Banks', status: 'error', message: `${problems.length} problem(s) in ${dir}: ${problems.join('; ')}.`, hints: ['Run `npm run tutor -- bank check` for the full list.'] };
  }
  if (loaded.length === 0) {
    return { name: 'Banks', status: 'error', message: `No bank files (*.json) in ${dir}: there is nothing to quiz on.`, hints: ['Add a bank (see data/README.md) or point BANKS_DIR at your banks.'] };
  }
  const questions = loaded.reduce((sum, bank) => sum + bank.questions, 0);
  return {
    name: 'Banks',
    status: 'ok',
    message: `${loaded.length} bank${loaded.length === 1 ? '' : 's'}, ${questions} questions (${loaded.map((bank) => bank.id).join(', ')}).`,
    hints: [],
  };
}
