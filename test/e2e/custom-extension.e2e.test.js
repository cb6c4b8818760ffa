// The BIK node loaded from the built dist folder as a custom extension (type CUSTOM.bik), run in
// a real n8n against the BIK sandbox: every lookup, every failure and what the user sees of it.
'use strict';

const { customerView, DOC_CUSTOMER: DOCUMENTED, startSandbox } = require('../sandbox');
const { itemsOf, startN8n } = require('./n8n');
const { findSecrets } = require('./secrets');
const { bikNode, chain, itemsNode } = require('./workflows');

const TYPE = 'CUSTOM.bik';
// The documentation's customer without addresses, assets or tags.
const DOC_CUSTOMER = customerView(DOCUMENTED, {});

let sandbox;
let n8n;
let credentials;

beforeAll(async () => {
	sandbox = await startSandbox({ slowMs: 4_000 });
	// Debug logs hold the most detail, so they are the hardest place for a token to stay out of.
	n8n = await startN8n({ logLevel: 'debug' });
	const baseUrl = sandbox.url;
	credentials = {
		token: await n8n.createCredential({
			name: 'BIK sandbox',
			data: { authentication: 'token', token: sandbox.token, baseUrl },
		}),
		keyAndSecret: await n8n.createCredential({
			name: 'BIK sandbox (key and secret)',
			data: {
				authentication: 'keyAndSecret',
				apiKey: sandbox.apiKey,
				apiSecret: sandbox.apiSecret,
				baseUrl,
			},
		}),
		wrongToken: await n8n.createCredential({
			name: 'BIK sandbox (wrong token)',
			data: { authentication: 'token', token: 'd3Jvbmc6dG9rZW4=', baseUrl },
		}),
	};
}, 240_000);

afterAll(async () => {
	await n8n?.stop();
	await sandbox?.close();
	n8n?.removeFiles();
});

beforeEach(() => sandbox.reset());

/** Saves and runs Manual Trigger → (items) → BIK; answers the execution. */
async function runBik(parameters, { input, settings, credential = credentials.token } = {}) {
	const nodes = [
		...(input ? [itemsNode('Customers', input)] : []),
		bikNode({ type: TYPE, credential, parameters, settings }),
	];
	// n8n takes workflow names of up to 128 characters.
	const name = expect.getState().currentTestName.slice(0, 128);
	const workflow = await n8n.createWorkflow(chain(name, nodes));
	return n8n.runWorkflow(workflow);
}

const jsonOf = (items) => items.map((item) => item.json);
const lookups = () => sandbox.requests.map((request) => request.body);

