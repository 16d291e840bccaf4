// What the register script says about its own registration, for the page helper's ready()
// (src/page/broker-readiness.ts): an attribute on its own tag, and an event on that tag when it
// changes. No global: an attribute on the tag the adopter wrote is all the page shares.
//   unsupported  no service workers here (an old browser, a non-secure origin): never controlled
//   refused      the tag itself was refused (no data-config, a data-sw that is not the broker)
//   registering  register() was called; control follows when the worker activates
//   failed       register() was rejected, or the install ended without an active worker (a bad config)

export const REGISTRATION_STATE_ATTRIBUTE = 'data-token-broker-state';
export const REGISTRATION_STATE_EVENT = 'token-broker-state';

export type RegistrationState = 'unsupported' | 'refused' | 'registering' | 'failed';

/** The states after which this page load will never be controlled by the broker. */
export const FINAL_REGISTRATION_STATES: readonly RegistrationState[] = ['unsupported', 'refused', 'failed'];

export function isRegistrationState(value: unknown): value is RegistrationState {
  return value === 'unsupported' || value === 'refused' || value === 'registering' || value === 'failed';
}

/** The register script's tag on this page, once it said something; undefined without one (or outside a document). */
export function findRegisterTag(): Element | undefined {
  if (typeof document === 'undefined') return undefined;
  return document.querySelector(`script[${REGISTRATION_STATE_ATTRIBUTE}]`) ?? undefined;
}
