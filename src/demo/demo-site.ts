import { generatedArticle, demoPool } from './demo-articles.ts';
import { startNewsSite, type NewsArticle, type NewsSite } from './news-site.ts';

export interface DemoSiteOptions {
  /** Default 0: a free port. */
  port?: number;
  /** How often a new article appears. Default 8000 ms. */
  everyMs?: number;
}

export interface DemoSite extends NewsSite {
  /** Stops publishing and closes the server. */
  stop(): Promise<void>;
}

const seedCount = 10;
const hour = 3_600_000;

/**
 * The `vigie demo` site: the reference template with 10 articles, then one more every `everyMs`: the demo pool
 * first, then generated articles, so it can run for hours. Contents are deterministic; only dates follow the clock.
 */
export async function startDemoSite(options: DemoSiteOptions = {}): Promise<DemoSite> {
  const started = Date.now();
  const seeds: NewsArticle[] = Array.from({ length: seedCount }, (_, i) => generatedArticle(i, new Date(started - (i + 1) * 3 * hour).toISOString()));
  const site = await startNewsSite({ template: 'reference', articles: seeds, port: options.port ?? 0, title: 'Vigie Demo Défense & Sécurité' });
  let published = 0;
  const next = (): NewsArticle => {
    const publishedAt = new Date().toISOString();
    const fromPool = demoPool[published];
    const article = fromPool ? { ...fromPool, publishedAt } : generatedArticle(seedCount + published, publishedAt);
    published++;
    return article;
  };
  const timer = setInterval(() => site.publish(next()), options.everyMs ?? 8_000);
  timer.unref();
  return Object.assign(site, {
    async stop() {
      clearInterval(timer);
      await site.close();
    },
  });
}
