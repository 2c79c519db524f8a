import type { OrgKind } from '@qingfeng/db';

export const ORG_KIND_LABELS: Record<OrgKind, string> = {
  county: '县（区）',
  subdistrict: '街道/镇',
  village: '村',
  community: '社区',
  grid: '网格',
};

/** Which kinds may sit under which: county → subdistrict → village/community → grid. */
const CHILD_KINDS: Record<OrgKind, OrgKind[]> = {
  county: ['subdistrict'],
  subdistrict: ['village', 'community'],
  village: ['grid'],
  community: ['grid'],
  grid: [],
};

export function canContain(parent: OrgKind | null, child: OrgKind): boolean {
  if (parent === null) return child === 'county' || child === 'subdistrict';
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
