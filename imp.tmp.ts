import fs from 'node:fs';
import { importBank } from './src/bank/import/index.ts';
for (const f of process.argv.slice(2)) {
  const o = await importBank({ filename: f.split('/').pop()!, content: fs.readFileSync(f) });
  console.log('=====', f);
  if (!o.ok) { console.log(JSON.stringify(o.errors)); continue; }
  for (const q of o.bank.questions) console.log(JSON.stringify(q));
  console.log('skipped', JSON.stringify(o.report.skipped.map(r => [r.fromLine, r.toLine, r.reason, r.detail])));
  for (const w of o.report.warnings) console.log('  W', w.line, w.message, JSON.stringify(w.omitted ?? {}));
}
