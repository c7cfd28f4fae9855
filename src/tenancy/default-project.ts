/** The project that exists from the start: the Audit API's events, and an instance admin's default. */
export const DEFAULT_PROJECT_ID = 'default';
