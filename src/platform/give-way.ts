/**
 * Lets pending I/O, timers and other requests run before going on. One process serves every
 * session, so work that grows with a session's size (a consistency check, a reset, a wipe) is
 * split into slices with a `giveWay()` between them: no request waits behind another session's
 * big job for more than one slice.
 */
export const giveWay = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
