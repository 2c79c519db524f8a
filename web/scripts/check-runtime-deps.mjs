// adapter-node keeps every package in web's `dependencies` external and bundles everything else.
// The API and db packages are bundled from TypeScript source, so the libraries they load at run
// time (native modules, WASM, fonts, data files) must be resolvable from web/node_modules: each of
// their dependencies has to be listed here with the same exact version. Run before every build.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const read = (p) => JSON.parse(readFileSync(join(root, p), 'utf8'));
const web = read('web/package.json');
const problems = [];
for (const pkgPath of ['api/package.json', 'db/package.json']) {
  const pkg = read(pkgPath);
  for (const [name, version] of Object.entries(pkg.dependencies ?? {})) {
    if (String(version).startsWith('workspace:')) continue;
    const ours = web.dependencies?.[name];
    if (ours === undefined) problems.push(`  ${name}@${version} (from ${pkgPath}) is missing from web/package.json "dependencies"`);
    else if (ours !== version) problems.push(`  ${name}: web has ${ours}, ${pkgPath} has ${version}`);
  }
}
if (problems.length) {
  console.error('[web] The built server could not load these API runtime libraries:');
  console.error(problems.join('\n'));
  console.error('Add them to web/package.json "dependencies" with the same exact version, then run `pnpm install`.');
  process.exit(1);
}
console.log('[web] runtime dependencies match api/ and db/');