describe('Looking up customers', () => {
	test('a customer is found by partner customer ID, with no optional fields', async () => {
		const execution = await runBik({ partnerCustomerId: 'abcd-122345' });

		expect(execution.status).toBe('success');
		expect(jsonOf(itemsOf(execution, 'BIK'))).toEqual([DOC_CUSTOMER]);
		expect(lookups()).toEqual([
			{
				partnerCustomerId: 'abcd-122345',
				includeAddress: false,
				includeAssets: false,
				includeTags: false,
			},
		]);
		expect(sandbox.requests[0].headers.authorization).toBe(`Basic ${sandbox.token}`);
	});

	test('a customer is found by BIK customer ID', async () => {
		const execution = await runBik({ idType: 'bikCustomerId', bikCustomerId: '5482636' });

		expect(jsonOf(itemsOf(execution, 'BIK'))).toEqual([DOC_CUSTOMER]);
		expect(lookups()[0]).toMatchObject({ bikCustomerId: '5482636' });
		expect(lookups()[0]).not.toHaveProperty('partnerCustomerId');
	});

	test.each([
		[
			'includeAddress',
			'addresses',
			[expect.objectContaining({ addressId: 142385, city: 'bangalore' })],
		],
		[
			'includeAssets',
			'assets',
			[
				expect.objectContaining({ assetName: 'EMAIL', assetValue: 'test.2@bik.ai' }),
				expect.objectContaining({ assetName: 'PHONE_NUMBER', assetValue: '+919090909090' }),
			],
		],
		['includeTags', 'tags', ['vip']],
	])('turning on %s adds the customer’s %s and nothing else', async (toggle, field, value) => {
		const execution = await runBik({ partnerCustomerId: 'abcd-122345', [toggle]: true });

		const [customer] = jsonOf(itemsOf(execution, 'BIK'));
		expect(customer).toEqual({ ...DOC_CUSTOMER, [field]: value });
		expect(lookups()[0][toggle]).toBe(true);
	});

	test('all include toggles together add addresses, assets and tags by BIK customer ID', async () => {
		const execution = await runBik({
			idType: 'bikCustomerId',
			bikCustomerId: '5482636',
			includeAddress: true,
			includeAssets: true,
			includeTags: true,
		});

		const [customer] = jsonOf(itemsOf(execution, 'BIK'));
		expect(Object.keys(customer)).toEqual(
			expect.arrayContaining(['addresses', 'assets', 'tags', ...Object.keys(DOC_CUSTOMER)]),
		);
		expect(customer.addresses).toHaveLength(1);
		expect(customer.assets).toHaveLength(2);
	});

	test('IDs come from the previous node’s items by expression, and each output item links to its input item', async () => {
		const input = [42, 7, 1001, 250, 3, 999, 64, 5].map((n) => ({ shopId: `cust-${n}`, n }));

		const execution = await runBik(
			{ partnerCustomerId: '={{ $json.shopId }}', includeTags: true },
			{ input },
		);

		const items = itemsOf(execution, 'BIK');
		expect(items).toHaveLength(input.length);
		items.forEach((item, index) => {
			expect(item.json.partnerCustomerId).toBe(input[index].shopId);
			expect(item.json.id).toBe(7_000_000 + input[index].n);
			expect(item.json.tags).toEqual(expect.any(Array));
			expect(item.pairedItem).toEqual({ item: index });
		});
		expect(
			lookups()
				.map((body) => body.partnerCustomerId)
				.sort(),
		).toEqual(input.map((entry) => entry.shopId).sort());
	});

	test('a BIK customer ID taken by expression from a named earlier node is sent as it is', async () => {
		const execution = await runBik(
			{ idType: 'bikCustomerId', bikCustomerId: "={{ $('Customers').item.json.bik }}" },
			{ input: [{ bik: '7000012' }, { bik: '5482636' }] },
		);

		expect(jsonOf(itemsOf(execution, 'BIK')).map((customer) => customer.id)).toEqual([
			7000012, 5482636,
		]);
	});

	test('a credential of API key and secret sends the same Basic token', async () => {
		const execution = await runBik(
			{ partnerCustomerId: 'abcd-122345' },
			{ credential: credentials.keyAndSecret },
		);

		expect(jsonOf(itemsOf(execution, 'BIK'))).toEqual([DOC_CUSTOMER]);
		expect(sandbox.requests[0].headers.authorization).toBe(`Basic ${sandbox.token}`);
	});
});

