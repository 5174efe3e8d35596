const defaultMarginMs = 30_000;

/**
 * The example's reports quota counts per UTC hour and day. A test that spends it and then expects a
 * refusal fails if an hour begins halfway through (the quota resets). Called before such a test:
 * when fewer than `marginMs` remain in the current UTC hour, waits until the next one has begun.
 */
export async function clearOfHourBoundary(marginMs = defaultMarginMs) {
  const hourMs = 3_600_000;
  const leftMs = hourMs - (Date.now() % hourMs);
  if (leftMs < marginMs) await new Promise((resolve) => setTimeout(resolve, leftMs + 100));
}

/** How long `clearOfHourBoundary()` may wait, for the hook's timeout. */
export const hourBoundaryWaitMs = defaultMarginMs + 1_000;
