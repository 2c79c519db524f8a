// ID numbers are stored encrypted (db/src/data-key.ts, issue 11 item 15). Queries select
// `id_number_enc` and turn it back into `id_number` here, right after the rows arrive; writes seal
// the number into its ciphertext and blind indexes. Masking for roles that may not see the full
// number still happens in the queries, after this.
import type { Kysely } from 'kysely';
import { idNumberIndex, idTailIndex, openIdNumber, sealIdNumber, type SealedIdNumber } from '@qingfeng/db';

type Db = Kysely<any>;

/** The row with `id_number_enc` replaced by the plain `id_number`. */
export function withIdNumber<T extends { id_number_enc: Uint8Array }>(db: Db, row: T): Omit<T, 'id_number_enc'> & { id_number: string } {
  const { id_number_enc, ...rest } = row;
  return { ...rest, id_number: openIdNumber(db, id_number_enc) };
}

/** Person values with `id_number` as the columns that store it (for inserts and updates). */
export function sealPersonValues<T extends { id_number?: string | undefined }>(db: Db, values: T): Omit<T, 'id_number'> & Partial<SealedIdNumber> {
  const { id_number, ...rest } = values;
  return id_number === undefined ? rest : { ...rest, ...sealIdNumber(db, id_number) };
}

/** What a search term can find by ID number: the whole number (18 characters) or its last six. */
export function idNumberSearch(db: Db, term: string): { column: 'pe.id_number_bidx' | 'pe.id_number_tail_bidx'; value: Buffer } | undefined {
  const t = term.toUpperCase();
  if (/^[0-9]{17}[0-9X]$/.test(t)) return { column: 'pe.id_number_bidx', value: idNumberIndex(db, t) };
  if (/^[0-9]{5}[0-9X]$/.test(t)) return { column: 'pe.id_number_tail_bidx', value: idTailIndex(db, t) };
  return undefined;
}

export { idNumberIndex, idTailIndex, openIdNumber, sealIdNumber };

/**
 * Look-up of many numbers at once (imports): `keys` for `= ANY(${keys}::text[]::bytea[])` on
 * `id_number_bidx`, and `numberOf` to name the number a returned index belongs to.
 */
export function blindIndexLookup(db: Db, numbers: readonly string[]): { keys: string[]; numberOf(bidx: Uint8Array): string | undefined } {
  const byHex = new Map<string, string>();
  for (const n of numbers) byHex.set(idNumberIndex(db, n).toString('hex'), n);
  return {
    keys: [...byHex.keys()].map((h) => `\\x${h}`),
    numberOf: (bidx) => byHex.get(Buffer.from(bidx.buffer, bidx.byteOffset, bidx.byteLength).toString('hex')),
  };
}
