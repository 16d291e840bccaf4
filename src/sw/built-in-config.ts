// A config built into the worker's script by a build (the Vite plugin): the script starts with
// `self.__TOKEN_BROKER_CONFIG__ = {...};` and the standalone worker takes it instead of ?config=.
// The worker's own bytes are deployed with the site, so this config is as trusted as the worker.

export const BUILT_IN_CONFIG_GLOBAL = '__TOKEN_BROKER_CONFIG__';

/** The line a build prepends to the standalone worker. */
export function builtInConfigLine(config: unknown): string {
  return `self.${BUILT_IN_CONFIG_GLOBAL} = ${JSON.stringify(config)};\n`;
}
