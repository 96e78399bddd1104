/** The few words the Discord adapter adds around the assistant's replies. */
import type { Locale } from '../../pipeline/stages.ts';

const en = {
  more: (n: number) => `…and ${n} more`,
  history: 'History',
  total: 'Total',
  weighted: 'weighted',
  choose: 'Choose…',
  continued: '(cont.)',
  editAgain: 'Edit again',
  fixFields: 'Please fix these fields:',
  amountLabel: 'Amount and currency',
  amountHint: 'e.g. 50000 USD, 50k EUR; empty clears it',
  failed: 'Something went wrong on my side; please try again.',
  stopping: 'pipebot is restarting; please try again in a moment.',
};

const zhCN: typeof en = {
  more: (n: number) => `……还有 ${n} 项`,
  history: '历史',
  total: '合计',
  weighted: '加权',
  choose: '请选择…',
  continued: '(续)',
  editAgain: '重新编辑',
  fixFields: '请修改以下字段:',
  amountLabel: '金额和币种',
  amountHint: '例如 500000 CNY、50k USD;留空表示清除',
  failed: '我这边出错了,请稍后再试。',
  stopping: 'pipebot 正在重启,请稍后再试。',
};

export type AdapterStrings = typeof en;

export function strings(locale: Locale): AdapterStrings {
  return locale === 'zh-CN' ? zhCN : en;
}
