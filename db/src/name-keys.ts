// Search and sort keys of a person's name, computed on write (and backfilled by a migration) so the
// people list can search by pinyin initials and sort by 姓氏笔画 in SQL, with an index, instead of
// computing per request. The database package holds it because the migration's backfill needs it too.
import { pinyin } from 'pinyin-pro';
import cnchar from 'cnchar';
import order from 'cnchar-order';

cnchar.use(order);

/**
 * Pinyin initials, lower case: 唐浩瀚 → "thh". Surnames read as surnames (单 → s, 曾 → z); Latin
 * letters and digits are kept, anything else is dropped.
 */
export function nameInitials(name: string): string {
  const letters = pinyin(name.trim(), { pattern: 'first', toneType: 'none', type: 'array', surname: 'head', nonZh: 'consecutive' });
  return letters
    .join('')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .slice(0, 40);
}

interface StrokeDetail {
  name: string;
  type: string;
}

/** 起笔 classes of 姓氏笔画 order: 横(提) 1, 竖 2, 撇 3, 点(捺) 4, 折 5 (all 折笔, 钩 included). */
function strokeClass(s: StrokeDetail): string {
  if (s.type === '折笔') return '5';
  if (s.name.startsWith('横') || s.name === '提') return '1';
  if (s.name.startsWith('竖')) return '2';
  if (s.name.startsWith('撇')) return '3';
  if (s.name.startsWith('点') || s.name === '捺') return '4';
  return '5';
}

/**
 * The 姓氏笔画 sort key: per character, its stroke count (two digits) then its strokes' classes in
 * writing order, so comparing keys compares the surname's stroke count, then its strokes one by one
 * (横竖撇点折), then the given name the same way. Characters the stroke table lacks (Latin letters,
 * rare characters) sort after every known one ("99").
 */
export function nameStrokeKey(name: string): string {
  let key = '';
  for (const ch of name.trim()) {
    const count = /\p{Script=Han}/u.test(ch) ? Number(cnchar.stroke(ch)) : 0;
    if (!count || count > 98) {
      key += '99';
      continue;
    }
    const detail = (cnchar.stroke(ch, 'order', 'detail') as unknown as (StrokeDetail[] | undefined)[])[0];
    key += String(count).padStart(2, '0') + (detail && detail.length === count ? detail.map(strokeClass).join('') : '');
  }
  return key.slice(0, 400);
}

/** Both keys, as stored on `person` (`name_initials`, `name_stroke_key`). */
export const nameKeys = (name: string) => ({ name_initials: nameInitials(name), name_stroke_key: nameStrokeKey(name) });
