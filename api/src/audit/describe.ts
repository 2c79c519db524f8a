// Audit events in plain Chinese, naming what they touched ("为“王建国”新增任职：党组织委员会书记（2021-05-10起）"),
// never raw keys, ids or session ids. Pure: the list, its Excel export and the web use it. Kinds without a
// sentence of their own (other modules') get their label and the names in their details.
import { AUDIT_EVENT_KINDS } from './events.ts';
import { ROLE_LABELS } from '../modules/users/rules.ts';
import { codeLabel, COMMITTEE_LABELS, committeeName, POSITION_LABELS, POST_HOW_LABELS } from '../modules/roster/labels.ts';

export interface DescribableEvent {
  kind: string;
  details: Record<string, unknown> | null;
  org_name?: string | null;
  /** The event's org kind: names the residents' committee (村民委员会 / 居民委员会). */
  org_kind?: string | null;
}

const PERSON_FIELDS: Record<string, string> = {
  org_unit_id: '所属组织',
  name: '姓名',
  gender: '性别',
  id_number: '公民身份号码',
  birth_date: '出生日期',
  ethnicity: '民族',
  political_status: '政治面貌',
  party_join_date: '入党时间',
  education_full_time: '全日制学历',
  education_highest: '最高学历',
  phone: '联系电话',
  is_veteran: '退役军人',
  category: '身份类别',
};
const TERM_FIELDS: Record<string, string> = { ordinal: '届次', electionDate: '换届日期', startDate: '开始日期', endDate: '结束日期' };
const POST_FIELDS: Record<string, string> = { committee: '班子', position: '职务', start_date: '任职开始', end_date: '任职结束', end_reason: '离任原因', how: '产生方式' };
const USER_FIELDS: Record<string, string> = { displayName: '姓名', role: '角色', orgUnitId: '所属组织', personId: '对应人员', name: '姓名' };
const LOGIN_FAILURES: Record<string, string> = { bad_password: '密码错误', unknown_user: '用户名不存在', disabled: '账号已停用', locked: '账号已锁定' };

const str = (d: Record<string, unknown>, k: string): string | null => (typeof d[k] === 'string' || typeof d[k] === 'number' ? String(d[k]) : null);
const fieldList = (d: Record<string, unknown>, k: string, labels: Record<string, string>): string =>
  Array.isArray(d[k]) ? (d[k] as unknown[]).map((f) => codeLabel(labels, String(f)) ?? String(f)).join('、') : '';

function postName(d: Record<string, unknown>, e: DescribableEvent): string {
  const c = str(d, 'committee');
  const p = str(d, 'position');
  if (!c || !p) return '';
  const committee = (c === 'party' || c === 'residents') && (e.org_kind === 'village' || e.org_kind === 'community') ? committeeName(c, e.org_kind) : (codeLabel(COMMITTEE_LABELS, c) ?? c);
  const positions = codeLabel(COMMITTEE_LABELS, c) === undefined ? {} : (POSITION_LABELS[c as keyof typeof POSITION_LABELS] as Record<string, string>);
  return `${committee}${codeLabel(positions, p) ?? p}`;
}

/** 任职开始 2021-05-10 → 2021-05-12 (dates and reasons as they are; codes in words). */
function changeList(d: Record<string, unknown>): string {
  const changes = d.changes && typeof d.changes === 'object' ? (d.changes as Record<string, { from?: unknown; to?: unknown }>) : {};
  const word = (field: string, v: unknown) =>
    v === null || v === undefined || v === '' ? '（空）' : field === 'how' ? (codeLabel(POST_HOW_LABELS, String(v)) ?? String(v)) : field === 'committee' || field === 'position' ? '' : String(v);
  return Object.entries(changes)
    .map(([f, c]) => (word(f, c.to) ? `${codeLabel(POST_FIELDS, f) ?? f} ${word(f, c.from)} → ${word(f, c.to)}` : `${codeLabel(POST_FIELDS, f) ?? f}`))
    .join('；');
}

type Describer = (d: Record<string, unknown>, e: DescribableEvent) => string;

