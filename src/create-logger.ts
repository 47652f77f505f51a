import pino from 'pino';
import type { Logger } from './config/logger.ts';

const LEVELS = Object.keys(pino.levels.values).concat('silent');

/** A LOG_LEVEL pino would throw on, said in one line; null when the level is fine. */
export function logLevelProblem(level: string): string | null {
  return LEVELS.includes(level) ? null : `LOG_LEVEL: expected one of ${LEVELS.join(', ')}, got "${level}"`;
}

/** JSON logs on stderr, so stdout stays for what a command prints (reports, `check --json`). */
export function createLogger(level = 'info'): Logger {
  const problem = logLevelProblem(level);
  if (problem) throw new Error(problem);
  return pino({ level, base: undefined }, pino.destination(2)) as unknown as Logger;
}
