/**
 * The fixture sites of `npm run bench:load`, run in a child process so that serving pages does not count in the
 * measured process's CPU. One HTTP server per loopback address (127.0.0.2 ... ), all on one port; each host has
 * `sections` section pages, each with its own latest-articles list and the article pages behind it, in one of
 * the demo templates (varied by host), with ETag / Last-Modified / 304 and a robots.txt.
 *
 * Protocol (IPC): the parent forks this file with `--hosts N --sections M`; the child answers
 * `{ type: 'ready', port, sections: [{ host, section, url }] }`. `{ type: 'publish', fraction, overMs }` makes the
 * child publish one new article on `fraction` of the section pages, at random moments spread over `overMs`;
 * each publication is reported as `{ type: 'published', url, at }`. `{ type: 'stop-publishing' }` cancels the
 * ones not yet made. The child exits when the parent disconnects.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import iconv from 'iconv-lite';
import { generatedArticle } from '../src/demo/demo-articles.ts';
import { notModified } from '../src/demo/news-site.ts';
import { templates, type TemplateName } from '../src/demo/templates/index.ts';
import type { NewsArticle, SiteArticle, SiteTemplate, SiteView } from '../src/demo/templates/site-template.ts';

/** Templates a plain HTTP crawl can read (the scripted one needs a browser). Varied by host. */
const TEMPLATES: TemplateName[] = ['reference', 'wordpress', 'gov', 'legacy'];
const INITIAL_ARTICLES = 12;
const ROBOTS = 'User-agent: *\nDisallow: /admin/\n';

export interface SectionInfo {
  host: number;
  section: number;
  url: string;
}
export type ChildMessage = { type: 'ready'; port: number; sections: SectionInfo[] } | { type: 'published'; url: string; at: number };
export type ParentMessage = { type: 'publish'; fraction: number; overMs: number } | { type: 'stop-publishing' };

interface Rendered {
  version: number;
  bytes: Buffer;
  contentType: string;
  etag: string;
}

/** One section of one host: a small site of its own under `/sNN/`. */
class Section {
  readonly prefix: string;
  private articles: SiteArticle[] = [];
  private nextId = 7031;
  private version = 0;
  private changedAt = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;
  private readonly cache = new Map<string, Rendered>();

  constructor(
    readonly template: SiteTemplate,
    readonly siteTitle: string,
    index: number,
  ) {
    this.prefix = `/s${String(index).padStart(2, '0')}`;
  }

  add(article: NewsArticle): string {
    this.articles.unshift({ ...article, id: this.nextId++ });
    this.version++;
    this.cache.clear();
    // HTTP dates have whole seconds: a change must move Last-Modified past what clients already hold.
    this.changedAt = Math.max(Math.floor(Date.now() / 1000) * 1000, this.changedAt + 1000);
    return this.prefix + this.template.articlePath(this.articles[0]!);
  }

  listPath(): string {
    return this.prefix + this.template.listPath(this.view());
  }

  private view(): SiteView {
    return {
      siteTitle: this.siteTitle,
      charset: this.template.charset,
      articles: this.articles,
      latest: this.articles.slice(0, this.template.latestLimit),
      ad: 'Salon Eurosatory : réservez votre stand',
      counter: 104_233,
      href: (a) => this.prefix + this.template.articlePath(a),
    };
  }

  /** `url` has the section prefix already removed from its path. */
  render(url: URL, key: string): Rendered | null {
    const hit = this.cache.get(key);
    if (hit && hit.version === this.version) return hit;
    const page = this.template.route(url, this.view());
    if (!page) return null;
    const html = page.contentType === 'text/html';
    const charset = this.template.charset;
    const bytes = html && charset === 'windows-1252' ? iconv.encode(page.body, 'windows-1252') : Buffer.from(page.body, 'utf8');
    const contentType = html && !this.template.charsetInHeader ? page.contentType : `${page.contentType}; charset=${html ? charset : 'utf-8'}`;
    const rendered = { version: this.version, bytes, contentType, etag: `"${createHash('sha1').update(bytes).digest('base64url')}"` };
    if (this.cache.size >= 200) this.cache.clear();
    this.cache.set(key, rendered);
    return rendered;
  }

  lastModified(): string {
    return new Date(this.changedAt).toUTCString();
  }
}

/**
 * A generated article with one extra paragraph of words drawn for this article alone, so thousands of them stay
 * distinct stories for the deduplicator (the generator's sentence variants alone repeat over a few thousand).
 */
function uniqueArticle(n: number): NewsArticle {
  const base = generatedArticle(n, new Date().toISOString());
  const words = VOCABULARY;
  let seed = (n * 2_654_435_761) >>> 0;
  const next = () => {
    seed = (seed * 1_103_515_245 + 12_345) >>> 0;
    return seed;
  };
  const sentence = Array.from({ length: 28 }, () => words[next() % words.length]!).join(' ');
  const extra = base.lang === 'fr' ? `Selon le dossier ${n}, ${sentence}.` : `According to file ${n}, ${sentence}.`;
  return { ...base, slug: `${base.slug}-${n}`, paragraphs: [...base.paragraphs.slice(0, 2), extra, ...base.paragraphs.slice(2)] };
}

