import { DelayedError, type Job } from 'bullmq';
import type { HostGate, Lane } from './host-gate.ts';

/**
 * Waits up to this long in place; a longer wait gives the worker slot back (the job is delayed, keeping its place).
 * Kept short: a job sleeping in place holds a worker slot, and with many busy hosts their heads alone would hold
 * every slot while the jobs of free hosts wait.
 */
export const SLEEP_LIMIT_MS = 150;
/**
 * A delayed job wakes this much before its turn and sleeps the rest in place: getting a delayed job back onto a
 * worker takes tens of ms on a busy machine, which would otherwise leave the host idle at every slot.
 */
export const WAKE_EARLY_MS = 100;

export interface HostTurnRequest {
  url: string;
  ticket: string;
  lane: Lane;
  intervalMs: number;
  /** Epoch ms after which the job stops waiting and takes `deadline` (article jobs). Default: none. */
  deadlineAt?: number;
}

/** What the job kept across its waits, in its data: when it first asked, and when it was due. */
export interface HostTurnData {
  askedAt?: number;
  dueAt?: number;
}

export type HostTurn =
  /** Go now. `dueAt`: when the job was due (its schedule tick, or when it was queued). */
  | { kind: 'go'; dueAt: number }
  /** Another job of the same ticket (a crawl of the same source) already waits: this one has nothing to do. */
  | { kind: 'merged'; holder: string }
  /** The deadline came before a slot; the place in line was given up. */
  | { kind: 'deadline'; waitMs: number };

/**
 * Takes the job's turn on a host. Short waits are slept in place; a longer one moves the job to delayed (throwing
 * BullMQ's DelayedError) with its first `askedAt` saved in its data, so it asks again from the same place in line.
 */
export async function takeHostTurn(gate: HostGate | null, job: Job, token: string | undefined, req: HostTurnRequest): Promise<HostTurn> {
  const data = job.data as HostTurnData;
  const dueAt = data.dueAt ?? dueTime(job);
  if (!gate) return { kind: 'go', dueAt };
  const askedAt = data.askedAt ?? Date.now();
  for (;;) {
    const admission = await gate.admit({ url: req.url, ticket: req.ticket, owner: String(job.id), lane: req.lane, askedAt, intervalMs: req.intervalMs });
    if (admission.kind === 'go') return { kind: 'go', dueAt };
    if (admission.kind === 'merged') return admission;
    const now = Date.now();
    let wakeAt = now + admission.waitMs;
    if (req.deadlineAt !== undefined && wakeAt > req.deadlineAt) {
      if (now >= req.deadlineAt) {
        await gate.leave(req.url, req.ticket, String(job.id));
        return { kind: 'deadline', waitMs: admission.waitMs };
      }
      wakeAt = req.deadlineAt;
    }
    if (wakeAt - now <= SLEEP_LIMIT_MS || !token) {
      await new Promise((r) => setTimeout(r, wakeAt - now));
      continue;
    }
    await job.updateData({ ...job.data, askedAt, dueAt } satisfies HostTurnData);
    await job.moveToDelayed(wakeAt - WAKE_EARLY_MS, token);
    throw new DelayedError(`waiting ${wakeAt - now} ms for ${new URL(req.url).host} (${admission.position} ahead)`);
  }
}

/** When a job was due: a scheduler's tick (`prevMillis`), else when it was queued plus its delay. */
function dueTime(job: Job): number {
  const tick = (job.opts as { prevMillis?: number }).prevMillis;
  return typeof tick === 'number' && tick > 0 ? tick : job.timestamp + (job.opts.delay ?? 0);
}
