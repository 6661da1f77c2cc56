/**
 * Cron schedules as the CronJob controller reads them (robfig/cron ParseStandard, pkg/controller/cronjob/utils.go):
 * five fields or an @-macro in `spec.timeZone` (UTC when unset), parsed by cron-parser; `@every <duration>` as robfig's
 * constant-delay schedule (the API server accepts it, so the controller honours it); and mostRecentScheduleTime with
 * its missed-schedule counting.
 */
import { CronExpressionParser } from 'cron-parser';

export interface Schedule {
  /** The first activation strictly after `afterMs` (ms since the epoch). */
  next(afterMs: number): number;
}

/** robfig's descriptors. */
const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const GO_DURATION_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** time.ParseDuration, in ms; undefined when malformed. */
export function parseGoDuration(text: string): number | undefined {
  const re = /([0-9]*(?:\.[0-9]*)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[1] === '' || m[1] === '.') return undefined;
    total += Number(m[1]) * GO_DURATION_UNITS[m[2]!]!;
    matched = re.lastIndex;
  }
  return matched === text.length && text.length > 0 ? total : undefined;
}

export class ScheduleError extends Error {}

export function parseSchedule(spec: string, timeZone: string | undefined): Schedule {
  const trimmed = spec.trim();
  if (trimmed.startsWith('@every ')) {
    const d = parseGoDuration(trimmed.slice(7).trim());
    if (d === undefined) throw new ScheduleError(`failed to parse duration ${trimmed}`);
    // robfig.Every: at least a second, truncated to whole seconds; Next drops the sub-second part of `t`.
    const delay = Math.max(1000, d - (d % 1000));
    return { next: (after) => Math.floor(after / 1000) * 1000 + delay };
  }
  const expr = MACROS[trimmed] ?? trimmed;
  const tz = timeZone || 'UTC';
  // Parse once up front so a bad schedule fails here rather than at first use.
  CronExpressionParser.parse(expr, { tz, currentDate: new Date(0) });
  return {
    next(after) {
      const from = Math.floor(after / 1000) * 1000;
      return CronExpressionParser.parse(expr, { tz, currentDate: new Date(from) }).next().getTime();
    },
  };
}

export type MissedSchedules = 'none' | 'few' | 'many';

export interface MostRecent {
  earliest: number;
  /** The most recent activation at or before `now` that has not been started, if any. */
  mostRecent?: number;
  missed: MissedSchedules;
}

/**
 * mostRecentScheduleTime: from the later of creation and the last schedule (and, with `startingDeadlineSeconds`,
 * no earlier than now minus it), the newest activation due by `now`, and whether more than 100 were missed.
 */
export function mostRecentScheduleTime(
  schedule: Schedule,
  created: number,
  lastSchedule: number | undefined,
  startingDeadlineSeconds: number | undefined,
  now: number,
  includeDeadline: boolean,
): MostRecent {
  let earliest = lastSchedule ?? created;
  if (includeDeadline && startingDeadlineSeconds !== undefined) {
    const deadline = now - startingDeadlineSeconds * 1000;
    if (deadline > earliest) earliest = deadline;
  }
  const t1 = schedule.next(earliest);
  const t2 = schedule.next(t1);
  if (now < t1) return { earliest, missed: 'none' };
  if (now < t2) return { earliest, mostRecent: t1, missed: 'none' };
  const between = Math.round((t2 - t1) / 1000);
  if (between < 1) throw new ScheduleError('time difference between two schedules is less than 1 second');
  const elapsed = Math.trunc((now - t1) / 1000);
  const missedCount = Math.trunc(elapsed / between) + 1;
  let mostRecent: number | undefined;
  const potentialEarliest = t1 + (missedCount - 2) * between * 1000;
  for (let t = schedule.next(potentialEarliest); t <= now; t = schedule.next(t)) mostRecent = t;
  const missed: MissedSchedules = missedCount > 100 ? 'many' : missedCount > 0 ? 'few' : 'none';
  return { earliest, ...(mostRecent !== undefined ? { mostRecent } : {}), missed };
}

/** time.Format(time.RFC3339) of an instant in a zone: `2025-01-01T09:00:00-05:00`, `...Z` in UTC. */
export function rfc3339InZone(ms: number, timeZone: string | undefined): string {
  const tz = timeZone || 'UTC';
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'longOffset',
    }).formatToParts(new Date(ms)).map((p) => [p.type, p.value]),
  );
  // Go's RFC 3339 layout writes a zero offset as `Z`.
  const offset = (parts.timeZoneName ?? 'GMT').replace('GMT', '');
  const zone = offset === '' || /^[+-]00:00$/.test(offset) ? 'Z' : offset;
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${zone}`;
}

/** `Mon, 02 Jan 2006 15:04:05 -0700` (time.RFC1123Z) in UTC, as MissSchedule events print it. */
export function rfc1123z(ms: number): string {
  const d = new Date(ms);
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getUTCDay()];
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${day}, ${p(d.getUTCDate())} ${month} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}
