// Attachments over HTTP: upload (multipart, ≤ 20 MB, PDF/JPEG/PNG by content), list, streamed
// download, delete. Each owner kind (owners.ts) decides who reads and writes; out of scope is 404.
import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import type { AppEnv } from '../../context.ts';
import { allow, currentUser } from '../../http/guard.ts';
import { idParam, v } from '../../http/validate.ts';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../http/errors.ts';
import { inTransaction } from '../../http/action.ts';
import { ATTACHMENT_OWNER_KINDS, ATTACHMENT_READERS, ATTACHMENT_WRITERS } from './owners.ts';
import { MAX_ATTACHMENT_BYTES, safeFileName, sniffAttachmentType } from './rules.ts';
import * as q from './queries.ts';

/** Room for the multipart envelope around a file of the maximum size. */
const MULTIPART_OVERHEAD = 64 * 1024;
const CHUNK = 1024 * 1024;
const tooLarge = () => new AppError(413, 'too_large', '附件不能超过 20 MB');

const ownerQuery = z.object({ ownerKind: z.enum(ATTACHMENT_OWNER_KINDS as [string, ...string[]]), ownerId: z.coerce.number().int().positive().max(2_147_483_647) });

export const attachmentRoutes = new Hono<AppEnv>()
  .get('/', allow(...ATTACHMENT_READERS), v('query', ownerQuery), async (c) => {
    const { ownerKind, ownerId } = c.req.valid('query');
    const owner = await q.resolveOwner(c.get('db'), ownerKind, ownerId, currentUser(c));
    if (!owner || !owner.canRead) throw notFound('记录不存在');
    return c.json({ items: await q.listAttachments(c.get('db'), ownerKind, ownerId) });
  })
  .post(
    '/',
    allow(...ATTACHMENT_WRITERS),
    bodyLimit({
      maxSize: MAX_ATTACHMENT_BYTES + MULTIPART_OVERHEAD,
      onError: () => {
        throw tooLarge();
      },
    }),
    async (c) => {
      const user = currentUser(c);
      const form = await c.req.parseBody().catch(() => {
        throw badRequest('bad_upload', '请以 multipart/form-data 上传文件（字段 ownerKind、ownerId、file）');
      });
      const parsed = ownerQuery.safeParse({ ownerKind: form.ownerKind, ownerId: form.ownerId });
      if (!parsed.success) throw badRequest('validation', '输入有误：附件所属记录无效');
      const file = form.file;
      if (!(file instanceof File)) throw badRequest('file_required', '请选择要上传的文件（字段名 file）');
      if (file.size > MAX_ATTACHMENT_BYTES) throw tooLarge();
      if (file.size === 0) throw badRequest('empty_file', '文件是空的');
      const bytes = new Uint8Array(await file.arrayBuffer());
      const type = sniffAttachmentType(bytes);
      if (!type) throw new AppError(415, 'unsupported_type', '只能上传 PDF、JPEG 或 PNG 文件（按文件内容识别，不看扩展名）');
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const { ownerKind, ownerId } = parsed.data;
      const created = await inTransaction(c, async (trx, audit, now) => {
        const owner = await q.resolveOwner(trx, ownerKind, ownerId, user);
        if (!owner || !owner.canRead) throw notFound('记录不存在');
        if (!owner.canWrite) throw forbidden();
        const row = await q.insertAttachment(trx, { ownerKind, ownerId, orgUnitId: owner.orgUnitId, fileName: safeFileName(file.name, type), mediaType: type, sha256, content: bytes, createdBy: user.id, now });
        await audit({
          kind: 'attachment.uploaded',
          objectType: 'attachment',
          objectId: row.id,
          orgUnitId: owner.orgUnitId,
          details: { ownerKind, ownerId, fileName: row.file_name, mediaType: type, bytes: row.byte_size, sha256 },
        });
        return row;
      });
      return c.json({ attachment: created }, 201);
    },
  )
  .get('/:id', allow(...ATTACHMENT_READERS), v('param', idParam), async (c) => {
    const user = currentUser(c);
    const db = c.get('db');
    const { id } = c.req.valid('param');
    const a = await inTransaction(c, async (trx, audit) => {
      const a = await q.findAttachment(trx, user.orgPath, id);
      const owner = a && (await q.resolveOwner(trx, a.owner_kind, a.owner_id, user));
      if (!a || !owner || !owner.canRead) throw notFound('附件不存在');
      await audit({ kind: 'attachment.downloaded', objectType: 'attachment', objectId: a.id, orgUnitId: a.org_unit_id, details: { ownerKind: a.owner_kind, ownerId: a.owner_id, fileName: a.file_name, sha256: a.sha256 } });
      return a;
    });
    // Streamed from the database one chunk at a time.
    let offset = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (offset >= a.byte_size) return controller.close();
        const part = await q.readChunk(db, a.id, offset, Math.min(CHUNK, a.byte_size - offset));
        offset += part.byteLength;
        controller.enqueue(part);
        if (offset >= a.byte_size) controller.close();
      },
    });
    return c.body(body, 200, {
      'Content-Type': a.media_type,
      'Content-Length': String(a.byte_size),
      'Content-Disposition': `attachment; filename="attachment-${a.id}"; filename*=UTF-8''${encodeURIComponent(a.file_name)}`,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
      'X-Content-SHA256': a.sha256,
    });
  })
  .delete('/:id', allow(...ATTACHMENT_WRITERS), v('param', idParam), async (c) => {
    const user = currentUser(c);
    const { id } = c.req.valid('param');
    await inTransaction(c, async (trx, audit) => {
      const a = await q.findAttachment(trx, user.orgPath, id);
      const owner = a && (await q.resolveOwner(trx, a.owner_kind, a.owner_id, user));
      if (!a || !owner || !owner.canRead) throw notFound('附件不存在');
      if (!owner.canWrite) throw forbidden();
      if (owner.closed) throw conflict('frozen', `${owner.label}已关闭，其附件是冻结记录的一部分，不能删除`);
      await q.deleteAttachment(trx, id);
      await audit({ kind: 'attachment.deleted', objectType: 'attachment', objectId: id, orgUnitId: a.org_unit_id, details: { ownerKind: a.owner_kind, ownerId: a.owner_id, fileName: a.file_name, sha256: a.sha256 } });
    });
    return c.json({ ok: true as const });
  });
