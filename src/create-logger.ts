import pino from 'pino';
import type { Logger } from './jobs/use-cases/deps.ts';

/** JSON logs on stderr, so stdout stays for what a command prints (reports, `check --json`). */
export function createLogger(level = 'info'): Logger {
  return pino({ level, base: undefined }, pino.destination(2)) as unknown as Logger;
}
