import { createServer } from 'node:net';

import { startSandbox } from '../sandbox';
import { runBik } from './harness';
import {
	customerRequests,
	getByBikId,
	getByPartnerId,
	lookUp,
	tokenCredentials,
	useSandbox,
} from './setup';

const sandbox = useSandbox();

const continueOnFail = { onError: 'continueRegularOutput' as const };

async function closedPort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as { port: number };
	await new Promise((resolve) => server.close(resolve));
	return port;
}

describe('Errors a user understands', () => {
	test('a customer that does not exist names the ID kind and value', async () => {
		const result = await lookUp(sandbox(), ['nobody-here']);

		expect(result.status).toBe('error');
		expect(result.error?.message).toBe(
			'No BIK customer has partner customer ID "nobody-here" (item 0)',
		);
		expect(result.error?.description).toContain("'Partner Customer ID'");
		expect(result.error?.description).toContain("'If Customer Not Found'");
	});

	test('a BIK customer ID that does not exist is named as such', async () => {
		const result = await lookUp(sandbox(), ['999'], { parameters: getByBikId() });

		expect(result.error?.message).toBe('No BIK customer has BIK customer ID "999" (item 0)');
	});

	test('with If Customer Not Found set to return an item, the run carries on with found: false', async () => {
		const result = await lookUp(sandbox(), ['cust-1', 'nobody-here', 'cust-2'], {
			parameters: getByPartnerId({ options: { onNotFound: 'returnItem' } }),
		});

		expect(result.status).toBe('success');
		expect(result.output.map((item) => item.json)).toEqual([
			expect.objectContaining({ partnerCustomerId: 'cust-1', id: 7000001 }),
			{ found: false, partnerCustomerId: 'nobody-here' },
			expect.objectContaining({ partnerCustomerId: 'cust-2', id: 7000002 }),
		]);
		expect(result.output.map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
		]);
	});

	test('a rejected token points at the credential', async () => {
		const result = await lookUp(sandbox(), ['cust-1'], {
			credentials: { authentication: 'token', token: 'd3Jvbmc6dG9rZW4=', baseUrl: sandbox().url },
		});

		expect(result.error?.message).toBe('BIK rejected the credential (item 0)');
		expect(result.error?.description).toContain('BIK API credential');
		expect(result.error?.httpCode).toBe('401');
	});

	test('a wrong base URL (404) names the address that was tried', async () => {
		const result = await lookUp(sandbox(), ['cust-1'], {
			credentials: { ...tokenCredentials(sandbox()), baseUrl: `${sandbox().url}/v2/` },
		});

		expect(result.error?.message).toBe(
			`BIK's API is not at ${sandbox().url}/v2/integrations/bikPlatformFunctions-customers/get (item 0)`,
		);
		expect(result.error?.description).toContain("'Base URL'");
	});

	test("BIK's own validation text is passed on for a 400", async () => {
		const result = await lookUp(sandbox(), ['fault-400']);

		expect(result.error?.message).toBe('BIK did not accept the request for item 0');
		expect(result.error?.description).toMatch(/^BIK said: .+is not allowed/);
		expect(result.error?.description).toContain("'Partner Customer ID'");
	});

	test("a 500 says the trouble is on BIK's side and to try again later", async () => {
		const result = await lookUp(sandbox(), ['fault-500']);

		expect(result.error?.message).toBe('BIK could not answer for item 0 (HTTP 500)');
		expect(result.error?.description).toContain('Try again later');
	});

	test('an HTML error page from a proxy is reported with its status', async () => {
		const result = await lookUp(sandbox(), ['fault-html']);

		expect(result.error?.message).toBe('BIK could not answer for item 0 (HTTP 502)');
	});

	test('a 429 says BIK asked to slow down and points at the limits', async () => {
		const result = await lookUp(sandbox(), ['fault-429']);

		expect(result.error?.message).toBe('BIK asked n8n to slow down (item 0)');
		expect(result.error?.description).toContain("'Max Requests in Flight'");
	});

	test.each([
		['fault-malformed', "BIK's reply for item 0 is not JSON"],
		['fault-text', "BIK's reply for item 0 is not JSON"],
		['fault-empty', 'BIK sent an empty reply for item 0'],
		['fault-success-false', 'BIK could not look up the customer for item 0'],
		['fault-no-customer', "BIK's reply for item 0 holds no customer"],
	])('a 200 reply that is not a customer (%s) fails that item clearly', async (id, message) => {
		const result = await lookUp(sandbox(), [id]);

		expect(result.status).toBe('error');
		expect(result.error?.message).toBe(message);
	});

	test('success: false passes on what BIK said', async () => {
		const result = await lookUp(sandbox(), ['fault-success-false']);

		expect(result.error?.description).toBe('BIK said: Customer lookup failed.');
	});

	test('a huge but valid reply is still one customer item', async () => {
		const result = await lookUp(sandbox(), ['fault-huge'], {
			parameters: getByPartnerId({ includeTags: true }),
		});

		expect(result.status).toBe('success');
		expect((result.output[0].json.tags as string[]).length).toBeGreaterThan(1000);
	});

	test('a refused connection names the address', async () => {
		const port = await closedPort();
		const result = await lookUp(sandbox(), ['cust-1'], {
			credentials: { ...tokenCredentials(sandbox()), baseUrl: `http://127.0.0.1:${port}` },
		});

		expect(result.error?.message).toBe(
			`Could not connect to BIK at http://127.0.0.1:${port}/integrations/bikPlatformFunctions-customers/get`,
		);
		expect(result.error?.description).toContain("'Base URL'");
	});

	test('a dropped connection says it closed before BIK answered', async () => {
		const result = await lookUp(sandbox(), ['fault-drop']);

		expect(result.error?.message).toMatch(/^The connection to .+ closed before BIK answered$/);
	});

	test('a reply slower than the timeout says how long it waited and where to change it', async () => {
		const result = await lookUp(sandbox(), ['fault-slow'], {
			parameters: getByPartnerId({ requestOptions: { timeout: 300 } }),
		});

		expect(result.error?.message).toBe('BIK did not answer within 0.3 s (item 0)');
		expect(result.error?.description).toContain("'Timeout'");
	});

	test.each([
		['an empty ID', ''],
		['a blank ID', '   '],
		['a missing field', undefined],
		['a null value', null],
	])('%s stops that item before any request', async (_label, id) => {
		const result = await lookUp(sandbox(), ['cust-1', id], continueOnFail);

		expect(result.output).toHaveLength(2);
		expect(result.output[0].json.partnerCustomerId).toBe('cust-1');
		expect(result.output[1].json.error).toBe('The partner customer ID for item 1 is empty');
		expect(result.output[1].error?.description).toContain("'Partner Customer ID'");
		expect(customerRequests(sandbox())).toHaveLength(1);
	});

	test('an ID field left empty in the editor keeps n8n from starting the run', async () => {
		await expect(
			lookUp(sandbox(), ['cust-1'], {
				parameters: getByPartnerId({ partnerCustomerId: '' }),
				...continueOnFail,
			}),
		).rejects.toThrow('Parameter "Partner Customer ID" is required.');
		expect(customerRequests(sandbox())).toHaveLength(0);
	});

	test('an object where the ID should be is refused with what it resolved to', async () => {
		const result = await lookUp(sandbox(), [{ nested: 'x' }, ['a', 'b']], continueOnFail);

		expect(result.output.map((item) => item.json.error)).toEqual([
			'The partner customer ID for item 0 is not text',
			'The partner customer ID for item 1 is not text',
		]);
		expect(result.output[1].error?.description).toContain('a list of 2 values');
		expect(customerRequests(sandbox())).toHaveLength(0);
	});

	test('a Base URL that is not a web address is refused before any request', async () => {
		const result = await lookUp(sandbox(), ['cust-1'], {
			credentials: { ...tokenCredentials(sandbox()), baseUrl: 'bikapi.bikayi.app' },
		});

		expect(result.error?.message).toBe("The BIK API credential's Base URL is not a web address");
	});

	test('a plain http Base URL to another machine is refused, so the token never crosses unencrypted', async () => {
		const result = await lookUp(sandbox(), ['cust-1'], {
			credentials: { ...tokenCredentials(sandbox()), baseUrl: 'http://bikapi.bikayi.app' },
		});

		expect(result.error?.message).toBe("The BIK API credential's Base URL uses plain http");
		expect(result.error?.description).toContain('https://');
	});
});

