/** Most pending join requests a group holds; more are refused until some are answered. */
export const MAX_PENDING_JOIN_REQUESTS = 500;

/**
 * Most group events a group's record holds before they are in its conversation. A writer stores
 * the waiting ones before adding more, so the list stays short even while storing keeps failing.
 */
export const MAX_PENDING_GROUP_EVENTS = 32;
