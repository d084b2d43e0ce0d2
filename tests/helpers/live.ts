// A stand-in for a value that a test hook creates later (and may replace): property reads and
// writes go to whatever `get()` returns at the time, so a file can write `const w = …` once at
// the top and use `w.…` in every test.
export function live<T extends object>(get: () => T | undefined, what: string): T {
  const target = (): T => {
    const value = get();
    if (value === undefined) throw new Error(`${what} exists only while a test runs`);
    return value;
  };
  return new Proxy({} as T, {
    get: (_, prop) => Reflect.get(target(), prop),
    set: (_, prop, value) => Reflect.set(target(), prop, value),
    has: (_, prop) => Reflect.has(target(), prop),
  });
}
