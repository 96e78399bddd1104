/**
 * Reading names out of chat text: capitalised English names, Chinese company
 * names (which have no capitals or spaces, so they end where a predicate
 * word starts), and personal names. Shared by accounts, contacts and
 * competitors.
 */
import { asciiLower, isHan } from '../text.ts';

/** Capitalised words that start sentences or name things other than companies. */
const EN_NOT_NAMES = new Set(
  `a about after again all also am an and any are as asap at back be been before both budget but by call called
  can chose closed close contract cool could count customer deal decision demo did discovery do does done eod eom
  eow fyi follow for from fwd got great had has have he her hi his how i if in intro is it its just last late lost
  lol looking maybe meeting met meet more my need needs new next no nope not note nothing now of off ok okay on
  only or our per pinged please pls po poc pricing procurement proposal q1 q2 q3 q4 h1 h2 quick quote re redlines
  sent she should signed so some sounds spoke still target thanks thx that the their them then there these they
  this those to today tomorrow tmrw update updates us visited was we went were what when where which who why will
  with would yes yet you your intro call follow-up followup kickoff legal review negotiation negotiating verbal
  had hey hello team good morning jan feb mar apr may jun jul aug sep sept oct nov dec january february march
  april june july august september october november december mon tue tues wed thu thur thurs fri sat sun monday
  tuesday wednesday thursday friday saturday sunday sso saml scim sla api crm erp sdk ui ux it hr ops cto ceo cfo
  cio coo ciso cmo cro vp svp evp gm nda msa sow rfp rfi rfq poc pilot usd eur gbp cny rmb inr jpy aud nzd sgd
  cad hkd arr acv mrr tcv roi kpi fy yoy qoq eod cob eow eom eoq eoy asap fyi btw imo tbd tba pto ooo us
  usa eu apac emea latam ai ml bi etl sql aws gcp azure soc iso hipaa soc2 soc1 iso27001 gdpr pci fedramp on-prem saas ssl vpn okta
  hoping expecting expected expect waiting wait they're we're i'm it's that's there's ping pushed moving moved
  sending send sync check revisit renewal renewals champion director manager head lead engineer architect buyer
  founder president owner chairman officer regional ops eng engineering security finance sales marketing product
  data analytics support success platform enterprise team teams sad yay ugh wow damn boom meh bummer oops
  nice finally cool great awesome`.split(/\s+/),
);

