import { storyLanguages } from '../../alerts/index.ts';
import { ActionForm, Hidden, ReadOnlyNote, ReplayForm } from './action-form.tsx';
import { ExternalLink } from './external-link.tsx';
import { httpUrl } from './http-url.ts';
import { LanguageTag } from './language-tag.tsx';
import { languageName } from './language-name.ts';
import type { PageFrame } from './page-frame.ts';
import { PageLayout } from './page-layout.tsx';
import { ScrollRegion } from './scroll-region.tsx';
import type { StoryData } from './story-data.ts';
import { durationText } from './time-text.ts';
import { TimeStamp } from './time-stamp.tsx';

/** `/stories/:id`: the article as read, every copy, and every event and delivery of the story with their attempts. */
export function StoryPage({ data, frame }: { data: StoryData; frame: PageFrame }) {
  const { story, shown } = data;
  const lang = shown.lang ?? undefined;
  const original = httpUrl(shown.canonicalUrl) ?? httpUrl(shown.url);
  const languages = storyLanguages(story.copies);
  const titleOf = (id: number) => {
    const c = story.copies.find((x) => x.id === id);
    return c ? `"${c.title || c.url}" (${c.lang ?? 'no language'})` : `article ${id}`;
  };
  return (
    <PageLayout frame={frame} title={story.title || `Story ${story.id}`} page="story" bodyData={{ 'story-id': String(story.id) }}>
      <div class="story">
        <article lang={lang} aria-labelledby="article-title">
          <h1 id="article-title">{shown.title || '(untitled)'}</h1>
          <p class="byline">
            <a href={`/sources/${encodeURIComponent(shown.sourceId)}`}>{shown.sourceId}</a>
            {' · '}
            <span lang="en">{languageName(shown.lang)}</span>
            {shown.publishedAt && (
              <>
                {' · published '}
                <TimeStamp iso={shown.publishedAt} now={frame.now} format="absolute" />
              </>
            )}
            {' · read '}
            <TimeStamp iso={shown.fetchedAt} now={frame.now} />
            {shown.byline && <> · by {shown.byline}</>}
            {original && (
              <>
                {' · '}
                <a href={original} rel="noreferrer noopener">
                  original
                </a>
              </>
            )}
          </p>
          <div class="article-text" id="article-text">
            {paragraphs(shown.text).map((p) => (
              <p>{p}</p>
            ))}
            {paragraphs(shown.text).length === 0 && <p class="muted">{shown.error ? `No text: ${shown.error}` : 'No text was read.'}</p>}
          </div>
        </article>

        <aside class="original" aria-labelledby="original-title">
          <h2 id="original-title">Original</h2>
          <p>
            {original ? (
              <a href={original} rel="noreferrer noopener" id="original-link">
                Read it on {new URL(original).host}
              </a>
            ) : (
              <>
                Its address is not a web link: <span class="unlinked">{shown.canonicalUrl ?? shown.url}</span>
              </>
            )}
          </p>
          <p class="small muted">
            Story {story.id}, first seen <TimeStamp iso={story.createdAt} now={frame.now} />.
          </p>
        </aside>
      </div>

      <section aria-labelledby="copies-title">
        <h2 id="copies-title">Copies ({story.copies.length})</h2>
        {languages.length > 1 && (
          <p id="story-languages">
            In {languages.length} languages:{' '}
            {languages.map((l, i) => (
              <>
                {i > 0 && ', '}
                <LanguageTag lang={l} />
              </>
            ))}
            . A translation joins the story of the copy it translates, and does not alert again.
          </p>
        )}
        <ScrollRegion label="Copies">
          <table id="copies" data-story-id={String(story.id)}>
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Source</th>
                <th scope="col">Language</th>
                <th scope="col">Read</th>
                <th scope="col">Text</th>
              </tr>
            </thead>
            <tbody>
              {story.copies.map((c) => (
                <tr data-article-id={String(c.id)} aria-current={c.id === shown.id ? 'true' : undefined}>
                  <td data-field="title">
                    <ExternalLink url={c.url} lang={c.lang ?? undefined}>
                      {c.title || c.url}
                    </ExternalLink>
                    {c.first && <span class="tag">first</span>}
                    {c.translationOf !== null && (
                      <span class="tag" data-field="translation" title={`A translation of ${titleOf(c.translationOf)}`}>
                        translation
                      </span>
                    )}
                  </td>
                  <td data-field="source">
                    <a href={`/sources/${encodeURIComponent(c.sourceId)}`}>{c.sourceId}</a>
                  </td>
                  <td data-field="lang">
                    <LanguageTag lang={c.lang} />
                  </td>
                  <td data-field="time">
                    <TimeStamp iso={c.fetchedAt} now={frame.now} />
                  </td>
                  <td data-field="read-here">{c.id === shown.id ? <span class="muted">shown above</span> : <a href={`/stories/${story.id}?copy=${c.id}`}>read here</a>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      </section>

      <section aria-labelledby="events-title">
        <h2 id="events-title">Events</h2>
        {data.events.length === 0 ? (
          <p class="muted">No event: this story alerted no webhook (a copy of a story seen before, or no webhook listens).</p>
        ) : (
          <ul id="events">
            {data.events.map((ev) => (
              <li data-event-id={String(ev.id)}>
                <strong>{ev.type}</strong> <TimeStamp iso={ev.createdAt} now={frame.now} /> <span class="muted small">{ev.dedupeKey}</span>
                <details>
                  <summary>Body sent</summary>
                  <pre>{prettyJson(ev.payload)}</pre>
                </details>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="deliveries-title">
        <h2 id="deliveries-title">Deliveries</h2>
        <ReadOnlyNote frame={frame} />
        <ScrollRegion label="Deliveries">
          <table id="deliveries">
            <thead>
              <tr>
                <th scope="col">Delivery</th>
                <th scope="col">Event</th>
                <th scope="col">Webhook</th>
                <th scope="col">State</th>
                <th scope="col" class="num">Attempts</th>
                <th scope="col">Last attempt</th>
                <th scope="col">Outcome</th>
                <th scope="col" class="num">HTTP</th>
                <th scope="col">Attempt log</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody data-live="deliveries" data-story-id={String(story.id)}>
              {data.deliveries.map((d) => {
                const last = d.attemptLog.at(-1);
                return (
                  <tr data-delivery-id={String(d.id)} class={d.state === 'failed' ? 'bad' : undefined}>
                    <td data-field="id">{d.id}</td>
                    <td data-field="event">{d.eventType}</td>
                    <td data-field="endpoint">
                      {d.url} <span class="muted small">{d.webhookId}</span>
                    </td>
                    <td data-field="state">{d.state}</td>
                    <td data-field="attempts" class="num">
                      {d.attempts}
                    </td>
                    <td data-field="time">{last ? <TimeStamp iso={last.at} now={frame.now} /> : <span class="muted">not yet</span>}</td>
                    <td data-field="outcome">{last?.outcome ?? ''}</td>
                    <td data-field="status" class="num">
                      {last?.status ?? ''}
                    </td>
                    <td data-field="attempt-log">
                      <ol class="attempt-log">
                        {d.attemptLog.map((a) => (
                          <li>
                            <TimeStamp iso={a.at} now={frame.now} /> {a.outcome}
                            {a.status !== null && ` · HTTP ${a.status}`} · {durationText(a.durationMs)}
                            {a.error && <> · {a.error}</>}
                          </li>
                        ))}
                      </ol>
                    </td>
                    <td data-field="actions">
                      <ReplayForm frame={frame} deliveryId={d.id} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </ScrollRegion>
        {data.deliveries.length === 0 && <p class="muted">No delivery.</p>}
      </section>

      {data.webhooks.length > 0 && (
        <section aria-labelledby="webhooks-title">
          <h2 id="webhooks-title">Webhooks</h2>
          <ul id="webhooks">
            {data.webhooks.map((w) => (
              <li data-webhook-id={w.id}>
                {w.endpoint} <span class="muted small">{w.id}</span> · <strong data-field="paused">{w.paused ? 'paused' : 'active'}</strong>{' '}
                {w.configured ? (
                  <ActionForm frame={frame} id={`${w.paused ? 'resume' : 'pause'}-${w.id}`} action={`/webhooks/${encodeURIComponent(w.id)}/${w.paused ? 'resume' : 'pause'}`}>
                    {w.paused ? 'Resume' : 'Pause'}
                    <Hidden> webhook {w.id}</Hidden>
                  </ActionForm>
                ) : (
                  <span class="muted">(no longer configured)</span>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
    </PageLayout>
  );
}

/** The article's text as paragraphs: extraction separates blocks with blank lines. */
export function paragraphs(text: string | null | undefined): string[] {
  return (text ?? '')
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
