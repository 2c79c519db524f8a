// From data to the client: register the document and audit the download (one transaction), then draw
// it while it streams — each finished page goes out at once — hashing the bytes on the way. The
// registry row gets the file's hash and size before the client sees the end of the stream.
import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import type { AppEnv } from '../context.ts';
import { inTransaction } from '../http/action.ts';
import { logFault } from '../http/fault-log.ts';
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

/** Thrown into a drawing loop whose response has ended (cancelled by the client, or failed). */
class DeliveryStopped extends Error {}

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
  // Once the response is closed, errored or cancelled nothing may touch its controller again: a write
  // after close throws ERR_INVALID_STATE from inside pdfkit's 'data' event, which nothing catches and
  // which used to end the whole process.
  let settled = false;
  const stopDrawing = () => {
    // Let a paused drawing loop wake up; breathe() then throws DeliveryStopped, which ends it.
    pdf.waitForDemand = () => Promise.reject(new DeliveryStopped());
    const resume = demand;
    demand = null;
    resume?.();
    source.removeAllListeners('data');
    // The drawing may still call pdfkit after this; errors from a stopped document go nowhere.
    source.on('error', () => {});
  };

  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const hash = createHash('sha256');
        let size = 0;
        const fail = (err: unknown) => {
          if (settled) return;
          settled = true;
          // The error's class and the document number only: never the data drawn.
          const ref = logFault('pdf', err, `drawing failed, document ${registered.number}`);
          stopDrawing();
          try {
            controller.error(new Error(`document ${registered.number} failed (ref ${ref})`));
          } catch {
            // Already closed by the runtime: nothing left to tell the client.
          }
        };
        pdf.waitForDemand = () =>
          settled ? Promise.reject(new DeliveryStopped()) : (controller.desiredSize ?? 1) > 0 ? Promise.resolve() : new Promise<void>((resolve) => (demand = resolve));
        source.on('data', (chunk: Buffer) => {
          if (settled) return;
          hash.update(chunk);
          size += chunk.length;
          try {
            controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
          } catch (err) {
            fail(err);
          }
        });
        source.on('error', fail);
        source.on('end', () => {
          // A download the client abandoned keeps no file hash: it was never delivered whole.
          if (settled) return;
          completeDocument(db, registered.id, hash.digest('hex'), size).then(
            () => {
              if (settled) return;
              settled = true;
              controller.close();
            },
            fail,
          );
        });
        // Drawing runs while the response streams; it pauses in breathe() when the client lags.
        void (async () => {
          await spec.draw(pdf);
          if (!settled) pdf.finish();
        })().catch((err: unknown) => {
          if (!(err instanceof DeliveryStopped)) fail(err);
        });
      },
      pull() {
        const resume = demand;
        demand = null;
        resume?.();
      },
      cancel() {
        settled = true;
        stopDrawing();
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
