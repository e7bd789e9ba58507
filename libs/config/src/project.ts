/** Prefix of every resource name, state key and tag. */
export const PROJECT = 'canaryfleet';
