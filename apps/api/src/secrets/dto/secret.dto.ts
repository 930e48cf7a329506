import { z } from 'zod';

/** Secret names as flows write them in `{"secret": NAME}` and `api_key_ref`. */
export const SECRET_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/** `host`, `host:port` or `*.domain` — the same syntax as EGRESS_ALLOWED_HOSTS. */
const HostEntry = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .regex(
    /^(\*\.)?([A-Za-z0-9-]+\.)*[A-Za-z0-9-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/,
    'a host, host:port or *.domain',
  );

export const PutSecretBody = z.strictObject({
  value: z.string().min(1).max(8192),
  /** Where the secret may be sent; at least one (a secret bound nowhere is useless). */
  hosts: z.array(HostEntry).min(1).max(20),
});
export type PutSecretBody = z.infer<typeof PutSecretBody>;
