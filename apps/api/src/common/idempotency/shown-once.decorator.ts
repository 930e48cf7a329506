import { SetMetadata } from '@nestjs/common';

export const SHOWN_ONCE = 'conclave:shown-once';

/**
 * The route's response holds a secret shown once (an API key). With an `Idempotency-Key`, the
 * request is still executed once, but its response is not stored: only the created resource's `id`
 * is kept, and a replay answers 409 "secret shown once" naming it.
 */
export const ShownOnce = () => SetMetadata(SHOWN_ONCE, true);
