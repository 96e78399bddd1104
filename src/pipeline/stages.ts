/**
 * Stage templates. Every template maps its stages onto a small set of
 * canonical phases, so that rule-based understanding ("sent the quote",
 * "签约了") and reports work whatever names a workspace uses.
 */

export type Locale = 'en' | 'zh-CN';

export const PHASES = [
  'prospecting',
  'needs_analysis',
  'proposal',
  'quote',
  'negotiation',
  'won',
  'lost',
] as const;
export type Phase = (typeof PHASES)[number];

export interface Stage {
  key: string;
  name: Record<Locale, string>;
  meaning: Record<Locale, string>;
  phase: Phase;
  /** Default win probability, 0..1, used for the weighted forecast. */
  probability: number;
  /** Nudge when an open deal sits in this stage longer than this many days. */
  staleDays: number;
}

export interface StageTemplate {
  key: string;
  name: Record<Locale, string>;
  stages: readonly Stage[];
}

const won = (key: string, en: string, zh: string): Stage => ({
  key,
  name: { en, 'zh-CN': zh },
  meaning: { en: 'signed, PO received, paid', 'zh-CN': '已签约、收到订单或已付款' },
  phase: 'won',
  probability: 1,
  staleDays: 0,
});
const lost = (key: string, en: string, zh: string): Stage => ({
  key,
  name: { en, 'zh-CN': zh },
  meaning: { en: 'lost, no decision, went elsewhere', 'zh-CN': '丢单、无决策或选择了别家' },
  phase: 'lost',
  probability: 0,
  staleDays: 0,
});

export const DEFAULT_TEMPLATE: StageTemplate = {
  key: 'default',
  name: { en: 'Classic B2B', 'zh-CN': '经典 B2B' },
  stages: [
    {
      key: 'prospecting',
      name: { en: 'Prospecting', 'zh-CN': '潜在客户识别' },
      meaning: {
        en: 'a potential customer identified, first contact',
        'zh-CN': '识别出潜在客户,初次接触',
      },
      phase: 'prospecting',
      probability: 0.1,
      staleDays: 14,
    },
    {
      key: 'needs_analysis',
      name: { en: 'Needs analysis', 'zh-CN': '需求分析' },
      meaning: {
        en: 'discovery: needs, pain points, budget being learned',
        'zh-CN': '了解需求、痛点和预算',
      },
      phase: 'needs_analysis',
      probability: 0.2,
      staleDays: 14,
    },
    {
      key: 'proposal',
      name: { en: 'Proposal', 'zh-CN': '方案制定' },
      meaning: {
        en: 'a solution / demo / POC prepared or presented',
        'zh-CN': '准备或展示方案、演示、POC',
      },
      phase: 'proposal',
      probability: 0.4,
      staleDays: 10,
    },
    {
      key: 'quote',
      name: { en: 'Quote', 'zh-CN': '报价' },
      meaning: { en: 'pricing or a formal quote sent', 'zh-CN': '已发送价格或正式报价' },
      phase: 'quote',
      probability: 0.6,
      staleDays: 7,
    },
    {
      key: 'negotiation',
      name: { en: 'Negotiation', 'zh-CN': '谈判' },
      meaning: {
        en: 'price, delivery, terms, contract, legal, procurement',
        'zh-CN': '价格、交付、条款、合同、法务、采购流程',
      },
      phase: 'negotiation',
      probability: 0.8,
      staleDays: 7,
    },
    won('closed_won', 'Closed won', '成交'),
    lost('closed_lost', 'Closed lost', '丢单'),
  ],
};

const stage = (
  key: string,
  phase: Phase,
  en: string,
  zh: string,
  meaningEn: string,
  meaningZh: string,
  probability: number,
  staleDays: number,
): Stage => ({
  key,
  name: { en, 'zh-CN': zh },
  meaning: { en: meaningEn, 'zh-CN': meaningZh },
  phase,
  probability,
  staleDays,
});

export const FINANCE_TEMPLATE: StageTemplate = {
  key: 'finance',
  name: { en: 'Financial services', 'zh-CN': '金融' },
  stages: [
    stage(
      'lead',
      'prospecting',
      'Lead',
      '线索',
      'a prospect identified',
      '识别出潜在客户',
      0.05,
      21,
    ),
    stage(
      'discovery',
      'needs_analysis',
      'Discovery',
      '需求调研',
      'needs and budget being learned',
      '了解需求和预算',
      0.15,
      21,
    ),
    stage(
      'compliance_review',
      'proposal',
      'Compliance review',
      '合规审查',
      'due diligence, security and compliance questionnaires',
      '尽职调查、安全与合规审查',
      0.35,
      21,
    ),
    stage(
      'term_sheet',
      'quote',
      'Term sheet',
      '条款报价',
      'pricing and terms proposed',
      '已提出价格和条款',
      0.55,
      14,
    ),
    stage(
      'approval',
      'negotiation',
      'Committee approval',
      '审批',
      'credit / investment committee, legal, procurement',
      '委员会审批、法务、采购',
      0.75,
      14,
    ),
    won('funded', 'Funded', '成交'),
    lost('declined', 'Declined', '丢单'),
  ],
};

