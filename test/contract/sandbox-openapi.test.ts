import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SANDBOX_PERSONAS } from '../../sandbox/users.js';
import { startReceiver, startSandbox, type TestSandbox } from '../fixtures/sandbox/harness.js';

/**
 * Every sandbox answer and webhook the service relies on validates against
 * Smile's own OpenAPI spec (a copy of ../shared/smile-api/openapi-v1.yaml).
 */
const spec = parse(
  readFileSync(fileURLToPath(new URL('../fixtures/sandbox/openapi-v1.yaml', import.meta.url)), 'utf8'),
) as {
  components: { schemas: Record<string, { nullable?: boolean; required?: string[] }> };
};
// Two places where the spec disagrees with Smile's own documented answers; the sandbox follows the answers:
// lists end with `"nextCursor": null` (api-conventions.md), and TASK_FINISHED's data has no `data` field (tag-webhooks.md).
spec.components.schemas.ObjectNextCursor!.nullable = true;
const taskFinished = spec.components.schemas.TaskFinishedEventData!;
taskFinished.required = taskFinished.required!.filter((field) => field !== 'data');

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats.default(ajv);
ajv.addSchema({ $id: 'smile', components: spec.components });

function expectValid(schema: string, value: unknown) {
  const ref = schema.startsWith('#') ? `smile${schema}` : `smile#/components/schemas/${schema}`;
  const validate = ajv.getSchema(ref);
  if (!validate) throw new Error(`no schema ${ref}`);
  const valid = validate(value);
  expect(valid ? [] : validate.errors, `${schema}: ${JSON.stringify(value).slice(0, 300)}`).toEqual([]);
}
const STANDARD_ERROR = '#/components/responses/Standard-Errors/content/application~1json/schema';

const EVENT_SCHEMAS: Record<string, string> = {
  USER_CREATED: 'UserCreatedEvent',
  ACCOUNT_CREATED: 'AccountCreatedEvent',
  ACCOUNT_CONNECTED: 'AccountConnectedEvent',
  ACCOUNT_FAILED: 'AccountFailedEvent',
  ACCOUNT_DISCONNECTED: 'AccountDisconnectedEvent',
  TASK_STARTED: 'TaskStartedEvent',
  TASK_FINISHED: 'TaskFinishedEvent',
  IDENTITY_ADDED: 'IdentityAddedEvent',
  EMPLOYMENTS_ADDED: 'EmploymentsAddedEvent',
  CONTRIBUTIONS_ADDED: 'ContributionsAddedEvent',
  INCOMES_ADDED: 'IncomesAddedEvent',
  EINCOMES_ADDED: 'EincomesAddedEvent',
};
const LISTS = {
  identities: ['IdentityListResponse', 'IdentityGetResponse'],
  employments: ['EmploymentListResponse', 'EmploymentGetResponse'],
  contributions: ['ContributionListResponse', 'ContributionGetResponse'],
  incomes: ['IncomeListResponse', 'IncomeGetResponse'],
  eincomes: ['EincomeListResponse', 'EincomeGetResponse'],
} as const;

let sandbox: TestSandbox;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const accounts: string[] = [];
beforeAll(async () => {
  sandbox = await startSandbox();
  receiver = await startReceiver();
  expectValid(
    'WebhookPostResponse',
    (await sandbox.call('POST', '/v1/webhooks', { url: receiver.url, includePayload: true })).body,
  );
  // Every persona links an account, plus one failed login: every event and datapoint shape occurs.
  for (const persona of SANDBOX_PERSONAS) {
    const { userToken } = await sandbox.createUser();
    const answer = await sandbox.call<{ account: { id: string } }>('POST', '/sandbox/v1/connect', {
      userToken,
      username: persona.username,
      password: persona.password,
    });
    accounts.push(answer.body.data.account.id);
  }
  const { userToken } = await sandbox.createUser();
  await sandbox.call('POST', '/sandbox/v1/connect', { userToken, username: 'nobody@example.com', password: 'x' });
});
afterAll(async () => {
  await sandbox?.close();
  await receiver?.close();
});