describe('When a lookup fails', () => {
	/** What the editor shows for a failed run: the run's error and the node that raised it. */
	const failureOf = (execution) => {
		const { error, lastNodeExecuted, runData } = execution.data.resultData;
		return {
			status: execution.status,
			node: lastNodeExecuted,
			message: error.message,
			description: error.description,
			nodeError: runData.BIK[0].error.message,
		};
	};

	test('a customer that is not there stops the run with a message naming the ID and the item', async () => {
		const execution = await runBik({ partnerCustomerId: 'nope' });

		expect(failureOf(execution)).toEqual({
			status: 'error',
			node: 'BIK',
			message: 'No BIK customer has partner customer ID "nope" (item 0)',
			description:
				"Check 'Partner Customer ID', or set Options > 'If Customer Not Found' to 'Return an Item Marked Not Found' to carry on.",
			nodeError: 'No BIK customer has partner customer ID "nope" (item 0)',
		});
	});

	test('a customer that is not there gives an item marked not found when the option says so', async () => {
		const execution = await runBik(
			{ partnerCustomerId: '={{ $json.id }}', options: { onNotFound: 'returnItem' } },
			{ input: [{ id: 'abcd-122345' }, { id: 'nope' }] },
		);

		expect(execution.status).toBe('success');
		const items = itemsOf(execution, 'BIK');
		expect(jsonOf(items)).toEqual([DOC_CUSTOMER, { found: false, partnerCustomerId: 'nope' }]);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	test('a wrong token stops the run and points at the credential', async () => {
		const execution = await runBik(
			{ partnerCustomerId: 'abcd-122345' },
			{ credential: credentials.wrongToken },
		);

		expect(failureOf(execution)).toEqual({
			status: 'error',
			node: 'BIK',
			message: 'BIK rejected the credential (item 0)',
			description:
				'Check the token, or the API key and secret, in the BIK API credential, then use its Test button.',
			nodeError: 'BIK rejected the credential (item 0)',
		});
		expect(sandbox.stats().byStatus).toMatchObject({ 401: expect.any(Number) });
	});

	test('a 500 from BIK stops the run and quotes what BIK said', async () => {
		const execution = await runBik({ partnerCustomerId: 'fault-500' });

		expect(failureOf(execution)).toMatchObject({
			status: 'error',
			node: 'BIK',
			message: 'BIK could not answer for item 0 (HTTP 500)',
			description: expect.stringMatching(/^BIK said: .+\. This is on BIK's side\./),
		});
	});

	test('BIK answering later than the node’s Request Options timeout stops the run', async () => {
		const started = Date.now();
		const execution = await runBik({
			partnerCustomerId: 'fault-slow',
			requestOptions: { timeout: 1_000 },
		});

		expect(failureOf(execution)).toEqual({
			status: 'error',
			node: 'BIK',
			message: 'BIK did not answer within 1 s (item 0)',
			description:
				"Try again later. To wait longer, raise 'Timeout' under 'Request Options' in this node's options.",
			nodeError: 'BIK did not answer within 1 s (item 0)',
		});
		expect(Date.now() - started).toBeLessThan(4_000);
	});

	const mixedInput = ['abcd-122345', 'fault-500', 'nope', 'cust-9', 'fault-slow'].map((id) => ({
		id,
	}));
	const mixedParameters = {
		partnerCustomerId: '={{ $json.id }}',
		requestOptions: { timeout: 1_000 },
	};

	test('with On Error set to continue, failed items carry their message and the others go through', async () => {
		const execution = await runBik(mixedParameters, {
			input: mixedInput,
			settings: { onError: 'continueRegularOutput' },
		});

		expect(execution.status).toBe('success');
		const items = itemsOf(execution, 'BIK');
		expect(jsonOf(items)).toEqual([
			DOC_CUSTOMER,
			{ error: 'BIK could not answer for item 1 (HTTP 500)' },
			{ error: 'No BIK customer has partner customer ID "nope" (item 2)' },
			expect.objectContaining({ id: 7000009, partnerCustomerId: 'cust-9' }),
			{ error: 'BIK did not answer within 1 s (item 4)' },
		]);
		expect(items.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3, 4].map((item) => ({ item })));
	});

	test('with On Error set to the error output, found customers and failed items leave on separate branches', async () => {
		const execution = await runBik(mixedParameters, {
			input: mixedInput,
			settings: { onError: 'continueErrorOutput' },
		});

		expect(execution.status).toBe('success');
		const found = itemsOf(execution, 'BIK', 0);
		const failed = itemsOf(execution, 'BIK', 1);
		expect(found.map((item) => [item.json.partnerCustomerId, item.pairedItem.item])).toEqual([
			['abcd-122345', 0],
			['cust-9', 3],
		]);
		expect(failed.map((item) => [item.json.error, item.pairedItem.item])).toEqual([
			['BIK could not answer for item 1 (HTTP 500)', 1],
			['No BIK customer has partner customer ID "nope" (item 2)', 2],
			['BIK did not answer within 1 s (item 4)', 4],
		]);
		expect(failed[1].error.description).toMatch(/^Check 'Partner Customer ID'/);
	});

	test.each([
		['continue', 'continueRegularOutput', 0],
		['the error output', 'continueErrorOutput', 1],
	])(
		'with a wrong token and On Error set to %s, every item becomes an error item linked to its input',
		async (_label, onError, branch) => {
			const execution = await runBik(
				{ partnerCustomerId: '={{ $json.id }}' },
				{
					input: [{ id: 'abcd-122345' }, { id: 'cust-9' }],
					settings: { onError },
					credential: credentials.wrongToken,
				},
			);

			expect(execution.status).toBe('success');
			const items = itemsOf(execution, 'BIK', branch);
			expect(items.map((item) => [item.json.error, item.pairedItem.item])).toEqual([
				['BIK rejected the credential (item 0)', 0],
				['BIK rejected the credential (item 1)', 1],
			]);
			if (branch === 1) expect(itemsOf(execution, 'BIK', 0)).toEqual([]);
		},
	);
});

describe('n8n’s credential test', () => {
	const cases = [
		['a good token', () => ({ authentication: 'token', token: sandbox.token }), 'OK'],
		['a wrong token', () => ({ authentication: 'token', token: 'bm90OnRoaXM=' }), 'Error'],
		[
			'a good API key and secret',
			() => ({
				authentication: 'keyAndSecret',
				apiKey: sandbox.apiKey,
				apiSecret: sandbox.apiSecret,
			}),
			'OK',
		],
		[
			'a wrong API secret',
			() => ({ authentication: 'keyAndSecret', apiKey: sandbox.apiKey, apiSecret: 'not-it' }),
			'Error',
		],
	];

	test.each(cases)('passes or fails a saved credential with %s', async (label, form, status) => {
		const data = { ...form(), baseUrl: sandbox.url };
		const saved = await n8n.createCredential({ name: `test ${label}`, data });

		const result = await n8n.testCredential({ id: saved.id, name: saved.name, data });

		expect(result).toEqual(
			status === 'OK'
				? { status: 'OK', message: 'Connection successful!' }
				: {
						status: 'Error',
						message:
							'BIK rejected this token. Check the token, or the API key and secret, and try again.',
					},
		);
		expect(sandbox.requests.at(-1)).toMatchObject({
			path: '/integrations/bikPlatformFunctions-customers/get',
			body: { partnerCustomerId: 'n8n-credential-test' },
		});
	});

	test('fails a credential whose Base URL does not lead to BIK’s API', async () => {
		const result = await n8n.testCredential({
			data: { authentication: 'token', token: sandbox.token, baseUrl: `${sandbox.url}/elsewhere` },
		});

		expect(result).toEqual({
			status: 'Error',
			message: "BIK's API is not at this Base URL. Check the Base URL and try again.",
		});
	});
});

describe('In the editor’s list of nodes', () => {
	test('the BIK node is listed with its light and dark icons, its codex and its credential', async () => {
		const types = await n8n.nodeTypes();
		const bik = types.find((type) => type.name === TYPE);

		expect(bik).toMatchObject({
			displayName: 'BIK',
			usableAsTool: true,
			credentials: [{ name: 'bikApi', required: true }],
			codex: {
				categories: expect.arrayContaining(['Marketing', 'Sales']),
				alias: expect.arrayContaining(['CRM', 'customer']),
				resources: { primaryDocumentation: [{ url: expect.stringContaining('n8n-nodes-bik') }] },
			},
		});
		const icons = await Promise.all(
			[bik.iconUrl.light, bik.iconUrl.dark].map(async (url) => {
				const res = await n8n.request('GET', `/${url}`);
				return {
					status: res.status,
					type: res.headers.get('content-type'),
					body: await res.text(),
				};
			}),
		);
		for (const icon of icons) {
			expect(icon).toMatchObject({ status: 200, type: expect.stringContaining('svg') });
			expect(icon.body).toContain('<svg');
		}
		expect(icons[0].body).not.toBe(icons[1].body);
	});

	test('the AI tool variant is registered for AI agents', async () => {
		const types = await n8n.nodeTypes();
		const tool = types.find((type) => type.name === `${TYPE}Tool`);

		expect(tool).toMatchObject({
			displayName: 'BIK Tool',
			outputs: ['ai_tool'],
			codex: { categories: ['AI'], subcategories: { AI: ['Tools'] } },
		});
	});
});

describe('Keeping the credential secret', () => {
	test('after all the runs, no token, key or secret is in n8n’s database, logs or execution data', async () => {
		const secrets = {
			token: sandbox.token,
			apiKey: sandbox.apiKey,
			apiSecret: sandbox.apiSecret,
			wrongToken: 'd3Jvbmc6dG9rZW4=',
		};
		const executions = await n8n.rest('GET', '/executions?limit=100');
		expect(executions.results.length).toBeGreaterThanOrEqual(15);
		for (const { id } of executions.results) {
			const text = JSON.stringify(await n8n.execution(id));
			for (const secret of Object.values(secrets)) expect(text).not.toContain(secret);
		}

		await n8n.stop();
		const { files, found } = findSecrets(n8n, secrets);

		expect(files).toEqual(
			expect.arrayContaining(['.n8n/database.sqlite', 'n8n.log', 'output.log']),
		);
		expect(found).toEqual([]);
		// The same scan finds what n8n does keep in plain text, so an empty answer above means
		// something: a credential's name, and a looked-up ID in the stored execution data.
		expect(
			findSecrets(n8n, { name: 'BIK sandbox (wrong token)', id: 'abcd-122345' }).found,
		).toEqual(expect.arrayContaining(['.n8n/database.sqlite: name', '.n8n/database.sqlite: id']));
	});
});