export const INSURANCE_TEMPLATE: StageTemplate = {
  key: 'insurance',
  name: { en: 'Insurance', 'zh-CN': '保险' },
  stages: [
    stage(
      'prospect',
      'prospecting',
      'Prospect',
      '潜在客户',
      'a prospect identified',
      '识别出潜在客户',
      0.1,
      14,
    ),
    stage(
      'fact_finding',
      'needs_analysis',
      'Fact finding',
      '需求了解',
      'coverage needs, risks and budget',
      '了解保障需求、风险和预算',
      0.2,
      14,
    ),
    stage(
      'underwriting',
      'proposal',
      'Underwriting',
      '核保',
      'application submitted, underwriting',
      '已投保、核保中',
      0.4,
      14,
    ),
    stage('quoted', 'quote', 'Quoted', '报价', 'premium quoted', '已报保费', 0.6, 10),
    stage(
      'binding',
      'negotiation',
      'Binding',
      '签单中',
      'terms agreed, policy being bound',
      '条款确认、出单中',
      0.85,
      7,
    ),
    won('bound', 'Bound', '成交'),
    lost('not_taken', 'Not taken', '丢单'),
  ],
};

export const IT_TEMPLATE: StageTemplate = {
  key: 'it',
  name: { en: 'IT / software', 'zh-CN': 'IT / 软件' },
  stages: [
    stage('lead', 'prospecting', 'Lead', '线索', 'first contact', '初次接触', 0.1, 14),
    stage(
      'discovery',
      'needs_analysis',
      'Discovery',
      '需求调研',
      'requirements, pain points, budget',
      '需求、痛点、预算',
      0.2,
      14,
    ),
    stage(
      'poc',
      'proposal',
      'Demo / POC',
      '演示/POC',
      'demo, trial or proof of concept',
      '演示、试用或概念验证',
      0.4,
      14,
    ),
    stage('quote', 'quote', 'Quote', '报价', 'formal quote sent', '已发送正式报价', 0.6, 7),
    stage(
      'procurement',
      'negotiation',
      'Procurement',
      '采购/商务',
      'security review, legal, procurement',
      '安全评审、法务、采购流程',
      0.8,
      10,
    ),
    won('closed_won', 'Closed won', '成交'),
    lost('closed_lost', 'Closed lost', '丢单'),
  ],
};

export const MANUFACTURING_TEMPLATE: StageTemplate = {
  key: 'manufacturing',
  name: { en: 'Manufacturing', 'zh-CN': '制造业' },
  stages: [
    stage(
      'inquiry',
      'prospecting',
      'Inquiry',
      '询盘',
      'an inquiry received or a prospect identified',
      '收到询盘或识别出潜在客户',
      0.1,
      14,
    ),
    stage(
      'requirements',
      'needs_analysis',
      'Requirements',
      '需求确认',
      'specs, volumes, drawings',
      '规格、数量、图纸',
      0.2,
      14,
    ),
    stage(
      'sampling',
      'proposal',
      'Sampling',
      '打样',
      'samples or a technical proposal',
      '样品或技术方案',
      0.4,
      21,
    ),
    stage('quotation', 'quote', 'Quotation', '报价', 'quotation sent', '已发报价单', 0.55, 10),
    stage(
      'contract',
      'negotiation',
      'Contract',
      '合同谈判',
      'price, delivery terms, contract',
      '价格、交期、合同条款',
      0.8,
      10,
    ),
    won('order', 'Order won', '成交'),
    lost('lost', 'Lost', '丢单'),
  ],
};

export const TEMPLATES: Record<string, StageTemplate> = {
  default: DEFAULT_TEMPLATE,
  finance: FINANCE_TEMPLATE,
  insurance: INSURANCE_TEMPLATE,
  it: IT_TEMPLATE,
  manufacturing: MANUFACTURING_TEMPLATE,
};

export function getTemplate(key: string | null | undefined): StageTemplate {
  return (key && TEMPLATES[key]) || DEFAULT_TEMPLATE;
}

export function findStage(template: StageTemplate, key: string): Stage | undefined {
  return template.stages.find((s) => s.key === key);
}

/** The template's stage for a phase (the first one, if a custom template has several). */
export function stageForPhase(template: StageTemplate, phase: Phase): Stage | undefined {
  return template.stages.find((s) => s.phase === phase);
}

export function isClosedPhase(phase: Phase): boolean {
  return phase === 'won' || phase === 'lost';
}

/** Open stages in pipeline order (everything but won and lost). */
export function openStages(template: StageTemplate): Stage[] {
  return template.stages.filter((s) => !isClosedPhase(s.phase));
}

/** Match a stage by key or by its name in either language, case-insensitively. */
export function matchStage(template: StageTemplate, text: string): Stage | undefined {
  const t = text
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  return template.stages.find(
    (s) =>
      s.key === t ||
      s.name.en.toLowerCase().replace(/[\s-]+/g, '_') === t ||
      s.name['zh-CN'] === text.trim(),
  );
}
