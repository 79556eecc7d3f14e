import { parseArgs } from 'node:util';
import type { RESTPutAPIApplicationCommandsResult } from 'discord.js';
import { loadConfig } from '../config.ts';
import type { CliCommand } from './types.ts';
import { countNoun } from '../messages/format.ts';

/**
 * `tutor deploy-commands [--guild <id>]`: registers the bot's slash commands once (never on every
 * start). A guild registration shows up at once, for testing; a global one reaches every server.
 * The PUT is a bulk overwrite: commands no longer in the registry disappear.
 */
export const deployCommandsCommand: CliCommand = {
  path: ['deploy-commands'],
  usage: 'deploy-commands [--guild <id>]',
  summary: 'Register the slash commands with Discord (in one guild for testing, else globally)',
  async run(args, io) {
    const { values } = parseArgs({ args, options: { guild: { type: 'string' } } });
    const config = loadConfig(io.env);
    if (!config.DISCORD_TOKEN) {
      io.stderr.write('DISCORD_TOKEN is not set: put the bot token in .env (see .env.example).\n');
      return 1;
    }
    // discord.js and the command registry load here, not at import: every other `tutor` command starts faster.
    const [{ REST, Routes }, { slashCommands }] = await Promise.all([import('discord.js'), import('../discord/commands/registry.ts')]);
    const rest = new REST(config.DISCORD_API_URL ? { api: config.DISCORD_API_URL.replace(/\/+$/, '') } : {}).setToken(config.DISCORD_TOKEN);
    const application = (await rest.get(Routes.currentApplication())) as { id: string };
    const body = slashCommands.map((command) => command.definition);
    const route = values.guild ? Routes.applicationGuildCommands(application.id, values.guild) : Routes.applicationCommands(application.id);
    const registered = (await rest.put(route, { body })) as RESTPutAPIApplicationCommandsResult;
    const where = values.guild ? `guild ${values.guild}` : 'every server (global commands can take up to an hour to appear)';
    io.stdout.write(`Registered ${countNoun(registered.length, 'command')} for ${where}: ${registered.map((command) => `/${command.name}`).join(', ')}\n`);
    return 0;
  },
};
