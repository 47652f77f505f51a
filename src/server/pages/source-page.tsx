import { ActionForm, ReadOnlyNote } from './action-form.tsx';
import { eventDetail } from './event-detail.ts';
import { ExternalLink } from './external-link.tsx';
import type { PageFrame } from './page-frame.ts';
import { PageLayout } from './page-layout.tsx';
import { plainError } from './plain-error.ts';
import { ScrollRegion } from './scroll-region.tsx';
import type { SourceData } from './source-data.ts';
import { Sparkline } from './sparkline.tsx';
import { durationText } from './time-text.ts';
import { TimeStamp } from './time-stamp.tsx';

const pages = (n: number) => `${n} page${n === 1 ? '' : 's'}`;

/** `/sources/:id`: one source's health, crawls, entries, template and health events, and "Crawl now". */
export function SourcePage({ data, frame }: { data: SourceData; frame: PageFrame }) {
  const { health } = data;
  return (
    <PageLayout frame={frame} title={data.id} page="source" bodyData={{ 'source-id': data.id }}>
      <h1>
        Source <span class="id">{data.id}</span>
      </h1>
      <p>
        Watches <ExternalLink url={data.url} />, {data.schedule}.{' '}
        <a href={`/feeds/sources/${encodeURIComponent(data.id)}.xml`}>Its feed</a>.
      </p>

      <dl class="facts">
        <div>
          <dt>State</dt>
          <dd data-field="state" data-state={data.state.key}>
            {data.state.label}
            {health && health.consecutiveFailures > 0 && ` (${health.consecutiveFailures} failed crawl${health.consecutiveFailures === 1 ? '' : 's'} in a row)`}
          </dd>
        </div>
        <div>
          <dt>Last crawl</dt>
          <dd data-field="last-crawl">
            <TimeStamp iso={health?.lastCrawlAt ?? null} now={frame.now} />
          </dd>
        </div>
        <div>
          <dt>Last success</dt>
          <dd>
            <TimeStamp iso={health?.lastOkAt ?? null} now={frame.now} />
          </dd>
        </div>
        <div>
          <dt>Next run</dt>
          <dd>{data.next.due ? <strong>due</strong> : <TimeStamp iso={data.next.at} now={frame.now} />}</dd>
        </div>
        <div>
          <dt>Schedule lag p50 / p95</dt>
          <dd>
            {durationText(data.lag.p50Ms)} / {durationText(data.lag.p95Ms)} <span class="muted">({data.lag.crawls} crawls)</span>
          </dd>
        </div>
        <div>
          <dt>Template</dt>
          <dd id="template">
            {data.template.learned
              ? `learned from ${pages(data.template.pages)}`
              : `learning: ${pages(data.template.pages)} of the ${data.template.learnedAt} it needs; until then articles are read without it`}
          </dd>
        </div>
        <div>
          <dt>New entries, {data.days.length} days</dt>
          <dd>
            <Sparkline days={data.days} counts={data.perDay} />
          </dd>
        </div>
        <div>
          <dt>Entries known</dt>
          <dd>{health?.entries ?? 0}</dd>
        </div>
      </dl>
      {data.error && (
        <p class="error-text" id="last-error">
          Last error: {data.error}
        </p>
      )}

      <section aria-labelledby="actions-title">
        <h2 id="actions-title">Actions</h2>
        <ReadOnlyNote frame={frame} />
        <ActionForm frame={frame} id="crawl-now" action={`/sources/${encodeURIComponent(data.id)}/crawl`}>
          Crawl now
        </ActionForm>
      </section>

      <section aria-labelledby="crawls-title">
        <h2 id="crawls-title">Crawls</h2>
        <ScrollRegion label="Crawls">
          <table id="crawls">
            <thead>
              <tr>
                <th scope="col">At</th>
                <th scope="col">Outcome</th>
                <th scope="col" class="num">Status</th>
                <th scope="col" class="num">Duration</th>
                <th scope="col" class="num">Found</th>
                <th scope="col" class="num">New</th>
                <th scope="col" class="num">Lag</th>
                <th scope="col">Note</th>
              </tr>
            </thead>
            <tbody data-live="crawls" data-source-id={data.id}>
              {data.crawls.map((c) => (
                <tr data-crawl-id={String(c.id)} class={c.outcome === 'failed' ? 'bad' : undefined}>
                  <td data-field="time">
                    <TimeStamp iso={c.at} now={frame.now} />
                  </td>
                  <td data-field="outcome">{c.outcome}</td>
                  <td data-field="status" class="num">
                    {c.status ?? '–'}
                  </td>
                  <td data-field="duration" class="num">
                    {durationText(c.durationMs)}
                  </td>
                  <td data-field="found" class="num">
                    {c.entriesFound}
                  </td>
                  <td data-field="new" class="num">
                    {c.entriesNew}
                  </td>
                  <td data-field="lag" class="num">
                    {durationText(c.lagMs)}
                  </td>
                  <td data-field="error">{plainError(c) ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
        {data.crawls.length === 0 && <p class="muted">Not crawled yet.</p>}
      </section>

      <section aria-labelledby="entries-title">
        <h2 id="entries-title">Latest entries</h2>
        <ScrollRegion label="Latest entries">
          <table id="entries">
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">First seen</th>
                <th scope="col">Story</th>
              </tr>
            </thead>
            <tbody>
              {data.entries.map((e) => (
                <tr data-entry-id={String(e.id)}>
                  <td>
                    <ExternalLink url={e.url}>{e.title || e.url}</ExternalLink>
                  </td>
                  <td>
                    <TimeStamp iso={e.firstSeenAt} now={frame.now} />
                  </td>
                  <td>{e.storyId !== null ? <a href={`/stories/${e.storyId}`}>story {e.storyId}</a> : <span class="muted">{e.baseline ? 'baseline' : 'not in a story'}</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
        {data.entries.length === 0 && <p class="muted">No entry yet.</p>}
      </section>

      <section aria-labelledby="health-title">
        <h2 id="health-title">Health events</h2>
        {data.healthEvents.length === 0 ? (
          <p class="muted" id="no-health-events">
            None: the source never crossed the failure threshold.
          </p>
        ) : (
          <ul id="health-events">
            {data.healthEvents.map((ev) => (
              <li data-event-id={String(ev.id)}>
                <TimeStamp iso={ev.createdAt} now={frame.now} /> <strong>{ev.type === 'source.degraded' ? 'degraded' : 'recovered'}</strong>
                {eventDetail(ev.payload) && <>: {eventDetail(ev.payload)}</>}
              </li>
            ))}
          </ul>
        )}
      </section>
    </PageLayout>
  );
}
