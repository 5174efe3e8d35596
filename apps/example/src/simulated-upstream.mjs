// An in-process stand-in for an upstream API whose health can be switched at run time.
export function simulatedUpstream({ latencyMs = 5 } = {}) {
  let outage = false;
  return {
    setOutage(value) {
      outage = value;
    },
    fetchStock(_sku, signal) {
      if (latencyMs === 0) return outage ? Promise.reject(new Error('upstream answered 503 Service Unavailable')) : Promise.resolve(17);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          if (outage) reject(new Error('upstream answered 503 Service Unavailable'));
          else resolve(17);
        }, latencyMs);
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(signal.reason);
        });
      });
    },
  };
}
