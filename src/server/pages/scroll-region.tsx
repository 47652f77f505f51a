import type { ComponentChildren } from 'preact';

/** A table that scrolls sideways on a narrow screen, reachable and scrollable from the keyboard. */
export function ScrollRegion({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div class="scroll" role="region" aria-label={label} tabindex={0}>
      {children}
    </div>
  );
}
