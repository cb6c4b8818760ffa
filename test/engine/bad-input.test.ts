import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { ICredentialDataDecryptedObject, INodeParameters } from 'n8n-workflow';

import type { Sandbox } from '../sandbox';
import type { RunResult } from './harness';
import {
	customerRequests,
	getByBikId,
	getByPartnerId,
	lookUp,
	tokenCredentials,
	useSandbox,
} from './setup';

const sandbox = useSandbox();

interface Case {
	row: string;
	ids: unknown[];
	parameters?: INodeParameters;
	credentials?: (sandbox: Sandbox) => ICredentialDataDecryptedObject;
	check: (result: RunResult, sandbox: Sandbox) => void;
}

const messageOf = (result: RunResult) => String(result.output[0].json.error ?? '');
const sentIds = (sandbox: Sandbox) =>
	customerRequests(sandbox).map((request) => request.body as Record<string, unknown>);
const withBase = (baseUrl: string) => (sandbox: Sandbox) => ({
	...tokenCredentials(sandbox),
	baseUrl,
});
const notFound = (id: string) =>
	`No BIK customer has partner customer ID ${JSON.stringify(id)} (item 0)`;
const LONG_ID = 'x'.repeat(10_000);

// Each row of test/BAD-INPUT.md, by its number.
const cases: Case[] = [
	{
		row: 'B01',
		ids: [''],
		check: (result, sandbox) => {
			expect(messageOf(result)).toBe('The partner customer ID for item 0 is empty');
			expect(customerRequests(sandbox)).toHaveLength(0);
		},
	},
	{
		row: 'B02',
		ids: [' \t\n '],
		check: (result, sandbox) => {
			expect(messageOf(result)).toBe('The partner customer ID for item 0 is empty');
			expect(customerRequests(sandbox)).toHaveLength(0);
		},
	},
	{
		row: 'B03',
		ids: [undefined],
		check: (result, sandbox) => {
			expect(messageOf(result)).toBe('The partner customer ID for item 0 is empty');
			expect(result.output[0].error?.description).toContain('gave nothing for this item');
			expect(customerRequests(sandbox)).toHaveLength(0);
		},
	},
	{
		row: 'B04',
		ids: [5482636],
		parameters: getByBikId(),
		check: (result, sandbox) => {
			expect(result.output[0].json.id).toBe(5482636);
			expect(sentIds(sandbox)[0].bikCustomerId).toBe('5482636');
		},
	},
	{
		row: 'B05',
		ids: [true],
		check: (result, sandbox) => {
			expect(messageOf(result)).toBe('The partner customer ID for item 0 is not text');
			expect(customerRequests(sandbox)).toHaveLength(0);
		},
	},
	{
		row: 'B06',
		ids: [{ id: 'cust-1' }, ['cust-1', 'cust-2']],
		check: (result, sandbox) => {
			expect(messageOf(result)).toBe('The partner customer ID for item 0 is not text');
			expect(result.output[0].error?.description).toContain('an object');
			expect(result.output[1].json.error).toBe('The partner customer ID for item 1 is not text');
			expect(result.output[1].error?.description).toContain('a list of 2 values');
			expect(result.output[1].pairedItem).toEqual({ item: 1 });
			expect(customerRequests(sandbox)).toHaveLength(0);
		},
	},
	{
		row: 'B07',
		ids: [LONG_ID],
		check: (result, sandbox) => {
			expect(sentIds(sandbox)[0].partnerCustomerId).toBe(LONG_ID);
			expect(messageOf(result)).toBe(notFound(`${'x'.repeat(60)}…`));
		},
	},
	{
		row: 'B08',
		ids: ['Zoë-客户-🙂'],
		check: (result, sandbox) => {
			expect(sentIds(sandbox)[0].partnerCustomerId).toBe('Zoë-客户-🙂');
			expect(messageOf(result)).toBe(notFound('Zoë-客户-🙂'));
		},
	},
	{
		row: 'B09',
		ids: ['{"bikCustomerId":"5482636"}'],
		check: (result, sandbox) => {
			expect(sentIds(sandbox)[0]).toEqual({
				partnerCustomerId: '{"bikCustomerId":"5482636"}',
				includeAddress: false,
				includeAssets: false,
				includeTags: false,
			});
			expect(messageOf(result)).toBe(notFound('{"bikCustomerId":"5482636"}'));
		},
	},
	{
		row: 'B10',
		ids: ['a"b\\c\'d'],
		check: (result, sandbox) => {
			expect(sentIds(sandbox)[0].partnerCustomerId).toBe('a"b\\c\'d');
			expect(messageOf(result)).toBe(notFound('a"b\\c\'d'));
		},
	},
	{
		row: 'B11',
		ids: ['  cust-9\t'],
		check: (result, sandbox) => {
			expect(sentIds(sandbox)[0].partnerCustomerId).toBe('cust-9');
			expect(result.output[0].json.partnerCustomerId).toBe('cust-9');
		},
	},
	{
		row: 'B12',
		ids: ['cust-1'],
		credentials: (sandbox) => ({ ...tokenCredentials(sandbox), baseUrl: `${sandbox.url}/api` }),
		check: (result) => {
			expect(messageOf(result)).toMatch(
				/^BIK's API is not at http:\/\/127\.0\.0\.1:\d+\/api\/integrations\/.*\/get \(item 0\)$/,
			);
		},
	},
	{
		row: 'B13',
		ids: ['cust-1'],
		credentials: withBase('not a url'),
		check: (result, sandbox) => {
			expect(messageOf(result)).toBe("The BIK API credential's Base URL is not a web address");
			expect(customerRequests(sandbox)).toHaveLength(0);
		},
	},
	{
		row: 'B14',
		ids: ['cust-1'],
		credentials: withBase('http://bik.example.com'),
		check: (result, sandbox) => {
			expect(messageOf(result)).toBe("The BIK API credential's Base URL uses plain http");
			expect(sandbox.requests).toHaveLength(0);
		},
	},
	{
		row: 'B15',
		ids: ['cust-1'],
		credentials: (sandbox) => ({ ...tokenCredentials(sandbox), baseUrl: ` ${sandbox.url}// ` }),
		check: (result) => {
			expect(result.output[0].json.partnerCustomerId).toBe('cust-1');
		},
	},
	{
		row: 'B16',
		ids: ['fault-html'],
		check: (result) => {
			expect(messageOf(result)).toBe('BIK could not answer for item 0 (HTTP 502)');
			expect(result.output[0].error?.description).not.toContain('<html');
		},
	},
	{
		row: 'B17',
		ids: ['fault-empty'],
		check: (result) => expect(messageOf(result)).toBe('BIK sent an empty reply for item 0'),
	},
	{
		row: 'B18',
		ids: ['fault-malformed'],
		check: (result) => expect(messageOf(result)).toBe("BIK's reply for item 0 is not JSON"),
	},
	{
		row: 'B19',
		ids: ['fault-text'],
		check: (result) => expect(messageOf(result)).toBe("BIK's reply for item 0 is not JSON"),
	},
	{
		row: 'B20',
		ids: ['fault-success-false'],
		check: (result) => {
			expect(messageOf(result)).toBe('BIK could not look up the customer for item 0');
			expect(result.output[0].error?.description).toBe('BIK said: Customer lookup failed.');
		},
	},
	{
		row: 'B21',
		ids: ['fault-no-customer'],
		check: (result) => expect(messageOf(result)).toBe("BIK's reply for item 0 holds no customer"),
	},
	{
		row: 'B22',
		ids: ['fault-huge'],
		parameters: getByPartnerId({ includeTags: true }),
		check: (result) => {
			expect(result.output[0].json.partnerCustomerId).toBe('fault-huge');
			expect(JSON.stringify(result.output[0].json).length).toBeGreaterThan(4_000_000);
		},
	},
	{
		row: 'B23',
		ids: ['fault-drop'],
		check: (result) => expect(messageOf(result)).toMatch(/closed before BIK answered$/),
	},
	{
		row: 'B24',
		ids: ['fault-429'],
		parameters: getByPartnerId({ options: { retries: 1 } }),
		check: (result, sandbox) => {
			expect(messageOf(result)).toBe('BIK asked n8n to slow down (item 0)');
			const [first, second, ...more] = customerRequests(sandbox);
			expect(more).toHaveLength(0);
			expect(second.receivedAt - first.receivedAt).toBeGreaterThanOrEqual(2000);
		},
	},
	{
		row: 'B25',
		ids: ['fault-slow'],
		parameters: getByPartnerId({ requestOptions: { timeout: 250 } }),
		check: (result) => expect(messageOf(result)).toBe('BIK did not answer within 0.3 s (item 0)'),
	},
	{
		row: 'B26',
		ids: ['cust-1'],
		credentials: withBase('http://127.0.0.1:9'),
		check: (result) => {
			expect(messageOf(result)).toBe(
				'Could not connect to BIK at http://127.0.0.1:9/integrations/bikPlatformFunctions-customers/get',
			);
		},
	},
	{
		row: 'B27',
		ids: ['cust-1'],
		credentials: (sandbox) => ({ ...tokenCredentials(sandbox), token: `Basic ${sandbox.token}` }),
		check: (result) => expect(result.output[0].json.partnerCustomerId).toBe('cust-1'),
	},
	{
		row: 'B28',
		ids: ['cust-1'],
		credentials: (sandbox) => ({ ...tokenCredentials(sandbox), token: '' }),
		check: (result) => expect(messageOf(result)).toBe('BIK rejected the credential (item 0)'),
	},
	{
		row: 'B29',
		ids: ['fault-400'],
		check: (result) => {
			expect(messageOf(result)).toBe('BIK did not accept the request for item 0');
			expect(result.output[0].error?.description).toMatch(/^BIK said: '.+' is not allowed/);
		},
	},
	{
		row: 'B30',
		ids: ['cust-1'],
		parameters: getByPartnerId({ partnerCustomerId: '={{ $json.order.customer.id }}' }),
		check: (result, sandbox) => {
			expect(messageOf(result)).toBe('The partner customer ID for item 0 is empty');
			expect(customerRequests(sandbox)).toHaveLength(0);
		},
	},
];

describe('Bad input and odd replies, as listed in test/BAD-INPUT.md', () => {
	test.each(cases.map((entry) => [entry.row, entry] as const))(
		'%s does what the table says',
		async (_row, entry) => {
			const result = await lookUp(sandbox(), entry.ids, {
				parameters: entry.parameters ?? getByPartnerId(),
				credentials: entry.credentials?.(sandbox()) ?? tokenCredentials(sandbox()),
				onError: 'continueRegularOutput',
			});

			expect(result.output).toHaveLength(entry.ids.length);
			expect(result.output[0].pairedItem).toEqual({ item: 0 });
			entry.check(result, sandbox());
		},
	);

	test('the table and the tests list the same rows', () => {
		const table = readFileSync(join(__dirname, '..', 'BAD-INPUT.md'), 'utf8');
		const rows = [...table.matchAll(/^\| (B\d\d) \|/gm)].map((match) => match[1]);

		expect(rows).toEqual(cases.map((entry) => entry.row));
		expect(rows.length).toBeGreaterThanOrEqual(20);
	});
});
