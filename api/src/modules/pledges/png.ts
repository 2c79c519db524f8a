// Drawn signatures arrive as PNG files. Before one is stored it must be a real PNG of bounded size:
// chunks walked with their CRCs, IHDR within bounds, the image data inflated under a hard output cap
// to exactly the length its header promises, and not blank. Also a tiny encoder for demo data and tests.
import { crc32, deflateSync, inflateSync } from 'node:zlib';

export const MAX_PNG_BYTES = 256 * 1024;
export const MAX_PNG_WIDTH = 2400;
export const MAX_PNG_HEIGHT = 1200;
export const MIN_PNG_WIDTH = 40;
export const MIN_PNG_HEIGHT = 20;

const SIGNATURE = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
// Channels per colour type (0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA).
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

export type PngCheck = { ok: true; width: number; height: number } | { ok: false; message: string };

export function checkSignaturePng(bytes: Uint8Array): PngCheck {
  const fail = (message: string): PngCheck => ({ ok: false, message });
  if (bytes.length > MAX_PNG_BYTES) return fail(`签名图片过大（不超过 ${MAX_PNG_BYTES / 1024} KB）`);
  if (bytes.length < SIGNATURE.length + 12 + 13 || !SIGNATURE.every((b, i) => bytes[i] === b)) return fail('签名图片不是 PNG 格式');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = SIGNATURE.length;
  let width = 0;
  let height = 0;
  let bitDepth = 0;
  let colorType = -1;
  let interlace = 0;
  const idat: Uint8Array[] = [];
  let sawEnd = false;
  let first = true;
  while (pos + 12 <= bytes.length) {
    const length = view.getUint32(pos);
    if (length > bytes.length - pos - 12) return fail('签名图片已损坏（数据块长度错误）');
    const type = String.fromCharCode(...bytes.subarray(pos + 4, pos + 8));
    const data = bytes.subarray(pos + 8, pos + 8 + length);
    const crc = view.getUint32(pos + 8 + length);
    if (crc32(bytes.subarray(pos + 4, pos + 8 + length)) !== crc) return fail('签名图片已损坏（校验错误）');
    if (first) {
      if (type !== 'IHDR' || length !== 13) return fail('签名图片已损坏（缺少文件头）');
      const h = new DataView(data.buffer, data.byteOffset, 13);
      width = h.getUint32(0);
      height = h.getUint32(4);
      bitDepth = data[8]!;
      colorType = data[9]!;
      interlace = data[12]!;
      first = false;
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') {
      sawEnd = true;
      break;
    }
    pos += 12 + length;
  }
  if (first || !sawEnd || idat.length === 0) return fail('签名图片不完整');
  if (width < MIN_PNG_WIDTH || height < MIN_PNG_HEIGHT || width > MAX_PNG_WIDTH || height > MAX_PNG_HEIGHT)
    return fail(`签名图片尺寸应在 ${MIN_PNG_WIDTH}×${MIN_PNG_HEIGHT} 到 ${MAX_PNG_WIDTH}×${MAX_PNG_HEIGHT} 像素之间`);
  const channels = CHANNELS[colorType];
  if (channels === undefined || ![1, 2, 4, 8, 16].includes(bitDepth) || interlace !== 0) return fail('不支持的签名图片格式');
  const expected = height * (1 + Math.ceil((width * channels * bitDepth) / 8));
  let raw: Buffer;
  try {
    // The cap makes a decompression bomb fail fast instead of filling memory.
    raw = inflateSync(Buffer.concat(idat), { maxOutputLength: expected + 1 });
  } catch {
    return fail('签名图片已损坏（图像数据无法解压）');
  }
  if (raw.length !== expected) return fail('签名图片已损坏（图像数据长度不符）');
  // A fully transparent (all-zero) image is an empty pad: nothing was drawn.
  const rowLength = expected / height;
  let drawn = false;
  for (let i = 0; i < raw.length && !drawn; i++) if (i % rowLength !== 0 && raw[i] !== 0) drawn = true;
  if (!drawn) return fail('请先手写签名');
  return { ok: true, width, height };
}

/** Decodes a `data:image/png;base64,…` URL (as signature_pad gives it) into bytes, or null. */
export function pngFromDataUrl(dataUrl: string): Uint8Array | null {
  const m = /^data:image\/png;base64,([A-Za-z0-9+/]+={0,2})$/.exec(dataUrl);
  if (!m) return null;
  return new Uint8Array(Buffer.from(m[1]!, 'base64'));
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** An RGBA PNG from pixels (row-major, 4 bytes a pixel), filter 0, deterministic bytes. */
export function encodePng(width: number, height: number, rgba: Uint8Array): Uint8Array {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  const raw = Buffer.alloc(height * (1 + width * 4));
  for (let y = 0; y < height; y++) Buffer.from(rgba.buffer, rgba.byteOffset + y * width * 4, width * 4).copy(raw, y * (1 + width * 4) + 1);
  return new Uint8Array(Buffer.concat([Buffer.from(SIGNATURE), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 6 })), chunk('IEND', new Uint8Array())]));
}

/**
 * A plausible hand-drawn signature, the same for the same seed: a few cursive strokes (sums of sines
 * along a pen path), drawn with a round pen in dark ink on transparent ground.
 */
export function drawnSignaturePng(seed: number, width = 360, height = 120): Uint8Array {
  let s = (seed * 2654435761) >>> 0 || 1;
  const rand = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
  const alpha = new Float32Array(width * height);
  const dot = (cx: number, cy: number, r: number) => {
    for (let y = Math.max(0, Math.floor(cy - r - 1)); y <= Math.min(height - 1, Math.ceil(cy + r + 1)); y++)
      for (let x = Math.max(0, Math.floor(cx - r - 1)); x <= Math.min(width - 1, Math.ceil(cx + r + 1)); x++) {
        const d = Math.hypot(x - cx, y - cy);
        const a = Math.max(0, Math.min(1, r + 0.5 - d));
        const i = y * width + x;
        if (a > alpha[i]!) alpha[i] = a;
      }
  };
  const strokes = 2 + Math.floor(rand() * 2);
  const segment = (width - 40) / strokes;
  for (let k = 0; k < strokes; k++) {
    const x0 = 20 + k * segment;
    const f1 = 2 + rand() * 4;
    const f2 = 5 + rand() * 7;
    const a1 = 18 + rand() * 18;
    const a2 = 6 + rand() * 10;
    const p1 = rand() * Math.PI * 2;
    const slant = 0.3 + rand() * 0.3;
    const steps = 260;
    for (let i = 0; i <= steps; i++) {
      const t = i / steps;
      const x = x0 + t * segment * 0.9 + Math.sin(t * f2 * Math.PI + p1) * a2 * slant;
      const y = height / 2 + Math.sin(t * f1 * Math.PI + p1) * a1 * 0.8 + Math.cos(t * f2 * Math.PI) * a2 * 0.6;
      // Pen pressure: thinner at the ends of a stroke.
      dot(x, y, 1.1 + 1.3 * Math.sin(Math.PI * t));
    }
  }
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    rgba[i * 4] = 20;
    rgba[i * 4 + 1] = 28;
    rgba[i * 4 + 2] = 48;
    rgba[i * 4 + 3] = Math.round(alpha[i]! * 255);
  }
  return encodePng(width, height, rgba);
}