describe('On Error settings', () => {
	const mixed = ['cust-1', 'nobody-here', 'fault-500', '', 'cust-2'];

	test('without On Error, the first failed item stops the run with its own message', async () => {
		const result = await lookUp(sandbox(), mixed);

		expect(result.status).toBe('error');
		expect(result.error?.message).toBe(
			'No BIK customer has partner customer ID "nobody-here" (item 1)',
		);
	});

	test('continue (regular output) gives exactly one item per input, failures carrying their message', async () => {
		const result = await lookUp(sandbox(), mixed, continueOnFail);

		expect(result.status).toBe('success');
		expect(result.output.map((item) => item.json.partnerCustomerId ?? item.json.error)).toEqual([
			'cust-1',
			'No BIK customer has partner customer ID "nobody-here" (item 1)',
			'BIK could not answer for item 2 (HTTP 500)',
			'The partner customer ID for item 3 is empty',
			'cust-2',
		]);
		expect(result.output.map((item) => item.pairedItem)).toEqual(
			mixed.map((_, index) => ({ item: index })),
		);
	});

	test('the error output gets the failed items and the main output the rest, adding up to the input', async () => {
		const result = await lookUp(sandbox(), mixed, { onError: 'continueErrorOutput' });

		expect(result.status).toBe('success');
		expect(result.output.map((item) => [item.json.partnerCustomerId, item.pairedItem])).toEqual([
			['cust-1', { item: 0 }],
			['cust-2', { item: 4 }],
		]);
		expect(result.errorOutput.map((item) => [item.json.error, item.pairedItem])).toEqual([
			['No BIK customer has partner customer ID "nobody-here" (item 1)', { item: 1 }],
			['BIK could not answer for item 2 (HTTP 500)', { item: 2 }],
			['The partner customer ID for item 3 is empty', { item: 3 }],
		]);
	});

	test("n8n's Retry On Fail sends every item again, not just the failed one", async () => {
		const result = await lookUp(sandbox(), ['cust-1', 'fault-500', 'cust-2'], {
			retryOnFail: true,
			maxTries: 2,
			waitBetweenTries: 0,
		});

		expect(result.status).toBe('error');
		expect(customerRequests(sandbox())).toHaveLength(6);
	});

	test('Retries per Item sends only the failed item again', async () => {
		const result = await lookUp(sandbox(), ['cust-1', 'fault-500', 'cust-2'], {
			parameters: getByPartnerId({ options: { retries: 2 } }),
			...continueOnFail,
		});

		const sent = customerRequests(sandbox()).map(
			(request) => (request.body as { partnerCustomerId: string }).partnerCustomerId,
		);
		expect(sent.filter((id) => id === 'fault-500')).toHaveLength(3);
		expect(sent.filter((id) => id !== 'fault-500')).toHaveLength(2);
		expect(result.output[1].json.error).toBe('BIK could not answer for item 1 (HTTP 500)');
	});

	test('Retries per Item waits as long as a 429 Retry-After asks, not its own 1 s backoff', async () => {
		await lookUp(sandbox(), ['fault-429'], {
			parameters: getByPartnerId({ options: { retries: 1 } }),
			...continueOnFail,
		});

		const [first, second] = customerRequests(sandbox());
		expect(second.receivedAt - first.receivedAt).toBeGreaterThanOrEqual(2000);
	});

	test('Retries per Item turns a passing fault into a found customer', async () => {
		const flaky = await startSandbox({
			faults: { errorRate: 0.3, seed: 'flaky', varyByAttempt: true },
		});
		try {
			const ids = Array.from({ length: 20 }, (_, index) => `cust-${index + 1}`);
			const result = await runBik({
				items: ids.map((id) => ({ id })),
				parameters: getByPartnerId({ options: { retries: 3 } }),
				credentials: tokenCredentials(flaky),
			});

			expect(result.status).toBe('success');
			expect(result.output.map((item) => item.json.partnerCustomerId)).toEqual(ids);
			expect(flaky.stats().byStatus['500']).toBeGreaterThan(0);
		} finally {
			await flaky.close();
		}
	}, 30_000);
});
