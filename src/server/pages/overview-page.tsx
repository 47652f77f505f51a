import { ReadOnlyNote } from './action-form.tsx';
import { FailingDeliveryRows } from './delivery-rows.tsx';
import { ExternalLink } from './external-link.tsx';
import type { OverviewData, OverviewSource } from './overview-data.ts';
import type { PageFrame } from './page-frame.ts';
import { PageLayout } from './page-layout.tsx';
import { ScrollRegion } from './scroll-region.tsx';
import { Sparkline } from './sparkline.tsx';
import { StoryRows } from './story-rows.tsx';
import { durationText } from './time-text.ts';
import { TimeStamp } from './time-stamp.tsx';

const QUEUE_STATES = ['waiting', 'active', 'delayed', 'completed', 'failed'] as const;

const pages = (n: number) => `${n} page${n === 1 ? '' : 's'}`;

/** `/`: the sources and their health, the queues, deliveries failing now and the latest stories. */
export function OverviewPage({ data, frame }: { data: OverviewData; frame: PageFrame }) {
  return (
    <PageLayout frame={frame} title="Overview" page="overview">
      <h1>Overview</h1>

      <section aria-labelledby="sources-title">
        <h2 id="sources-title">Sources</h2>
        {data.sources.length === 0 ? (
          <p>No source is configured yet: add one under <code>sources</code> in the config.</p>
        ) : (
          <ScrollRegion label="Sources">
            <table id="sources">
              <thead>
                <tr>
                  <th scope="col">Source</th>
                  <th scope="col">State</th>
                  <th scope="col">Last crawl</th>
                  <th scope="col">Next run</th>
                  <th scope="col">
                    Lag <abbr title="median / 95th percentile, over the last 50 crawls">p50 / p95</abbr>
                  </th>
                  <th scope="col">New entries, {data.days.length} days</th>
                  <th scope="col">Last error</th>
                </tr>
              </thead>
              <tbody data-live="sources">
                {data.sources.map((s) => (
                  <SourceRow s={s} days={data.days} now={frame.now} />
                ))}
              </tbody>
            </table>
          </ScrollRegion>
        )}
        {data.overCapacity.length > 0 && (
          <ul class="warnings" aria-label="Hosts over capacity">
            {data.overCapacity.map((h) => (
              <li>over capacity: {h.summary}</li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="stories-title">
        <h2 id="stories-title">Latest stories</h2>
        <ScrollRegion label="Latest stories">
          <table id="stories">
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Source</th>
                <th scope="col">Language</th>
                <th scope="col">Seen</th>
                <th scope="col">Also at</th>
              </tr>
            </thead>
            <tbody data-live="stories">
              <StoryRows stories={data.stories} now={frame.now} />
            </tbody>
          </table>
        </ScrollRegion>
        {data.stories.length === 0 && <p class="muted" id="no-stories">No story yet: the first crawl of a source is a silent baseline; new articles appear here.</p>}
        <p>
          <a href="/articles">Search every article</a>
        </p>
      </section>

      <section aria-labelledby="failing-title">
        <h2 id="failing-title">Deliveries failing now</h2>
        <ReadOnlyNote frame={frame} />
        <ScrollRegion label="Deliveries failing now">
          <table id="failing-deliveries">
            <thead>
              <tr>
                <th scope="col">Delivery</th>
                <th scope="col">Event</th>
                <th scope="col">Webhook</th>
                <th scope="col">State</th>
                <th scope="col">Attempts</th>
                <th scope="col">Last attempt</th>
                <th scope="col">Updated</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody data-live="failing-deliveries">
              <FailingDeliveryRows deliveries={data.failing} frame={frame} />
            </tbody>
          </table>
        </ScrollRegion>
        {data.failing.length === 0 && <p class="muted">None: every delivery went through or waits its first try.</p>}
      </section>

      <section aria-labelledby="queues-title">
        <h2 id="queues-title">Queues</h2>
        <ScrollRegion label="Queues">
          <table id="queues">
            <thead>
              <tr>
                <th scope="col">Queue</th>
                {QUEUE_STATES.map((s) => (
                  <th scope="col" class="num">
                    {s}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {Object.entries(data.queues).map(([name, c]) => (
                <tr data-queue={name}>
                  <th scope="row">
                    <a href={`/queues/queue/${encodeURIComponent(name)}`}>{name}</a>
                  </th>
                  {QUEUE_STATES.map((s) => (
                    <td class="num">{c[s] ?? 0}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
        <p>
          Jobs one by one, retries and failures: <a href="/queues">the queues (bull-board)</a>.
        </p>
      </section>
    </PageLayout>
  );
}

function SourceRow({ s, days, now }: { s: OverviewSource; days: string[]; now: number }) {
  return (
    <tr data-source-id={s.id}>
      <th scope="row">
        <a href={`/sources/${encodeURIComponent(s.id)}`}>{s.id}</a>
        <div class="small muted">
          <ExternalLink url={s.url}>{hostOf(s.url)}</ExternalLink> · {s.template.learned ? `template learned from ${pages(s.template.pages)}` : `template learning: ${pages(s.template.pages)}`}
        </div>
      </th>
      <td data-field="state" data-state={s.state.key}>
        {s.state.label}
      </td>
      <td data-field="last-crawl">
        <TimeStamp iso={s.lastCrawlAt} now={now} />
      </td>
      <td data-field="next-run">{s.next.due ? <strong>due</strong> : <TimeStamp iso={s.next.at} now={now} />}</td>
      <td data-field="lag" class="num">
        {durationText(s.lag.p50Ms)} / {durationText(s.lag.p95Ms)}
      </td>
      <td data-field="entries">
        <Sparkline days={days} counts={s.perDay} />
      </td>
      <td data-field="error">{s.error ?? <span class="muted">–</span>}</td>
    </tr>
  );
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
