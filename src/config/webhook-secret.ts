import { z } from 'zod';

/** What examples/vigie.config.yaml holds instead of a secret. */
export const SECRET_PLACEHOLDER = 'REPLACE_ME';

/** A Standard Webhooks signing secret (`whsec_` + base64 of 16 bytes or more), for webhooks[] and webhook channels. */
export const webhookSecret = z
  .string({ error: 'expected a Standard Webhooks secret like whsec_<base64>' })
  // The example config's placeholder: said as such, so a copied example cannot run with a published secret.
  .refine((s) => !s.includes(SECRET_PLACEHOLDER), {
    message: `still the example's placeholder; make a secret with  node -e "console.log('whsec_' + require('crypto').randomBytes(24).toString('base64'))"`,
    abort: true,
  })
  .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, { message: 'expected a Standard Webhooks secret like whsec_<base64>', abort: true })
  .refine((s) => Buffer.from(s.slice(6), 'base64').length >= 16, 'the secret key must be at least 16 bytes');
