// Builds the bundle bin/vigie.js loads: src/ and the dependencies it uses, in one CommonJS file.
//
// Node 20 loads ~680 CommonJS files of dependencies for `vigie start --once` (Crawlee most of all), each resolved,
// stat'ed, read and compiled on its own: about 0.35 s of the command's start. Bundled, they load as a few files.
// Left out: native addons, Playwright (its own files and a browser), and the packages of the long-running monitor
// that start workers or read files beside themselves (BullMQ, ioredis, Fastify, bull-board). pino is bundled: Vigie
// writes its logs with pino.destination (no transport, so no worker), and loading its files one by one cost every
// command about 20 ms of its start.
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const EXTERNAL = ['better-sqlite3', 'playwright', 'playwright-core', 'bullmq', 'ioredis', 'fastify', '@bull-board/*'];

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
 * Crawlee's HttpCrawler imports got-scraping (and with it a header generator that builds a Bayesian network) on its
 * first request, only to test `err instanceof TimeoutError`: about 80 ms of each process's CPU. Vigie's HTTP client is
 * undici (src/crawlers/undici-http-client.ts), which never throws got's errors, so that test gets a class of its own.
 * Every other import of got-scraping is left alone.
 */
const crawleeTimeoutError = {
  name: 'crawlee-timeout-error',
  setup(build) {
    build.onResolve({ filter: /^got-scraping$/ }, ({ importer }) =>
      /[\\/]@crawlee[\\/]http[\\/]internals[\\/]http-crawler\.js$/.test(importer) ? { path: 'got-scraping', namespace: 'vigie-timeout-error' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'vigie-timeout-error' }, () => ({ contents: 'export class TimeoutError extends Error {}', loader: 'js' }));
  },
};

/**
 * ow (Crawlee's argument checks) captures a stack trace on each call, to name the argument if the check fails, and
 * its checks of a request's response read the caller's whole file to find that name: the bundle, megabytes, several times
 * a run. Without the frames a failed check still throws, with a message that does not name the argument.
 */
const owWithoutLabels = {
  name: 'ow-without-labels',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]ow[\\/]dist[\\/]index\.js$/ }, async ({ path }) => {
      const code = await readFile(path, 'utf8');
      if (!code.includes('(0, callsites_1.default)()')) return undefined;
      return { contents: code.replaceAll('(0, callsites_1.default)()', '[]'), loader: 'js' };
    });
  },
};

/**
 * entities (htmlparser2's decoder) builds its tables of named character references at load, from base64 strings,
 * through atob and a loop over each pair of characters: in each isolate (the main thread and the list thread),
 * and hot enough that V8 compiled the loop four times with TurboFan. Buffer decodes base64 natively, and on a
 * little-endian machine its bytes are already the table's 16-bit values; elsewhere entities' own loop still runs.
 */
