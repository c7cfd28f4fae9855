// Builds the console into dist/console: one script and one stylesheet, named by their content's
// hash (cached for a year), and index.html (never cached) that names them.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'dist', 'console');
/** The budget the console's JavaScript must stay within, gzipped. */
const MAX_JS_GZIP_BYTES = 150 * 1024;

const result = await build({
  entryPoints: [join(here, 'src', 'main.tsx')],
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2020'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  write: false,
  outdir: 'out',
  legalComments: 'none',
  logLevel: 'warning',
});
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const names = {};
for (const file of result.outputFiles) {
  const ext = file.path.endsWith('.css') ? 'css' : 'js';
  const hash = createHash('sha256').update(file.contents).digest('hex').slice(0, 12);
  names[ext] = `app-${hash}.${ext}`;
  writeFileSync(join(out, names[ext]), file.contents);
  if (ext === 'js') {
    const gzipped = gzipSync(file.contents).length;
    if (gzipped > MAX_JS_GZIP_BYTES) throw new Error(`console JavaScript is ${gzipped} bytes gzipped, over the ${MAX_JS_GZIP_BYTES} budget`);
    writeFileSync(join(out, 'size.json'), JSON.stringify({ js_bytes: file.contents.length, js_gzip_bytes: gzipped }) + '\n');
  }
}
const html = readFileSync(join(here, 'index.html'), 'utf8')
  .replace('%SCRIPT%', `/console/assets/${names.js}`)
  .replace('%STYLE%', `/console/assets/${names.css}`);
writeFileSync(join(out, 'index.html'), html);
