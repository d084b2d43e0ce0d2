/**
 * The scheduled jobs (SPEC §5), in-process with node-cron, in LIBRARY_TIMEZONE:
 *   expire-payments  every minute              core.payments.expireDue
 *   overdue-report   OVERDUE_REPORT_CRON       core.notices.overdueNotices
 *                    (default 0 9 * * *)
 *   due-soon         DUE_SOON_CRON             core.notices.dueSoonReminders
 *                    (default 0 9 * * *)
 *   expire-holds     every 5 minutes           core.holds.expireDue (SPEC §11)
 *   dispatch         continuously (the outbox dispatcher loop), while this process holds the
 *                    `dispatcher` lease; `npm run job -- dispatch` takes the same lease
 * Each job is one core use case, run as SYSTEM_ACTOR; which readers get which notice is decided
 * there. Here they are scheduled, kept from overlapping, and their summaries logged. stop()
 * waits for work in flight.
 * Every instance schedules the jobs; each scheduled run happens on one of them (SPEC §12): the
 * run first takes the lease `job:<name>@<scheduled time>` (runScheduled). Such a lease is never
 * released, only left to lapse after SLOT_LEASE_MS, so an instance that fires the same slot late
 * (a slow clock, a pause) still finds it taken and does not run the slot again.
 */
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import { type Core, SYSTEM_ACTOR } from '../core/index.js';
import type { Clock } from '../core/kernel/index.js';
import type { DB } from '../db/connection.js';
import { claimLease } from '../db/leases.js';
import { errorForLog } from '../logger.js';
import { createDispatcher, type DispatchOptions, type MessageSender, type NoticeRenderer } from './dispatcher.js';
import { createDispatcherLoop } from './dispatcher-loop.js';
import { DISPATCHER_LEASE, leaseHolderId, withLease } from './lease.js';

export const JOB_NAMES = ['expire-payments', 'overdue-report', 'due-soon', 'expire-holds', 'dispatch'] as const;
export type JobName = (typeof JOB_NAMES)[number];

/** READY holds past their pick-up deadline are looked for this often (SPEC §5: at least every 5 minutes). */
export const EXPIRE_HOLDS_CRON = '*/5 * * * *';

export const isJobName = (s: string): s is JobName => (JOB_NAMES as readonly string[]).includes(s);

/** What running a job needs (`npm run job`); the schedules need JobsDeps. */
export interface JobDeps {
  core: Core;
  /** The database of the outbox and the leases (the dispatcher, scheduled slots). */
  db: DB;
  /** The dispatcher's and the leases' clock: the core's (its use cases read that one). */
  clock: Clock;
  /** The bot's API (grammY `bot.api`); needed by `dispatch` only. */
  api?: MessageSender;
  /** How the bot renders a notice (bot/notice-renderer.ts `createNoticeRenderer`); needed with `api`. */
  notices?: NoticeRenderer;
  logger: Logger;
  dispatch?: DispatchOptions & { idleMs?: number; leaseTtlMs?: number };
  /** Who runs the jobs, as leases name it (default: role, pid and host). */
  holder?: string;
}

/** When the daily jobs run (OVERDUE_REPORT_CRON, DUE_SOON_CRON), in the library's time zone (core.rules). */
export type JobSchedules = { overdueReport: string; dueSoon: string };

export interface JobsDeps extends JobDeps {
  schedules: JobSchedules;
}

export type JobSummary = Record<string, unknown>;

/** Runs one job once now and returns its summary (the `npm run job -- <name>` CLI). */
export async function runJob(name: JobName, deps: JobDeps): Promise<JobSummary> {
  const { clock } = deps;
  switch (name) {
    case 'expire-payments':
      return { ...(await deps.core.payments.expireDue(SYSTEM_ACTOR)) };
    case 'overdue-report':
      return { ...(await deps.core.notices.overdueNotices(SYSTEM_ACTOR)) };
    case 'due-soon':
      return { ...(await deps.core.notices.dueSoonReminders(SYSTEM_ACTOR)) };
    case 'expire-holds':
      return { ...(await deps.core.holds.expireDue(SYSTEM_ACTOR)) };
    case 'dispatch': {
      if (!deps.api || !deps.notices) throw new Error('the dispatch job needs the bot API and its notice renderer');
      const { api, notices, db, dispatch } = deps;
      const holder = deps.holder ?? leaseHolderId('npm run job -- dispatch');
      // One dispatcher at a time paces Telegram: beside a running service (which holds the
      // lease) this refuses with LeaseBusyError; with the service down it delivers.
      return withLease(
        db,
        clock,
        { name: DISPATCHER_LEASE, holder, ttlMs: dispatch?.leaseTtlMs, logger: deps.logger },
        async (lease) => {
          const dispatcher = createDispatcher(
            { db, api, clock, logger: deps.logger, notices },
            { ...dispatch, fence: { lease: lease.name, holder } },
          );
          await dispatcher.takeOver();
          return { ...(await dispatcher.run({ signal: lease.lost })) };
        },
      );
    }
    default: {
      const never: never = name;
      throw new Error(`unknown job ${String(never)}; known: ${JOB_NAMES.join(', ')}`);
    }
  }
}

/** How long a scheduled slot stays claimed: far longer than any two instances' firings of it differ. */
export const SLOT_LEASE_MS = 60 * 60_000;

