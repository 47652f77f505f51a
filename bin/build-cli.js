// Builds the bundle bin/vigie.js imports: src/ and the dependencies it loads, in a few ESM chunks.
//
// Node 20 loads ~680 CommonJS files of dependencies for `vigie start --once` (Crawlee most of all), each resolved,
// stat'ed, read and compiled on its own: about 0.35 s of the command's start. Bundled, they load as a few files.
// Left out: native addons, Playwright (its own files and a browser), and the packages of the long-running monitor
// that start workers or read files beside themselves (BullMQ, ioredis, Fastify, bull-board, pino).
import { readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const EXTERNAL = ['better-sqlite3', 'playwright', 'playwright-core', 'bullmq', 'ioredis', 'fastify', '@bull-board/*', 'pino'];

/**
 * Keeps what a bundled dependency knows about its own file: `__dirname`, `__filename` and `import.meta.url` name
 * the original file in node_modules (header-generator reads its data files beside itself, for example). Also
 * collects the names of the dependencies' classes, for `keepClassNames`.
 */
const ownPaths = (classNames) => ({
  name: 'own-paths',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/].*\.[cm]?js$/ }, async ({ path }) => {
      let code = await readFile(path, 'utf8');
      const declared = [];
      for (const [name, value] of [
        ['__dirname', dirname(path)],
        ['__filename', path],
      ]) {
        if (code.includes(name) && !new RegExp(`\\b(?:var|let|const|function)\\s+${name}\\b`).test(code)) declared.push(`${name} = ${JSON.stringify(value)}`);
      }
      if (code.includes('import.meta')) {
        code = code.replace(/\bimport\.meta\.(url|dirname|filename)\b/g, '__vigieImportMeta_$1');
        declared.push(
          `__vigieImportMeta_url = ${JSON.stringify(pathToFileURL(path).href)}`,
          `__vigieImportMeta_dirname = ${JSON.stringify(dirname(path))}`,
          `__vigieImportMeta_filename = ${JSON.stringify(path)}`,
        );
      }
      for (const [, name] of code.matchAll(/\bclass\s+([A-Za-z_$][\w$]*)/g)) classNames.add(name);
      if (declared.length === 0) return undefined;
      // Every module of an ESM bundle runs in strict mode anyway, so a line before a "use strict" changes nothing.
      const bang = code.startsWith('#!') ? code.indexOf('\n') + 1 : 0;
      return { contents: `${code.slice(0, bang)}var ${declared.join(', ')};\n${code.slice(bang)}`, loader: 'js' };
    });
  },
});

/**
 * The bundler turns a class that names itself inside into `var X = class _X {`, so its `name` becomes "_X" (or
 * "_X2"); Crawlee picks its storage client by `constructor.name`, and cron-parser, got and others read it too. This
 * gives such classes of the dependencies their own name back. esbuild's `keepNames` does it as well, but also
 * renames every inner function on each call of its parent: +3 s of CPU on bench:cycle's first sight.
 */
function keepClassNames(code, classNames) {
  return code.replace(/\bclass (_[A-Za-z_$][\w$]*)((?: extends [\w$.]+)?) \{/g, (all, inner) => {
    const name = [inner.slice(1), inner.slice(1).replace(/\d+$/, '')].find((n) => classNames.has(n));
    return name ? `${all} static { __vigieKeepName(this, ${JSON.stringify(name)}); }` : all;
  });
}

/** Bundles `<root>/src/cli.ts` into `outdir` (cli.js and its chunks). */
export async function buildCli(root, outdir, tsconfig) {
  const { build } = await import('esbuild');
  const classNames = new Set();
  const { metafile } = await build({
    entryPoints: [`${root}/src/cli.ts`],
    outdir,
    bundle: true,
    // Lazy imports (Playwright's fetcher, the demo, the monitor) stay lazy: each becomes a chunk of its own.
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: EXTERNAL,
    plugins: [ownPaths(classNames)],
    // Bundled CommonJS code calls require() for Node's modules and the external packages.
    banner: {
      js: [
        "import { createRequire as __vigieCreateRequire } from 'node:module';",
        'const require = __vigieCreateRequire(import.meta.url);',
        "const __vigieKeepName = (c, name) => Object.defineProperty(c, 'name', { value: name, configurable: true });",
      ].join(' '),
    },
    tsconfig,
    sourcemap: true,
    sourcesContent: false,
    // Paths in the metafile are relative to this.
    absWorkingDir: root,
    metafile: true,
    logLevel: 'silent',
  });
  // The bundle lives under node_modules/, where Node does not look further up for the project's package.json: without
  // one of its own, Node reads every chunk a second time to guess whether it is an ES module (about 70 ms a start).
  await writeFile(join(outdir, 'package.json'), '{ "type": "module" }\n');
  for (const [file, output] of Object.entries(metafile.outputs)) {
    if (!file.endsWith('.js')) continue;
    const path = join(root, file);
    let code = keepClassNames(await readFile(path, 'utf8'), classNames);
    // Stack traces name the .ts sources; a map of dependency code only costs its reading at each start (about 0.1 s).
    if (!Object.keys(output.inputs).some((input) => !input.includes('node_modules'))) {
      code = code.replace(/\n\/\/# sourceMappingURL=[^\n]*\n?$/, '\n');
      await rm(`${path}.map`, { force: true });
    }
    await writeFile(path, code);
  }
}
