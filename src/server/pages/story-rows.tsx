import type { StorySummary } from '../../store/index.ts';
import { ExternalLink } from './external-link.tsx';
import { LanguageTag } from './language-tag.tsx';
import { TimeStamp } from './time-stamp.tsx';

/**
 * Stories as table rows (`<tr data-story-id>`): the title as first read, in its language, beside the copies on other
 * sites with theirs, so a French and an English title of one story read side by side.
 */
export function StoryRows({ stories, now }: { stories: StorySummary[]; now: number }) {
  return (
    <>
      {stories.map((s) => {
        const first = s.copies[0];
        return (
          <tr data-story-id={String(s.id)}>
            <td data-field="title">
              <a href={`/stories/${s.id}`} lang={first?.lang ?? undefined}>
                {s.title || '(untitled)'}
              </a>
            </td>
            <td data-field="source">{first ? <a href={`/sources/${encodeURIComponent(first.sourceId)}`}>{first.sourceId}</a> : '–'}</td>
            <td data-field="lang">
              <LanguageTag lang={first?.lang} />
            </td>
            <td data-field="time">
              <TimeStamp iso={s.createdAt} now={now} />
            </td>
            <td data-field="also-at">
              {s.copies.length > 1 ? (
                <ul class="also-at">
                  {s.copies.slice(1).map((c) => (
                    <li data-article-id={String(c.id)}>
                      <ExternalLink url={c.url} lang={c.lang ?? undefined}>
                        {c.title || c.url}
                      </ExternalLink>{' '}
                      <LanguageTag lang={c.lang} /> <span class="muted">{c.sourceId}</span>
                    </li>
                  ))}
                </ul>
              ) : (
                <span class="muted">–</span>
              )}
            </td>
          </tr>
        );
      })}
    </>
  );
}
