/**
 * `repo` with every method's failures passed through `translate` (a driver's error into the
 * port's own, such as `StoreUnavailableError`), so the transports can answer from the port's
 * errors without knowing the driver. Methods are awaited, so a synchronous driver's throw
 * surfaces as the returned promise's rejection too.
 */
export function translatingErrors<T extends object>(repo: T, translate: (error: unknown) => unknown): T {
  return new Proxy(repo, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        try {
          return await Reflect.apply(value, target, args);
        } catch (error) {
          throw translate(error);
        }
      };
    },
  });
}