export const entitiesNativeBase64 = {
  name: 'entities-native-base64',
  setup(build) {
    build.onLoad({ filter: /[\\/]entities[\\/]dist[\\/](esm|commonjs)[\\/]internal[\\/]decode-shared\.js$/ }, async ({ path }) => {
      const code = await readFile(path, 'utf8');
      const head = /(export )?function decodeBase64\(input\) \{/;
      if (!head.test(code)) return undefined;
      return { contents: code.replace(head, (m, exported) => `${exported ?? ''}function decodeBase64(input) { return decodeBase64Natively(input) ?? decodeBase64InJs(input); }\n${NATIVE_BASE64}\nfunction decodeBase64InJs(input) {`), loader: 'js' };
    });
  },
};
const NATIVE_BASE64 = `function decodeBase64Natively(input) {
  if (typeof Buffer !== 'function' || new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) return null;
  const bytes = Buffer.from(input, 'base64');
  const out = new Uint16Array(bytes.length >> 1);
  new Uint8Array(out.buffer).set(bytes.subarray(0, out.length * 2));
  return out;
}`;

/**
 * The bundler turns a class that names itself inside into `var X = class _X {`, so its `name` becomes "_X" (or
 * "_X2"); Crawlee picks its storage client by `constructor.name`, and cron-parser, got and others read it too. This
 * gives such classes of the dependencies their own name back. esbuild's `keepNames` does it as well, but also
 * renames every inner function on each call of its parent: +3 s of CPU on bench:cycle's first sight.
 */
function keepClassNames(code, classNames) {
  return code.replace(/\bclass (_[A-Za-z_$][\w$]*)((?: extends [\w$.]+)?) ?\{/g, (all, inner) => {
    const name = [inner.slice(1), inner.slice(1).replace(/\d+$/, '')].find((n) => classNames.has(n));
    return name ? `${all} static { __vigieKeepName(this, ${JSON.stringify(name)}); }` : all;
  });
}

/**
 * Writes the non-ASCII characters of src/'s TypeScript as \u escapes, so that the bundle is ASCII (esbuild escapes
 * strings, not regular expressions or raw templates) and bin/code-cache.js can read it as Latin-1. One non-ASCII
 * character makes Node decode the whole 7 MB as UTF-8 into a two-byte string: three times the time to read it. An
 * escape means the same in a string, a regular expression, a template and a comment; the raw templates of src/ all
 * build regular expressions, which read the escape as the character.
 */
export const asciiSources = (root) => ({
  name: 'ascii-sources',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async ({ path }) => {
      if (!path.startsWith(join(root, 'src'))) return undefined;
      const code = await readFile(path, 'utf8');
      if (!NON_ASCII.test(code)) return undefined;
      // `\é` (an identity escape) means `é`: its backslash goes, or it would escape the new escape's own.
      const escape = (_, slashes, c) => `${slashes.slice(slashes.length % 2)}\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
      return { contents: code.replace(NON_ASCII_ALL, escape), loader: 'ts' };
    });
  },
});
const NON_ASCII = /[^\x00-\x7f]/;
const NON_ASCII_ALL = /(\\*)([^\x00-\x7f])/g;

/**
 * src/ imports from undici only Agent, buildConnector, request and the redirect interceptor. undici's index loads all
 * of it besides (fetch, WebSocket, cookies, caches, mocks), and its cookies module reads `globalThis.Headers`, which
 * makes Node load its own copy of undici and the web streams: about 35 ms of every start. src/'s `undici` is this
 * module instead, made of the same files of the same package (makeDispatcher as in undici's index.js).
 */
const UNDICI_CORE = `
const Dispatcher = require('undici/lib/dispatcher/dispatcher');
const api = require('undici/lib/api');
Object.assign(Dispatcher.prototype, api);
const { InvalidArgumentError } = require('undici/lib/core/errors');
const util = require('undici/lib/core/util');
const { getGlobalDispatcher } = require('undici/lib/global');
function makeDispatcher(fn) {
  return (url, opts, handler) => {
    if (typeof opts === 'function') {
      handler = opts;
      opts = null;
    }
    if (!url || (typeof url !== 'string' && typeof url !== 'object' && !(url instanceof URL))) throw new InvalidArgumentError('invalid url');
    if (opts != null && typeof opts !== 'object') throw new InvalidArgumentError('invalid opts');
    if (opts && opts.path != null) {
      if (typeof opts.path !== 'string') throw new InvalidArgumentError('invalid opts.path');
      const path = opts.path.startsWith('/') ? opts.path : '/' + opts.path;
      url = new URL(util.parseOrigin(url).origin + path);
    } else {
      if (!opts) opts = typeof url === 'object' ? url : {};
      url = util.parseURL(url);
    }
    const { agent, dispatcher = getGlobalDispatcher() } = opts;
    if (agent) throw new InvalidArgumentError('unsupported opts.agent. Did you mean opts.client?');
    return fn.call(dispatcher, { ...opts, origin: url.origin, path: url.search ? url.pathname + url.search : url.pathname, method: opts.method || (opts.body ? 'PUT' : 'GET') }, handler);
  };
}
module.exports.Agent = require('undici/lib/dispatcher/agent');
module.exports.buildConnector = require('undici/lib/core/connect');
module.exports.interceptors = { redirect: require('undici/lib/interceptor/redirect') };
module.exports.request = makeDispatcher(api.request);
`;
export const undiciCore = (root) => ({
  name: 'undici-core',
  setup(build) {
    build.onResolve({ filter: /^undici$/ }, ({ importer }) => (importer.startsWith(join(root, 'src')) ? { path: 'undici-core', namespace: 'vigie-undici' } : undefined));
    // Resolved from Vigie's own folder, whose node_modules holds the undici src/ was written against.
    build.onLoad({ filter: /.*/, namespace: 'vigie-undici' }, () => ({ contents: UNDICI_CORE, loader: 'js', resolveDir: fileURLToPath(new URL('..', import.meta.url)) }));
  },
});

/**
 * Bundles `<root>/src/cli.ts` into `outdir/cli.js`: one CommonJS file, which bin/vigie.js compiles with a V8 code
 * cache (Node 20 has no code cache for ES modules). Lazy imports (Playwright's fetcher, the demo, the monitor) stay
 * lazy: their modules are in the file but run only when imported.
 */
export async function buildCli(root, outdir, tsconfig) {
  const { build } = await import('esbuild');
  const classNames = new Set();
  await build({
    // The list reader's threads (src/crawlers/list-reader.ts) load list-reader-worker.js from beside cli.js.
    entryPoints: { cli: `${root}/src/cli.ts`, 'list-reader-worker': `${root}/src/crawlers/list-reader-worker.ts` },
    outdir,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    external: EXTERNAL,
    plugins: [owWithoutLabels, ownPaths(classNames), crawleeTimeoutError, entitiesNativeBase64, asciiSources(root), undiciCore(root)],
    // `import.meta.url` of src/ names the bundle, as it named its chunk before.
    define: { 'import.meta.url': '__vigieImportMetaUrl' },
    banner: {
      js: [
        "var __vigieImportMetaUrl = require('node:url').pathToFileURL(__filename).href;",
        "const __vigieKeepName = (c, name) => Object.defineProperty(c, 'name', { value: name, configurable: true });",
      ].join(' '),
    },
    tsconfig,
    // Read only when a stack trace is formatted (bin/stack-traces.js), never at start.
    sourcemap: 'external',
    sourcesContent: false,
    absWorkingDir: root,
    logLevel: 'silent',
    // No comments or indentation: 7 MB to read at each start instead of 10, and no non-ASCII characters from the
    // dependencies' comments (the licences' comments go to cli.js.LEGAL.txt).
    minifyWhitespace: true,
    legalComments: 'external',
  });
  // The bundle lives under node_modules/, where Node does not look further up for the project's package.json.
  await writeFile(join(outdir, 'package.json'), '{ "type": "commonjs" }\n');
  for (const file of ['cli.js', 'list-reader-worker.js']) {
    const path = join(outdir, file);
    await writeFile(path, keepClassNames(await readFile(path, 'utf8'), classNames));
  }
}
