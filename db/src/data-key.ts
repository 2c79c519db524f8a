// ID numbers at rest (issue 11, item 15): AES-256-GCM per value, an HMAC-SHA-256 blind index for
// uniqueness and exact search, and the keys they come from.
//
// A data key is 32 random bytes. From it, HKDF derives one key for encryption and one for the blind
// indexes, and HMAC a public key id (a fingerprint: the same key always has the same id, so a wrong
// key is recognised by its id before anything is decrypted). The database records the id of the key
// its rows are under (data_key_state); `migrateToLatest` checks it against the configured keys at
// every start.
//
// Where the key comes from (first match): QINGFENG_DATA_KEY (base64 of 32 bytes; older keys, while
// rotating, in QINGFENG_DATA_KEY_PREVIOUS, comma-separated), the file QINGFENG_DATA_KEY_FILE
// (created on first use), for PGlite a file `<data dir>.key` beside the data directory (created on
// first start; never inside it, so a copy of the data directory does not carry its key), and for an
// in-memory PGlite a random key that lives as long as the process. PostgreSQL without either
// setting fails at start.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { sql, type Kysely, type KyselyPlugin, type PluginTransformQueryArgs, type PluginTransformResultArgs, type QueryResult, type RootOperationNode, type UnknownRow } from 'kysely';

/** A start-up or decryption failure about keys; its message says what to configure. */
export class DataKeyError extends Error {
  override name = 'DataKeyError';
}

export interface DataKey {
  /** 16 hex digits, derived from the key (safe to print and store). */
  id: string;
  /** The 32 raw bytes (only for writing key files). */
  raw: Buffer;
  enc: Buffer;
  mac: Buffer;
}

const FORMAT_VERSION = 1;
const ID_BYTES = 8;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + ID_BYTES;

export function dataKeyFromBytes(raw: Buffer): DataKey {
  if (raw.length !== 32) throw new DataKeyError(`数据密钥须为 32 字节（收到 ${raw.length} 字节）`);
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', raw, Buffer.alloc(0), info, 32));
  return {
    id: createHmac('sha256', raw).update('qingfeng data key id v1').digest().subarray(0, ID_BYTES).toString('hex'),
    raw: Buffer.from(raw),
    enc: derive('qingfeng id_number aes-256-gcm v1'),
    mac: derive('qingfeng id_number blind index v1'),
  };
}

export function parseBase64Key(text: string, where: string): DataKey {
  const t = text.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(t)) throw new DataKeyError(`${where} 不是 base64 编码的 32 字节密钥`);
  const raw = Buffer.from(t, 'base64');
  if (raw.length !== 32) throw new DataKeyError(`${where} 须为 32 字节密钥的 base64（解码后为 ${raw.length} 字节）；可用 \`pnpm rotate-key -- --generate-key\` 生成`);
  return dataKeyFromBytes(raw);
}

export const generateDataKey = (): DataKey => dataKeyFromBytes(randomBytes(32));

/**
 * The configured keys, newest first. `active` is the key the database's rows are under: set from
 * data_key_state when migrateToLatest checks the keys, the newest key until then.
 */
export class DataKeyRing {
  #active: DataKey;
  readonly keys: readonly DataKey[];
  constructor(
    keys: readonly DataKey[],
    /** Where the keys came from, for messages (never the key). */
    readonly source: string,
    /** The key file, when the keys came from one (rotation appends to it). */
    readonly file?: string,
  ) {
    if (keys.length === 0) throw new DataKeyError('没有配置数据密钥');
    this.keys = keys;
    this.#active = keys[0]!;
  }
  get newest(): DataKey {
    return this.keys[0]!;
  }
  get active(): DataKey {
    return this.#active;
  }
  byId(id: string): DataKey | undefined {
    return this.keys.find((k) => k.id === id);
  }
  activate(id: string): void {
    const key = this.byId(id);
    if (!key) throw new DataKeyError(`密钥 ${id} 不在配置的密钥中（${this.source}）`);
    this.#active = key;
  }
}

// ---- values ----

export interface SealedIdNumber {
  id_number_enc: Buffer;
  id_number_bidx: Buffer;
  id_number_tail_bidx: Buffer;
}

/** AES-256-GCM under `key`: version byte | key id | IV | ciphertext | tag. The header is authenticated too. */
export function encryptWith(key: DataKey, plain: string): Buffer {
  const header = Buffer.concat([Buffer.from([FORMAT_VERSION]), Buffer.from(key.id, 'hex')]);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.enc, iv);
  cipher.setAAD(header);
  const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return Buffer.concat([header, iv, ct, cipher.getAuthTag()]);
}

