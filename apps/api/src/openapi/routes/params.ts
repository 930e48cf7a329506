import { z } from 'zod';

/** Path parameters shared by the route files. */
export const idParam = (what: string) =>
  z.object({
    id: z.uuid().meta({ description: `The ${what}’s id`, example: '0b9d1c7e-4f7a-4a53-9a57-5c2f0e6a1d10' }),
  });
