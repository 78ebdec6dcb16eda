// Coalescing work: many events in a burst cause one API call, not one each.

/** Run `fn` once, `wait` ms after the last call — but at least every `maxWait` ms. */
export function coalesce(fn, wait, maxWait = wait * 4) {
  let timer = null;
  let first = null;
  const run = () => {
    timer = null;
    first = null;
    fn();
  };
  return () => {
    const now = performance.now();
    first ??= now;
    window.clearTimeout(timer);
    timer = window.setTimeout(run, Math.max(0, Math.min(wait, first + maxWait - now)));
  };
}
