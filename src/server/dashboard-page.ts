import type { ArticleRow, DeliveryRow, SourceHealth } from '../store/index.ts';
import type { HostReport, LagSummary } from './load-report.ts';

const esc = (s: unknown) =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export interface DashboardData {
  sources: Array<SourceHealth & { lag: LagSummary; template: { learned: boolean; pages: number } }>;
  hosts: HostReport[];
  articles: ArticleRow[];
  deliveries: DeliveryRow[];
  counts: Record<string, Record<string, number>>;
}

const seconds = (ms: number | null) => (ms === null ? '–' : `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`);

const pagesText = (n: number) => `${n} page${n === 1 ? '' : 's'}`;
/** Whether the source's articles are read with a learned template yet. */
const templateText = (t: { learned: boolean; pages: number }) => (t.learned ? `learned from ${pagesText(t.pages)}` : `learning: ${pagesText(t.pages)}`);

/** A plain page of what the monitor saw; bull-board at /queues has the job-level detail. */
export function dashboardPage(d: DashboardData): string {
  const queueRows = Object.entries(d.counts)
    .map(([name, c]) => `<tr><td>${esc(name)}</td><td>${c.waiting ?? 0}</td><td>${c.active ?? 0}</td><td>${c.delayed ?? 0}</td><td>${c.completed ?? 0}</td><td>${c.failed ?? 0}</td></tr>`)
    .join('');
  const sourceRows = d.sources
    .map(
      (s) =>
        `<tr class="${s.degraded ? 'bad' : ''}"><td>${esc(s.id)}</td><td>${esc(s.lastCrawl?.outcome ?? 'never')}</td><td>${esc(s.lastCrawlAt ?? '')}</td><td>${seconds(s.lag.p50Ms)} / ${seconds(s.lag.p95Ms)}</td><td>${s.entries}</td><td>${templateText(s.template)}</td><td>${esc(s.lastCrawl?.error ?? '')}</td></tr>`,
    )
    .join('');
  const hostRows = d.hosts
    .map(
      (h) =>
        `<tr class="${h.overCapacity ? 'bad' : ''}"><td>${esc(h.host)}</td><td>${h.sources.length}</td><td>${h.demandPerSecond.toFixed(2)}</td><td>${h.allowedPerSecond === null ? 'no limit' : h.allowedPerSecond.toFixed(2)}</td><td>${h.waiting}</td><td>${seconds(h.oldestWaitMs)}</td><td>${h.overCapacity ? `over capacity: ${esc(h.summary)}` : 'ok'}</td></tr>`,
    )
    .join('');
  const articleRows = d.articles
    .map((a) => `<tr><td>${esc(a.sourceId)}</td><td><a href="${esc(a.url)}">${esc(a.title || a.url)}</a></td><td>${esc(a.lang ?? '')}</td><td>${a.storyId ?? ''}</td><td>${esc(a.fetchedAt)}</td></tr>`)
    .join('');
  const deliveryRows = d.deliveries
    .map((x) => `<tr class="${x.state === 'failed' ? 'bad' : ''}"><td>${x.id}</td><td>${esc(x.url)}</td><td>${esc(x.state)}</td><td>${x.attempts}</td><td>${esc(x.lastStatus ?? '')}</td><td>${esc(x.lastError ?? '')}</td></tr>`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Vigie</title><meta http-equiv="refresh" content="10">
<style>body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin-bottom:2em;width:100%}td,th{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left}tr.bad{background:#fee}</style></head>
<body><h1>Vigie</h1><p><a href="/queues">Queues (bull-board)</a> · <a href="/health">/health</a> · <a href="/api/articles">/api/articles</a></p>
<h2>Queues</h2><table><tr><th>queue</th><th>waiting</th><th>active</th><th>delayed</th><th>completed</th><th>failed</th></tr>${queueRows}</table>
<h2>Hosts</h2><table><tr><th>host</th><th>sources</th><th>asked req/s</th><th>allowed req/s</th><th>jobs waiting</th><th>oldest wait</th><th>state</th></tr>${hostRows}</table>
<h2>Sources</h2><table><tr><th>source</th><th>last outcome</th><th>last crawl</th><th>lag p50 / p95</th><th>entries</th><th>template</th><th>error</th></tr>${sourceRows}</table>
<h2>Latest articles</h2><table><tr><th>source</th><th>title</th><th>lang</th><th>story</th><th>read at</th></tr>${articleRows}</table>
<h2>Deliveries</h2><table><tr><th>id</th><th>webhook</th><th>state</th><th>attempts</th><th>last status</th><th>last error</th></tr>${deliveryRows}</table>
</body></html>`;
}