export function isNotName(word: string): boolean {
  return EN_NOT_NAMES.has(
    asciiLower(word)
      .replace(/['’](?:s|ll|re|ve|d|m)$/, '')
      .replace(/[.'’]+$/, ''),
  );
}

/** Common given names: a capitalised word from this list is a person, not a company. */
const FIRST_NAMES = new Set(
  `aaron adam alex alexander alice alicia amanda amit amy andrea andrew angela anil ann anna anne anthony arjun
  ashley barbara ben benjamin beth betty bill bob brandon brian carol caroline charles charlie chris christine
  christopher claire daniel dave david deborah deepak dennis diana donald donna dorothy ed edward elizabeth emily
  emma eric erin frank gary george grace greg hannah harry heather helen henry isabel jack jacob james jane janet
  jason jeff jen jenn jess jennifer jenny jeremy jessica jim joe john jonathan jose joseph josh joshua julia julie justin karen
  kate katherine kathy kelly ken kevin kim dan danny meg sue pat max kumar larry laura lauren linda lisa liz lucy maria mark martin mary
  matt matthew megan melissa michael michelle mike nancy neha nick nicole olivia pam pamela patricia patrick paul
  peter pooja priya rachel rahul raj rajesh ravi rebecca richard rob robert ron ryan sam samantha sandra sanjay
  sarah scott sean sharon sophia stephanie stephen steve steven sunil susan tim timothy tom tony victoria vikram
  william wei ming li lin chen wang zhang liu yang hui jun yan fang tom dwight jim kevin oscar angela stanley
  phyllis creed toby ryan kelly meredith peter samir ahmed fatima mohammed omar hiroshi yuki kenji akira`.split(
    /\s+/,
  ),
);

export function isFirstName(word: string): boolean {
  return FIRST_NAMES.has(asciiLower(word));
}

const ABBREVIATION = /^(?:Ent|Inc|Corp|Co|Ltd|Bros|Intl|Mfg|Assn|Dept|Univ)\.$/;

function continuesAfterPossessive(text: string, from: number): boolean {
  const next = /^ ([A-Z][a-z]+)\b/.exec(text.slice(from, from + 30));
  return next !== null && !isNotName(next[1]!);
}

const NAME_TOKEN = /^(?:[A-Z][A-Za-z0-9&'’-]*\.?|[a-z]+[A-Z][A-Za-z]*)$/;
/** Lower-case words that continue a company name: "ANZ bank", "Acme labs". */
const NAME_TAIL =
  /^(?:bank|group|labs|motors|airlines|airways|insurance|industries|inc\.?|corp\.?|ltd\.?|co\.?|llc|plc|gmbh)$/i;

/**
 * Read a capitalised name (up to four tokens) starting at `start`; null when
 * the first token is not capitalised or is an ordinary word.
 */
export function readEnglishName(text: string, start: number): { name: string; end: number } | null {
  const re = /[A-Za-z0-9][A-Za-z0-9&'’.-]*/y;
  let pos = start;
  const tokens: string[] = [];
  let end = start;
  while (tokens.length < 4) {
    while (text[pos] === ' ') pos++;
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) break;
    let word = m[0];
    // A trailing full stop ends a sentence unless the word is a short abbreviation ("Ent.", "Inc.").
    if (word.endsWith('.') && !ABBREVIATION.test(word)) word = word.replace(/\.+$/, '');
    let possessive = /['’]s$/.test(word);
    // "Margie's Travel" is one name; "Acme's CFO" is Acme.
    if (possessive && tokens.length === 0 && continuesAfterPossessive(text, pos + word.length)) {
      possessive = false;
    }
    if (possessive) word = word.replace(/['’]s$/, '');
    const first = tokens.length === 0;
    // "Scheduling for next Thu", "Moving to contract": a gerund opening a clause is not a company.
    if (
      first &&
      /ing$/.test(word) &&
      /^\s+(?:for|to|on|up|with|in|the|a|our|their)\b/.test(
        text.slice(pos + m[0].length, pos + m[0].length + 8),
      )
    ) {
      break;
    }
    const capital = NAME_TOKEN.test(word) && !isNotName(word);
    const tail = !first && NAME_TAIL.test(word);
    if (!capital && !tail) break;
    if (!first && pos - end > 1) break;
    tokens.push(word);
    end = pos + word.length;
    pos = end;
    if (possessive) break;
  }
  if (tokens.length === 0) return null;
  return { name: tokens.join(' '), end };
}

// ---- Chinese -------------------------------------------------------------------

/**
 * Words that start the predicate after a Chinese company name: a name read
 * from "腾讯已经签约了" stops before 已经. Longest first.
 */
const ZH_STOP_WORDS =
  `已经 已 还在 还没 还是 还 正在 在 那边 这边 方面 项目 的 说 需要 需求 要求 希望 关注 想要 要 对 报价 报了
  签 丢单 丢了 输给 输了 选了 选择 没 不 今天 明天 昨天 后天 下周 本周 这周 上周 下个 月底 年底 预算 合同 试用 演示 方案 采购 谈判 回款
  和 跟 与 及 都 也 又 被 把 给 初次 首次 初步 那单 这单 问 倾向 拿 是 有 很 挺 刚 等 准备 计划 打算 约 去 做 发 出
  提 招标 投标 预计 同时 竞品 竞争 开了 开会 聊 谈 沟通 电话 见 拜访 成交 中标 黄了 截胡 推迟 延期 确认 决定 表示 觉得
  反馈 回复 答复 进展 目前 现在 一直 上午 下午 晚上 年费 金额 总价 老板 客户 他们 我们 PO POC 也在 的话 就 才 让 请
  帮 比 已发 发了 下一步 接下来 新需求 新项目 新的 因为 由于 所以 但是 不过 如果 虽然 进入 推进 三家 两家 几家 等等 签约 签了 报 PK pk 赢 到账 下单 审核 法务 盖章 评估 汇报 上门 交流 负责 参加 采购流程 付款`
    .split(/\s+/)
    .filter(Boolean)
    .sort((a, b) => b.length - a.length);

/** Words that look like a name by position but never are one. */
const ZH_NOT_NAMES = new Set(
  `价格 客户 对方 他们 我们 老板 项目 预算 合同 方案 报价 需求 演示 采购 法务 领导 技术 产品 大家 这个 那个 别家 别人
  其他 其它 公司 下一步 下步 接下来 同时 团队 金额 总价 年费 甲方 乙方 竞品 对手 客户方 数据 安全 时间 进度 情况 效果 反馈 结果 流程 周期
  目前 现在 今天 明天 后天 本周 下周 月底 年底 我 你 他 她 它 这边 那边 都 也 又 本月 下月 今年 明年 对接人 负责人
  技术负责人 采购经理 总经理 经理 总监 主任 先 再 然后 同时 另外 还有 已经 总共 一共 大概 预计 差不多 有点 非常 比较`
    .split(/\s+/)
    .filter(Boolean),
);

export function isNotChineseName(name: string): boolean {
  if (ZH_NOT_NAMES.has(name)) return true;
  if (/[我你他她们这那哪什么吗呢吧啊]/.test(name)) return true;
  if (
    /[0-9零〇一二两三四五六七八九十几]+(?:个|天|周|月|年|次|位|家|人|号|日|点|万|千|百|亿|多)/.test(
      name,
    )
  ) {
    return true;
  }
  if (/^[被把给和跟与在都也又还已没不很挺刚等约去是有对从向]/.test(name)) return true;
  if ((startsWithStopWord(name, 0)?.length ?? 0) > 1) return true;
  return false;
}

export function startsWithStopWord(text: string, pos: number): string | null {
  for (const w of ZH_STOP_WORDS) if (text.startsWith(w, pos)) return w;
  return null;
}

const isNameChar = (ch: string | undefined) =>
  ch !== undefined && (isHan(ch) || /[A-Za-z0-9&]/.test(ch));

/**
 * Read a Chinese (or mixed, "B站") company name from `start`: name characters
 * up to the first predicate word, at most `max` characters. `stops` are
 * offsets (dates, amounts) where a name must end too.
 */
export function readChineseName(
  text: string,
  start: number,
  stops: ReadonlySet<number> = new Set(),
  max = 12,
): { name: string; end: number } | null {
  let pos = start;
  while (pos < text.length && pos - start < max) {
    const ch = text[pos];
    if (!isNameChar(ch) || stops.has(pos)) break;
    // "华为技术有限公司": a legal suffix ends the name and is part of it, despite the 有 in it.
    const legal =
      pos > start
        ? /^(?:股份有限公司|有限责任公司|有限公司|集团公司|集团|公司)/.exec(
            text.slice(pos, pos + 6),
          )
        : null;
    if (legal) {
      pos += legal[0].length;
      break;
    }
    if (pos > start && startsWithStopWord(text, pos)) break;
    // Latin after Han (or Han after Latin) without a space is still one name ("B站", "京东Plus").
    pos++;
  }
  let name = text.slice(start, pos);
  // "中国银行信息科技部": the department is not part of the account.
  const dept =
    /^(.+?(?:银行|集团|公司|保险|证券|医院|大学))[\u3400-\u9fff]{1,6}?(?:部|中心|处|科|组|团队)$/.exec(
      name,
    );
  if (dept) {
    name = dept[1]!;
    pos = start + name.length;
  }
  if (name.length === 0) return null;
  // A run this long without a predicate word is a sentence, not a name (legal suffixes excepted).
  if (name.length > 10 && !/(?:公司|集团)$/.test(name)) return null;
  if (/^[A-Za-z0-9&]+$/.test(name) && name.length < 2) return null;
  if (!/[A-Za-z]/.test(name) && name.length < 2) return null;
  if (isNotChineseName(name)) return null;
  return { name, end: pos };
}

// Common single-character surnames, and the two-character ones chat uses.
export const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
export const COMPOUND_SURNAMES = ['欧阳', '司马', '诸葛', '上官', '东方', '慕容', '令狐', '皇甫'];
