/**
 * Decides, request by request, which fault rule applies. Rules are tried in order; the first one whose
 * path and method match and whose `count` is not used up takes the request (counted as matched), and
 * applies on every `every`-th request it takes.
 */
import { DEFAULT_FAULT_PATH, type FaultRule, validateFaultRules } from './rules';

export interface FaultStats {
  /** Requests taken by a rule since the rules were last set. */
  matched: number;
  /** Requests a fault was applied to since the rules were last set. */
  applied: number;
}

/** What tests and the CLI use to throttle "for a while" and then stop. */
export interface FaultControl {
  /** Replaces the rules and starts the counts (per rule and in stats) from zero. */
  set(rules: FaultRule[]): void;
  /** Removes every rule; stats keep their values so a test can still read them. */
  clear(): void;
  stats(): FaultStats;
}

/** The fault to apply to one request. */
export interface FaultAction {
  delayMs: number;
  /** Undefined: after the delay, serve the request normally. */
  outcome?: { kind: 'drop' } | { kind: 'status'; status: number; retryAfter?: number };
}

interface LiveRule {
  rule: FaultRule;
  matched: number;
  applied: number;
}

export class FaultInjector implements FaultControl {
  private rules: LiveRule[] = [];
  private totals: FaultStats = { matched: 0, applied: 0 };

  constructor(rules: FaultRule[] = []) {
    this.set(rules);
  }

  set(rules: FaultRule[]): void {
    this.rules = validateFaultRules(rules).map((rule) => ({ rule, matched: 0, applied: 0 }));
    this.totals = { matched: 0, applied: 0 };
  }

  clear(): void {
    this.rules = [];
  }

  stats(): FaultStats {
    return { ...this.totals };
  }

  get active(): boolean {
    return this.rules.length > 0;
  }

  /** The fault for this request, if any; counts it. */
  decide(method: string, path: string): FaultAction | undefined {
    const live = this.rules.find((r) => matches(r, method, path));
    if (!live) return undefined;
    live.matched += 1;
    this.totals.matched += 1;
    if (live.matched % (live.rule.every ?? 1) !== 0) return undefined;
    live.applied += 1;
    this.totals.applied += 1;
    return toAction(live.rule);
  }
}

function matches(live: LiveRule, method: string, path: string): boolean {
  const { rule } = live;
  if (rule.count !== undefined && live.applied >= rule.count) return false;
  if (rule.method !== undefined && rule.method !== method.toUpperCase()) return false;
  return path.startsWith(rule.path ?? DEFAULT_FAULT_PATH);
}

function toAction(rule: FaultRule): FaultAction {
  const delayMs = rule.delayMs ?? 0;
  if (rule.drop) return { delayMs, outcome: { kind: 'drop' } };
  if (rule.status !== undefined) {
    const outcome: FaultAction['outcome'] = { kind: 'status', status: rule.status };
    if (rule.retryAfter !== undefined) outcome.retryAfter = rule.retryAfter;
    return { delayMs, outcome };
  }
  return { delayMs };
}
