import type { OrgKind } from '@qingfeng/db';

export const ORG_KIND_LABELS: Record<OrgKind, string> = {
  province: '省（区、市）',
  county: '县（区）',
  subdistrict: '街道/镇',
  village: '村',
  community: '社区',
  grid: '网格',
};

/** Which kinds may sit under which: province → county → subdistrict → village/community → grid. */
const CHILD_KINDS: Record<OrgKind, OrgKind[]> = {
  province: ['county'],
  county: ['subdistrict'],
  subdistrict: ['village', 'community'],
  village: ['grid'],
  community: ['grid'],
  grid: [],
};

/** What a deployment's root may be (QINGFENG_ORG_KIND on an empty database). */
export const ROOT_KINDS: readonly OrgKind[] = ['province', 'county', 'subdistrict'];

/** The root's name when QINGFENG_ORG_NAME is not set. */
export const DEFAULT_ROOT_NAMES: Partial<Record<OrgKind, string>> = { province: '省委', county: '县（区）委', subdistrict: '街道党工委' };

export function canContain(parent: OrgKind | null, child: OrgKind): boolean {
  if (parent === null) return ROOT_KINDS.includes(child);
  return CHILD_KINDS[parent].includes(child);
}

export function isVillageKind(kind: OrgKind): boolean {
  return kind === 'village' || kind === 'community';
}

export function childPath(parentPath: string | null, id: number): string {
  return `${parentPath ?? '/'}${id}/`;
}

/** True when `path` lies in the subtree rooted at `scopePath` (inclusive). */
export function inScope(scopePath: string, path: string): boolean {
  return path.startsWith(scopePath);
}

export function depthOf(path: string): number {
  return path.split('/').filter(Boolean).length - 1;
}