describe('the sandbox answers in the shapes of Smile’s OpenAPI spec', () => {
  it('users and tokens', async () => {
    const created = await sandbox.call<{ user: { id: string } }>('POST', '/v1/users', {
      externalMetadata: { ref: 'abc' },
    });
    expect(created.status).toBe(201);
    expectValid('UserPostResponse', created.body);
    expectValid('UserGetResponse', (await sandbox.call('GET', `/v1/users/${created.body.data.user.id}`)).body);
    const today = new Date().toISOString().slice(0, 10);
    const listed = await sandbox.call<{ items: { id: string }[] }>('GET', `/v1/users?startDate=${today}&size=150`);
    expectValid('UserListResponse', listed.body);
    expect(listed.body.data.items.map((user) => user.id)).toContain(created.body.data.user.id);
    expectValid(
      'TokenPostResponse',
      (await sandbox.call('POST', `/v1/tokens?userId=${created.body.data.user.id}`)).body,
    );
  });

  it('accounts, including a revoked one', async () => {
    expectValid('AccountListResponse', (await sandbox.call('GET', '/v1/accounts?size=150')).body);
    expectValid('AccountGetResponse', (await sandbox.call('GET', `/v1/accounts/${accounts[0]}`)).body);
    expectValid('CommonResponse', (await sandbox.call('DELETE', `/v1/accounts/${accounts[3]}`)).body);
    expectValid('AccountGetResponse', (await sandbox.call('GET', `/v1/accounts/${accounts[3]}`)).body);
  });

  it("an account's monitor: ACTIVE once connected, CUSTOMER_DISABLED after disableMonitor, then no sync runs", async () => {
    const account = (id: string) => sandbox.call<{ monitorStatus: string }>('GET', `/v1/accounts/${id}`);
    expect((await account(accounts[1]!)).body.data.monitorStatus).toBe('ACTIVE');
    const disabled = await sandbox.call('POST', `/v1/accounts/${accounts[1]}/disableMonitor`);
    expect(disabled.status).toBe(200);
    expectValid('CommonResponse', disabled.body);
    const after = await account(accounts[1]!);
    expectValid('AccountGetResponse', after.body);
    expect(after.body.data).toMatchObject({
      monitorStatus: 'CUSTOMER_DISABLED',
      monitor: { status: 'CUSTOMER_DISABLED' },
    });
    expect((await sandbox.call('POST', `/sandbox/v1/accounts/${accounts[1]}/sync`, {})).status).toBe(409);
    expect((await sandbox.call('POST', '/v1/accounts/a-unknown/disableMonitor')).status).toBe(404);
  });

  it.each(Object.entries(LISTS))('%s, listed and by id', async (kind, [listSchema, getSchema]) => {
    const list = await sandbox.call<{ items: { id: string }[] }>('GET', `/v1/${kind}?size=150`);
    expect(list.body.data.items.length).toBeGreaterThan(0);
    expectValid(listSchema, list.body);
    for (const item of list.body.data.items)
      expectValid(getSchema, (await sandbox.call('GET', `/v1/${kind}/${item.id}`)).body);
  });

  it('webhooks', async () => {
    const list = await sandbox.call<{ items: { id: string }[] }>('GET', '/v1/webhooks');
    expectValid('WebhookListResponse', list.body);
    expectValid('WebhookGetResponse', (await sandbox.call('GET', `/v1/webhooks/${list.body.data.items[0]!.id}`)).body);
    const extra = await sandbox.call<{ id: string }>('POST', '/v1/webhooks', {
      name: 'n',
      url: 'https://example.com/h',
      eventTypes: ['ACCOUNT_CONNECTED'],
      active: false,
      secret: 's',
    });
    expectValid('WebhookDeleteResponse', (await sandbox.call('DELETE', `/v1/webhooks/${extra.body.data.id}`)).body);
  });

  it('errors', async () => {
    const answers = [
      await sandbox.call('GET', '/v1/accounts', undefined, { authorization: 'Basic d3Jvbmc6d3Jvbmc=' }),
      await sandbox.call('GET', '/v1/contributions?size=0'),
      await sandbox.call('GET', '/v1/identities/i-0000'),
    ];
    expect(answers.map((a) => [a.status, a.body.code])).toEqual([
      [401, 'INVALID_CREDENTIALS'],
      [400, 'INVALID_PARAMETERS'],
      [404, 'MISSING_RESOURCE'],
    ]);
    for (const { body } of answers) expectValid(STANDARD_ERROR, body);
  });

  it('every webhook event, TASK_FINISHED with its payload included', async () => {
    await sandbox.sandbox.sandboxWebhooks.idle();
    const types = new Set(receiver.types());
    expect([...types].sort()).toEqual(Object.keys(EVENT_SCHEMAS).sort());
    for (const { body } of receiver.received) expectValid(EVENT_SCHEMAS[body.type]!, body);
    const withPayload = receiver.received.filter((r) => r.body.type === 'TASK_FINISHED' && r.body.data.payload);
    expect(withPayload).toHaveLength(SANDBOX_PERSONAS.length);
    for (const { body } of withPayload) expectValid('AllDatapointPayload', body.data.payload);
  });
});

