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
