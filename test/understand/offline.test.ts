// Proves the offline extractor turns chat updates into contract-shaped deal data: intent, accounts, stages with negation, money, dates, people, needs, and survives hostile input.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TEMPLATE,
  INSURANCE_TEMPLATE,
  IT_TEMPLATE,
  type StageTemplate,
} from '../../src/pipeline/stages.ts';
import {
  type DealUpdate,
  type ExtractContext,
  ExtractionSchema,
} from '../../src/understand/extraction.ts';
import { createOfflineExtractor, extractOffline } from '../../src/understand/offline/index.ts';

const SHANGHAI: ExtractContext = {
  now: new Date('2026-11-25T09:30:00+08:00'),
  timezone: 'Asia/Shanghai',
  currency: 'CNY',
  locale: 'zh-CN',
  template: DEFAULT_TEMPLATE,
  knownAccounts: [],
  openDeals: [],
};
// Tuesday 2026-11-24, 16:45 in Chicago.
const CHICAGO: ExtractContext = {
  ...SHANGHAI,
  now: new Date('2026-11-24T16:45:00-06:00'),
  timezone: 'America/Chicago',
  currency: 'USD',
  locale: 'en',
};

function updates(text: string, ctx: ExtractContext = CHICAGO): DealUpdate[] {
  const result = extractOffline(text, ctx);
  expect(ExtractionSchema.parse(result)).toEqual(result);
  expect(result.intent, text).toBe('update');
  return result.updates;
}
const only = (text: string, ctx?: ExtractContext) => {
  const u = updates(text, ctx);
  expect(u, text).toHaveLength(1);
  return u[0]!;
};
const stageOf = (text: string, ctx?: ExtractContext) => only(text, ctx).stage;

describe('contract examples', () => {
  it('reads the Chinese example from DESIGN.md', () => {
    expect(only('今天拜访了华为,需要私有化部署,预算50万,下周五前发方案', SHANGHAI)).toEqual({
      account: '华为',
      stage: 'needs_analysis',
      amount: 500_000,
      currency: 'CNY',
      closeDate: null,
      nextStep: '发方案',
      nextStepDue: '2026-12-04',
      needs: ['私有化部署'],
      contacts: [],
      competitors: [],
      lostReason: null,
    });
  });

  it('reads the English example: "need" language means needs analysis', () => {
    expect(only('met Acme, they need SSO, ~$50k, follow up Friday')).toEqual({
      account: 'Acme',
      stage: 'needs_analysis',
      amount: 50_000,
      currency: 'USD',
      closeDate: null,
      nextStep: 'follow up',
      nextStepDue: '2026-11-27',
      needs: ['SSO'],
      contacts: [],
      competitors: [],
      lostReason: null,
    });
  });
});

describe('intent', () => {
  it.each([
    "What's the next step for Acme?",
    'how much is in the pipeline for Q1?',
    'show me deals closing this month',
    'which deals are stuck in negotiation',
    'Did Globex sign yet?',
    '华为的下一步是什么?',
    '腾讯签了吗',
    '哪些客户在谈判阶段',
    '这个月预计成交多少钱',
    '字节那边进展怎么样呢',
  ])('%s is a question', (text) => {
    expect(extractOffline(text, SHANGHAI)).toEqual({ intent: 'question', updates: [] });
  });

  it.each([
    'hi',
    'thanks!',
    'thank you 🙏',
    '谢谢',
    '你好',
    '好的收到',
    '👍👍',
    '',
    '   ',
    '\u200b',
  ])('%j is chit-chat', (text) => {
    expect(extractOffline(text, SHANGHAI)).toEqual({ intent: 'other', updates: [] });
  });

  it('keeps reported questions as updates', () => {
    expect(only('met Acme, they asked how much SSO costs')).toMatchObject({
      account: 'Acme',
      stage: 'prospecting',
    });
    expect(only('工商银行的李经理问我们能不能做私有化部署', SHANGHAI)).toMatchObject({
      account: '工商银行',
      needs: ['私有化部署'],
    });
  });
});

