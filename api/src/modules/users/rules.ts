import type { OrgKind, Role } from '@qingfeng/db';

export const ROLE_LABELS: Record<Role, string> = {
  admin: '系统管理员',
  org_office: '党建办（组织）',
  inspector: '纪检',
  secretary: '村（社区）书记',
  auditor: '审计/巡察',
};

/** A Chinese reason why this role cannot belong to this org kind, or null. */
export function roleOrgProblem(role: Role, orgKind: OrgKind): string | null {
  if (role === 'secretary' && orgKind !== 'village' && orgKind !== 'community') return '村（社区）书记账号必须属于一个村或社区';
  if (role !== 'secretary' && (orgKind === 'village' || orgKind === 'community' || orgKind === 'grid'))
    return `${ROLE_LABELS[role]}账号应属于街道（镇）或以上组织`;
  return null;
}

export const USERNAME_PATTERN = /^[A-Za-z0-9_.-]{3,32}$/;
