import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const coreFolders = ['src/bank/**', 'src/grading/**', 'src/tutor/**', 'src/progress/**', 'src/quiz/**', 'src/services/**'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'var/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The core stays Discord-free and storage-free so it can be tested and reused by the CLI.
    files: coreFolders,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['discord.js', '@discordjs/*'], message: 'The core must not import discord.js: put Discord code in src/discord.' },
            { group: ['better-sqlite3'], message: 'The core must not import better-sqlite3: put storage code in src/storage.' },
            { group: ['**/discord/**', '**/storage/**'], message: 'The core must not depend on the Discord or storage layers.' },
          ],
        },
      ],
    },
  },
);
