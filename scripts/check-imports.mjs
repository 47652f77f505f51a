#!/usr/bin/env node
// Enforces the direction of imports in src/: a folder may import only folders listed before it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const ORDER = ['config', 'extract', 'dedupe', 'watch', 'store', 'crawlers', 'alerts', 'jobs', 'server', 'demo', '(root)'];
// Extra rules the layout states: crawlers fetch and extract; they never touch the store or alerts.
const FORBIDDEN = { crawlers: ['store', 'alerts'], extract: ['crawlers', 'store'], dedupe: ['crawlers', 'store'], watch: ['crawlers', 'store'] };
const src = resolve(dirname(new URL(import.meta.url).pathname), '..', 'src');

const layerOf = (file) => {
  const rel = relative(src, file).split(sep);
  return rel.length === 1 ? '(root)' : rel[0];
};
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    // .tsx: the dashboard's pages are Preact components.
    else if (/\.tsx?$/.test(path)) files.push(path);
  }
};
walk(src);

const problems = [];
for (const file of files) {
  const from = layerOf(file);
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
    const target = resolve(dirname(file), m[1]);
    if (!target.startsWith(src)) continue;
    const to = layerOf(target);
    if (to === from) continue;
    // The demo starts the monitor (a root file), but never imports the command that runs it: cli.ts imports the demo.
    const demoUp = from === 'demo' && to === '(root)' && !target.endsWith(`${sep}cli.ts`);
    const wrongWay = ORDER.indexOf(to) > ORDER.indexOf(from) && !demoUp;
    if (wrongWay || FORBIDDEN[from]?.includes(to)) problems.push(`${relative(process.cwd(), file)}: ${from} must not import ${to} (${m[1]})`);
  }
}
if (problems.length) {
  console.error(`import direction violated:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`imports ok (${files.length} files)`);
