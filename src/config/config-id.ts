import { z } from 'zod';

/** An id other fields refer to (sources, channels, watchlists): safe in URLs, Redis keys and log lines. */
export const configId = z
  .string({ error: 'expected an id of lower-case letters, digits and dashes' })
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'expected an id of lower-case letters, digits and dashes, like "my-site"');
