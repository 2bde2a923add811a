import type { AccountRecord, SandboxState } from '../state.js';

/** The nine Wink callbacks (wink-widget.md, "List of Callbacks"). */
export const WINK_CALLBACKS = [
  'onAccountCreated',
  'onAccountConnected',
  'onAccountRemoved',
  'onTokenExpired',
  'onClose',
  'onAccountError',
  'onUploadsCreated',
  'onUploadsRemoved',
  'onUIEvent',
] as const;
export type WinkCallbackName = (typeof WINK_CALLBACKS)[number];

export interface WidgetCallback {
  callback: WinkCallbackName;
  data: Record<string, unknown>;
}

/** onUIEvent's argument: `{ eventName, eventTime, mode, userId, account, archive }`. */
export function uiEvent(
  state: SandboxState,
  userId: string,
  eventName: string,
  account: Record<string, string> | null = null,
): WidgetCallback {
  return {
    callback: 'onUIEvent',
    data: { eventName, eventTime: state.nowIso(), mode: 'SANDBOX', userId, account, archive: null },
  };
}

/**
 * The callbacks the widget fires while a user links this account, in order:
 * the screens (onUIEvent), onAccountCreated, then onAccountConnected or
 * onAccountError. What `POST /sandbox/v1/connect` answers with.
 */
export function linkCallbacks(state: SandboxState, record: AccountRecord): WidgetCallback[] {
  const { id: accountId, userId, providerId, connectionStatus, connection } = record.account;
  const ids = { accountId, userId, providerId };
  const error = (): WidgetCallback => ({
    callback: 'onAccountError',
    data: { ...ids, errorCode: connection.errorCode },
  });
  const callbacks: WidgetCallback[] = [
    uiEvent(state, userId, 'ConsentPageOpened'),
    uiEvent(state, userId, 'ProviderListPageOpened'),
    uiEvent(state, userId, 'LoginPageOpened', { providerId }),
    { callback: 'onAccountCreated', data: ids },
  ];
  if (connection.errorCode === 'INVALID_CREDENTIALS') return [...callbacks, error()];
  callbacks.push(uiEvent(state, userId, 'MfaPageOpened', { providerId }));
  if (connectionStatus === 'AWAITING_MFA') return callbacks;
  if (connectionStatus === 'ERROR') return [...callbacks, error()];
  return [
    ...callbacks,
    { callback: 'onAccountConnected', data: ids },
    uiEvent(state, userId, 'ConnectSuccessPageOpened', { providerId, accountId }),
  ];
}
