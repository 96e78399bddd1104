/**
 * Twenty account names, English and Chinese, for an extraction prompt's
 * "open deals" context: shared by the prompt tests and the token benchmark.
 */
export const OPEN_DEAL_ACCOUNTS = [
  'Acme Corp',
  '华为技术有限公司',
  'Globex Industries',
  '阿里巴巴',
  'Initech',
  '中国平安保险',
  'Wayne Enterprises',
  '比亚迪',
  'Stark Industries',
  '招商银行',
  'Umbrella Health',
  '京东物流',
  'Hooli',
  '美团',
  'Soylent Foods',
  '宁德时代',
  'Cyberdyne Systems',
  '小米科技',
  'Massive Dynamic',
  '中兴通讯',
] as const;
