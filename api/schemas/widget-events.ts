import { z } from 'zod';

/**
 * The nine Wink widget callbacks (wink-widget.md) with their documented data.
 * Objects are loose: the SDK may add fields, and these are hints anyway.
 */
const id = z.string().max(200);
const accountData = z.looseObject({ accountId: id.optional(), userId: id.optional(), providerId: id.optional() });
const uploadData = z.looseObject({
  userId: id.optional(),
  archiveId: id.optional(),
  archives: z.array(z.unknown()).max(100).optional(),
});

export const widgetEventBody = z.discriminatedUnion('callback', [
  z.object({ callback: z.literal('onAccountCreated'), data: accountData }),
  z.object({ callback: z.literal('onAccountConnected'), data: accountData }),
  z.object({ callback: z.literal('onAccountRemoved'), data: accountData }),
  z.object({
    callback: z.literal('onAccountError'),
    data: accountData.extend({ errorCode: z.string().max(100).nullish() }),
  }),
  z.object({ callback: z.literal('onTokenExpired'), data: z.looseObject({}).optional() }),
  z.object({ callback: z.literal('onClose'), data: z.looseObject({}).nullish() }),
  z.object({ callback: z.literal('onUploadsCreated'), data: uploadData }),
  z.object({ callback: z.literal('onUploadsRemoved'), data: uploadData }),
  z.object({
    callback: z.literal('onUIEvent'),
    data: z.looseObject({
      // A screen's name, as Wink sends it (ConsentPageOpened): it is recorded and counted, so it is a name, not text.
      eventName: z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,99}$/, 'must be a screen name'),
      eventTime: z.string().max(64).optional(),
      mode: z.string().max(32).optional(),
    }),
  }),
]);
export type WidgetEventBody = z.infer<typeof widgetEventBody>;
