/** English message catalogue. `zh-CN.ts` must provide the same keys (enforced by its type). */
import { answersEn } from './answers-en.ts';

export const en = {
  answers: answersEn,
  fields: {
    stage: 'Stage',
    amount: 'Amount',
    currency: 'Currency',
    closeDate: 'Expected close',
    nextStep: 'Next step',
    nextStepDue: 'Next step due',
    needs: 'Needs',
    competitors: 'Competitors',
    contacts: 'Contacts',
    lostReason: 'Lost reason',
    title: 'Deal',
    owner: 'Owner',
    status: 'Status',
    lastActivity: 'Last activity',
  },
  status: { open: 'open', won: 'won', lost: 'lost', void: 'removed' },
  none: '—',
  buttons: {
    undo: 'Undo',
    edit: 'Edit',
    newAccount: 'New account',
    newDeal: 'A new deal',
    openOwn: 'Open my own deal',
  },

  changeCreated: (account: string) => `New deal: ${account}`,
  changeUpdated: (account: string) => `Updated ${account}`,
  activityOnly: (account: string) => `Noted activity on ${account}; nothing else changed.`,
  askNextStep: 'What’s the next step, and by when?',
  askLostReason: 'Sorry to hear it. What was the main reason it was lost?',
  afterSales: (date: string) => `I’ve scheduled an after-sales check-in for ${date}.`,
  dropped: (field: string, reason: string) => `I left ${field} unchanged: ${reason}.`,
  alias: (name: string, account: string) => `I’ll remember that “${name}” means ${account}.`,
  aiUnavailable: 'The AI service is unavailable right now, so I read this with the offline rules.',
  aiCapped:
    'This workspace has reached its AI usage limit for now, so I read this with the offline rules.',
  aiQuota:
    'The AI provider’s quota is used up, so I read this with the offline rules. An admin needs to top up the account.',

  ambiguousAccount: (name: string) => `Which account do you mean by “${name}”?`,
  newAccountOption: (name: string) => `New account “${name}”`,
  ambiguousDeal: (account: string) => `${account} has several open deals. Which one is this about?`,
  teammateDeal: (account: string, owner: string) =>
    `${account}’s open deal belongs to ${owner}. Only ${owner} or a manager can change it.`,
  readOnly:
    'You can ask me questions, but guests and people outside this workspace can’t change deal data.',
  noAccount: 'Which account is this about? Mention the company, e.g. “met Acme, they need SSO”.',
  noContent:
    'I couldn’t find a deal update in that. Try: “met Acme, they need SSO, 50k, follow up Friday”.',
  chitchat:
    'Hi! Tell me about a customer conversation and I’ll update the pipeline. Type “help” to see what I can do.',
  choiceExpired: 'That choice is no longer open.',
  choiceNotYours: 'Only the person who sent the update can choose here.',

  undone: (account: string) => `Undone: ${account} is back to how it was.`,
  undonePartly: (account: string, fields: string) =>
    `Undone on ${account}, except ${fields}, which changed again since.`,
  alreadyUndone: 'That change was already undone.',
  nothingToUndo: 'There is nothing of yours to undo.',
  undoConflict: (fields: string) =>
    `I can’t undo that: ${fields} changed again since. Edit the deal instead.`,
  forbidden: 'You can’t change that deal: only its owner or a manager can.',
  notFound: 'I can’t find that deal.',
  conflict: 'Someone changed this deal at the same moment. Please check it and try again.',
  failed:
    'Sorry, something went wrong while saving this. Your message is kept and will be retried.',
  badAction: 'That button is no longer valid.',

  help: {
    title: 'pipebot — your pipeline, updated from chat',
    updates: 'Log an update',
    updatesLines: [
      'Just tell me what happened: “met Acme, they need SSO, ~$50k, follow up Friday”.',
      'Several accounts in one message are fine. Reply in the thread to add to the same deal.',
      'Every change shows what moved, with Undo and Edit.',
    ],
    commands: 'Commands',
    commandLines: [
      'deal <account> — status and history of a deal',
      'pipeline [@rep] [stage] — open deals by stage',
      'followups — your next steps that are due',
      'undo — undo your last change',
      'settings — timezone, language, currency, digest (managers)',
      'role @person manager|rep — who manages (admins)',
      'watch / unwatch — read updates posted in this channel',
    ],
    questions: 'Ask',
    questionLines: [
      '“what’s in negotiation?”, “how much is Bob carrying?”, “which deals are stuck?”',
    ],
  },
  questionFallback: {
    title: 'I can’t answer that one yet. Here is what I can look up:',
    lines: [
      'pipeline — open deals by stage, with totals',
      'deal <account> — one deal’s status and history',
      'followups — next steps that are due or overdue',
    ],
  },

  pipelineTitle: (who: string | null) => (who ? `Open pipeline — ${who}` : 'Open pipeline'),
  pipelineStageTitle: (stage: string) => `Open deals in ${stage}`,
  pipelineEmpty: 'No open deals yet.',
  pipelineWeighted: 'Weighted by each stage’s win probability.',
  dealNotFound: (name: string) => `No deal found for “${name}”.`,
  dealUsage: 'Which account? e.g. “deal Acme”.',
  followupsTitle: 'Your follow-ups',
  followupsEmpty: 'Nothing due. Nice.',
  followupOverdue: (days: number) => (days === 1 ? '1 day overdue' : `${days} days overdue`),
  followupToday: 'due today',
  followupDue: (date: string) => `due ${date}`,
  andMore: (n: number) => `…and ${n} more`,

  settingsTitle: 'Workspace settings',
  settingsUsage:
    'settings <key> <value> — keys: timezone, language, currency, digest-channel, digest-time, working-days, template, visibility, quiet-hours, nudges, nudge-time, nudge-cap, after-sales-days, fx',
  settingsSaved: (key: string, value: string) => `Saved: ${key} = ${value}.`,
  settingsInvalid: (key: string, hint: string) => `That isn’t a valid ${key}: ${hint}`,
  settingsForbidden: 'Only managers and admins can change settings.',
  roleUsage: 'role @person manager|rep|admin',
  roleSaved: (who: string, role: string) => `${who} is now ${role}.`,
  roleForbidden: 'Only admins can change roles.',
  roleUnknownMember: (who: string) =>
    `I don’t know “${who}” yet — they need to talk to me once first.`,
  roleLastAdmin: 'The workspace needs at least one admin.',
  watchOn: 'I’ll read deal updates posted in this channel. “unwatch” to stop.',
  watchOff: 'I’ll no longer read this channel unless mentioned.',
  watchNeedsChannel: 'Use this in a channel.',
  notMember: 'I only record updates from members of this workspace.',
  editTooLate: 'That message is too old to re-read; send the correction as a new message.',

  nudge: {
    title: (name: string, n: number) =>
      n === 1 ? `${name}, one thing needs you today` : `${name}, ${n} things need you today`,
    sections: {
      overdue: 'Overdue follow-ups',
      due_today: 'Due today',
      close_passed: 'Past the expected close date',
      stale: 'Gone quiet',
      after_sales: 'After-sales check-ins',
    },
    overdue: (days: number) => (days === 1 ? '1 day overdue' : `${days} days overdue`),
    dueToday: 'due today',
    closePassed: (date: string) => `was due to close ${date}`,
    idle: (days: number) => (days === 1 ? 'no activity for 1 day' : `no activity for ${days} days`),
    afterSales: 'after-sales check-in',
    more: (n: number) => `${n} more will wait for another day; type “followups” to see your list.`,
    footer: 'Snooze hides an item until the day you pick.',
    buttons: {
      done: 'Done',
      snooze1: 'Snooze 1d',
      snooze3: 'Snooze 3d',
      snooze7: 'Snooze 1w',
      log: 'Log update',
      push: 'Close date +2w',
    },
    state: {
      done: 'Done',
      snoozed: (date: string) => `Snoozed until ${date}`,
      rescheduled: (date: string) => `Expected close moved to ${date}`,
      won: 'Won',
      lost: 'Lost',
      gone: 'No longer open',
    },
    doneText: (what: string) => `Done: ${what}`,
    snoozedText: (what: string, date: string) => `Snoozed until ${date}: ${what}`,
    pushedText: (account: string, date: string) => `${account}: expected close moved to ${date}.`,
  },

  digest: {
    title: (date: string) => `Pipeline digest — ${date}`,
    quiet: (since: string) =>
      `All quiet since ${since}: no pipeline changes, nothing closing soon or at risk.`,
    since: (date: string) => `Since ${date}`,
    change: { won: 'Won', lost: 'Lost', created: 'New', moved: 'Moved', amount: 'Amount' },
    was: (before: string) => `was ${before}`,
    pipeline: 'Open pipeline',
    deals: (n: number) => (n === 1 ? '1 deal' : `${n} deals`),
    weighted: (s: string) => `weighted ${s}`,
    total: 'Total',
    converted: (total: string, weighted: string, rates: string) =>
      `≈ ${total} in all (weighted ${weighted}), converted at ${rates}`,
    rate: (code: string, rate: string, base: string) => `1 ${code} = ${rate} ${base}`,
    noRate: (codes: string) =>
      `Totals stay per currency: no exchange rate for ${codes} (settings fx CODE RATE).`,
    closing: 'Expected to close in the next 14 days',
    atRisk: 'At risk',
    risk: {
      closePassed: (date: string) => `was due to close ${date}`,
      overdue: (date: string) => `follow-up overdue since ${date}`,
      stale: (days: number) => `no activity for ${days} days`,
    },
    activity: 'Activity by rep',
    updatesOn: (updates: number, deals: number) =>
      `${updates === 1 ? '1 update' : `${updates} updates`} on ${deals === 1 ? '1 deal' : `${deals} deals`}`,
    createdCount: (n: number) => `${n} new`,
    wonCount: (n: number) => `${n} won`,
    lostCount: (n: number) => `${n} lost`,
    conversion: 'This week: stage conversion',
    conversionLine: (stage: string, advanced: number, total: number, pct: number, lost: number) =>
      `${stage}: ${advanced} of ${total} moved forward (${pct}%)${lost ? `, ${lost} lost` : ''}`,
    weekWins: 'Won this week',
    weekWinsTotal: (n: number, totals: string) =>
      `${n === 1 ? '1 deal' : `${n} deals`} won this week: ${totals}`,
    footer: 'Weighted figures use each stage’s win probability.',
  },

  home: {
    dealsTitle: 'Your open deals',
    dealsEmpty: 'No open deals yet. Tell me about a customer conversation to start one.',
    teamTitle: 'Team pipeline',
  },
  surface: {
    chosen: (label: string) => `Chosen: ${label}`,
    choose: 'Choose…',
    close: 'Close',
    done: 'Done',
    chart: 'Chart',
    total: 'Total',
    weighted: 'weighted',
  },
};

export type Messages = typeof en;
