// Which database a command works on, for its first line of output (never prints a password).
export function describeTarget(engine: 'pglite' | 'postgresql'): string {
  if (engine === 'postgresql') {
    const url = new URL(process.env.DATABASE_URL ?? '');
    return `PostgreSQL ${url.hostname}:${url.port || '5432'}${url.pathname}`;
  }
  return `PGlite ${process.env.QINGFENG_DATA_DIR ?? './data'}`;
}