/** The lease that claims one scheduled run of a job (node-cron's scheduled time, to the second). */
export const slotLeaseName = (name: JobName, slot: Date) =>
  `job:${name}@${new Date(Math.round(slot.getTime() / 1000) * 1000).toISOString()}`;

export interface Jobs {
  start(): void;
  /** Stops the schedules and the dispatcher, waiting for work in flight. */
  stop(): Promise<void>;
  /** Runs a job now (alongside the schedules, never overlapping itself); returns its summary. */
  runOnce(name: JobName): Promise<JobSummary>;
  /**
   * The run scheduled for `slot`, unless another instance (or this one) has claimed that slot:
   * then undefined, and nothing runs.
   */
  runScheduled(name: JobName, slot: Date): Promise<JobSummary | undefined>;
  /** Wakes the dispatcher now. */
  poke(): void;
}

export function createJobs(deps: JobsDeps): Jobs {
  const { core, db, clock, schedules, dispatch } = deps;
  const { timeZone } = core.rules;
  const log = deps.logger.child({ module: 'jobs' });
  const holder = deps.holder ?? leaseHolderId('service');
  if (deps.api && !deps.notices) throw new Error("the dispatcher needs the bot's notice renderer beside its API");
  const loop = deps.api
    ? createDispatcherLoop({ db, api: deps.api, clock, logger: deps.logger, notices: deps.notices! }, { ...dispatch, holder })
    : undefined;

  // node-cron's own notices (missed or overlapping runs) go to our log, not the console.
  const cronLog = log.child({ component: 'node-cron' });
  const cronLogger = {
    info: (m: string) => cronLog.info(m),
    warn: (m: string) => cronLog.warn(m),
    error: (m: string | Error, err?: Error) =>
      cronLog.error({ err: err ?? (m instanceof Error ? m : undefined) }, m instanceof Error ? m.message : m),
    debug: (m: string | Error) => cronLog.debug(m instanceof Error ? m.message : m),
  };

  const inFlight = new Map<JobName, Promise<JobSummary>>();
  const tasks: ScheduledTask[] = [];
  let started = false;
  let stopping = new AbortController();

  /** A job already running is joined, not started twice (noOverlap for manual runs as well). */
  function runOnce(name: JobName): Promise<JobSummary> {
    const current = inFlight.get(name);
    if (current) return current;
    const t0 = Date.now();
    const work = (async () => {
      // The running loop's own dispatcher: its claims count only while the loop holds the lease.
      if (name === 'dispatch' && loop && started) {
        return { ...(await loop.dispatcher.run({ signal: stopping.signal })) };
      }
      const summary = await runJob(name, { ...deps, holder });
      // New notifications were queued: deliver them now rather than at the next wake-up.
      if (name !== 'expire-payments') loop?.poke();
      return summary;
    })();
    const tracked = work
      .then((summary) => {
        // The frequent expiry checks log at debug when they found nothing to do.
        const idle = (name === 'expire-payments' || name === 'expire-holds') && Object.values(summary).every((v) => v === 0);
        log[idle ? 'debug' : 'info']({ job: name, ms: Date.now() - t0, ...summary }, `job ${name} finished`);
        return summary;
      })
      .finally(() => inFlight.delete(name));
    inFlight.set(name, tracked);
    return tracked;
  }

  async function runScheduled(name: JobName, slot: Date): Promise<JobSummary | undefined> {
    const nowMs = clock.now().getTime();
    const lease = slotLeaseName(name, slot);
    if (!(await claimLease(db, lease, holder, SLOT_LEASE_MS, nowMs))) {
      log.debug({ job: name, slot: slot.toISOString() }, `job ${name}: this run is another instance's`);
      return undefined;
    }
    // Lapsed slot claims are history: whoever wins a slot sweeps them (no schedule of its own).
    await db.deleteFrom('leases').where('name', 'like', 'job:%@%').where('expires_at', '<=', nowMs).execute();
    return runOnce(name);
  }

  function schedule(name: JobName, expression: string): void {
    const task = cron.createTask(
      expression,
      async (context) => {
        try {
          await runScheduled(name, context.date);
        } catch (err) {
          log.error({ job: name, err: errorForLog(err) }, `job ${name} failed; it runs again on schedule`);
        }
      },
      { name: `library:${name}`, timezone: timeZone, noOverlap: true, logger: cronLogger },
    );
    tasks.push(task);
  }

  return {
    start() {
      if (started) return;
      started = true;
      if (stopping.signal.aborted) stopping = new AbortController();
      if (tasks.length === 0) {
        schedule('expire-payments', '* * * * *');
        schedule('overdue-report', schedules.overdueReport);
        schedule('due-soon', schedules.dueSoon);
        schedule('expire-holds', EXPIRE_HOLDS_CRON);
      }
      for (const task of tasks) void task.start();
      loop?.start();
      log.info(
        {
          timeZone,
          overdueReport: schedules.overdueReport,
          dueSoon: schedules.dueSoon,
          dispatcher: Boolean(loop),
        },
        'jobs scheduled',
      );
    },
    async stop() {
      started = false;
      stopping.abort();
      for (const task of tasks.splice(0)) await task.destroy();
      await Promise.allSettled([...inFlight.values()]);
      await loop?.stop();
    },
    runOnce,
    runScheduled,
    poke() {
      loop?.poke();
    },
  };
}

export { createDispatcher, dispatchOutbox } from './dispatcher.js';
export { createDispatcherLoop } from './dispatcher-loop.js';
export { LeaseBusyError } from './lease.js';
