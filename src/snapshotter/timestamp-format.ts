/**
 * The time part of a snapshot name, in zrepl's `timestamp_format` vocabulary: `dense` (the default,
 * `20060102_150405_000`), `human` (`2006-01-02_15:04:05`), `iso-8601` (`2006-01-02T15:04:05.000Z07:00`),
 * `unix-seconds`, or a Go reference-time layout. As in zrepl, `timestamp_location` (UTC, Local, or
 * an IANA zone) only matters for a format that carries a zone offset; every other format is UTC, so
 * names never repeat or reorder across a daylight-saving change. A `+` in an offset becomes `_`:
 * ZFS does not allow `+` in a snapshot name.
 */

/** The named formats zrepl knows. */
export const NAMED_TIMESTAMP_FORMATS = ['dense', 'human', 'iso-8601', 'unix-seconds'] as const;

/** How the snapshotter writes the time into a snapshot name. */
export interface SnapshotNaming {
  /** A named format or a Go layout (`2006-01-02_15-04`). */
  format: string;
  /** `UTC`, `Local`, or an IANA zone name; used only by formats with an offset. */
  location: string;
}

/** The default naming, the one xrepl has always used: dense, UTC. */
export const DEFAULT_SNAPSHOT_NAMING: SnapshotNaming = { format: 'dense', location: 'UTC' };

const NAMED_LAYOUTS: Record<string, string> = {
  // zrepl's dense names end in a literal `_000`; xrepl's have always carried the milliseconds there.
  dense: '20060102_150405',
  human: '2006-01-02_15:04:05',
  'iso-8601': '2006-01-02T15:04:05.000Z07:00',
};

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

// The wall-clock fields of one moment in one zone, and the zone's offset from UTC then.
interface Fields {
  year: number;
  month: number;
  day: number;
  weekday: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  offsetMinutes: number;
}

type Token = { text: string; zone: boolean; render: (f: Fields) => string };

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

function offset(f: Fields, colon: boolean, zulu: boolean, minutes = true): string {
  if (zulu && f.offsetMinutes === 0) return 'Z';
  const sign = f.offsetMinutes < 0 ? '-' : '_';
  const abs = Math.abs(f.offsetMinutes);
  const hours = pad(Math.floor(abs / 60), 2);
  if (!minutes) return `${sign}${hours}`;
  return `${sign}${hours}${colon ? ':' : ''}${pad(abs % 60, 2)}`;
}

// Go's layout elements, longest first so that `2006` wins over `2` and `.000000` over `.000`.
const TOKENS: Token[] = [
  { text: 'January', zone: false, render: (f) => MONTHS[f.month - 1] ?? '' },
  { text: 'Monday', zone: false, render: (f) => WEEKDAYS[f.weekday] ?? '' },
  { text: 'Z07:00', zone: true, render: (f) => offset(f, true, true) },
  { text: '-07:00', zone: true, render: (f) => offset(f, true, false) },
  { text: 'Z0700', zone: true, render: (f) => offset(f, false, true) },
  { text: '-0700', zone: true, render: (f) => offset(f, false, false) },
  { text: '.000000000', zone: false, render: (f) => `.${pad(f.millisecond, 3)}000000` },
  { text: '.000000', zone: false, render: (f) => `.${pad(f.millisecond, 3)}000` },
  { text: '.000', zone: false, render: (f) => `.${pad(f.millisecond, 3)}` },
  { text: '2006', zone: false, render: (f) => pad(f.year, 4) },
  { text: 'Z07', zone: true, render: (f) => offset(f, false, true, false) },
  { text: '-07', zone: true, render: (f) => offset(f, false, false, false) },
  { text: 'Jan', zone: false, render: (f) => (MONTHS[f.month - 1] ?? '').slice(0, 3) },
  { text: 'Mon', zone: false, render: (f) => (WEEKDAYS[f.weekday] ?? '').slice(0, 3) },
  { text: '01', zone: false, render: (f) => pad(f.month, 2) },
  { text: '02', zone: false, render: (f) => pad(f.day, 2) },
  { text: '03', zone: false, render: (f) => pad(f.hour % 12 === 0 ? 12 : f.hour % 12, 2) },
  { text: '04', zone: false, render: (f) => pad(f.minute, 2) },
  { text: '05', zone: false, render: (f) => pad(f.second, 2) },
  { text: '06', zone: false, render: (f) => pad(f.year % 100, 2) },
  { text: '15', zone: false, render: (f) => pad(f.hour, 2) },
  { text: 'PM', zone: false, render: (f) => (f.hour < 12 ? 'AM' : 'PM') },
  { text: 'pm', zone: false, render: (f) => (f.hour < 12 ? 'am' : 'pm') },
  { text: '1', zone: false, render: (f) => String(f.month) },
  { text: '2', zone: false, render: (f) => String(f.day) },
  { text: '3', zone: false, render: (f) => String(f.hour % 12 === 0 ? 12 : f.hour % 12) },
  { text: '4', zone: false, render: (f) => String(f.minute) },
  { text: '5', zone: false, render: (f) => String(f.second) },
];

