/** Most pending join requests a group holds; more are refused until some are answered. */
export const MAX_PENDING_JOIN_REQUESTS = 500;
