/**
 * Discord's permission arithmetic, as documented for API v10: base permissions from @everyone and the
 * member's roles (administrator and owner get everything), then channel overwrites in the order
 * @everyone → roles → member. Threads use their parent channel's overwrites.
 */
import { PermissionFlagsBits } from 'discord.js';

export type PermissionName = keyof typeof PermissionFlagsBits;

export const ALL_PERMISSIONS: bigint = Object.values(PermissionFlagsBits).reduce((all, bit) => all | bit, 0n);

export interface PermissionOverwrite {
  /** A role id (type 0; the guild id is @everyone) or a user id (type 1). */
  id: string;
  type: 0 | 1;
  allow: bigint;
  deny: bigint;
}

export function toPermissionBits(names: readonly PermissionName[] = []): bigint {
  return names.reduce((bits, name) => {
    const bit = PermissionFlagsBits[name];
    if (bit === undefined) throw new Error(`Unknown Discord permission "${String(name)}"`);
    return bits | bit;
  }, 0n);
}

export function hasPermission(bits: bigint, name: PermissionName): boolean {
  const bit = PermissionFlagsBits[name];
  return (bits & PermissionFlagsBits.Administrator) !== 0n || (bits & bit) === bit;
}

export interface PermissionSubject {
  guildId: string;
  ownerId: string;
  userId: string;
  memberRoleIds: readonly string[];
  rolePermissions: ReadonlyMap<string, bigint>;
}

export function computeBasePermissions(subject: PermissionSubject): bigint {
  if (subject.userId === subject.ownerId) return ALL_PERMISSIONS;
  let bits = subject.rolePermissions.get(subject.guildId) ?? 0n;
  for (const roleId of subject.memberRoleIds) bits |= subject.rolePermissions.get(roleId) ?? 0n;
  if ((bits & PermissionFlagsBits.Administrator) !== 0n) return ALL_PERMISSIONS;
  return bits;
}

export function computeChannelPermissions(
  subject: PermissionSubject,
  overwrites: readonly PermissionOverwrite[],
): bigint {
  let bits = computeBasePermissions(subject);
  if (bits === ALL_PERMISSIONS) return bits;
  const everyone = overwrites.find((o) => o.type === 0 && o.id === subject.guildId);
  if (everyone) bits = (bits & ~everyone.deny) | everyone.allow;
  let roleAllow = 0n;
  let roleDeny = 0n;
  for (const o of overwrites) {
    if (o.type === 0 && subject.memberRoleIds.includes(o.id)) {
      roleAllow |= o.allow;
      roleDeny |= o.deny;
    }
  }
  bits = (bits & ~roleDeny) | roleAllow;
  const member = overwrites.find((o) => o.type === 1 && o.id === subject.userId);
  if (member) bits = (bits & ~member.deny) | member.allow;
  return bits;
}
