// Benchmarks for the PDF layer, called by the lead's `pnpm bench` (issue 3, must-have 9):
//  - benchRosterPdf(rows): our roster document (title, grid, zebra rows, header repeated on every page,
//    header/footer/watermark on every page, streamed and hashed) vs bare pdfkit drawing the same table
//    cells with the same font, measured in the same run. Target: ratio ≤ 1.5.
//  - probeRosterPdfMemory(rows): peak RSS growth while a roster PDF is drawn and streamed to a consumer.
//    Target for 10,000 rows: < 150 MB.
// No database: the data is synthetic roster lines, so only the PDF code is measured.
import { createHash } from 'node:crypto';
import PDFDocument from 'pdfkit';
import { PdfBuilder } from './document.ts';
import { FONT_PATHS } from './font.ts';
import { checkCode, contentHash } from './hash.ts';
import { drawRoster, ROSTER_COLUMNS, type RosterDocument, type RosterLine } from './roster-pdf.ts';

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN = '建国秀英晓明丽华志强海燕文军玉兰国平春梅永红德明桂芳学军淑珍立新振华美玲子涵';
const EDUCATION = ['大学本科', '大学专科', '高中', '中等专科', '初中', '研究生（硕士）'];
const ETHNIC = ['汉族', '汉族', '汉族', '汉族', '回族', '满族'];
const POLITICAL = ['中共党员', '中共党员', '中共党员', '群众', '中共预备党员', '共青团员'];

/** Deterministic, realistic-looking roster lines (varied names and ID numbers defeat layout caching as real data would). */
export function syntheticRosterLines(n: number): RosterLine[] {
  const lines: RosterLine[] = [];
  for (let i = 0; i < n; i++) {
    const g = (i * 7919) % GIVEN.length;
    const year = 1960 + ((i * 37) % 40);
    const month = 1 + ((i * 11) % 12);
    const party = i % 7 < 3;
    lines.push({
      name: `${SURNAMES[(i * 31) % SURNAMES.length]}${GIVEN[g]}${i % 3 ? GIVEN[(g + 5) % GIVEN.length] : ''}`,
      gender: i % 5 < 2 ? '女' : '男',
      born: `${year}.${String(month).padStart(2, '0')}`,
      age: 2026 - year - (month > 3 ? 1 : 0),
      ethnicity: ETHNIC[i % ETHNIC.length]!,
      politicalStatus: POLITICAL[i % POLITICAL.length]!,
      education: EDUCATION[(i * 3) % EDUCATION.length]!,
      posts: `${party ? '党组织' : '村委会'}${i % 7 === 0 ? '书记' : i % 7 === 3 ? '主任' : i % 7 === 1 || i % 7 === 4 ? (party ? '副书记' : '副主任') : '委员'}`,
      since: '2021.01.15',
      how: '换届选举',
      idNumber: `3703**********${String((i * 7) % 10000).padStart(4, '0')}`,
      marks: i % 7 === 0 ? '一肩挑' : i % 11 === 0 ? '交叉任职' : '',
    });
  }
  return lines;
}

export function syntheticRoster(rows: number): RosterDocument {
  const lines = syntheticRosterLines(rows);
  return {
    org: { id: 1, name: '示范村', kind: 'village' },
    asOf: '2026-03-02',
    sections: [
      {
        orgId: 1,
        name: '示范村',
        kind: 'village',
        term: { ordinal: 12, electionDate: '2021-01-15' },
        lines,
        summary: { members: rows, party: lines.filter((l) => l.posts.startsWith('党组织')).length, residents: lines.filter((l) => !l.posts.startsWith('党组织')).length, dualRoleHolder: '王建国', crossServing: 0 },
      },
    ],
  };
}

/** Reads a pdfkit document's stream to the end, as the HTTP response does (hashing on the way). */
function consume(doc: PDFKit.PDFDocument, hash: boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    const h = hash ? createHash('sha256') : null;
    let size = 0;
    doc.on('data', (chunk: Buffer) => {
      h?.update(chunk);
      size += chunk.length;
    });
    doc.on('end', () => {
      h?.digest('hex');
      resolve(size);
    });
    doc.on('error', reject);
  });
}

/** Our roster document from data to the last byte, without the database. */
export async function renderRosterPdf(data: RosterDocument): Promise<{ bytes: number; pages: number }> {
  const pdf = new PdfBuilder({
    title: '示范村“两委”成员花名册',
    orgName: data.org.name,
    orientation: 'landscape',
    watermark: { name: '基准测试', at: new Date('2026-03-02T02:00:00Z') },
    stamp: { number: 'QF-2026-000001', checkCode: checkCode(contentHash(data)) },
  });
  // Pages stream out while they are drawn, as in the HTTP response.
  const done = consume(pdf.doc, true);
  await drawRoster(pdf, data);
  pdf.finish();
  return { bytes: await done, pages: pdf.pageCount };
}

/**
 * The baseline: bare pdfkit, the font selected by path (the fast way), the same columns at the same
 * positions and size, one text call per cell without wrapping, the header row's text on each page.
 * No grid, fills, title, header/footer or watermark.
 */