describe('stages', () => {
  it('maps cues in both languages to the template stage of their phase', () => {
    expect(stageOf('first call with Initech today')).toBe('prospecting');
    expect(stageOf('Initech discovery call done')).toBe('needs_analysis');
    expect(stageOf('demo went great with Initech')).toBe('proposal');
    expect(stageOf('sent the quote to Initech')).toBe('quote');
    expect(stageOf('Initech in legal review, redlines back')).toBe('negotiation');
    expect(stageOf('Initech PO received')).toBe('closed_won');
    expect(stageOf('Initech went with Salesforce')).toBe('closed_lost');
    expect(stageOf('拜访了美团', SHANGHAI)).toBe('prospecting');
    expect(stageOf('美团试用中', SHANGHAI)).toBe('proposal');
    expect(stageOf('美团报价已发', SHANGHAI)).toBe('quote');
    expect(stageOf('美团在走采购流程', SHANGHAI)).toBe('negotiation');
    expect(stageOf('美团签约了', SHANGHAI)).toBe('closed_won');
    expect(stageOf('美团丢单了', SHANGHAI)).toBe('closed_lost');
  });

  it('ignores negated cues', () => {
    expect(stageOf('Acme is not ready for a quote yet')).toBeNull();
    expect(stageOf('Acme not ready for a quote yet, still in discovery')).toBe('needs_analysis');
    expect(stageOf('华为还没报价', SHANGHAI)).toBeNull();
    expect(stageOf('腾讯没有签', SHANGHAI)).toBeNull();
    expect(stageOf("Soylent didn't sign, went with Freshworks")).toBe('closed_lost');
  });

  it('ignores planned and requested steps', () => {
    expect(stageOf('Acme: will send the proposal tomorrow')).toBeNull();
    expect(stageOf('Oscorp asked for a quote')).toBeNull();
    expect(stageOf('美的集团 POC 通过了,下一步商务谈判', SHANGHAI)).toBe('proposal');
    expect(stageOf('Globex: verbal yes, waiting for PO')).toBe('negotiation');
  });

  it('picks the most advanced asserted cue', () => {
    expect(stageOf('met Acme, demo done, sent quote, now negotiating')).toBe('negotiation');
    expect(stageOf('Acme signed the MSA after legal review')).toBe('closed_won');
  });

  it('uses the workspace template keys', () => {
    expect(stageOf('Globex POC kicked off', { ...CHICAGO, template: IT_TEMPLATE })).toBe('poc');
    expect(stageOf('Acme in procurement now', { ...CHICAGO, template: IT_TEMPLATE })).toBe(
      'procurement',
    );
    expect(
      stageOf('Acme: moved to Underwriting', { ...CHICAGO, template: INSURANCE_TEMPLATE }),
    ).toBe('underwriting');
    const custom: StageTemplate = {
      key: 'custom',
      name: { en: 'Custom', 'zh-CN': '自定义' },
      stages: [
        { ...DEFAULT_TEMPLATE.stages[0]!, key: 'lead' },
        { ...DEFAULT_TEMPLATE.stages[5]!, key: 'booked' },
      ],
    };
    expect(stageOf('Acme signed', { ...CHICAGO, template: custom })).toBe('booked');
    expect(stageOf('Acme sent quote', { ...CHICAGO, template: custom })).toBeNull();
  });
});

