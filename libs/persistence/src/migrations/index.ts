import { InitialSchema1764000000000 } from './1764000000000-initial-schema';

/** Every migration in order; run on start-up. */
export const MIGRATIONS = [InitialSchema1764000000000];
