import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  kit: {
    // adapter-node leaves every package in web's `dependencies` external (resolved from
    // web/node_modules at run time) and bundles the rest, including @qingfeng/api and @qingfeng/db.
    adapter: adapter({ out: 'build', precompress: false }),
    // SvelteKit's origin check compares the scheme too, and adapter-node assumes https unless ORIGIN or
    // PROTOCOL_HEADER is set — plain-HTTP office LANs would be refused. hooks.server.ts applies a
    // host-based check instead (src/lib/server/origin.ts), the same rule as the API's.
    csrf: { trustedOrigins: ['*'] },
    // Content-Security-Policy (security review #11, finding 8): SvelteKit's own inline start-up script
    // gets a nonce per response ('auto': hashes on prerendered pages); nothing else inline may run.
    // Styles allow inline attributes: Svelte and ECharts set style="…" on elements.
    csp: {
      mode: 'auto',
      directives: {
        'default-src': ['self'],
        'script-src': ['self'],
        'style-src': ['self', 'unsafe-inline'],
        'img-src': ['self', 'data:', 'blob:'],
        'font-src': ['self', 'data:'],
        'connect-src': ['self'],
        'worker-src': ['self', 'blob:'],
        'object-src': ['none'],
        'base-uri': ['self'],
        'form-action': ['self'],
        'frame-ancestors': ['none'],
      },
    },
    typescript: {
      // The API's ambient declarations (for untyped libraries) must be visible when svelte-check
      // follows imports into the bundled @qingfeng/api and @qingfeng/db sources.
      config: (tsconfig) => {
        tsconfig.include = [...(tsconfig.include ?? []), '../../api/src/**/*.d.ts', '../../db/src/**/*.d.ts'];
        return tsconfig;
      },
    },
  },
};

export default config;
