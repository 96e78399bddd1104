// Proves how a Slack user maps to a member (guests and other organisations may not write, workspace admins are admins, timezone and a Chinese locale are kept) and that per-channel pacing keeps order and honours pauses.
import { describe, expect, it } from 'vitest';
import { memberFromUser } from '../../../src/adapters/slack/identity.ts';
import { ChannelPacer } from '../../../src/adapters/slack/pacer.ts';

describe('memberFromUser', () => {
  const base = {
    id: 'U1',
    team_id: 'T1',
    name: 'ann',
    tz: 'Asia/Shanghai',
    profile: { display_name: 'Ann' },
  };

  it('maps a regular member', () => {
    expect(memberFromUser(base, 'T1')).toEqual({
      externalId: 'U1',
      displayName: 'Ann',
      timezone: 'Asia/Shanghai',
      locale: null,
      isAdmin: false,
      canWrite: true,
    });
    expect(memberFromUser({ ...base, locale: 'zh-CN' }, 'T1').locale).toBe('zh-CN');
    expect(memberFromUser({ ...base, tz: 'Mars/Base' }, 'T1').timezone).toBeNull();
  });

  it('makes workspace admins and owners admins', () => {
    expect(memberFromUser({ ...base, is_admin: true }, 'T1').isAdmin).toBe(true);
    expect(memberFromUser({ ...base, is_owner: true }, 'T1').isAdmin).toBe(true);
  });

  it('lets guests and people from other organisations read but not write', () => {
    for (const user of [
      { ...base, is_restricted: true },
      { ...base, is_ultra_restricted: true },
      { ...base, is_stranger: true },
      { ...base, team_id: 'TOTHER' },
      { ...base, is_admin: true, team_id: 'TOTHER' },
    ]) {
      const m = memberFromUser(user, 'T1');
      expect(m.canWrite).toBe(false);
      expect(m.isAdmin).toBe(false);
    }
    expect(memberFromUser(base, 'T1', { external: true }).canWrite).toBe(false);
  });
});

describe('ChannelPacer', () => {
  it('runs one post per channel at a time, spaced, and holds a channel after a pause', async () => {
    let clock = 0;
    const waits: number[] = [];
    const pacer = new ChannelPacer(
      1000,
      () => clock,
      async (ms) => {
        waits.push(ms);
        clock += ms;
      },
    );
    const order: string[] = [];
    const post = (channel: string, label: string) =>
      pacer.run(channel, async (turn) => {
        await turn();
        order.push(`${label}@${clock}`);
      });
    await Promise.all([post('C1', 'a'), post('C1', 'b'), post('C2', 'x')]);
    expect(order).toEqual(['a@0', 'x@0', 'b@1000']);
    pacer.pause('C2', 5000);
    await post('C2', 'y');
    expect(order.at(-1)).toBe(`y@${5000 + 1000}`);
    expect(waits).toEqual([1000, 5000]);
  });
});
