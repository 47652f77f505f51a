import type { DeliveryListRow } from '../../store/index.ts';
import { ReplayForm } from './action-form.tsx';
import type { PageFrame } from './page-frame.ts';
import { TimeStamp } from './time-stamp.tsx';

/** Failing deliveries as rows (`<tr data-delivery-id>`), each with what it is for and a Replay button. URLs shown already. */
export function FailingDeliveryRows({ deliveries, frame }: { deliveries: DeliveryListRow[]; frame: PageFrame }) {
  return (
    <>
      {deliveries.map((d) => (
        <tr data-delivery-id={String(d.id)}>
          <td data-field="id">{d.id}</td>
          <td data-field="event">
            {d.eventType}
            {d.storyId !== null ? (
              <>
                {' '}
                <a href={`/stories/${d.storyId}`}>story {d.storyId}</a>
              </>
            ) : d.sourceId !== null ? (
              <>
                {' '}
                <a href={`/sources/${encodeURIComponent(d.sourceId)}`}>{d.sourceId}</a>
              </>
            ) : null}
          </td>
          <td data-field="endpoint">{d.url}</td>
          <td data-field="state">{d.state}</td>
          <td data-field="attempts">{d.attempts}</td>
          <td data-field="last-attempt">{[d.lastStatus === null ? null : `HTTP ${d.lastStatus}`, d.lastError].filter(Boolean).join(': ') || '–'}</td>
          <td data-field="time">
            <TimeStamp iso={d.updatedAt} now={frame.now} />
          </td>
          <td data-field="actions">
            <ReplayForm frame={frame} deliveryId={d.id} />
          </td>
        </tr>
      ))}
    </>
  );
}
