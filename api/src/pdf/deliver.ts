// From data to the client: register the document and audit the download (one transaction), then draw
// it while it streams — each finished page goes out at once — hashing the bytes on the way. The
// registry row gets the file's hash and size before the client sees the end of the stream.
import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import type { AppEnv } from '../context.ts';
import { inTransaction } from '../http/action.ts';
import { currentUser } from '../http/guard.ts';
import { PdfBuilder, type PdfOptions } from './document.ts';
import { checkCode, contentHash } from './hash.ts';
import { completeDocument, insertDocument } from './registry.ts';

export interface PdfDelivery {
  /** Registry kind, e.g. 'roster' or 'committee_structure'. */
  kind: string;
  title: string;
  orgUnitId: number;
  orgName: string;
  orientation?: PdfOptions['orientation'];
  /** File name offered to the browser (without .pdf); Chinese is fine. */
  fileName: string;
  /** The data the document is drawn from: its canonical SHA-256 is registered and printed in the footer. */
  content: unknown;
  draw(pdf: PdfBuilder): Promise<void> | void;
}

/** Bytes the response may hold for a slow client before drawing pauses. */
const STREAM_BUFFER_BYTES = 1 << 20;

/** Streams a document to the client as a registered, audited download. */
export async function deliverPdf(c: Context<AppEnv>, spec: PdfDelivery): Promise<Response> {
  const user = currentUser(c);
  const now = c.get('clock').now();
  const contentSha256 = contentHash(spec.content);

  // The number is printed on every page as it is completed, so it is registered before drawing. A
  // drawing failure leaves a row without file hash: issued, never delivered.
  const registered = await inTransaction(c, async (trx, audit) => {
    const doc = await insertDocument(trx, { kind: spec.kind, title: spec.title, orgUnitId: spec.orgUnitId, contentSha256, createdBy: user.id, now });
    await audit({
      kind: 'export.downloaded',
      objectType: 'document',
      objectId: doc.number,
      orgUnitId: spec.orgUnitId,
      details: { number: doc.number, kind: spec.kind, title: spec.title, format: 'pdf' },
    });
    return doc;
  });

  const pdf = new PdfBuilder({
    title: spec.title,
    orgName: spec.orgName,
    ...(spec.orientation && { orientation: spec.orientation }),
    watermark: { name: user.displayName, at: now },
    stamp: { number: registered.number, checkCode: checkCode(contentSha256) },
  });
  const db = c.get('db');
  const source = pdf.doc;
  let demand: (() => void) | null = null;
  let cancelled = false;

  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const hash = createHash('sha256');
        let size = 0;
        pdf.waitForDemand = () =>
          (controller.desiredSize ?? 1) > 0 ? Promise.resolve() : new Promise<void>((resolve) => (demand = resolve));
        source.on('data', (chunk: Buffer) => {
          if (cancelled) return;
          hash.update(chunk);
          size += chunk.length;
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
        });
        source.on('error', (err: Error) => {
          if (!cancelled) controller.error(err);
        });
        source.on('end', () => {
          // A download the client abandoned keeps no file hash: it was never delivered whole.
          if (cancelled) return;
          completeDocument(db, registered.id, hash.digest('hex'), size).then(
            () => controller.close(),
            (err: unknown) => controller.error(err),
          );
        });
        // Drawing runs while the response streams; it pauses in breathe() when the client lags.
        void (async () => {
          await spec.draw(pdf);
          pdf.finish();
        })().catch((err: unknown) => {
          console.error('[pdf] drawing failed', registered.number, err);
          if (!cancelled) controller.error(err);
        });
      },
      pull() {
        const resume = demand;
        demand = null;
        resume?.();
      },
      cancel() {
        cancelled = true;
        // Let a paused drawing loop run to its end; its bytes go nowhere.
        pdf.waitForDemand = null;
        const resume = demand;
        demand = null;
        resume?.();
      },
    },
    new ByteLengthQueuingStrategy({ highWaterMark: STREAM_BUFFER_BYTES }),
  );

  return c.body(body, 200, {
    'Content-Type': 'application/pdf',
    'Content-Disposition': `attachment; filename="${registered.number}.pdf"; filename*=UTF-8''${encodeURIComponent(`${spec.fileName}-${registered.number}.pdf`)}`,
    'Cache-Control': 'no-store',
    'X-Document-Number': registered.number,
  });
}
