// Attachments: which files are accepted. The type is read from the content (magic bytes), never from
// the name or the browser's Content-Type, so an executable renamed to .pdf is refused.
import type { AttachmentType } from '@qingfeng/db/schema';

/** 20 MB per file (the database CHECK says the same). */
export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;

export const ATTACHMENT_TYPE_LABELS: Record<AttachmentType, string> = { 'application/pdf': 'PDF', 'image/jpeg': 'JPEG 图片', 'image/png': 'PNG 图片' };

const startsWith = (bytes: Uint8Array, sig: readonly number[]) => bytes.length >= sig.length && sig.every((b, i) => bytes[i] === b);

/** The type by content, or null: PDF '%PDF-', JPEG FF D8 FF, PNG's eight-byte signature. */
export function sniffAttachmentType(bytes: Uint8Array): AttachmentType | null {
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  return null;
}

const EXTENSIONS: Record<AttachmentType, string> = { 'application/pdf': '.pdf', 'image/jpeg': '.jpg', 'image/png': '.png' };

/**
 * A file name safe to store and to send back: no path, no control characters, at most 120 characters,
 * and an extension that matches the content (a PNG named 'scan.pdf' is stored as 'scan.pdf.png').
 */
export function safeFileName(name: string, type: AttachmentType): string {
  const base = (name.split(/[\\/]/).pop() ?? '').replace(/[\u0000-\u001f\u007f"<>|:*?]/g, '').trim().slice(0, 120) || '附件';
  const ext = EXTENSIONS[type];
  const lower = base.toLowerCase();
  const matches = type === 'image/jpeg' ? lower.endsWith('.jpg') || lower.endsWith('.jpeg') : lower.endsWith(ext);
  return matches ? base : `${base}${ext}`;
}

export function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