describe('invites and payslip uploads in the shapes of Smile’s OpenAPI spec', () => {
  let own: TestSandbox;
  let hook: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    own = await startSandbox();
    hook = await startReceiver();
    await own.call('POST', '/v1/webhooks', { url: hook.url, includePayload: true });
  });
  afterAll(async () => {
    await own?.close();
    await hook?.close();
  });

  it('an invite: created, read, listed by user, linked through the landing page’s route', async () => {
    const created = await own.call<{ id: string; userId: string; inviteLandingPageUrl: string; status: string }>(
      'POST',
      '/v1/invites',
      { fullName: 'George Cimafranca Palomero, Jr', email: 'gpalomero1234@smileapi.io', templateId: 'tpl-sandbox' },
    );
    expect(created.status).toBe(201);
    expectValid('InvitePostResponse', created.body);
    const invite = created.body.data;
    expect(invite.status).toBe('INVITED');
    expect(new URL(invite.inviteLandingPageUrl).pathname).toBe(`/invite/${invite.id}`);
    expectValid('InviteGetResponse', (await own.call('GET', `/v1/invites/${invite.id}`)).body);
    const listed = await own.call<{ items: { id: string }[] }>('GET', `/v1/invites?userId=${invite.userId}`);
    expectValid('InviteListResponse', listed.body);
    expect(listed.body.data.items.map((i) => i.id)).toEqual([invite.id]);
    const landing = await fetch(new URL(`/invite/${invite.id}`, own.url));
    expect(landing.status).toBe(200);
    expect(await landing.text()).toContain('/wink?userToken=');
    const linked = await own.call<{ events: { type: string }[] }>('POST', `/sandbox/v1/invites/${invite.id}/link`, {
      username: 'gpalomero1234@smileapi.io',
      password: '123456',
    });
    expect(linked.body.data.events.map((e) => e.type).slice(0, 4)).toEqual([
      'ACCOUNT_CREATED',
      'ACCOUNT_CONNECTED',
      'INVITE_LINKED',
      'TASK_STARTED',
    ]);
    const read = await own.call<{ status: string }>('GET', `/v1/invites/${invite.id}`);
    expect(read.body.data.status).toBe('LINKED');
    const bad = await own.call('POST', '/v1/invites', { fullName: 'X', email: 'not-an-email', templateId: 't' });
    expect(bad.status).toBe(400);
    expectValid(STANDARD_ERROR, bad.body);
  });

  it('payslip uploads: archives, predictions, and the events in order', async () => {
    const { userToken } = await own.createUser();
    const uploaded = await own.call<{ archives: { id: string }[]; events: { type: string }[] }>(
      'POST',
      '/sandbox/v1/uploads',
      { userToken, persona: 'maria', count: 2 },
    );
    expect(uploaded.status).toBe(200);
    expect(uploaded.body.data.events.map((e) => e.type)).toEqual([
      'ARCHIVE_STARTED',
      'ARCHIVE_ANALYZED',
      'ARCHIVE_STARTED',
      'ARCHIVE_ANALYZED',
      'TASK_STARTED',
      'TASK_FINISHED',
      'TASK_STARTED',
      'TASK_FINISHED',
    ]);
    for (const { id } of uploaded.body.data.archives) {
      expectValid('ArchiveGetResponse', (await own.call('GET', `/v1/archives/${id}`)).body);
      const prediction = await own.call<Record<string, unknown>>(
        'GET',
        `/v1/archives/-/payslips/queryPrediction?archiveId=${id}`,
      );
      expectValid('ArchivePayslipPredictionQueryResponse', prediction.body);
      expect(prediction.body.data).toMatchObject({
        grossAmount: 12_500,
        currency: 'PHP',
        employerName: 'Luzon Harbor Logistics Inc.',
        employeeName: 'Maria Clara Santos',
        validFile: true,
      });
    }
    await own.call('POST', '/sandbox/v1/faults', { inconsistentPayslips: true });
    const inconsistent = await own.call<{ archives: { id: string }[] }>('POST', '/sandbox/v1/uploads', {
      userToken,
      persona: 'maria',
      count: 1,
    });
    const claimed = await own.call<{ grossAmount: number }>(
      'GET',
      `/v1/archives/-/payslips/queryPrediction?archiveId=${inconsistent.body.data.archives[0]!.id}`,
    );
    expect(claimed.body.data.grossAmount).toBe(20_000);
    await own.call('DELETE', '/sandbox/v1/faults');
    const invalid = await own.call<{ archives: { id: string }[] }>('POST', '/sandbox/v1/uploads', {
      userToken,
      notAPayslip: true,
    });
    const notPayslip = await own.call<{ validFile: boolean }>(
      'GET',
      `/v1/archives/-/payslips/queryPrediction?archiveId=${invalid.body.data.archives[0]!.id}`,
    );
    expectValid('ArchivePayslipPredictionQueryResponse', notPayslip.body);
    expect(notPayslip.body.data.validFile).toBe(false);
    expect((await own.call('GET', '/v1/archives/archive-0000')).status).toBe(404);
    const failed = await own.call<{ archives: { id: string }[]; events: { type: string }[] }>(
      'POST',
      '/sandbox/v1/uploads',
      { userToken, unreadableFile: true },
    );
    expect(failed.body.data.events.map((e) => e.type)).toEqual(['ARCHIVE_STARTED', 'ARCHIVE_FAILED']);
    expectValid('ArchiveGetResponse', (await own.call('GET', `/v1/archives/${failed.body.data.archives[0]!.id}`)).body);
  });

  it('every invite and archive event validates', async () => {
    await own.sandbox.sandboxWebhooks.idle();
    const schemas: Record<string, string> = {
      ...EVENT_SCHEMAS,
      INVITE_INVITED: 'InviteInvitedEvent',
      INVITE_LINKED: 'InviteLinkedEvent',
      ARCHIVE_STARTED: 'ArchiveStartedEvent',
      ARCHIVE_ANALYZED: 'ArchiveAnalyzedEvent',
      ARCHIVE_FAILED: 'ArchiveFailedEvent',
    };
    const types = new Set(hook.types());
    for (const type of ['INVITE_INVITED', 'INVITE_LINKED', 'ARCHIVE_STARTED', 'ARCHIVE_ANALYZED', 'ARCHIVE_FAILED'])
      expect(types).toContain(type);
    for (const { body } of hook.received) expectValid(schemas[body.type]!, body);
  });
});
