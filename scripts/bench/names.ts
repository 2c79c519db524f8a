// Word lists and the person model shared by the SQL data set (dataset.ts) and the generated import
// file (import.ts), so both look like the same kind of people.

export const SURNAMES = [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤'];
export const GIVEN = [...'建国秀英晓明丽华志强海燕文军玉兰国平春梅永红德明桂芳学军淑珍立新振华美玲子涵宏伟俊杰思远静怡雪松'];
/** Two-character place words for village names (the number makes each name unique). */
export const PLACES = [...'东西南北前后上下大小新老河山岭坡沟湾庄营店桥塘林泉岗屯'];

/** Days in the birth-date range from 1958-01-01 (to early 1999). n ↦ (n·7919 mod M, n div M) is one-to-one. */
export const BIRTH_DAYS = 15013;
export const BIRTH_STEP = 7919;
export const BIRTH_START = '1958-01-01';

/** 最高学历 thresholds over 0..999 (doctorate, master, bachelor, associate, 中专, 高中, 初中, 小学及以下). */
export const EDUCATION_CUTS = [
  [2, 'doctorate'],
  [22, 'master'],
  [180, 'bachelor'],
  [480, 'associate'],
  [580, 'secondary_vocational'],
  [780, 'high_school'],
  [960, 'junior_high'],
  [1000, 'primary_or_below'],
] as const;

/** Multiplicative hash (Knuth) of a person number: the source of every attribute. */
export const HASH_MUL = 2654435761;
export const HASH_MOD = 4294967296;

/** GB 11643 check character for 17 digits. */
export function idCheck(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * weights[i]!;
  return '10X98765432'[sum % 11]!;
}

/** The same check character as a SQL expression over a 17-character text expression `f`. */
export function idCheckSql(f: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = weights.map((w, i) => `substr(${f}, ${i + 1}, 1)::int * ${w}`).join(' + ');
  return `substr('10X98765432', ((${sum}) % 11) + 1, 1)`;
}

const addDays = (iso: string, days: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

export interface ModelPerson {
  name: string;
  gender: 'male' | 'female';
  idNumber: string;
  birthDate: string;
  ethnicity: string;
  politicalStatus: 'cpc_member' | 'cpc_probationary' | 'cyl_member' | 'non_party' | 'masses';
  partyJoinDate: string | null;
  educationFullTime: string;
  educationHighest: string;
  phone: string;
  isVeteran: boolean;
}

/** Person number `n` (unique per region) → a person with a valid, unique ID number. JS twin of personSelect() in dataset.ts. */
export function modelPerson(n: number, region: string, principal: boolean): ModelPerson {
  const h = Number((BigInt(n) * BigInt(HASH_MUL)) % BigInt(HASH_MOD));
  const female = principal ? h % 100 < 10 : h % 100 < 40;
  const birthDate = addDays(BIRTH_START, (n * BIRTH_STEP) % BIRTH_DAYS);
  const order = 2 * Math.floor(n / BIRTH_DAYS) + (female ? 0 : 1);
  const first17 = `${region}${birthDate.replaceAll('-', '')}${String(order).padStart(3, '0')}`;
  const p = h % 100;
  const politicalStatus: ModelPerson['politicalStatus'] = principal || p < 70 ? 'cpc_member' : p < 73 ? 'cpc_probationary' : p < 77 ? 'cyl_member' : p < 80 ? 'non_party' : 'masses';
  let partyJoinDate: string | null = null;
  if (politicalStatus === 'cpc_member') {
    const d = addDays(birthDate, 7300 + (Math.floor(h / 100) % 4000));
    partyJoinDate = d < '2020-06-30' ? d : '2020-06-30';
  } else if (politicalStatus === 'cpc_probationary') partyJoinDate = '2023-07-01';
  const e = Math.floor(h / 1000) % 1000;
  const educationHighest = EDUCATION_CUTS.find(([cut]) => e < cut)![1];
  const educationFullTime = (educationHighest === 'bachelor' || educationHighest === 'associate') && Math.floor(h / 7) % 3 === 0 ? 'high_school' : educationHighest;
  const eth = Math.floor(h / 13) % 100;
  const g = GIVEN.length;
  return {
    name: SURNAMES[h % SURNAMES.length]! + GIVEN[Math.floor(h / 101) % g]! + (Math.floor(h / 7) % 3 !== 0 ? GIVEN[Math.floor(h / 1009) % g]! : ''),
    gender: female ? 'female' : 'male',
    idNumber: first17 + idCheck(first17),
    birthDate,
    ethnicity: eth < 92 ? '01' : (['03', '11', '08', '02'] as const)[eth % 4]!,
    politicalStatus,
    partyJoinDate,
    educationFullTime,
    educationHighest,
    phone: `13${String((n * 7919 * 31) % 1_000_000_000).padStart(9, '0')}`,
    isVeteran: Math.floor(h / 17) % 20 === 0,
  };
}
