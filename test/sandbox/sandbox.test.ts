/// <reference types="node" />
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import axios, { type AxiosRequestConfig, type AxiosResponse } from 'axios';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';

import {
	AUTH_PATH,
	DOC_CUSTOMER,
	FAULT_IDS,
	GET_CUSTOMER_PATH,
	customerView,
	seededCustomer,
	startSandbox,
	type Sandbox,
	type SandboxFaults,
} from './index';

const fixture = (name: string) => readFileSync(path.join(__dirname, 'fixtures', name), 'utf8');
const docRequest = fixture('get-customer.request.json');
const docResponse = fixture('get-customer.response.json');
const docError = fixture('error.response.json');

const BASE_FIELDS = [
	'id',
	'partnerCustomerId',
	'firstName',
	'lastName',
	'phoneNumber',
	'email',
	'countryCode',
	'createdAt',
	'updatedAt',
];

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startSandbox();
});

afterAll(async () => {
	await sandbox.close();
});

beforeEach(() => {
	sandbox.reset();
});

function post(urlPath: string, body: unknown, config: AxiosRequestConfig = {}) {
	return axios.post(`${sandbox.url}${urlPath}`, body, {
		validateStatus: () => true,
		...config,
		headers: { Authorization: `Basic ${sandbox.token}`, ...config.headers },
	});
}

function getCustomer(body: unknown, config?: AxiosRequestConfig) {
	return post(GET_CUSTOMER_PATH, body, config);
}

function getCustomerText(body: unknown, config: AxiosRequestConfig = {}) {
	return getCustomer(body, { responseType: 'text', ...config }) as Promise<AxiosResponse<string>>;
}

function getCustomerRaw(text: string, contentType = 'application/json') {
	return getCustomer(text, {
		headers: { 'Content-Type': contentType },
		responseType: 'text',
		transformRequest: [(data: unknown) => data],
	}) as Promise<AxiosResponse<string>>;
}

async function timed<T>(run: () => Promise<T>) {
	const started = performance.now();
	const result = await run();
	return { result, ms: performance.now() - started };
}

function refedTimeouts() {
	return process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
}

