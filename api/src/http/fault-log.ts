// Logging of faults (5xx, failed documents, failed imports). Errors from the database carry the SQL
// parameters (PGlite puts them in the error object, postgres.js in `parameters`), and messages can quote
// input ("invalid input syntax for type date: …"): ID numbers and names would end up in the log. So a
// fault is logged as its class, its code and its code locations only, under a short random reference
// that the client also gets, so the operator can find the line a user reports.
import { randomBytes } from 'node:crypto';

/** The loggable part of an error: class, code and stack frames — never its message or fields. */
export function faultSummary(err: unknown): string {
  if (!(err instanceof Error)) return `non-error ${typeof err}`;
  const code = (err as { code?: unknown }).code;
  const frames = (err.stack ?? '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .slice(0, 8)
    .join('\n');
  return `${err.constructor.name}${typeof code === 'string' && /^[\w.-]{1,40}$/.test(code) ? ` [${code}]` : ''}${frames ? `\n${frames}` : ''}`;
}

export const newFaultRef = () => randomBytes(4).toString('hex');

/** Logs a fault under a new reference and returns the reference. */
export function logFault(where: string, err: unknown, context = ''): string {
  const ref = newFaultRef();
  console.error(`[${where}] ref ${ref}${context ? ` ${context}` : ''}: ${faultSummary(err)}`);
  return ref;
}