export async function renderBareTable(lines: readonly RosterLine[]): Promise<{ bytes: number; pages: number }> {
  const doc = new PDFDocument({ size: 'A4', layout: 'landscape', margins: { top: 58, bottom: 54, left: 42, right: 42 } });
  doc.font(FONT_PATHS.regular).fontSize(8.5);
  const left = 42;
  const width = doc.page.width - 84;
  const bottom = doc.page.height - 54;
  const total = ROSTER_COLUMNS.reduce((s, c) => s + c.width, 0);
  const xs: number[] = [];
  let x = left;
  for (const c of ROSTER_COLUMNS) {
    xs.push(x + 3);
    x += (width * c.width) / total;
  }
  const rowHeight = 17.9;
  const header = () => {
    ROSTER_COLUMNS.forEach((c, i) => doc.text(c.header.replace('\n', ''), xs[i], doc.y, { lineBreak: false }));
    doc.y += rowHeight;
  };
  let pages = 1;
  doc.y = 58;
  header();
  for (let r = 0; r < lines.length; r++) {
    if (doc.y + rowHeight > bottom) {
      doc.addPage();
      pages++;
      doc.y = 58;
      header();
    }
    const y = doc.y;
    const line = lines[r]!;
    for (let i = 0; i < ROSTER_COLUMNS.length; i++) {
      const text = ROSTER_COLUMNS[i]!.value(line, r);
      if (text) doc.text(text, xs[i], y, { lineBreak: false });
    }
    doc.y = y + rowHeight;
  }
  const done = consume(doc, false);
  doc.end();
  return { bytes: await done, pages };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

export interface RosterPdfBench {
  rows: number;
  /** Wall-clock medians. */
  oursMs: number;
  bareMs: number;
  /** oursMs ÷ bareMs; target ≤ 1.5. */
  ratio: number;
  /** CPU-time medians (this process): steadier than wall-clock on a shared machine. */
  oursCpuMs: number;
  bareCpuMs: number;
  cpuRatio: number;
  pages: number;
  bytes: number;
}

/** Median of `runs` alternating runs of ours and the bare baseline, after one warm-up of each. */
export async function benchRosterPdf(rows: number, runs = rows >= 5000 ? 3 : 5): Promise<RosterPdfBench> {
  const data = syntheticRoster(rows);
  const lines = data.sections[0]!.lines;
  await renderRosterPdf(syntheticRoster(Math.min(rows, 500)));
  await renderBareTable(lines.slice(0, 500));
  const ours: number[] = [];
  const bare: number[] = [];
  const oursCpu: number[] = [];
  const bareCpu: number[] = [];
  const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
  let result = { bytes: 0, pages: 0 };
  for (let i = 0; i < runs; i++) {
    let t = performance.now();
    let c = process.cpuUsage();
    result = await renderRosterPdf(data);
    oursCpu.push(cpuMs(process.cpuUsage(c)));
    ours.push(performance.now() - t);
    t = performance.now();
    c = process.cpuUsage();
    await renderBareTable(lines);
    bareCpu.push(cpuMs(process.cpuUsage(c)));
    bare.push(performance.now() - t);
  }
  const r2 = (x: number) => Math.round(x * 100) / 100;
  return {
    rows,
    oursMs: Math.round(median(ours)),
    bareMs: Math.round(median(bare)),
    ratio: r2(median(ours) / median(bare)),
    oursCpuMs: Math.round(median(oursCpu)),
    bareCpuMs: Math.round(median(bareCpu)),
    cpuRatio: r2(median(oursCpu) / median(bareCpu)),
    pages: result.pages,
    bytes: result.bytes,
  };
}

export interface MemoryProbe {
  rows: number;
  baselineRssMb: number;
  peakRssMb: number;
  /** Peak RSS minus RSS just before; target < 150 for 10,000 rows. */
  growthMb: number;
  ms: number;
  pages: number;
  bytes: number;
}

/**
 * Peak RSS growth while one roster PDF is drawn and streamed. RSS is sampled every few milliseconds
 * (the table yields to the event loop every 250 rows, so the timer runs during drawing) and at the end.
 * Run it in a process that has not just built other large objects, for a clean baseline.
 */
export async function probeRosterPdfMemory(rows = 10_000): Promise<MemoryProbe> {
  await renderRosterPdf(syntheticRoster(200)); // fonts read and code warmed up: not part of the growth
  const data = syntheticRoster(rows);
  (globalThis as { gc?: () => void }).gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sample = () => {
    const rss = process.memoryUsage().rss;
    if (rss > peak) peak = rss;
  };
  const timer = setInterval(sample, 5);
  const t = performance.now();
  try {
    const result = await renderRosterPdf(data);
    sample();
    const mb = (b: number) => Math.round((b / 1048576) * 10) / 10;
    return { rows, baselineRssMb: mb(baseline), peakRssMb: mb(peak), growthMb: mb(peak - baseline), ms: Math.round(performance.now() - t), pages: result.pages, bytes: result.bytes };
  } finally {
    clearInterval(timer);
  }
}

// `npx tsx src/pdf/bench.ts` prints the figures on its own.
if (import.meta.url === `file://${process.argv[1]}`) {
  const memory = await probeRosterPdfMemory(10_000);
  for (const rows of [1_000, 10_000]) {
    const r = await benchRosterPdf(rows);
    console.log(
      `roster PDF ${rows} rows: ours ${r.oursMs} ms, bare pdfkit ${r.bareMs} ms, ratio ${r.ratio} (target ≤ 1.5); ` +
        `CPU ${r.oursCpuMs} vs ${r.bareCpuMs} ms, ratio ${r.cpuRatio}; ${r.pages} pages, ${Math.round(r.bytes / 1024)} KB`,
    );
  }
  console.log(`roster PDF 10000 rows streamed: RSS ${memory.baselineRssMb} → ${memory.peakRssMb} MB, growth ${memory.growthMb} MB (target < 150), ${memory.ms} ms`);
}
