#!/usr/bin/env node
// The `tutor` command. npm links this file as node_modules/.bin/tutor (and `npm link` or a global
// install as a bin elsewhere): a symlink, so the command line runs because this file calls main(),
// never because src/cli.ts guesses from process.argv how it was started. tsx compiles the TypeScript
// on the fly (no build step); Node resolves `tsx` from this file's real path, so any cwd works.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
await main();
