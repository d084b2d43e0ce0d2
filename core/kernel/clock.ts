// All "now" and "today" go through here, so tests move time by injecting a clock.
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests can set and advance. */
export class ManualClock implements Clock {
  private t: number;
  constructor(start: Date | string = '2026-01-15T10:00:00Z') {
    this.t = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.t);
  }
  set(to: Date | string): void {
    this.t = new Date(to).getTime();
  }
  advance(ms: number): void {
    this.t += ms;
  }
  advanceDays(days: number): void {
    this.t += days * 86_400_000;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The calendar date (YYYY-MM-DD) of an instant in a time zone. */
export function dateInZone(instant: Date, timeZone: string): string {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f.format(instant);
}

export const todayIn = (clock: Clock, timeZone: string) => dateInZone(clock.now(), timeZone);

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for real calendar dates only: 2026-02-30 is not one. */
export function isValidIsoDate(s: string): boolean {
  const m = ISO_DATE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/**
 * Why a value is not a date the library takes, as one sentence naming the field, or null when
 * it is one. The API's schemas and core's own checks both use it, so a bad date gets one message,
 * the same whichever layer sees it first.
 */
export function dateProblem(field: string, value: unknown): string | null {
  if (typeof value !== 'string' || !ISO_DATE.test(value)) return `${field} must be a date in YYYY-MM-DD form, like 2026-03-01`;
  if (!isValidIsoDate(value)) return `${field} is not a real calendar date`;
  return null;
}

const toUtcMs = (isoDate: string) => Date.parse(`${isoDate}T00:00:00Z`);

export function addDays(isoDate: string, days: number): string {
  return new Date(toUtcMs(isoDate) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Whole days from a to b (b - a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((toUtcMs(b) - toUtcMs(a)) / 86_400_000);
}

export const isoNow = (clock: Clock) => clock.now().toISOString();

const localFormats = new Map<string, Intl.DateTimeFormat>();

/** An instant as the library's wall clock reads it: `2026-03-12 10:00 (Europe/Kyiv)`. */
export function libraryDateTime(instant: Date, timeZone: string): string {
  let f = localFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    localFormats.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(instant).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} (${timeZone})`;
}