describe('accounts', () => {
  it('matches known accounts case-insensitively and Chinese names as substrings, reporting them as written', () => {
    const ctx = {
      ...CHICAGO,
      knownAccounts: ['Acme Corp', '华为技术有限公司', 'Stark Industries'],
    };
    expect(only('acme signed', ctx).account).toBe('acme');
    expect(only('华为签了', { ...ctx, currency: 'CNY' }).account).toBe('华为');
    expect(only('Stark - close Q4 for sure', ctx).account).toBe('Stark');
    expect(
      only('sent proposal', { ...ctx, openDeals: [{ account: 'Hooli', stage: 'proposal' }] })
        .account,
    ).toBeNull();
  });

  it('finds unknown names by position', () => {
    expect(only("Acme's CTO loved the demo").account).toBe('Acme');
    expect(only('Sent the proposal to Gringotts today').account).toBe('Gringotts');
    expect(only('call with Wonka Industries, great fit').account).toBe('Wonka Industries');
    expect(only('明天去拜访长城汽车', SHANGHAI).account).toBe('长城汽车');
    expect(only('和小米的李经理开了会', SHANGHAI).account).toBe('小米');
    expect(only('美的集团 POC 通过了', SHANGHAI).account).toBe('美的集团');
  });

  it('splits several accounts into updates with their own fields', () => {
    expect(updates('Acme moved to quote at 50k; Globex signed 120k')).toEqual([
      expect.objectContaining({ account: 'Acme', stage: 'quote', amount: 50_000, currency: 'USD' }),
      expect.objectContaining({
        account: 'Globex',
        stage: 'closed_won',
        amount: 120_000,
        currency: 'USD',
      }),
    ]);
    expect(updates('华为签了200万;腾讯还在谈,报价150万;阿里丢单了', SHANGHAI)).toEqual([
      expect.objectContaining({ account: '华为', stage: 'closed_won', amount: 2_000_000 }),
      expect.objectContaining({ account: '腾讯', stage: 'negotiation', amount: 1_500_000 }),
      expect.objectContaining({ account: '阿里', stage: 'closed_lost', amount: null }),
    ]);
    // A shared clause applies to every account it names.
    expect(updates('小米和OPPO都在试用,下周五前出结论', SHANGHAI)).toEqual([
      expect.objectContaining({ account: '小米', stage: 'proposal', nextStepDue: '2026-12-04' }),
      expect.objectContaining({ account: 'OPPO', stage: 'proposal', nextStepDue: '2026-12-04' }),
    ]);
  });

  it('gives one update without an account when none is named', () => {
    expect(only('sent the quote, 30k, follow up Monday')).toMatchObject({
      account: null,
      stage: 'quote',
      amount: 30_000,
      nextStep: 'follow up',
      nextStepDue: '2026-11-30',
    });
  });
});

describe('contacts and competitors', () => {
  it.each([
    ['Richard (CEO) at Pied Piper wants a better API', { name: 'Richard', title: 'CEO' }],
    ['met with Jane Doe, CTO at Nakatomi', { name: 'Jane Doe', title: 'CTO' }],
    ['Hooli: their CTO Jane Park loved it', { name: 'Jane Park', title: 'CTO' }],
    [
      "Initech's IT manager Peter Gibbons is our champion",
      { name: 'Peter Gibbons', title: 'IT manager' },
    ],
    ['spoke to Lisa from Hooli procurement', { name: 'Lisa', title: 'procurement' }],
  ])('%s', (text, contact) => {
    expect(only(text).contacts).toEqual([contact]);
  });

  it.each([
    ['字节跳动的采购经理王磊说预算大概80万', { name: '王磊', title: '采购经理' }],
    ['今天见了网易的王总', { name: '王总', title: null }],
    ['和小米的李经理(CIO)开了会', { name: '李经理', title: 'CIO' }],
    ['伊利初次拜访,对接人是IT总监刘洋', { name: '刘洋', title: 'IT总监' }],
  ])('%s', (text, contact) => {
    expect(only(text, SHANGHAI).contacts).toEqual([contact]);
  });

  it('finds competitors in both languages', () => {
    expect(
      only('Acme also looking at Gong and Clari, competing with Outreach').competitors,
    ).toEqual(['Gong', 'Clari', 'Outreach']);
    expect(only("Umbrella: they're comparing us vs Zendesk").competitors).toEqual(['Zendesk']);
    expect(only('海尔的竞品是金蝶,同时在看用友', SHANGHAI).competitors).toEqual(['金蝶', '用友']);
    expect(only('阿里云那边还没报价,客户在跟华为云比较', SHANGHAI).competitors).toEqual(['华为云']);
  });
});

