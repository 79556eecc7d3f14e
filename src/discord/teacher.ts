import { PermissionFlagsBits, type APIInteractionGuildMember, type GuildMember, type PermissionsBitField } from 'discord.js';
import { UserError } from '../errors.ts';

/** What the check reads from an interaction: available on every guild command, button and modal. */
export interface TeacherCandidate {
  memberPermissions: Readonly<PermissionsBitField> | null;
  member: GuildMember | APIInteractionGuildMember | null;
}

/**
 * A teacher is a member with Manage Server, or with the role named by TEACHER_ROLE_ID. Teachers see
 * other members' answers and change grades and keys, so this is checked by the bot on every teacher
 * command and component, whatever default permissions the server gave the slash command.
 */
export function isTeacher(candidate: TeacherCandidate, teacherRoleId: string | undefined): boolean {
  if (candidate.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) return true;
  if (!teacherRoleId || !candidate.member) return false;
  const roles = candidate.member.roles;
  // A cached GuildMember has a role manager; a raw API member (uncached guild) has the id list.
  return Array.isArray(roles) ? roles.includes(teacherRoleId) : roles.cache.has(teacherRoleId);
}

export function requireTeacher(candidate: TeacherCandidate, teacherRoleId: string | undefined): void {
  if (!isTeacher(candidate, teacherRoleId)) throw new UserError('not-a-teacher');
}
