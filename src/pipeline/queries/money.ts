/**
 * Money totals that never add currencies together silently: a total is a
 * list of amounts per currency, plus — only when several currencies are
 * present and the workspace configured a rate for each — one converted
 * figure that says which rates it used.
 */
import type { QueryScope } from './scope.ts';

export interface Money {
  currency: string;
  amount: number;
}

export interface MoneyTotal {
  /** One entry per currency, largest first. Empty when nothing had an amount. */
  byCurrency: Money[];
  /** Set when several currencies were converted into the workspace currency. */
  converted: { currency: string; amount: number; rates: Record<string, number> } | null;
}

export const round2 = (n: number) => Math.round(n * 100) / 100;

/** Add one currency's amount into a running map. */
export function addMoney(into: Map<string, number>, currency: string, amount: number): void {
  into.set(currency, (into.get(currency) ?? 0) + amount);
}

/** A per-currency map as a total, converted with the scope's rates when that is possible. */
export function moneyTotal(scope: QueryScope, amounts: Map<string, number>): MoneyTotal {
  const byCurrency = [...amounts.entries()]
    .filter(([, amount]) => amount !== 0)
    .map(([currency, amount]) => ({ currency, amount: round2(amount) }))
    .sort((a, b) => b.amount - a.amount || a.currency.localeCompare(b.currency));
  let converted: MoneyTotal['converted'] = null;
  if (byCurrency.length > 1) {
    const rates: Record<string, number> = {};
    let sum = 0;
    let complete = true;
    for (const m of byCurrency) {
      if (m.currency === scope.currency) {
        sum += m.amount;
        continue;
      }
      const rate = scope.fxRates[m.currency];
      if (!rate) {
        complete = false;
        break;
      }
      rates[m.currency] = rate;
      sum += m.amount * rate;
    }
    if (complete) converted = { currency: scope.currency, amount: round2(sum), rates };
  }
  return { byCurrency, converted };
}

/** The rate that turns an amount in `currency` into the workspace currency, or null. */
export function rateOf(scope: QueryScope, currency: string): number | null {
  if (currency === scope.currency) return 1;
  return scope.fxRates[currency] ?? null;
}