describe('needs, next steps, close dates, lost reasons', () => {
  it('splits needs on commas and "and", and drops sales artefacts', () => {
    expect(only('Vandelay wants SSO, audit logs and custom roles').needs).toEqual([
      'SSO',
      'audit logs',
      'custom roles',
    ]);
    expect(only('同花顺需要API对接、单点登录和审计日志', SHANGHAI).needs).toEqual([
      'API对接',
      '单点登录',
      '审计日志',
    ]);
    expect(only('Oscorp asked for pricing on 200 seats').needs).toEqual([]);
    expect(only('Acme: we need to send the deck').needs).toEqual([]);
  });

  it('ties dates to the next step or the close date', () => {
    expect(only('Acme: send proposal by Dec 4')).toMatchObject({
      nextStep: 'send proposal',
      nextStepDue: '2026-12-04',
      closeDate: null,
    });
    expect(only('Stark in legal review, expect to close end of Q1')).toMatchObject({
      closeDate: '2027-03-31',
      nextStep: null,
    });
    expect(only('招商银行在走采购流程,预计月底签约', SHANGHAI)).toMatchObject({
      stage: 'negotiation',
      closeDate: '2026-11-30',
    });
    expect(only('美的集团 POC 通过了,下一步商务谈判', SHANGHAI)).toMatchObject({
      nextStep: '商务谈判',
      nextStepDue: null,
    });
  });

  it('records why a deal was lost', () => {
    expect(only('Umbrella Corp: lost to Salesforce on price 😞')).toMatchObject({
      stage: 'closed_lost',
      competitors: ['Salesforce'],
      lostReason: 'lost to Salesforce on price',
    });
    expect(only('美团因为价格丢单', SHANGHAI)).toMatchObject({
      stage: 'closed_lost',
      lostReason: '因为价格丢单',
    });
  });
});

describe('robustness', () => {
  it('sets currency whenever it sets an amount', () => {
    for (const text of [
      'Acme 50k',
      'Acme budget 80,000',
      '华为50万',
      'Acme ¥3万',
      'Globex €2M deal',
    ]) {
      for (const u of updates(text, SHANGHAI)) {
        if (u.amount !== null) expect(u.currency, text).toMatch(/^[A-Z]{3}$/);
      }
    }
  });

  it('answers through the Extractor interface', async () => {
    const extractor = createOfflineExtractor();
    expect(extractor.name).toBe('offline');
    const result = await extractor.extract('Globex signed 120k', CHICAGO);
    expect(result.source).toBe('offline');
    expect(result.extraction.updates[0]).toMatchObject({ account: 'Globex', stage: 'closed_won' });
  });

  it('needs more than a date to call a message an update', () => {
    expect(extractOffline('see you tomorrow', CHICAGO).intent).toBe('other');
    expect(only('follow up tomorrow')).toMatchObject({ account: null, nextStepDue: '2026-11-25' });
  });

  it('survives a bad clock, zone or currency in the context', () => {
    const bad = { ...CHICAGO, now: new Date('nope'), timezone: 'Not/AZone', currency: '💸' };
    const result = extractOffline('met Acme, follow up Friday, 50k', bad);
    expect(ExtractionSchema.parse(result).intent).toBe('update');
  });

  it('returns quickly on 20,000 characters and hostile input', () => {
    const fill = (unit: string) => unit.repeat(Math.ceil(20_000 / unit.length)).slice(0, 20_000);
    const inputs = [
      'met Acme, they need SSO, ~$50k, follow up Friday. ',
      '今天拜访了华为,需要私有化部署,预算50万,下周五前发方案;',
      '1,000,',
      'A和B、C与D,E&F and G ',
      '在和华为和中兴和',
      'Jane (CTO ',
      'need want looking for ',
      'tomorrow next Friday 12/4 $5k ¥3万 ',
      '\u200b\u200e\u202e\u2066',
      '\u0000\u0001\u0007\u001b\u007f',
      '\ud83d',
      'שלום עולם met Acme \u202esigned\u202c 50k ',
      '(',
      'a',
    ].map(fill);
    for (const text of inputs) {
      expect(text.length).toBeGreaterThanOrEqual(20_000);
      const started = performance.now();
      const result = extractOffline(text, SHANGHAI);
      const ms = performance.now() - started;
      expect(ExtractionSchema.safeParse(result).success).toBe(true);
      expect(ms, text.slice(0, 20)).toBeLessThan(250);
    }
  });

  it('reads through zero-width, bidi and control characters', () => {
    expect(only('me\u200bt Ac\u200bme\u0007, \u202eneed SSO\u202c, ~$50k')).toMatchObject({
      account: 'Acme',
      amount: 50_000,
      needs: ['SSO'],
    });
  });
});
