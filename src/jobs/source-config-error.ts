/** A source's own settings cannot work (e.g. an invalid latest-list selector). Retrying cannot help. */
export class SourceConfigError extends Error {
  readonly fate = 'give-up' as const;

  constructor(
    readonly sourceId: string,
    field: string,
    problem: string,
  ) {
    super(`sources "${sourceId}".${field}: ${problem}`);
    this.name = 'SourceConfigError';
  }
}