const VOCABULARY = (
  'radar frigate convoy brigade logistics satellite budget procurement drone missile battalion exercise doctrine ' +
  'harbour airfield corridor escort reserve training maintenance munitions artillery engineers signals cyber ' +
  'command treaty ministry parliament contractor supplier delivery prototype trial airlift tanker helicopter ' +
  'submarine corvette patrol border coast garrison depot fuel spares readiness deployment rotation allies ' +
  'northern southern eastern western coastal mountain desert arctic urban night winter summer spring autumn ' +
  'delayed approved cancelled extended reviewed audited funded tested deployed upgraded modernised refitted'
).split(' ');

async function main(): Promise<void> {
  const arg = (name: string, fallback: number) => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? Number(process.argv[i + 1]) : fallback;
  };
  const hostCount = arg('--hosts', 50);
  const sectionCount = arg('--sections', 20);
  let articleNo = 1;

  const hosts: Section[][] = [];
  for (let h = 0; h < hostCount; h++) {
    const template = templates[TEMPLATES[h % TEMPLATES.length]!];
    const sections: Section[] = [];
    for (let s = 0; s < sectionCount; s++) {
      const section = new Section(template, `Defense Bench ${h} / ${s}`, s);
      for (let i = 0; i < INITIAL_ARTICLES; i++) section.add(uniqueArticle(articleNo++));
      sections.push(section);
    }
    hosts.push(sections);
  }

  const handler =
    (sections: Section[], base: string) =>
    (req: IncomingMessage, res: ServerResponse): void => {
      const send = (status: number, headers: Record<string, string>, body?: Buffer | string) => {
        res.writeHead(status, headers);
        res.end(req.method === 'HEAD' ? undefined : body);
      };
      const url = new URL(req.url ?? '/', base);
      if (url.pathname === '/robots.txt') return send(200, { 'content-type': 'text/plain; charset=utf-8' }, ROBOTS);
      const match = /^\/s(\d{2})(\/.*)$/.exec(url.pathname);
      const section = match ? sections[Number(match[1])] : undefined;
      const notFound = () => send(404, { 'content-type': 'text/html; charset=utf-8' }, '<html><body><h1>Not Found</h1></body></html>');
      if (!match || !section) return notFound();
      const inner = new URL(match[2]! + url.search, base);
      const page = section.render(inner, match[2]! + url.search);
      if (!page) return notFound();
      const lastModified = section.lastModified();
      if (notModified(req, page.etag, Date.parse(lastModified))) return send(304, { etag: page.etag, 'last-modified': lastModified });
      send(200, { 'content-type': page.contentType, 'cache-control': 'no-cache', etag: page.etag, 'last-modified': lastModified, 'content-length': String(page.bytes.length) }, page.bytes);
    };

  // One port for every address: bind the first on any free port, then the others on the same one.
  const servers: Server[] = [];
  let port = 0;
  for (let h = 0; h < hostCount; h++) {
    const address = `127.0.0.${h + 2}`;
    const server = createServer({ keepAliveTimeout: 30_000 }, handler(hosts[h]!, `http://${address}:${port}/`));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, address, () => resolve());
    });
    if (port === 0) {
      port = (server.address() as AddressInfo).port;
      // The first handler was built before the port was known; rebuild it with the real base.
      server.removeAllListeners('request');
      server.on('request', handler(hosts[h]!, `http://${address}:${port}/`));
    }
    servers.push(server);
  }

  const sectionsInfo: SectionInfo[] = hosts.flatMap((sections, h) =>
    sections.map((section, s) => ({ host: h, section: s, url: `http://127.0.0.${h + 2}:${port}${section.listPath()}` })),
  );

  const timers = new Set<NodeJS.Timeout>();
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'stop-publishing') {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      return;
    }
    // Sample without replacement: `fraction` of all section pages get exactly one new entry this cycle.
    const all = sectionsInfo.map((_, i) => i);
    const count = Math.round(all.length * message.fraction);
    for (let k = 0; k < count; k++) {
      const j = k + Math.floor(Math.random() * (all.length - k));
      [all[k], all[j]] = [all[j]!, all[k]!];
      const info = sectionsInfo[all[k]!]!;
      const timer = setTimeout(() => {
        timers.delete(timer);
        const path = hosts[info.host]![info.section]!.add(uniqueArticle(articleNo++));
        process.send!({ type: 'published', url: `http://127.0.0.${info.host + 2}:${port}${path}`, at: Date.now() } satisfies ChildMessage);
      }, Math.floor(Math.random() * message.overMs));
      timers.add(timer);
    }
  });
  process.on('disconnect', () => {
    for (const t of timers) clearTimeout(t);
    for (const s of servers) {
      s.closeAllConnections();
      s.close();
    }
    process.exit(0);
  });
  process.send!({ type: 'ready', port, sections: sectionsInfo } satisfies ChildMessage);
}

if (process.send) void main();
