// Bundles the dashboard for the browser: src/web/main.ts (with ECharts, tree-shaken) into
// public/app.js, next to index.html and app.css. The scheduler serves public/ at `/`, and
// `rung report` inlines the same files into one HTML file.
import { copyFile, mkdir } from 'node:fs/promises';
import { build } from 'esbuild';

const out = new URL('./public/', import.meta.url);
await mkdir(out, { recursive: true });
await build({
  entryPoints: [new URL('./src/web/main.ts', import.meta.url).pathname],
  outfile: new URL('app.js', out).pathname,
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2022',
  platform: 'browser',
  conditions: ['@rung/source'],
  legalComments: 'none',
  logLevel: 'warning',
});
for (const file of ['index.html', 'app.css']) {
  await copyFile(new URL(`./src/web/${file}`, import.meta.url), new URL(file, out));
}
