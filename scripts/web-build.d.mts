// Types of web-build.mjs for TypeScript callers (the benchmark's single-process server).
export const ROOT: string;
export const WEB_BUILD: string;
export function buildReason(): string | null;
export function ensureWebBuilt(options?: { log?: (s: string) => void; force?: boolean }): Promise<boolean>;
export function snapshotWebBuild(options?: { log?: (s: string) => void }): Promise<string>;
