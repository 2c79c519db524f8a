// Chinese labels for the roster's coded values (UI, Excel and PDF share them).
import type { Committee, EducationLevel, Gender, OrgKind, PoliticalStatus, PostHow } from '@qingfeng/db';

export const GENDER_LABELS: Record<Gender, string> = { male: '男', female: '女' };

export const EDUCATION_LABELS: Record<EducationLevel, string> = {
  doctorate: '研究生（博士）',
  master: '研究生（硕士）',
  bachelor: '大学本科',
  associate: '大学专科',
  secondary_vocational: '中等专科',
  high_school: '高中',
  junior_high: '初中',
  primary_or_below: '小学及以下',
};

/** 大专及以上: 最高学历 is 大学专科 or higher. */
export const COLLEGE_OR_ABOVE: readonly EducationLevel[] = ['doctorate', 'master', 'bachelor', 'associate'];

export const POLITICAL_STATUS_LABELS: Record<PoliticalStatus, string> = {
  cpc_member: '中共党员',
  cpc_probationary: '中共预备党员',
  cyl_member: '共青团员',
  rcck: '民革党员',
  cdl: '民盟盟员',
  cndca: '民建会员',
  cnapd: '民进会员',
  cpwdp: '农工党党员',
  zgd: '致公党党员',
  jsps: '九三学社社员',
  tdsgl: '台盟盟员',
  non_party: '无党派人士',
  masses: '群众',
};

export const PARTY_STATUSES: readonly PoliticalStatus[] = ['cpc_member', 'cpc_probationary'];

export const COMMITTEE_LABELS: Record<Committee, string> = {
  party: '党组织委员会',
  residents: '村（居）民委员会',
};

/** 党组织委员会 / 村民委员会 / 居民委员会: the residents' committee named by the village's kind. */
export function committeeName(committee: Committee, kind: OrgKind): string {
  if (committee === 'party') return COMMITTEE_LABELS.party;
  return kind === 'community' ? '居民委员会' : kind === 'village' ? '村民委员会' : COMMITTEE_LABELS.residents;
}

/** 村委会 / 居委会 / 党组织 — short forms for tight table columns. */
export function committeeShortName(committee: Committee, kind: OrgKind): string {
  if (committee === 'party') return '党组织';
  return kind === 'community' ? '居委会' : kind === 'village' ? '村委会' : '村（居）委会';
}

export const POSITION_LABELS = {
  party: { secretary: '书记', deputy_secretary: '副书记', member: '委员' },
  residents: { director: '主任', deputy_director: '副主任', member: '委员' },
} as const;

/** Display order of positions within a committee. */
export const POSITION_ORDER: Record<string, number> = {
  secretary: 1,
  deputy_secretary: 2,
  director: 1,
  deputy_director: 2,
  member: 3,
};

export const POST_HOW_LABELS: Record<PostHow, string> = { elected: '换届选举', by_election: '补选', appointed: '任命' };

/**
 * GB/T 3304-1991 民族 codes, in code order (汉族 first). A Map, not an object: an object with keys
 * '01'…'98' enumerates '10'+ before '01'–'09' (integer-like keys come first), which put 汉族 50th.
 */
export const ETHNICITY_LIST: readonly (readonly [code: string, name: string])[] = [
  ['01', '汉族'], ['02', '蒙古族'], ['03', '回族'], ['04', '藏族'], ['05', '维吾尔族'], ['06', '苗族'], ['07', '彝族'], ['08', '壮族'],
  ['09', '布依族'], ['10', '朝鲜族'], ['11', '满族'], ['12', '侗族'], ['13', '瑶族'], ['14', '白族'], ['15', '土家族'], ['16', '哈尼族'],
  ['17', '哈萨克族'], ['18', '傣族'], ['19', '黎族'], ['20', '傈僳族'], ['21', '佤族'], ['22', '畲族'], ['23', '高山族'],
  ['24', '拉祜族'], ['25', '水族'], ['26', '东乡族'], ['27', '纳西族'], ['28', '景颇族'], ['29', '柯尔克孜族'], ['30', '土族'],
  ['31', '达斡尔族'], ['32', '仫佬族'], ['33', '羌族'], ['34', '布朗族'], ['35', '撒拉族'], ['36', '毛南族'], ['37', '仡佬族'],
  ['38', '锡伯族'], ['39', '阿昌族'], ['40', '普米族'], ['41', '塔吉克族'], ['42', '怒族'], ['43', '乌孜别克族'], ['44', '俄罗斯族'],
  ['45', '鄂温克族'], ['46', '德昂族'], ['47', '保安族'], ['48', '裕固族'], ['49', '京族'], ['50', '塔塔尔族'], ['51', '独龙族'],
  ['52', '鄂伦春族'], ['53', '赫哲族'], ['54', '门巴族'], ['55', '珞巴族'], ['56', '基诺族'], ['97', '其他'], ['98', '外国血统中国籍人士'],
];
export const ETHNICITIES: ReadonlyMap<string, string> = new Map(ETHNICITY_LIST);

export const ethnicityLabel = (code: string): string => (typeof code === 'string' ? ETHNICITIES.get(code) : undefined) ?? code;

/**
 * A code table's label for `key`, or `undefined` when the table has no such code. Only the table's own
 * keys count: `key in TABLE` and `TABLE[key]` also find inherited members (`toString`, `constructor`,
 * `__proto__`), which let a forged code through validation and later crashed documents drawn from it.
 */
export function codeLabel(table: Readonly<Record<string, string>> | ReadonlyMap<string, string>, key: string | null | undefined): string | undefined {
  if (typeof key !== 'string') return undefined;
  if (table instanceof Map) return table.get(key);
  const record = table as Readonly<Record<string, string>>;
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Whether `code` is a 民族 code of GB/T 3304. */
export const isEthnicityCode = (code: string): boolean => ETHNICITIES.has(code);
