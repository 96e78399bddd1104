/**
 * Button payloads. They travel through Slack and Discord and come back as
 * untrusted input: short (Discord allows 100 characters), parsed strictly,
 * and never trusted for anything but which object the user means — every
 * handler re-checks workspace and permission.
 */

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

export type Payload =
  | { type: 'undo'; eventId: string }
  | { type: 'edit'; dealId: string }
  | { type: 'pick'; inboxId: string; option: number }
  | { type: 'deal'; dealId: string }
  | { type: 'fu_done'; followupId: string }
  | { type: 'fu_snooze'; followupId: string; days: number }
  | { type: 'log'; dealId: string }
  /** Snooze the deal-level reminders (gone quiet, past close) about a deal. */
  | { type: 'dn_snooze'; dealId: string; days: number }
  /** Move a deal's expected close date `days` later (from today when it has passed). */
  | { type: 'dn_push'; dealId: string; days: number };

const PATTERNS: [RegExp, (m: RegExpExecArray) => Payload][] = [
  [new RegExp(`^undo:(${UUID})$`), (m) => ({ type: 'undo', eventId: m[1]! })],
  [new RegExp(`^edit:(${UUID})$`), (m) => ({ type: 'edit', dealId: m[1]! })],
  [
    new RegExp(`^pick:(${UUID}):(\\d{1,2})$`),
    (m) => ({ type: 'pick', inboxId: m[1]!, option: Number(m[2]) }),
  ],
  [new RegExp(`^deal:(${UUID})$`), (m) => ({ type: 'deal', dealId: m[1]! })],
  [new RegExp(`^fu_done:(${UUID})$`), (m) => ({ type: 'fu_done', followupId: m[1]! })],
  [
    new RegExp(`^fu_snooze:(${UUID}):(1|3|7)$`),
    (m) => ({ type: 'fu_snooze', followupId: m[1]!, days: Number(m[2]) }),
  ],
  [new RegExp(`^log:(${UUID})$`), (m) => ({ type: 'log', dealId: m[1]! })],
  [
    new RegExp(`^dn_snooze:(${UUID}):(1|3|7)$`),
    (m) => ({ type: 'dn_snooze', dealId: m[1]!, days: Number(m[2]) }),
  ],
  [
    new RegExp(`^dn_push:(${UUID}):(7|14|30)$`),
    (m) => ({ type: 'dn_push', dealId: m[1]!, days: Number(m[2]) }),
  ],
];

export function parsePayload(raw: unknown): Payload | null {
  if (typeof raw !== 'string' || raw.length > 100) return null;
  for (const [re, build] of PATTERNS) {
    const m = re.exec(raw);
    if (m) return build(m);
  }
  return null;
}

export function encodePayload(p: Payload): string {
  switch (p.type) {
    case 'undo':
      return `undo:${p.eventId}`;
    case 'edit':
      return `edit:${p.dealId}`;
    case 'pick':
      return `pick:${p.inboxId}:${p.option}`;
    case 'deal':
      return `deal:${p.dealId}`;
    case 'fu_done':
      return `fu_done:${p.followupId}`;
    case 'fu_snooze':
      return `fu_snooze:${p.followupId}:${p.days}`;
    case 'log':
      return `log:${p.dealId}`;
    case 'dn_snooze':
      return `dn_snooze:${p.dealId}:${p.days}`;
    case 'dn_push':
      return `dn_push:${p.dealId}:${p.days}`;
  }
}
