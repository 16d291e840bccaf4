// ready(): whether this page load is (or will be) controlled by the broker's worker. It resolves
// as soon as the answer is known and never hangs: controlled; never (no service workers, the
// register script refused its tag or its worker failed to install: registration-state.ts); or
// not within the wait asked for (the page may still be taken later).

import {
  findRegisterTag,
  FINAL_REGISTRATION_STATES,
  isRegistrationState,
  REGISTRATION_STATE_ATTRIBUTE,
  REGISTRATION_STATE_EVENT,
  type RegistrationState,
} from '../register/registration-state.ts';

export type NotControlledReason = 'unsupported' | 'refused' | 'failed' | 'timeout';

export type Readiness = { readonly controlled: true } | { readonly controlled: false; readonly reason: NotControlledReason };

export interface ReadyOptions {
  /** How long to wait for control. @default 10000 */
  readonly timeoutMs?: number;
}

export const DEFAULT_READY_TIMEOUT_MS = 10_000;

/** What ready() reads; the browser's own by default. */
export interface ReadinessSources {
  /** navigator.serviceWorker, or undefined where there is none. */
  readonly serviceWorker: Pick<ServiceWorkerContainer, 'controller' | 'addEventListener' | 'removeEventListener'> | undefined;
  /** The register script's tag, once it said something; undefined on a page without it (an app's own worker). */
  readonly registerTag: Pick<Element, 'getAttribute' | 'addEventListener' | 'removeEventListener'> | undefined;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export function ready(options: ReadyOptions = {}, sources: ReadinessSources = browserSources()): Promise<Readiness> {
  const { serviceWorker, registerTag } = sources;
  if (!serviceWorker) return Promise.resolve({ controlled: false, reason: 'unsupported' });
  if (serviceWorker.controller) return Promise.resolve({ controlled: true });
  const finalState = (): RegistrationState | undefined => {
    const state = registerTag?.getAttribute(REGISTRATION_STATE_ATTRIBUTE);
    return isRegistrationState(state) && FINAL_REGISTRATION_STATES.includes(state) ? state : undefined;
  };
  const already = finalState();
  if (already) return Promise.resolve(notControlled(already));

  return new Promise<Readiness>((resolve) => {
    const finish = (readiness: Readiness): void => {
      serviceWorker.removeEventListener('controllerchange', onControllerChange);
      registerTag?.removeEventListener(REGISTRATION_STATE_EVENT, onState);
      sources.clearTimeout(timer);
      resolve(readiness);
    };
    const onControllerChange = (): void => {
      if (serviceWorker.controller) finish({ controlled: true });
    };
    const onState = (): void => {
      const state = finalState();
      if (state) finish(notControlled(state));
    };
    serviceWorker.addEventListener('controllerchange', onControllerChange);
    registerTag?.addEventListener(REGISTRATION_STATE_EVENT, onState);
    const timer = sources.setTimeout(() => finish({ controlled: false, reason: 'timeout' }), options.timeoutMs ?? DEFAULT_READY_TIMEOUT_MS);
  });
}

function notControlled(state: RegistrationState): Readiness {
  return { controlled: false, reason: state === 'unsupported' ? 'unsupported' : state === 'refused' ? 'refused' : 'failed' };
}

function browserSources(): ReadinessSources {
  const hasServiceWorkers = typeof navigator !== 'undefined' && 'serviceWorker' in navigator;
  return {
    serviceWorker: hasServiceWorkers ? navigator.serviceWorker : undefined,
    registerTag: findRegisterTag(),
    setTimeout: (callback, ms) => setTimeout(callback, ms),
    clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  };
}
