// The strategies compared, each the way its source documents it, and the pages that run them.
// A page is plain HTML: an import map for axios (and axios-auth-refresh, which ships only an ES
// module that imports "axios"), the broker's one tag when the variant has it, and the strategy's
// script from bench/pages/.

import { BROKER_CONFIGS, type BrokerConfigName } from './broker-configs.ts';

const BROKER_CONFIG_NAMES = Object.keys(BROKER_CONFIGS) as BrokerConfigName[];

export type StrategyId = 'none' | 'every-401' | 'shared-promise' | 'auth-refresh';

export interface Strategy {
  readonly id: StrategyId;
  /** Short name for tables and the chart. */
  readonly label: string;
}

export const STRATEGIES: readonly Strategy[] = [
  { id: 'none', label: 'no refresh logic' },
  { id: 'every-401', label: 'refresh on every 401' },
  { id: 'shared-promise', label: 'shared promise per tab' },
  { id: 'auth-refresh', label: 'axios-auth-refresh 5' },
];

/** One page of the matrix: a strategy, with or without the broker's tag. */
export interface Variant {
  readonly strategy: Strategy;
  readonly broker: boolean;
}

export const VARIANTS: readonly Variant[] = STRATEGIES.flatMap((strategy) => [
  { strategy, broker: false },
  { strategy, broker: true },
]);


export function variantName(variant: Variant): string {
  return `${variant.strategy.id}${variant.broker ? '+broker' : ''}`;
}

/** URL path (no leading slash) of a variant's page inside the served directory. */
export function variantPagePath(variant: Variant, config: BrokerConfigName = 'default'): string {
  const suffix = !variant.broker ? '' : config === 'default' ? '-broker' : `-broker-${config}`;
  return `bench/${variant.strategy.id}${suffix}.html`;
}

const IMPORT_MAP = JSON.stringify({
  imports: { axios: '/bench/vendor/axios.js', 'axios-auth-refresh': '/bench/vendor/axios-auth-refresh.js' },
});

export function strategyPageHtml(variant: Variant, config: BrokerConfigName = 'default'): string {
  const brokerTag = variant.broker
    ? `\n<script src="/token-broker-register.js" data-config="${BROKER_CONFIGS[config].path}"></script>` : '';
  return `<!doctype html><html><head><meta charset="utf-8"><title>bench: ${variantName(variant)}</title>
<script type="importmap">${IMPORT_MAP}</script>${brokerTag}
<script type="module" src="/bench/pages/strategy-${variant.strategy.id}.js"></script>
</head><body><p>Token Broker benchmark page: ${variant.strategy.label}${variant.broker ? ' + broker' : ''}</p></body></html>`;
}

/** Every strategy page: without the broker, and with it under each of the benchmark's configs. */
export function allStrategyPages(): Record<string, string> {
  const pages: Record<string, string> = {};
  for (const variant of VARIANTS) {
    const configs: readonly (BrokerConfigName | undefined)[] = variant.broker ? BROKER_CONFIG_NAMES : [undefined];
    for (const config of configs) pages[variantPagePath(variant, config)] = strategyPageHtml(variant, config);
  }
  return pages;
}
