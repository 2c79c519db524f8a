// Register (台账/花名册) PDFs every module uses: a title, a filters line saying what is listed, a table
// from a column list (header repeated on every page, long tables streamed), optional sections with a
// heading and a summary line each, and a totals row — on the PDF kit, so every download gets its
// document number, check code, watermark, registry row and audit event. See ARCHITECTURE.md, "Shared
// pieces for modules".
import type { Context } from 'hono';
import type { AppEnv } from '../context.ts';
import { COLORS, type PdfBuilder } from './document.ts';
import { deliverPdf, type PdfDelivery } from './deliver.ts';
import { drawTable, type TableColumn } from './table.ts';

export type { TableColumn } from './table.ts';

export interface RegisterSection<R> {
  /** Section heading (e.g. a village's name); none for a register of one section. */
  heading?: string;
  /** A muted line above the table (e.g. the section's counts). */
  summary?: string;
  rows: readonly R[];
  /** Bold rows after the body, one string per column (e.g. 合计). */
  totals?: string[][];
  /** Shown in the table when it has no rows. */
  emptyText?: string;
  /** Above the repeated header when the table continues on a new page; default "<heading>（续）". */
  continuation?: string;
}

export interface RegisterSpec<R> {
  title: string;
  /** Lines under the title saying what is listed: org, period, filters, as-of date. */
  filters: string[];
  columns: TableColumn<R>[];
  /** One section, or several (each with its heading); at least one of the two. */
  rows?: readonly R[];
  totals?: string[][];
  sections?: readonly RegisterSection<R>[];
  /** Table text when a section has no rows; default 无记录. */
  emptyText?: string;
  /** Printed when there are no sections at all. */
  noSectionsText?: string;
  fontSize?: number;
  /** Lines after the last table (notes, 制表人 / 审核人 signature block). */
  footer?: string[];
}

/** Draws the register into a document of the kit. */
export async function drawRegister<R>(pdf: PdfBuilder, spec: RegisterSpec<R>): Promise<void> {
  pdf.titleBlock(spec.title, spec.filters);
  const sections: readonly RegisterSection<R>[] = spec.sections ?? [{ rows: spec.rows ?? [], ...(spec.totals && { totals: spec.totals }) }];
  if (sections.length === 0) {
    pdf.paragraph(spec.noSectionsText ?? '无记录。', { color: COLORS.muted });
    return;
  }
  const fontSize = spec.fontSize ?? 8.5;
  for (const section of sections) {
    if (section.heading) pdf.heading(section.heading, { size: 11.5, keepWith: 70 });
    if (section.summary) {
      pdf.font('regular', 9);
      pdf.doc.fillColor(COLORS.muted).text(section.summary, pdf.left, pdf.y, { width: pdf.width, lineBreak: false });
      pdf.doc.fillColor(COLORS.text);
      pdf.y += 4;
    }
    await drawTable(pdf, spec.columns, section.rows, {
      fontSize,
      emptyText: section.emptyText ?? spec.emptyText ?? '无记录',
      ...(section.totals && { totalRows: section.totals }),
      ...((section.continuation ?? section.heading) && { continuation: section.continuation ?? `${section.heading}（续）` }),
    });
    pdf.y += 6;
  }
  if (spec.footer?.length) {
    pdf.ensureSpace(spec.footer.length * 18 + 10);
    pdf.y += 6;
    for (const line of spec.footer) pdf.paragraph(line, { size: 10 });
  }
}

/** What the printed table holds: the content hashed into the check code when the caller gives none. */
export function registerContent<R>(kind: string, spec: RegisterSpec<R>): unknown {
  const values = (rows: readonly R[]) => rows.map((r, i) => spec.columns.map((c) => c.value(r, i)));
  return {
    document: kind,
    title: spec.title,
    filters: spec.filters,
    columns: spec.columns.map((c) => c.header),
    sections: (spec.sections ?? [{ rows: spec.rows ?? [], totals: spec.totals }]).map((s) => ({ heading: s.heading, summary: s.summary, rows: values(s.rows), totals: s.totals })),
    footer: spec.footer,
  };
}

/**
 * Streams a register as a registered, audited PDF download (landscape unless told otherwise).
 * `content` defaults to the printed values (registerContent).
 */
export function deliverRegister<R>(
  c: Context<AppEnv>,
  delivery: Omit<PdfDelivery, 'draw' | 'title' | 'content'> & { content?: unknown; register: RegisterSpec<R> },
): Promise<Response> {
  const { register, content, ...rest } = delivery;
  return deliverPdf(c, {
    orientation: 'landscape',
    ...rest,
    title: register.title,
    content: content ?? registerContent(rest.kind, register),
    draw: (pdf) => drawRegister(pdf, register),
  });
}
