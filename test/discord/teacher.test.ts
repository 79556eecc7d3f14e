import { PermissionFlagsBits, PermissionsBitField } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.ts';
import { isTeacher, requireTeacher, type TeacherCandidate } from '../../src/discord/teacher.ts';

const ROLE = '123456789012345678';

function member(permissions: bigint, roles: string[]): TeacherCandidate {
  return {
    memberPermissions: new PermissionsBitField(permissions),
    member: { roles, permissions: permissions.toString() } as unknown as TeacherCandidate['member'],
  };
}

describe('who is a teacher', () => {
  it('is a member with Manage Server, whatever their roles', () => {
    expect(isTeacher(member(PermissionFlagsBits.ManageGuild, []), undefined)).toBe(true);
  });

  it('is a member with the configured teacher role', () => {
    expect(isTeacher(member(PermissionFlagsBits.SendMessages, [ROLE]), ROLE)).toBe(true);
  });

  it('is not a member with other roles, nor anyone when no teacher role is configured', () => {
    expect(isTeacher(member(PermissionFlagsBits.SendMessages, ['999999999999999999']), ROLE)).toBe(false);
    expect(isTeacher(member(PermissionFlagsBits.SendMessages, [ROLE]), undefined)).toBe(false);
    expect(isTeacher({ memberPermissions: null, member: null }, ROLE)).toBe(false);
  });

  it('refuses a non-teacher with a message that says who may', () => {
    const refuse = () => requireTeacher(member(0n, []), ROLE);
    expect(refuse).toThrow(UserError);
    try {
      refuse();
    } catch (error) {
      expect((error as UserError).localized('en-US')).toMatch(/Manage Server permission or the teacher role/);
    }
  });
});