const DESCRIBERS = new Map<string, Describer>([
  ['auth.login', () => '登录系统'],
  ['auth.login_failed', (d) => `登录失败${str(d, 'username') ? `（用户名“${str(d, 'username')}”）` : ''}：${codeLabel(LOGIN_FAILURES, str(d, 'reason') ?? '') ?? '用户名或密码错误'}`],
  ['auth.lockout', () => '连续登录失败，账号暂时锁定'],
  ['auth.logout', () => '退出登录'],
  ['auth.password_changed', () => '修改了自己的密码'],
  ['auth.session_revoked', () => '注销了自己的一个登录会话'],
  ['user.created', (d) => `创建用户“${str(d, 'username') ?? ''}”${str(d, 'role') ? `（${codeLabel(ROLE_LABELS, str(d, 'role')!) ?? ''}）` : ''}`],
  ['user.updated', (d) => `修改用户信息${Object.keys(d).some((k) => codeLabel(USER_FIELDS, k)) ? `：${Object.keys(d).flatMap((k) => codeLabel(USER_FIELDS, k) ?? []).join('、')}` : ''}`],
  ['user.disabled', (d) => `停用用户“${str(d, 'username') ?? ''}”`],
  ['user.enabled', (d) => `启用用户“${str(d, 'username') ?? ''}”`],
  ['user.unlocked', (d) => `解除用户“${str(d, 'username') ?? ''}”的登录锁定`],
  ['user.password_reset', (d) => `重置用户“${str(d, 'username') ?? ''}”的密码`],
  ['org.created', (d) => `新建组织“${str(d, 'name') ?? ''}”`],
  ['org.renamed', (d) => `组织“${str(d, 'from') ?? ''}”更名为“${str(d, 'to') ?? ''}”`],
  ['org.moved', (_d, e) => `调整组织“${e.org_name ?? ''}”的上级`],
  ['org.deactivated', (d) => `停用组织“${str(d, 'name') ?? ''}”`],
  ['org.activated', (d) => `启用组织“${str(d, 'name') ?? ''}”`],
  ['setting.updated', (d) => `修改系统设置（${str(d, 'key') ?? ''}）`],
  ['person.created', (d) => `新增人员“${str(d, 'name') ?? ''}”`],
  ['person.updated', (d) => `修改人员“${str(d, 'name') ?? ''}”的${fieldList(d, 'fields', PERSON_FIELDS) || '信息'}`],
  ['term.created', (d, e) => `${e.org_name ?? ''}新增第${str(d, 'ordinal') ?? ''}届（${str(d, 'startDate') ?? ''}起）${d.postsEnded ? `，上一届届满，${str(d, 'postsEnded')}条任职随之结束` : ''}`],
  ['term.updated', (d, e) => `修改${e.org_name ?? ''}第${str(d, 'ordinal') ?? ''}届的${fieldList(d, 'fields', TERM_FIELDS) || '信息'}`],
  ['post.created', (d, e) => `为“${str(d, 'name') ?? ''}”新增任职：${postName(d, e)}${str(d, 'startDate') ? `（${str(d, 'startDate')}起）` : ''}`],
  ['post.ended', (d, e) => `结束“${str(d, 'name') ?? ''}”的${postName(d, e)}任职（${str(d, 'endDate') ?? ''}，${str(d, 'endReason') ?? ''}）`],
  ['post.updated', (d, e) => `更正“${str(d, 'name') ?? ''}”的${postName(d, e)}任职：${changeList(d) || fieldList(d, 'fields', POST_FIELDS)}${str(d, 'reason') ? `。原因：${str(d, 'reason')}` : ''}`],
  ['post.deleted', (d, e) => `删除“${str(d, 'name') ?? ''}”误录的${postName(d, e)}任职记录（${str(d, 'startDate') ?? ''}起）。原因：${str(d, 'reason') ?? ''}`],
  [
    'roster.imported',
    (d) =>
      `导入花名册 ${str(d, 'rows') ?? 0} 行：新增人员 ${str(d, 'peopleCreated') ?? 0} 人、更新 ${str(d, 'peopleUpdated') ?? 0} 人，新增届次 ${str(d, 'termsCreated') ?? 0} 个，新增任职 ${str(d, 'postsCreated') ?? 0} 条`,
  ],
  [
    'export.downloaded',
    (d, e) => {
      if (str(d, 'title')) return `下载“${str(d, 'title')}”${str(d, 'format') === 'pdf' ? ' PDF' : ''}${str(d, 'number') ? `（编号 ${str(d, 'number')}）` : ''}`;
      const doc = str(d, 'document') ?? str(d, 'report') ?? '';
      const what = doc.startsWith('roster') ? '花名册 Excel' : doc.startsWith('committee-structure') || doc.startsWith('committee_structure') ? '班子结构分析 Excel' : doc.startsWith('audit') ? '审计日志 Excel' : doc;
      return `导出${e.org_name ? `${e.org_name}的` : ''}${what}${str(d, 'rows') ? `（${str(d, 'rows')}行）` : ''}`;
    },
  ],
  ['audit.verified', (d) => `校验审计链${d.ok === false ? '：发现断裂' : '：完整'}`],
]);

// Detail keys worth showing for kinds without a sentence: names and dates, never ids or hashes.
const GENERIC_KEYS: Record<string, string> = { name: '', title: '', username: '用户名', reason: '原因', date: '日期', year: '年份' };

/** One event in a sentence. */
export function describeAuditEvent(e: DescribableEvent): string {
  const d = e.details && typeof e.details === 'object' ? e.details : {};
  const describe = DESCRIBERS.get(e.kind);
  if (describe) return describe(d, e);
  const label = codeLabel(AUDIT_EVENT_KINDS, e.kind) ?? '操作';
  const parts = Object.keys(GENERIC_KEYS)
    .filter((k) => str(d, k))
    .map((k) => (GENERIC_KEYS[k] ? `${GENERIC_KEYS[k]}：${str(d, k)}` : `“${str(d, k)}”`));
  return parts.length ? `${label}：${parts.join('，')}` : label;
}
