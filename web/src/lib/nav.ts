// Navigation by role (domain.md §10). A page's entry lists exactly the roles that may use it; the
// app layout (`(app)/+layout.server.ts`) answers 403 outside it, pages may narrow it further with
// `requireRole` (e.g. for editing), and the API checks again.
import type { Role } from '@qingfeng/db/schema';

export interface NavItem {
  href: string;
  label: string;
  roles: readonly Role[];
  /** Short description for the home dashboard. */
  hint: string;
}

export interface NavSection {
  title: string;
  items: NavItem[];
}

const ALL: readonly Role[] = ['admin', 'org_office', 'inspector', 'secretary', 'auditor'];
/** 三重一大 records: not the system administrator (domain.md §10). */
const DECISION_ROLES: readonly Role[] = ['org_office', 'inspector', 'secretary', 'auditor'];

export const NAV: NavSection[] = [
  {
    title: '工作台',
    items: [{ href: '/', label: '首页', roles: ALL, hint: '概况与快捷入口' }],
  },
  {
    // Module pages go here, one entry per page.
    title: '业务',
    items: [
      { href: '/roster', label: '两委班子', roles: ALL, hint: '各村（社区）党组织和村（居）委会成员、届次与任职' },
      { href: '/people', label: '人员', roles: ALL, hint: '人员信息与历届任职' },
      { href: '/roster-import', label: '花名册导入', roles: ['org_office'], hint: '下载模板，上传 Excel 花名册，预览后导入' },
      { href: '/reports/committee-structure', label: '班子结构分析', roles: ALL, hint: '年龄、性别、学历、“一肩挑”等结构统计，与上届对比' },
      { href: '/my-pledges', label: '我的承诺书', roles: ALL, hint: '待签署的廉洁自律承诺书，手写签名确认；下载已签署的承诺书' },
      { href: '/pledges', label: '承诺书签署', roles: ['org_office', 'inspector', 'auditor', 'secretary'], hint: '签署活动、进度（按村）、签署名单与二维码' },
      { href: '/pledges/templates', label: '承诺书模板', roles: ['org_office', 'inspector', 'auditor'], hint: '承诺书正文与版本，发布后不可修改' },
      { href: '/reports/pledges', label: '承诺书统计', roles: ['admin', 'org_office', 'inspector', 'auditor', 'secretary'], hint: '年度签订份数（按村、按活动），可查看明细' },
      { href: '/decisions', label: '三重一大', roles: DECISION_ROLES, hint: '党工委和村(社区)会议、议题表决、“四议两公开”与规则提示' },
      { href: '/decisions/import', label: '三重一大台账导入', roles: ['org_office'], hint: '下载模板，上传 Excel 台账，预览后导入' },
      { href: '/reports/decisions', label: '三重一大统计', roles: DECISION_ROLES, hint: '按类别、月份、单位统计集体研究事项，台账导出' },
    ],
  },
  {
    // Discipline inspection: never for secretaries (domain.md §10); the office sees only 换届联审 results.
    title: '纪检',
    items: [
      { href: '/discipline/talks', label: '谈话函询', roles: ['inspector', 'auditor'], hint: '集体谈话、提醒、诫勉、警示、函询、廉政谈话台账' },
      { href: '/discipline/sanctions', label: '处分', roles: ['inspector', 'auditor'], hint: '党纪、政务处分和组织处理，影响期与状态' },
      { href: '/discipline/four-forms', label: '四种形态', roles: ['inspector', 'auditor'], hint: '按单位、按月统计四种形态人次及占比' },
      { href: '/discipline/integrity', label: '廉政数据', roles: ['inspector', 'auditor'], hint: '年度谈话、处分数据与报告表述，逐项可查明细' },
      { href: '/discipline/review', label: '换届联审', roles: ['inspector', 'auditor', 'org_office'], hint: '候选人任职资格审查，可导出联审表' },
      { href: '/discipline/import', label: '台账导入', roles: ['inspector'], hint: '从 Excel 导入谈话、处分台账' },
      { href: '/reports/annual-summary', label: '年度总结', roles: ['inspector', 'auditor'], hint: '年度党风廉政建设情况：按报告表述生成，数字可查明细，导出 Word/PDF' },
      { href: '/discipline/archive', label: '廉政档案', roles: ['inspector', 'auditor'], hint: '一人一档：任职、谈话、处分、任职资格' },
    ],
  },
  {
    title: '系统',
    items: [
      { href: '/exports', label: '导出中心', roles: ['auditor', 'admin', 'org_office', 'inspector'], hint: '已出具的全部文档：编号、哈希、下载人；上传文件核验' },
      { href: '/orgs', label: '组织架构', roles: ALL, hint: '街道、村（社区）、网格的树形结构' },
      { href: '/users', label: '用户管理', roles: ['admin'], hint: '账号、角色、所属组织、重置密码' },
      { href: '/audit', label: '审计日志', roles: ['admin', 'auditor'], hint: '全部操作记录与审计链校验' },
      { href: '/settings', label: '系统设置', roles: ['admin'], hint: '会话时长、密码规则、登录锁定' },
      { href: '/account', label: '我的账号', roles: ALL, hint: '修改密码、查看与注销登录会话' },
    ],
  },
];

/** The sections and items this role may use; empty sections are left out. */
export function navFor(role: Role): NavSection[] {
  return NAV.map((s) => ({ ...s, items: s.items.filter((i) => i.roles.includes(role)) })).filter((s) => s.items.length > 0);
}

const matches = (href: string, pathname: string) => (href === '/' ? pathname === '/' : pathname === href || pathname.startsWith(`${href}/`));

/** The roles that may open a path: those of the longest nav entry that prefixes it. */
export function rolesForPath(pathname: string): readonly Role[] | null {
  let best: NavItem | null = null;
  for (const item of NAV.flatMap((s) => s.items)) {
    if (matches(item.href, pathname) && (!best || item.href.length > best.href.length)) best = item;
  }
  return best?.roles ?? null;
}

/** The entry to highlight: the longest nav entry that prefixes the path (/pledges/templates/3 is 承诺书模板, not 承诺书签署). */
export function isActive(href: string, pathname: string): boolean {
  if (!matches(href, pathname)) return false;
  return !NAV.some((s) => s.items.some((i) => i.href.length > href.length && matches(i.href, pathname)));
}
