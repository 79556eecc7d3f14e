/**
 * `npm run bench`: every benchmark in turn, each printing its figures. Speed and memory claims live
 * here, not in timed unit tests. Add a benchmark by adding its module to the list.
 */
export interface BenchModule {
  name: string;
  run(log: (line: string) => void): Promise<void>;
}

const modules: Array<() => Promise<{ default: BenchModule }>> = [
  () => import('./storage.ts'),
  () => import('./grading.ts'),
  () => import('./fallback.ts'),
  () => import('./discord.ts'),
  () => import('./newcomer.ts'),
  () => import('./tutor.ts'),
  () => import('./import.ts'),
  () => import('./hostile.ts'),
  () => import('./class.ts'),
  () => import('./exam.ts'),
  () => import('./regrade.ts'),
];

// Names select benchmarks; `--option value` pairs are left for the benchmarks themselves (import's --samples).
const only = process.argv.slice(2).filter((arg, index, all) => !arg.startsWith('--') && !all[index - 1]?.startsWith('--'));
for (const load of modules) {
  const { default: bench } = await load();
  if (only.length > 0 && !only.includes(bench.name)) continue;
  console.log(`\n## ${bench.name}`);
  await bench.run((line) => console.log(line));
}