type Part = string | Token;

function tokenize(layout: string): Part[] {
  const parts: Part[] = [];
  let literal = '';
  for (let i = 0; i < layout.length; ) {
    const token = TOKENS.find((t) => layout.startsWith(t.text, i));
    if (token === undefined) {
      literal += layout[i];
      i += 1;
      continue;
    }
    if (literal !== '') parts.push(literal);
    literal = '';
    parts.push(token);
    i += token.text.length;
  }
  if (literal !== '') parts.push(literal);
  return parts;
}

/** Whether a format writes a zone offset (then `timestamp_location` decides the zone). */
export function formatHasZone(format: string): boolean {
  if (format === 'unix-seconds') return false;
  return tokenize(NAMED_LAYOUTS[format] ?? format).some((p) => typeof p !== 'string' && p.zone);
}

/** Why a `timestamp_format` cannot be used, or undefined. */
export function timestampFormatProblem(format: string): string | undefined {
  if ((NAMED_TIMESTAMP_FORMATS as readonly string[]).includes(format)) return undefined;
  if (format.length === 0) return `expected one of ${NAMED_TIMESTAMP_FORMATS.join(', ')} or a Go time layout like "2006-01-02_15:04"`;
  const parts = tokenize(format);
  if (!parts.some((p) => typeof p !== 'string' && !p.zone)) {
    return `${JSON.stringify(format)} is neither ${NAMED_TIMESTAMP_FORMATS.join(', ')} nor a Go time layout (it has no element of the reference time 2006-01-02 15:04:05)`;
  }
  return undefined;
}

/** Why a `timestamp_location` is no time zone, or undefined. */
export function timeZoneProblem(location: string): string | undefined {
  if (location === 'UTC' || location === 'Local') return undefined;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: location });
    return undefined;
  } catch {
    return `unknown time zone ${JSON.stringify(location)}: expected UTC, Local or an IANA zone name like "Europe/Berlin"`;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function zoneFormatter(location: string): Intl.DateTimeFormat {
  let formatter = formatters.get(location);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      ...(location === 'Local' ? {} : { timeZone: location }),
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(location, formatter);
  }
  return formatter;
}

function fieldsIn(at: Date, location: string): Fields {
  const ms = at.getTime();
  const millisecond = ((ms % 1000) + 1000) % 1000;
  if (location === 'UTC') {
    return {
      year: at.getUTCFullYear(),
      month: at.getUTCMonth() + 1,
      day: at.getUTCDate(),
      weekday: at.getUTCDay(),
      hour: at.getUTCHours(),
      minute: at.getUTCMinutes(),
      second: at.getUTCSeconds(),
      millisecond,
      offsetMinutes: 0,
    };
  }
  const parts = Object.fromEntries(zoneFormatter(location).formatToParts(at).map((p) => [p.type, p.value]));
  const num = (key: string): number => Number(parts[key]);
  const wall = Date.UTC(num('year'), num('month') - 1, num('day'), num('hour'), num('minute'), num('second'));
  return {
    year: num('year'),
    month: num('month'),
    day: num('day'),
    weekday: new Date(wall).getUTCDay(),
    hour: num('hour'),
    minute: num('minute'),
    second: num('second'),
    millisecond,
    offsetMinutes: Math.round((wall - (ms - millisecond)) / 60_000),
  };
}

/** The time part of a snapshot name for `at`, in `naming`'s format and (for zoned formats) zone. */
export function formatSnapshotTimestamp(at: Date, naming: SnapshotNaming = DEFAULT_SNAPSHOT_NAMING): string {
  if (Number.isNaN(at.getTime())) throw new TypeError('snapshot time is not a valid date');
  if (naming.format === 'unix-seconds') return String(Math.floor(at.getTime() / 1000));
  const year = at.getUTCFullYear();
  if (year < 0 || year > 9999) throw new TypeError(`snapshot time ${at.toISOString()} is outside the years 0000-9999`);
  const parts = tokenize(NAMED_LAYOUTS[naming.format] ?? naming.format);
  const zoned = parts.some((p) => typeof p !== 'string' && p.zone);
  const fields = fieldsIn(at, zoned ? naming.location : 'UTC');
  const text = parts.map((p) => (typeof p === 'string' ? p : p.render(fields))).join('');
  return naming.format === 'dense' ? `${text}_${pad(fields.millisecond, 3)}` : text;
}
