import { sveltekit } from '@sveltejs/kit/vite';
import tailwindcss from '@tailwindcss/vite';
import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

// `pnpm dev` runs in web/: keep the PGlite data directory where `pnpm start` keeps it (repo root).
if (!process.env.QINGFENG_DATA_DIR && !process.env.DATABASE_URL) {
  process.env.QINGFENG_DATA_DIR = fileURLToPath(new URL('../data', import.meta.url));
}

export default defineConfig({
  plugins: [tailwindcss(), sveltekit()],
  server: {
    // The dev server runs the API in-process; the PGlite data directory must not trigger reloads.
    watch: { ignored: ['**/data/**', '**/data-demo/**'] },
  },
  test: {
    include: ['src/**/*.test.ts'],
  },
});
