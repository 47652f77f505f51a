import { execFile, execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAscii } from 'node:buffer';
import { SourceMap } from 'node:module';
import { build, type BuildOptions } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain JavaScript module of bin/, without types.
import { asciiSources, entitiesNativeBase64, undiciCore } from '../../bin/build-cli.js';
// @ts-expect-error: a plain JavaScript module of bin/, without types.
import { LineSourceMap } from '../../bin/stack-traces.js';

// bin/code-cache.js and bin/stack-traces.js on a small bundle built as bin/build-cli.js builds the real one
// (CommonJS, external source map, no whitespace), run in child processes as bin/vigie.js runs them.
const BIN = join(import.meta.dirname, '../../bin');
let dir: string;
let bundle: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-bin-loader-'));
  writeFileSync(
    join(dir, 'app.ts'),
    [
      'export function main(args: string[]): string {',
      "  if (args[0] === 'throw') {",
      "    const err = new Error('thrown from app.ts');",
      '    return err.stack ?? "";',
      '  }',
      "  return `ran with ${args.join(' ')}`;",
      '}',
      '',
    ].join('\n'),
  );
  await build({ entryPoints: [join(dir, 'app.ts')], outdir: join(dir, 'out'), bundle: true, format: 'cjs', platform: 'node', sourcemap: 'external', sourcesContent: false, minifyWhitespace: true, logLevel: 'silent' });
  bundle = join(dir, 'out', 'app.js');
  writeFileSync(
    join(dir, 'run.mjs'),
    [
      `import { loadWithCodeCache } from ${JSON.stringify(join(BIN, 'code-cache.js'))};`,
      `import { mapStackTraces } from ${JSON.stringify(join(BIN, 'stack-traces.js'))};`,
      `const file = ${JSON.stringify(bundle)};`,
      'const args = process.argv.slice(2);',
      'mapStackTraces(file);',
      'console.log(loadWithCodeCache(file, args).main(args));',
    ].join('\n'),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (...args: string[]) => execFileSync(process.execPath, [join(dir, 'run.mjs'), ...args], { encoding: 'utf8' });
const cacheOf = (kind: string) => join(dir, 'out', `code-cache-${kind}.bin`);

describe('bin/code-cache.js', () => {
  it('runs the bundle, makes a cache per kind of command at its first run, and runs the same from it', () => {
    expect(existsSync(cacheOf('check'))).toBe(false);
    expect(run('check', 'a')).toBe('ran with check a\n');
    expect(statSync(cacheOf('check')).size).toBeGreaterThan(0);
    const made = readFileSync(cacheOf('check'));
    expect(run('check', 'b')).toBe('ran with check b\n');
    // Used, not made again.
    expect(readFileSync(cacheOf('check')).equals(made)).toBe(true);
    expect(existsSync(cacheOf('once'))).toBe(false);
    expect(run('start', '--once')).toBe('ran with start --once\n');
    expect(existsSync(cacheOf('once'))).toBe(true);
  });

  it('runs from the source when V8 refuses the cache, and makes it again', () => {
    writeFileSync(cacheOf('other'), Buffer.from('not a V8 code cache'));
    expect(run('help')).toBe('ran with help\n');
    expect(readFileSync(cacheOf('other')).toString()).not.toBe('not a V8 code cache');
    expect(run('help')).toBe('ran with help\n');
  });
});

describe('bin/build-cli.js: asciiSources', () => {
  // What src/ writes with non-ASCII characters: regular expressions (with and without the u flag, a class, an astral
  // character), raw templates that build one, strings, templates, comments.
  const app = [
    '// Comment — with a dash.',
    "const QUOTE = /l['’]armée/i;",
    'const ARROWS = /[«‹»›]/u;',
    "const ORDINAL = String.raw`(?:er|ᵉʳ|e)?`;",
    "const DAY = new RegExp(String.raw`(\\d{1,2})${ORDINAL}\\s+(juin|août)`, 'i');",
    "const RAINBOW = /🌈+/u;",
    "const ESCAPED = /\\é+/;",
    'export function main(): string {',
    "  const s = 'été';",
    '  const t = `${s} à Brest`;',
    "  return JSON.stringify([QUOTE.test(\"l’armée\"), QUOTE.test(\"l'armée\"), ARROWS.test('»'), DAY.exec('le 1ᵉʳ août')?.slice(1), RAINBOW.exec('x🌈🌈')?.[0], ESCAPED.exec('xéé')?.[0], s, t, s.length]);",
    '}',
    '',
  ].join('\n');

  it('gives an ASCII bundle that behaves as the one built from the file as written', async () => {
    const root = join(dir, 'ascii');
    mkdirSync(join(root, 'src'), { recursive: true });
    writeFileSync(join(root, 'src', 'app.ts'), app);
    const options: BuildOptions & { write: false } = { entryPoints: [join(root, 'src', 'app.ts')], bundle: true, format: 'cjs', platform: 'node', minifyWhitespace: true, logLevel: 'silent', write: false };
    const plain = (await build(options)).outputFiles[0]!.contents;
    const escaped = (await build({ ...options, plugins: [asciiSources(root)] })).outputFiles[0]!.contents;
    // esbuild alone leaves the regular expressions and the raw template as written.
    expect(isAscii(plain)).toBe(false);
    expect(isAscii(escaped)).toBe(true);
    const runIt = (code: Uint8Array) => {
      const file = join(root, `out-${isAscii(code) ? 'ascii' : 'utf8'}.cjs`);
      writeFileSync(file, code);
      return execFileSync(process.execPath, ['-e', `process.stdout.write(require(${JSON.stringify(file)}).main())`], { encoding: 'utf8' });
    };
    const want = runIt(plain);
    expect(JSON.parse(want)).toEqual([true, true, true, ['1', 'août'], '🌈🌈', 'éé', 'été', 'été à Brest', 3]);
    expect(runIt(escaped)).toBe(want);
  });

  it('leaves files outside src/ alone', async () => {
    const root = join(dir, 'ascii-outside');
    mkdirSync(join(root, 'lib'), { recursive: true });
    writeFileSync(join(root, 'lib', 'app.ts'), app);
    const out = await build({ entryPoints: [join(root, 'lib', 'app.ts')], bundle: true, format: 'cjs', platform: 'node', minifyWhitespace: true, logLevel: 'silent', write: false, plugins: [asciiSources(root)] });
    expect(isAscii(out.outputFiles[0]!.contents)).toBe(false);
  });
});

describe('bin/build-cli.js: undiciCore', () => {
  it("gives src/ what it imports from undici, from undici's own files, without fetch and the rest of its index", async () => {
    const root = join(dir, 'undici');
    mkdirSync(join(root, 'src'), { recursive: true });
    writeFileSync(
      join(root, 'src', 'app.ts'),
      [
        "import { Agent, buildConnector, interceptors, request } from 'undici';",
        'export async function main(url: string): Promise<string> {',
        '  const agent = new Agent({ connect: buildConnector({}) });',
        '  const res = await request(url, { dispatcher: agent.compose(interceptors.redirect({ maxRedirections: 2 })) });',
        "  const out = `${res.statusCode} ${res.headers['x-hop']} ${await res.body.text()}`;",
        '  await agent.close();',
        '  return out;',
        '}',
        '',
      ].join('\n'),
    );
    const out = await build({
      entryPoints: [join(root, 'src', 'app.ts')],
      outfile: join(root, 'app.cjs'),
      bundle: true,
      format: 'cjs',
      platform: 'node',
      metafile: true,
      logLevel: 'silent',
      absWorkingDir: join(import.meta.dirname, '../..'),
      plugins: [undiciCore(root)],
    });
    const inputs = Object.keys(out.metafile!.inputs);
    expect(inputs.some((f) => f.includes('undici/lib/dispatcher/agent.js'))).toBe(true);
    // Neither undici's index nor what it adds: fetch, cookies (which read globalThis.Headers), WebSocket, caches, mocks.
    expect(inputs.filter((f) => /undici\/(index\.js|lib\/(web\/(fetch\/index|cookies|websocket|eventsource)|cache|mock))/.test(f))).toEqual([]);
    const server = createServer((req, res) => {
      if (req.url === '/start') res.writeHead(302, { location: '/end' }).end();
      else res.writeHead(200, { 'x-hop': 'end' }).end('arrived');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/start`;
      const code = `require(${JSON.stringify(join(root, 'app.cjs'))}).main(${JSON.stringify(url)}).then((s) => process.stdout.write(s))`;
      // In a child process: it loads none of Node's own undici either.
      const child = await new Promise<string>((resolve, reject) =>
        execFile(process.execPath, ['-e', `${code}.then(() => process.stdout.write(' ' + process.moduleLoadList.some((m) => m.includes('deps/undici'))))`], (err, stdout) => (err ? reject(err) : resolve(stdout))),
      );
      expect(child).toBe('200 end arrived false');
    } finally {
      server.close();
    }
  });
  it("covers every value src/ imports from undici (its types are erased)", () => {
    const shim = readFileSync(join(BIN, 'build-cli.js'), 'utf8');
    const exported = new Set([...shim.matchAll(/module\.exports\.(\w+) =/g)].map((m) => m[1]));
    const imported = new Set<string>();
    const walk = (d: string): void => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const path = join(d, e.name);
        if (e.isDirectory()) walk(path);
        else if (/\.tsx?$/.test(e.name)) {
          for (const [, names] of readFileSync(path, 'utf8').matchAll(/import\s*\{([^}]*)\}\s*from\s*'undici'/g)) {
            for (const name of names!.split(',').map((n) => n.trim())) if (name !== '' && !name.startsWith('type ')) imported.add(name.split(/\s+as\s+/)[0]!);
          }
        }
      }
    };
    walk(join(import.meta.dirname, '../../src'));
    expect(imported.size).toBeGreaterThan(0);
    expect([...imported].filter((n) => !exported.has(n))).toEqual([]);
  });
});

describe('bin/build-cli.js: entitiesNativeBase64', () => {
  it("decodes entities' tables natively, to the same values as its own loop", async () => {
    // The tables as htmlparser2's entities builds them, bundled with and without the plugin, each run in its own process.
    const tables = async (plugins: BuildOptions['plugins']): Promise<{ code: string; out: string }> => {
      const out = await build({
        stdin: {
          contents: "import { htmlDecodeTree } from 'entities/decode'; import { xmlDecodeTree } from 'entities/decode'; process.stdout.write(JSON.stringify([htmlDecodeTree.constructor.name, htmlDecodeTree.length, Array.from(htmlDecodeTree), Array.from(xmlDecodeTree)]));",
          resolveDir: join(import.meta.dirname, '../../node_modules/htmlparser2'),
        },
        bundle: true,
        format: 'cjs',
        platform: 'node',
        write: false,
        logLevel: 'silent',
        plugins,
      });
      const code = out.outputFiles[0]!.text;
      return { code, out: execFileSync(process.execPath, ['-e', code], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }) };
    };
    const [own, native] = await Promise.all([tables([]), tables([entitiesNativeBase64])]);
    expect(own.code).not.toContain('decodeBase64Natively');
    expect(native.code).toContain('decodeBase64Natively');
    const [type, length] = JSON.parse(native.out) as [string, number];
    expect(type).toBe('Uint16Array');
    expect(length).toBeGreaterThan(10_000);
    expect(native.out).toBe(own.out);
  });
});

describe('bin/code-cache.js, encodings', () => {
  it('reads a bundle that is not ASCII as UTF-8', async () => {
    const root = join(dir, 'utf8');
    mkdirSync(root, { recursive: true });
    writeFileSync(join(root, 'app.ts'), "export function main(args: string[]): string { return /é+/.exec('ééé')![0] + ' ' + args.join(' '); }\n");
    await build({ entryPoints: [join(root, 'app.ts')], outdir: join(root, 'out'), bundle: true, format: 'cjs', platform: 'node', logLevel: 'silent' });
    expect(isAscii(readFileSync(join(root, 'out', 'app.js')))).toBe(false);
    writeFileSync(
      join(root, 'run.mjs'),
      `import { loadWithCodeCache } from ${JSON.stringify(join(BIN, 'code-cache.js'))};\nconst args = process.argv.slice(2);\nconsole.log(loadWithCodeCache(${JSON.stringify(join(root, 'out', 'app.js'))}, args).main(args));\n`,
    );
    // Twice: without the cache, then from it.
    for (let i = 0; i < 2; i++) expect(execFileSync(process.execPath, [join(root, 'run.mjs'), 'check'], { encoding: 'utf8' })).toBe('ééé check\n');
  });
});

describe('bin/stack-traces.js', () => {
  it("names the TypeScript source's file, line and column in the bundle's stack traces", () => {
    const stack = run('throw');
    expect(stack).toMatch(/^Error: thrown from app\.ts\n/);
    expect(stack).toContain(`at Object.main (${join(dir, 'app.ts')}:3:17)`);
    expect(stack).not.toContain(bundle);
  });
});

describe('LineSourceMap', () => {
  it('finds, for every position of a bundle, what Node\'s own SourceMap finds', async () => {
    // A few modules, one of them a real dependency, so the map has several sources, long lines and unmapped stretches.
    await build({
      entryPoints: [join(BIN, 'code-cache.js')],
      outfile: join(dir, 'many', 'out.js'),
      bundle: true,
      format: 'cjs',
      platform: 'node',
      sourcemap: 'external',
      sourcesContent: false,
      logLevel: 'silent',
    });
    const code = readFileSync(join(dir, 'many', 'out.js'), 'utf8').split('\n');
    const payload = JSON.parse(readFileSync(join(dir, 'many', 'out.js.map'), 'utf8'));
    const ours = new LineSourceMap(payload);
    const node = new SourceMap(payload);
    let compared = 0;
    let mapped = 0;
    for (let line = 0; line < code.length + 2; line++) {
      for (let column = 0; column <= (code[line]?.length ?? 3); column++) {
        const want = node.findEntry(line, column) as { originalSource?: string; originalLine?: number; originalColumn?: number };
        const got = ours.find(line, column) as { source: string; line: number; column: number } | null;
        expect(got === null ? null : [got.source, got.line, got.column]).toEqual(want.originalSource === undefined ? null : [want.originalSource, want.originalLine, want.originalColumn]);
        compared++;
        if (got) mapped++;
      }
    }
    expect(compared).toBeGreaterThan(1000);
    expect(mapped).toBeGreaterThan(compared / 2);
  });
});