async function until(check: () => boolean, ms = 2000) {
	const deadline = Date.now() + ms;
	while (!check()) {
		if (Date.now() > deadline) throw new Error('condition not met in time');
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

describe('the documented customer', () => {
	it('answers the documented request with the documented response, byte for byte', async () => {
		const response = await getCustomerRaw(docRequest);

		expect(response.status).toBe(200);
		expect(response.headers['content-type']).toMatch(/^application\/json/);
		expect(response.data).toBe(JSON.stringify(JSON.parse(docResponse)));
	});

	it('is found by its BIK customer ID as well', async () => {
		const response = await getCustomerText({
			bikCustomerId: '5482636',
			includeAssets: true,
			includeAddress: true,
			includeTags: false,
		});

		expect(response.data).toBe(JSON.stringify(JSON.parse(docResponse)));
	});

	it.each([
		[{}, []],
		[{ includeAddress: true }, ['addresses']],
		[{ includeAssets: true }, ['assets']],
		[{ includeTags: true }, ['tags']],
		[{ includeAddress: false, includeAssets: false, includeTags: false }, []],
		[
			{ includeAddress: true, includeAssets: true, includeTags: true },
			['addresses', 'assets', 'tags'],
		],
	])('with flags %j adds exactly %j to the base fields', async (flags, added) => {
		for (const id of [{ partnerCustomerId: 'abcd-122345' }, { bikCustomerId: '5482636' }]) {
			const response = await getCustomer({ ...id, ...flags });

			expect(response.status).toBe(200);
			expect(Object.keys(response.data.data.customer)).toEqual([...BASE_FIELDS, ...added]);
			expect(response.data.data.customer).toEqual(customerView(DOC_CUSTOMER, flags));
		}
	});

	it('carries tags as an array of strings when asked for them', async () => {
		const response = await getCustomer({ partnerCustomerId: 'abcd-122345', includeTags: true });

		expect(response.data.data.customer.tags).toEqual(['vip']);
	});
});

describe('generated customers', () => {
	it('are one record by partner customer ID cust-<n> and BIK customer ID 7000000+n', async () => {
		const flags = { includeAddress: true, includeAssets: true, includeTags: true };
		const byPartner = await getCustomer({ partnerCustomerId: 'cust-12345', ...flags });
		const byBik = await getCustomer({ bikCustomerId: '7012345', ...flags });

		expect(byPartner.status).toBe(200);
		expect(byPartner.data).toEqual(byBik.data);
		expect(byPartner.data).toEqual({
			status: 200,
			success: true,
			data: { customer: customerView(seededCustomer(12345), flags) },
		});
	});

	it('reach from cust-1 to cust-1000000', async () => {
		const first = await getCustomer({ partnerCustomerId: 'cust-1' });
		const last = await getCustomer({ bikCustomerId: '8000000' });

		expect(first.data.data.customer).toMatchObject({ id: 7000001, email: 'customer1@example.com' });
		expect(last.data.data.customer).toMatchObject({
			id: 8000000,
			partnerCustomerId: 'cust-1000000',
		});
	});

	it('are distinct for the first 10,000 numbers', () => {
		const customers = Array.from({ length: 10_000 }, (_, i) => seededCustomer(i + 1));

		expect(new Set(customers.map((customer) => customer.id)).size).toBe(10_000);
		expect(new Set(customers.map((customer) => customer.email)).size).toBe(10_000);
		expect(new Set(customers.map((customer) => customer.phoneNumber)).size).toBe(10_000);
	});

	it('show the quirks of the documented example', () => {
		const customers = Array.from({ length: 12 }, (_, i) => seededCustomer(i + 1));
		const addresses = customers.flatMap((customer) => customer.addresses ?? []);
		const assets = customers.flatMap((customer) => customer.assets ?? []);

		expect(customers.every((customer) => customer.countryCode === 'IND')).toBe(true);
		expect(addresses.every((address) => typeof address.addressId === 'number')).toBe(true);
		expect(addresses.some((address) => address.partnerAddressId === 'undefined')).toBe(true);
		expect(assets.some((asset) => asset.countryCode === null)).toBe(true);
		expect(new Set(customers.map((customer) => customer.addresses?.length))).toEqual(
			new Set([1, 2]),
		);
		for (const customer of customers) {
			expect(customer.tags?.length).toBeGreaterThan(0);
			expect(customer.tags?.every((tag) => typeof tag === 'string')).toBe(true);
		}
	});

	it('answer the same way on every run', () => {
		expect(seededCustomer(777)).toEqual(seededCustomer(777));
		expect(seededCustomer(777).createdAt).toBe('2024-01-01T12:57:00.000Z');
	});
});

describe('extra customers', () => {
	it('are found by partner customer ID and by the string form of their id', async () => {
		const own = await startSandbox({
			customers: [{ id: 42, partnerCustomerId: 'ext-1', firstName: 'Zed', tags: ['b2b'] }],
		});
		try {
			const headers = { Authorization: `Basic ${own.token}` };
			const url = `${own.url}${GET_CUSTOMER_PATH}`;
			const byPartner = await axios.post(
				url,
				{ partnerCustomerId: 'ext-1', includeTags: true },
				{ headers },
			);
			const byBik = await axios.post(url, { bikCustomerId: '42' }, { headers });

			expect(byPartner.data.data.customer).toEqual({
				id: 42,
				partnerCustomerId: 'ext-1',
				firstName: 'Zed',
				tags: ['b2b'],
			});
			expect(byBik.data.data.customer).toEqual({
				id: 42,
				partnerCustomerId: 'ext-1',
				firstName: 'Zed',
			});
		} finally {
			await own.close();
		}
	});
});

describe('authentication', () => {
	it('answers 401 when the Authorization header is missing', async () => {
		const response = await axios.post(
			`${sandbox.url}${GET_CUSTOMER_PATH}`,
			{ partnerCustomerId: 'cust-1' },
			{ validateStatus: () => true },
		);

		expect(response.status).toBe(401);
		expect(response.data).toEqual({
			status: 401,
			errors: [{ message: 'Unauthorized: invalid or missing API credentials' }],
		});
	});

	it.each([
		['a wrong token', (token: string) => `Basic ${token}x`],
		['the token in another case', (token: string) => `Basic ${token.toLowerCase()}`],
		['another scheme', (token: string) => `Bearer ${token}`],
		['the raw key and secret', () => `Basic ${sandbox.apiKey}:${sandbox.apiSecret}`],
	])('answers 401 for %s', async (_, header) => {
		const response = await getCustomer(
			{ partnerCustomerId: 'cust-1' },
			{ headers: { Authorization: header(sandbox.token) } },
		);

		expect(response.status).toBe(401);
	});

	it('accepts the Basic scheme in any case', async () => {
		const response = await getCustomer(
			{ partnerCustomerId: 'cust-1' },
			{ headers: { Authorization: `bAsIc ${sandbox.token}` } },
		);

		expect(response.status).toBe(200);
	});

	it('builds the token from key and secret, random per start unless given', async () => {
		const fixed = await startSandbox({ apiKey: 'key', apiSecret: 'secret' });
		const other = await startSandbox();
		try {
			expect(fixed.token).toBe(Buffer.from('key:secret').toString('base64'));
			expect(sandbox.token).toBe(
				Buffer.from(`${sandbox.apiKey}:${sandbox.apiSecret}`).toString('base64'),
			);
			expect(other.token).not.toBe(sandbox.token);
		} finally {
			await Promise.all([fixed.close(), other.close()]);
		}
	});

	it('checks the key on the authentication endpoint, which needs an appId', async () => {
		const ok = await post(AUTH_PATH, { appId: 'store-1' });
		const missing = await post(AUTH_PATH, {});
		const unauthorised = await post(
			AUTH_PATH,
			{ appId: 'store-1' },
			{ headers: { Authorization: '' } },
		);

		expect(ok.status).toBe(200);
		expect(ok.data).toEqual({ status: '200' });
		expect(missing.data).toEqual({ status: 400, errors: [{ message: "'appId' is required" }] });
		expect(unauthorised.status).toBe(401);
	});
});

describe('paths and methods', () => {
	it('answers 404 for an unknown path, before checking credentials', async () => {
		const response = await axios.post(
			`${sandbox.url}/integrations/nope`,
			{},
			{ validateStatus: () => true },
		);

		expect(response.status).toBe(404);
		expect(response.data).toEqual({ status: 404, errors: [{ message: 'API path not found' }] });
	});

	it('answers 404 for GET on the Get customer path', async () => {
		const response = await axios.get(`${sandbox.url}${GET_CUSTOMER_PATH}`, {
			headers: { Authorization: `Basic ${sandbox.token}` },
			validateStatus: () => true,
		});

		expect(response.status).toBe(404);
		expect(response.data.errors[0].message).toBe('API path not found');
	});

	it('answers 404 for an unknown control path', async () => {
		const response = await axios.post(
			`${sandbox.url}/__sandbox/nope`,
			{},
			{ validateStatus: () => true },
		);

		expect(response.status).toBe(404);
	});
});

describe('invalid payloads', () => {
	it('answers a request with both IDs with the documented error, byte for byte', async () => {
		const response = await getCustomerText({
			partnerCustomerId: 'cust-1',
			bikCustomerId: '7000001',
		});

		expect(response.status).toBe(400);
		expect(response.data).toBe(JSON.stringify(JSON.parse(docError)));
	});

	it.each([
		[{ partnerCustomerId: 12 }, "'partnerCustomerId' must be a string"],
		[{ bikCustomerId: 5482636 }, "'bikCustomerId' must be a string"],
		[{ partnerCustomerId: null }, "'partnerCustomerId' must be a string"],
		[{ bikCustomerId: '' }, "'bikCustomerId' is not allowed to be empty"],
		[{ partnerCustomerId: '  \t' }, "'partnerCustomerId' is not allowed to be empty"],
		[{ partnerCustomerId: 'cust-1', includeAssets: 'true' }, "'includeAssets' must be a boolean"],
		[{ partnerCustomerId: 'cust-1', includeTags: 1 }, "'includeTags' must be a boolean"],
		[{ partnerCustomerId: 'cust-1', foo: 1 }, "'foo' is not allowed"],
		[{}, "one of 'partnerCustomerId' or 'bikCustomerId' is required"],
		[{ includeAddress: true }, "one of 'partnerCustomerId' or 'bikCustomerId' is required"],
		[['cust-1'], "'value' must be of type object"],
		[
			{ foo: 1, includeAddress: 'yes' },
			"'includeAddress' must be a boolean. 'foo' is not allowed. " +
				"one of 'partnerCustomerId' or 'bikCustomerId' is required",
		],
	])('answers 400 to %j with "%s"', async (body, message) => {
		const response = await getCustomer(body);

		expect(response.status).toBe(400);
		expect(response.data).toEqual({ status: 400, errors: [{ message }] });
	});

	it('answers 400 to a body that is not JSON', async () => {
		const response = await getCustomerRaw('{"partnerCustomerId":');

		expect(response.status).toBe(400);
		expect(JSON.parse(response.data)).toEqual({
			status: 400,
			errors: [{ message: 'request body is not valid JSON' }],
		});
	});

	it('answers 400 when the content type is not JSON, and accepts a charset', async () => {
		const body = JSON.stringify({ partnerCustomerId: 'cust-1' });
		const text = await getCustomerRaw(body, 'text/plain');
		const charset = await getCustomerRaw(body, 'Application/JSON; charset=UTF-8');

		expect(text.status).toBe(400);
		expect(charset.status).toBe(200);
	});

	it('answers 413 to a body over 1 MB', async () => {
		const response = await getCustomer({ partnerCustomerId: 'cust-1', foo: 'x'.repeat(1_100_000) });

		expect(response.status).toBe(413);
		expect(response.data.status).toBe(413);
	});
});

describe('unknown customers', () => {
	it.each([
		['partnerCustomerId', 'nope'],
		['partnerCustomerId', 'ünïcødé-客户-🙂'],
		['partnerCustomerId', 'cust-0'],
		['partnerCustomerId', 'cust-01'],
		['partnerCustomerId', 'cust-1000001'],
		['partnerCustomerId', ' cust-1'],
		['partnerCustomerId', '5482636'],
		['bikCustomerId', 'abcd-122345'],
		['bikCustomerId', '5482637'],
		['bikCustomerId', '7000000'],
		['bikCustomerId', '8000001'],
		['bikCustomerId', '07000001'],
	])('answers 406 for %s %j', async (field, id) => {
		const response = await getCustomer({ [field]: id });

		expect(response.status).toBe(406);
		expect(response.data).toEqual({ status: 406, errors: [{ message: 'Customer not found' }] });
	});

	it('answers 406 for a 10,000-character ID', async () => {
		const response = await getCustomer({ partnerCustomerId: 'x'.repeat(10_000) });

		expect(response.status).toBe(406);
	});
});

describe('latency', () => {
	it('delays every answer by setLatency milliseconds', async () => {
		sandbox.setLatency(150);
		const slow = await timed(() => getCustomer({ partnerCustomerId: 'cust-1' }));
		const unauthorised = await timed(() => getCustomer({}, { headers: { Authorization: '' } }));
		sandbox.setLatency(0);
		const fast = await timed(() => getCustomer({ partnerCustomerId: 'cust-1' }));

		expect(slow.result.status).toBe(200);
		expect(slow.ms).toBeGreaterThanOrEqual(140);
		expect(unauthorised.ms).toBeGreaterThanOrEqual(140);
		expect(fast.ms).toBeLessThan(140);
	});

	it('starts with the latencyMs option', async () => {
		const own = await startSandbox({ latencyMs: 120 });
		try {
			const { ms } = await timed(() =>
				axios.post(`${own.url}${GET_CUSTOMER_PATH}`, {}, { validateStatus: () => true }),
			);

			expect(ms).toBeGreaterThanOrEqual(110);
		} finally {
			await own.close();
		}
	});
});

describe('magic fault IDs', () => {
	const tested = new Set<string>();
	const magic = (id: string) => {
		tested.add(id);
		return id;
	};

	it.each(['partnerCustomerId', 'bikCustomerId'])('fault-500 answers 500 as %s', async (field) => {
		const response = await getCustomer({ [field]: magic('fault-500') });

		expect(response.status).toBe(500);
		expect(response.data).toEqual({
			status: 500,
			errors: [{ message: 'Internal server error, please try again later' }],
		});
	});

	it("fault-400 answers 400 with the documentation's own error body", async () => {
		const response = await getCustomer({ partnerCustomerId: magic('fault-400') });

		expect(response.status).toBe(400);
		expect(response.data).toEqual(JSON.parse(fixture('error.response.json')));
	});

	it('fault-slow answers with a customer after slowMs', async () => {
		sandbox.setFaults({ slowMs: 200 });
		const { result, ms } = await timed(() =>
			getCustomer({ partnerCustomerId: magic('fault-slow'), includeTags: true }),
		);

		expect(ms).toBeGreaterThanOrEqual(190);
		expect(result.status).toBe(200);
		expect(result.data.data.customer).toMatchObject({ partnerCustomerId: 'fault-slow' });
		expect(result.data.data.customer.tags).toEqual(expect.any(Array));
	});

	it('fault-slow clears its 30 s timer when the client gives up', async () => {
		const before = refedTimeouts();
		const request = getCustomer({ bikCustomerId: 'fault-slow' }, { timeout: 100 });

		await expect(request).rejects.toMatchObject({ code: 'ECONNABORTED' });
		await until(() => sandbox.stats().requests === 1 && sandbox.stats().inFlight === 0);
		// Other timers of the client come and go; a leaked 30 s timer would stay.
		await until(() => refedTimeouts() <= before);
		expect(sandbox.stats().dropped).toBe(1);
	});

	it('fault-malformed answers 200 application/json with a body cut off mid-JSON', async () => {
		const response = await getCustomerText({ partnerCustomerId: magic('fault-malformed') });

		expect(response.status).toBe(200);
		expect(response.headers['content-type']).toMatch(/^application\/json/);
		expect(response.data).toMatch(/^\{"status":200/);
		expect(() => JSON.parse(response.data)).toThrow();
	});

	it('fault-html answers 502 with an HTML page', async () => {
		const response = await getCustomerText({ partnerCustomerId: magic('fault-html') });

		expect(response.status).toBe(502);
		expect(response.headers['content-type']).toMatch(/^text\/html/);
		expect(response.data).toContain('<h1>502 Bad Gateway</h1>');
	});

	it('fault-empty answers 200 application/json with an empty body', async () => {
		const response = await getCustomerText({ partnerCustomerId: magic('fault-empty') });

		expect(response.status).toBe(200);
		expect(response.headers['content-type']).toMatch(/^application\/json/);
		expect(response.headers['content-length']).toBe('0');
		expect(response.data).toBe('');
	});

	it('fault-drop closes the connection without an answer', async () => {
		await expect(getCustomer({ partnerCustomerId: magic('fault-drop') })).rejects.toMatchObject({
			code: 'ECONNRESET',
		});
		await until(() => sandbox.stats().requests === 1 && sandbox.stats().inFlight === 0);
		expect(sandbox.stats()).toMatchObject({ requests: 1, dropped: 1, byStatus: {} });
	});

	it('fault-429 answers 429 with Retry-After: 2', async () => {
		const response = await getCustomer({ bikCustomerId: magic('fault-429') });

		expect(response.status).toBe(429);
		expect(response.headers['retry-after']).toBe('2');
		expect(response.data).toEqual({
			status: 429,
			errors: [{ message: 'Too many requests, please try again later' }],
		});
	});

	it('fault-success-false answers 200 with success false', async () => {
		const response = await getCustomer({ partnerCustomerId: magic('fault-success-false') });

		expect(response.status).toBe(200);
		expect(response.data).toEqual({
			status: 200,
			success: false,
			errors: [{ message: 'Customer lookup failed' }],
		});
	});

	it('fault-no-customer answers 200 with success true and no customer', async () => {
		const response = await getCustomer({ partnerCustomerId: magic('fault-no-customer') });

		expect(response.status).toBe(200);
		expect(response.data).toEqual({ status: 200, success: true, data: {} });
	});

	it('fault-huge answers a valid customer in a body of about 5 MB', async () => {
		const response = await getCustomerText({ partnerCustomerId: magic('fault-huge') });
		const body = JSON.parse(response.data);

		expect(response.status).toBe(200);
		expect(response.data.length).toBeGreaterThan(5_000_000);
		expect(response.data.length).toBeLessThan(6_000_000);
		expect(body.data.customer).toMatchObject({ partnerCustomerId: 'fault-huge' });
		expect(body.data.customer.tags.length).toBeGreaterThan(100_000);
	});

	it('fault-text answers 200 text/plain OK', async () => {
		const response = await getCustomerText({ partnerCustomerId: magic('fault-text') });

		expect(response.status).toBe(200);
		expect(response.headers['content-type']).toMatch(/^text\/plain/);
		expect(response.data).toBe('OK');
	});

	it('are still validated and authenticated first', async () => {
		const invalid = await getCustomer({ partnerCustomerId: 'fault-500', includeTags: 'yes' });
		const unauthorised = await getCustomer(
			{ partnerCustomerId: 'fault-500' },
			{ headers: { Authorization: '' } },
		);

		expect(invalid.status).toBe(400);
		expect(unauthorised.status).toBe(401);
	});

	it('are all covered above', () => {
		expect([...tested].sort()).toEqual(Object.keys(FAULT_IDS).sort());
	});
});

type Outcome = number | 'malformed' | 'timeout' | 'dropped';

async function outcome(id: string): Promise<Outcome> {
	try {
		const response = await getCustomerText({ partnerCustomerId: id }, { timeout: 1500 });
		if (response.status !== 200) return response.status;
		JSON.parse(response.data);
		return 200;
	} catch (error) {
		const code = (error as { code?: string }).code;
		if (code === 'ECONNABORTED') return 'timeout';
		if (code === 'ECONNRESET') return 'dropped';
		if (error instanceof SyntaxError) return 'malformed';
		throw error;
	}
}

async function outcomes(ids: string[], concurrency = 20) {
	const results = new Map<string, Outcome>();
	let next = 0;
	const worker = async () => {
		while (next < ids.length) {
			const id = ids[next++];
			results.set(id, await outcome(id));
		}
	};
	await Promise.all(Array.from({ length: concurrency }, worker));
	return results;
}

function tally(results: Map<string, Outcome>) {
	const counts: Record<string, number> = {};
	for (const value of results.values()) counts[value] = (counts[value] ?? 0) + 1;
	return counts;
}

describe('rate-based faults', () => {
	const soak: SandboxFaults = {
		errorRate: 0.05,
		notFoundRate: 0.02,
		slowRate: 0.01,
		malformedRate: 0.02,
		dropRate: 0.01,
		slowMs: 5000,
		seed: 7,
	};
	const ids = Array.from({ length: 1000 }, (_, i) => `cust-${i + 1}`);

	it('hit about their share of 1,000 IDs, the same IDs on every run', async () => {
		await outcomes(ids.slice(0, 100));
		sandbox.setFaults(soak);
		const first = await outcomes(ids);
		sandbox.reset();
		sandbox.setFaults(soak);
		const second = await outcomes(ids);
		const counts = tally(first);

		expect(second).toEqual(first);
		expect(counts[500]).toBeGreaterThanOrEqual(30);
		expect(counts[500]).toBeLessThanOrEqual(70);
		expect(counts[406]).toBeGreaterThanOrEqual(8);
		expect(counts[406]).toBeLessThanOrEqual(35);
		expect(counts.malformed).toBeGreaterThanOrEqual(8);
		expect(counts.malformed).toBeLessThanOrEqual(35);
		expect(counts.timeout).toBeGreaterThanOrEqual(2);
		expect(counts.timeout).toBeLessThanOrEqual(20);
		expect(counts.dropped).toBeGreaterThanOrEqual(2);
		expect(counts.dropped).toBeLessThanOrEqual(20);
		expect(counts[200]).toBeGreaterThanOrEqual(860);
	}, 30_000);

	it('pick other IDs with another seed', async () => {
		sandbox.setFaults({ errorRate: 0.1, seed: 1 });
		const one = await outcomes(ids.slice(0, 200));
		sandbox.setFaults({ errorRate: 0.1, seed: 2 });
		const two = await outcomes(ids.slice(0, 200));

		expect(two).not.toEqual(one);
	});

	it('give a repeated ID the same outcome, unless varyByAttempt is set', async () => {
		sandbox.setFaults({ errorRate: 0.5, seed: 3 });
		const sticky = new Set<Outcome>();
		for (let i = 0; i < 20; i += 1) sticky.add(await outcome('cust-5'));

		sandbox.setFaults({ errorRate: 0.5, seed: 3, varyByAttempt: true });
		const varied = new Set<Outcome>();
		for (let i = 0; i < 20; i += 1) varied.add(await outcome('cust-5'));

		expect(sticky.size).toBe(1);
		expect(varied).toEqual(new Set([200, 500]));
	});

	it('can start with the faults option and come back to it on reset', async () => {
		const own = await startSandbox({ faults: { errorRate: 1 } });
		try {
			const ask = () =>
				axios.post(
					`${own.url}${GET_CUSTOMER_PATH}`,
					{ partnerCustomerId: 'cust-1' },
					{ headers: { Authorization: `Basic ${own.token}` }, validateStatus: () => true },
				);
			expect((await ask()).status).toBe(500);
			own.setFaults(null);
			expect((await ask()).status).toBe(200);
			own.reset();
			expect((await ask()).status).toBe(500);
		} finally {
			await own.close();
		}
	});

	it('refuse rates outside 0..1 and unknown options', () => {
		expect(() => sandbox.setFaults({ errorRate: 1.5 })).toThrow("'errorRate' must be a number");
		expect(() => sandbox.setFaults({ errorRate: 0.6, dropRate: 0.6 })).toThrow('add up to 1');
		expect(() => sandbox.setFaults({ typo: 1 } as SandboxFaults)).toThrow("'typo'");
	});
});

describe('control endpoints', () => {
	it('set faults and latency over HTTP without credentials', async () => {
		const set = await axios.post(`${sandbox.url}/__sandbox/faults`, {
			errorRate: 1,
			latencyMs: 80,
		});
		const { result, ms } = await timed(() => getCustomer({ partnerCustomerId: 'cust-1' }));
		const read = await axios.get(`${sandbox.url}/__sandbox/faults`);

		expect(set.data).toMatchObject({ faults: { errorRate: 1 }, latencyMs: 80 });
		expect(read.data).toEqual(set.data);
		expect(result.status).toBe(500);
		expect(ms).toBeGreaterThanOrEqual(70);
	});

	it('answer 400 to faults they cannot apply, and keep the old ones', async () => {
		sandbox.setFaults({ errorRate: 1 });
		const response = await axios.post(
			`${sandbox.url}/__sandbox/faults`,
			{ errorRate: 'lots', latencyMs: 10 },
			{ validateStatus: () => true },
		);
		const read = await axios.get(`${sandbox.url}/__sandbox/faults`);

		expect(response.status).toBe(400);
		expect(response.data.errors[0].message).toBe("'errorRate' must be a number from 0 to 1");
		expect(read.data).toMatchObject({ faults: { errorRate: 1 }, latencyMs: 0 });
	});

	it('reset clears faults, stats and recorded requests', async () => {
		sandbox.setFaults({ errorRate: 1 });
		await getCustomer({ partnerCustomerId: 'cust-1' });
		await axios.post(`${sandbox.url}/__sandbox/reset`);
		const stats = await axios.get(`${sandbox.url}/__sandbox/stats`);
		const after = await getCustomer({ partnerCustomerId: 'cust-1' });

		expect(stats.data).toEqual({
			requests: 0,
			byStatus: {},
			dropped: 0,
			inFlight: 0,
			maxInFlight: 0,
		});
		expect(after.status).toBe(200);
		expect(sandbox.requests).toHaveLength(1);
	});

	it('report stats by status, and leave themselves out of them', async () => {
		await getCustomer({ partnerCustomerId: 'cust-1' });
		await getCustomer({ partnerCustomerId: 'cust-2' });
		await getCustomer({ partnerCustomerId: 'nope' });
		await axios.get(`${sandbox.url}/nope`, { validateStatus: () => true });
		const stats = await axios.get(`${sandbox.url}/__sandbox/stats`);

		expect(stats.data).toEqual({
			requests: 4,
			byStatus: { 200: 2, 404: 1, 406: 1 },
			dropped: 0,
			inFlight: 0,
			maxInFlight: 1,
		});
	});
});

describe('recorded requests and concurrency', () => {
	it('record exactly what the client sent, Authorization header included', async () => {
		await getCustomer({ partnerCustomerId: 'cust-9', includeTags: true });

		expect(sandbox.requests).toHaveLength(1);
		expect(sandbox.requests[0]).toMatchObject({
			method: 'POST',
			path: GET_CUSTOMER_PATH,
			body: { partnerCustomerId: 'cust-9', includeTags: true },
			rawBody: '{"partnerCustomerId":"cust-9","includeTags":true}',
			status: 200,
		});
		expect(sandbox.requests[0].headers.authorization).toBe(`Basic ${sandbox.token}`);
		expect(sandbox.requests[0].headers['content-type']).toMatch(/^application\/json/);
	});

	it('keep only the last keepRequests requests', async () => {
		const own = await startSandbox({ keepRequests: 3 });
		try {
			for (let n = 1; n <= 5; n += 1) {
				await axios.post(`${own.url}${GET_CUSTOMER_PATH}`, { n }, { validateStatus: () => true });
			}

			expect(own.requests.map((request) => request.body)).toEqual([{ n: 3 }, { n: 4 }, { n: 5 }]);
		} finally {
			await own.close();
		}
	});

	it('count the most requests in flight at once', async () => {
		sandbox.setLatency(100);
		const agent = new http.Agent({ keepAlive: true, maxSockets: 10 });
		try {
			const ids = Array.from({ length: 25 }, (_, i) => `cust-${i + 1}`);
			await Promise.all(
				ids.map((id) => getCustomer({ partnerCustomerId: id }, { httpAgent: agent })),
			);

			expect(sandbox.stats()).toMatchObject({ requests: 25, inFlight: 0, maxInFlight: 10 });
		} finally {
			agent.destroy();
		}
	});
});

describe('close()', () => {
	it('ends keep-alive connections and pending slow answers, so the process can exit', async () => {
		const own = await startSandbox();
		const agent = new http.Agent({ keepAlive: true });
		const config = {
			headers: { Authorization: `Basic ${own.token}` },
			httpAgent: agent,
			validateStatus: () => true,
		};
		const url = `${own.url}${GET_CUSTOMER_PATH}`;
		try {
			await axios.post(url, { partnerCustomerId: 'cust-1' }, config);
			const pending = axios.post(url, { partnerCustomerId: 'fault-slow' }, config);
			await until(() => own.stats().inFlight === 1);

			const { ms } = await timed(() => own.close());

			expect(ms).toBeLessThan(1000);
			await expect(pending).rejects.toMatchObject({ code: 'ECONNRESET' });
			await expect(axios.post(url, {}, config)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
		} finally {
			agent.destroy();
			await own.close();
		}
	});
});

describe('node test/sandbox/cli.js', () => {
	it('prints its address and token, answers with them, and stops on Ctrl+C', async () => {
		const child = spawn(process.execPath, [path.join(__dirname, 'cli.js'), '--latency', '5'], {
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let printed = '';
		child.stdout.on('data', (chunk) => (printed += chunk));
		const exited = new Promise((resolve) => child.on('exit', resolve));
		try {
			await until(() => printed.includes('BIK_SANDBOX_TOKEN='), 10_000);
			const url = /^BIK_SANDBOX_URL=(http:\/\/127\.0\.0\.1:\d+)$/m.exec(printed)?.[1];
			const token = /^BIK_SANDBOX_TOKEN=(\S+)$/m.exec(printed)?.[1];
			expect(printed).toContain(`Authorization: Basic ${token}`);

			const response = await axios.post(
				`${url}${GET_CUSTOMER_PATH}`,
				{ partnerCustomerId: 'abcd-122345' },
				{ headers: { authorization: `Basic ${token}` } },
			);
			expect(response.data.data.customer.id).toBe(5482636);

			child.kill('SIGINT');
			expect(await exited).toBe(0);
			expect(printed).toContain('BIK sandbox stopped (SIGINT)');
		} finally {
			child.kill('SIGKILL');
		}
	});

	it('refuses an unknown option with its usage', async () => {
		const child = spawn(process.execPath, [path.join(__dirname, 'cli.js'), '--nope'], {
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let said = '';
		child.stderr.on('data', (chunk) => (said += chunk));

		expect(await new Promise((resolve) => child.on('exit', resolve))).toBe(2);
		expect(said).toMatch(/^unknown option --nope\nusage: node test\/sandbox\/cli\.js/);
	});
});
