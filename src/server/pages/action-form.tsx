import type { ComponentChildren } from 'preact';
import type { PageFrame } from './page-frame.ts';

export const READ_ONLY_NOTE_ID = 'read-only-note';

/**
 * A POST form with its CSRF token and the path to come back to, one button. Without VIGIE_TOKEN the server is
 * read-only: the button is disabled and points at the page's ReadOnlyNote.
 */
export function ActionForm({ frame, id, action, children, kind }: { frame: PageFrame; id: string; action: string; children: ComponentChildren; kind?: 'danger' }) {
  const enabled = frame.csrf !== null;
  return (
    <form method="post" action={action} id={id} class="action">
      {enabled && <input type="hidden" name="_csrf" value={frame.csrf!} />}
      <input type="hidden" name="back" value={frame.path} />
      <button type="submit" id={`${id}-button`} class={kind} disabled={!enabled} aria-describedby={enabled ? undefined : READ_ONLY_NOTE_ID}>
        {children}
      </button>
    </form>
  );
}

/** A delivery's Replay button: sent again, under its webhook-id. */
export function ReplayForm({ frame, deliveryId }: { frame: PageFrame; deliveryId: number }) {
  return (
    <ActionForm frame={frame} id={`replay-${deliveryId}`} action={`/deliveries/${deliveryId}/replay`}>
      Replay<Hidden> delivery {deliveryId}</Hidden>
    </ActionForm>
  );
}

/** Once per page that has forms: why they are disabled, when they are. */
export function ReadOnlyNote({ frame }: { frame: PageFrame }) {
  if (frame.csrf !== null) return null;
  return (
    <p class="note" id={READ_ONLY_NOTE_ID}>
      Actions need <code>VIGIE_TOKEN</code>: without it the server is read-only.
    </p>
  );
}

/** Text only screen readers read: "Replay" on screen, "Replay delivery 12" to them. */
export function Hidden({ children }: { children: ComponentChildren }) {
  return <span class="visually-hidden">{children}</span>;
}