/** The key id a stored value is under (without decrypting it). */
export function keyIdOf(value: Uint8Array): string {
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength).subarray(1, HEADER_BYTES).toString('hex');
}

export function decryptWith(ring: DataKeyRing, value: Uint8Array): string {
  const b = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (b.length < HEADER_BYTES + IV_BYTES + TAG_BYTES || b[0] !== FORMAT_VERSION) throw new DataKeyError('无法识别的加密数据格式');
  const id = b.subarray(1, HEADER_BYTES).toString('hex');
  const key = ring.byId(id);
  if (!key) throw new DataKeyError(`数据用密钥 ${id} 加密，但该密钥未配置（${ring.source}）`);
  const decipher = createDecipheriv('aes-256-gcm', key.enc, b.subarray(HEADER_BYTES, HEADER_BYTES + IV_BYTES));
  decipher.setAAD(b.subarray(0, HEADER_BYTES));
  decipher.setAuthTag(b.subarray(b.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(b.subarray(HEADER_BYTES + IV_BYTES, b.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    throw new DataKeyError(`密文校验失败（密钥 ${id}）：数据被改动，或密钥不对`);
  }
}

/** Blind index of a whole (normalised) ID number: equal numbers, equal index; unique in the table. */
export const idNumberIndexWith = (key: DataKey, idNumber: string): Buffer => createHmac('sha256', key.mac).update(`full:${idNumber}`).digest();
/** Blind index of the last six characters (search by 后六位). */
export const idTailIndexWith = (key: DataKey, tail: string): Buffer => createHmac('sha256', key.mac).update(`tail6:${tail}`).digest();

export function sealWith(key: DataKey, idNumber: string): SealedIdNumber {
  return {
    id_number_enc: encryptWith(key, idNumber),
    id_number_bidx: idNumberIndexWith(key, idNumber),
    id_number_tail_bidx: idTailIndexWith(key, idNumber.slice(-6)),
  };
}

/** bytea as a text literal (`\x…`) for `::text[]::bytea[]` arrays, which both drivers pass alike. */
export const byteaText = (b: Uint8Array): string => `\\x${Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex')}`;

/** Stores sealed numbers on existing person rows (≤ a few thousand per call: one array per column). */
export async function writeSealed(db: Kysely<any>, ids: readonly number[], sealed: readonly SealedIdNumber[]): Promise<void> {
  await sql`
    UPDATE person SET id_number_enc = v.enc, id_number_bidx = v.bidx, id_number_tail_bidx = v.tail
    FROM unnest(${ids}::int[], ${sealed.map((x) => byteaText(x.id_number_enc))}::text[]::bytea[],
                ${sealed.map((x) => byteaText(x.id_number_bidx))}::text[]::bytea[], ${sealed.map((x) => byteaText(x.id_number_tail_bidx))}::text[]::bytea[])
      AS v(id, enc, bidx, tail)
    WHERE person.id = v.id`.execute(db);
}

// ---- resolving the configuration ----

interface KeyFile {
  format: 'qingfeng-data-key/1';
  /** Newest first. */
  keys: { id: string; key: string; created: string }[];
}

export function readKeyFile(path: string): DataKey[] {
  let parsed: KeyFile;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8')) as KeyFile;
  } catch (e) {
    throw new DataKeyError(`无法读取密钥文件 ${path}：${e instanceof Error ? e.message : String(e)}`);
  }
  if (parsed?.format !== 'qingfeng-data-key/1' || !Array.isArray(parsed.keys) || parsed.keys.length === 0) throw new DataKeyError(`密钥文件 ${path} 格式不对`);
  return parsed.keys.map((k, i) => {
    const key = parseBase64Key(String(k.key), `密钥文件 ${path} 第 ${i + 1} 个密钥`);
    if (key.id !== k.id) throw new DataKeyError(`密钥文件 ${path} 第 ${i + 1} 个密钥与其编号 ${k.id} 不符（文件被改动？）`);
    return key;
  });
}

/** Writes the key file (0600) atomically: a temporary file renamed over the old one. */
export function writeKeyFile(path: string, keys: readonly DataKey[], created: (k: DataKey) => string = () => new Date().toISOString()): void {
  const old = new Map<string, string>();
  if (existsSync(path)) {
    try {
      for (const k of (JSON.parse(readFileSync(path, 'utf8')) as KeyFile).keys) old.set(k.id, k.created);
    } catch {
      /* rewritten below */
    }
  }
  const body: KeyFile = { format: 'qingfeng-data-key/1', keys: keys.map((k) => ({ id: k.id, key: k.raw.toString('base64'), created: old.get(k.id) ?? created(k) })) };
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600, flag: 'w' });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

/** Reads the key file, creating it with a new key when it does not exist. */
export function loadOrCreateKeyFile(path: string, log: (line: string) => void = console.log): DataKey[] {
  if (!existsSync(path)) {
    const key = generateDataKey();
    mkdirSync(dirname(path), { recursive: true });
    const body: KeyFile = { format: 'qingfeng-data-key/1', keys: [{ id: key.id, key: key.raw.toString('base64'), created: new Date().toISOString() }] };
    try {
      // 'wx': two processes starting at once cannot both create it; the loser reads the winner's.
      writeFileSync(path, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
      log(`[qingfeng] 已生成数据密钥文件 ${path}（密钥 ${key.id}）。请与数据分开备份：没有它，公民身份号码无法解密。`);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new DataKeyError(`无法创建密钥文件 ${path}：${(e as Error).message}`);
    }
  } else if ((statSync(path).mode & 0o077) !== 0) {
    log(`[qingfeng] 警告：密钥文件 ${path} 可被其他用户读取，请执行 chmod 600`);
  }
  return readKeyFile(path);
}

export interface KeyConfig {
  env?: Record<string, string | undefined>;
  engine: 'pglite' | 'postgresql';
  /** PGlite's data directory (absolute), or undefined for memory:// and snapshots. */
  dataDir?: string | undefined;
  log?: (line: string) => void;
}

/** The key file beside a PGlite data directory. */
export const keyFileBeside = (dataDir: string) => `${dataDir.replace(/[\\/]+$/, '')}.key`;

export function resolveDataKeys(c: KeyConfig): DataKeyRing {
  const env = c.env ?? process.env;
  if (env.QINGFENG_DATA_KEY) {
    const keys = [parseBase64Key(env.QINGFENG_DATA_KEY, 'QINGFENG_DATA_KEY')];
    for (const [i, k] of (env.QINGFENG_DATA_KEY_PREVIOUS ?? '').split(',').filter((s) => s.trim()).entries())
      keys.push(parseBase64Key(k, `QINGFENG_DATA_KEY_PREVIOUS 第 ${i + 1} 个密钥`));
    return new DataKeyRing(keys, 'QINGFENG_DATA_KEY');
  }
  const file = env.QINGFENG_DATA_KEY_FILE || (c.engine === 'pglite' && c.dataDir ? keyFileBeside(c.dataDir) : undefined);
  if (file) return new DataKeyRing(loadOrCreateKeyFile(file, c.log), `密钥文件 ${file}`, file);
  if (c.engine === 'pglite') return new DataKeyRing([generateDataKey()], '内存数据库的临时密钥');
  throw new DataKeyError('使用 PostgreSQL 时必须设置 QINGFENG_DATA_KEY（32 字节密钥的 base64，可用 `pnpm rotate-key -- --generate-key` 生成）或 QINGFENG_DATA_KEY_FILE（密钥文件路径，不存在时自动生成）');
}

// ---- the key travels with the database handle ----

/**
 * Carries the keys on a Kysely instance: plugins are inherited by transactions, so every query
 * function (which gets `db` or a transaction) reaches the keys without a new parameter. It changes
 * no query and no result.
 */
export class DataKeyPlugin implements KyselyPlugin {
  constructor(private readonly resolved: DataKeyRing | DataKeyError) {}
  get ring(): DataKeyRing {
    if (this.resolved instanceof DataKeyError) throw this.resolved;
    return this.resolved;
  }
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

/** The keys of a handle (or a transaction of it); the last plugin added wins (`db.withPlugin`). */
export function dataKeyOf(db: Kysely<any>): DataKeyRing {
  const plugins = db.getExecutor().plugins;
  for (let i = plugins.length - 1; i >= 0; i--) {
    const p = plugins[i];
    if (p instanceof DataKeyPlugin) return p.ring;
  }
  throw new DataKeyError('数据库连接未配置数据密钥（createDb 的 dataKey）');
}

// Shorthands over a handle's keys: the active key writes, any configured key reads.
export const sealIdNumber = (db: Kysely<any>, idNumber: string): SealedIdNumber => sealWith(dataKeyOf(db).active, idNumber);
export const openIdNumber = (db: Kysely<any>, value: Uint8Array): string => decryptWith(dataKeyOf(db), value);
export const idNumberIndex = (db: Kysely<any>, idNumber: string): Buffer => idNumberIndexWith(dataKeyOf(db).active, idNumber);
export const idTailIndex = (db: Kysely<any>, tail: string): Buffer => idTailIndexWith(dataKeyOf(db).active, tail);
