/** The config file or environment is invalid. `problems` holds one line per field, e.g. `sources[2].every: ...`. */
export class ConfigError extends Error {
  readonly fate = 'give-up' as const;

  constructor(
    readonly problems: string[],
    readonly origin: string,
  ) {
    super(`invalid config (${origin}):\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}
