// The packed package installed into a real n8n the way users install it (Settings > Community
// Nodes, from the npm registry's host name), then the example workflows imported as they are.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const { startSandbox } = require('../sandbox');
const { itemsOf, REPO, startN8n } = require('./n8n');
const { namespaceLauncher } = require('./netns');
const { findSecrets } = require('./secrets');
const { EXAMPLE_CREDENTIAL, exampleFiles, loadExample } = require('./workflows');

const OTHER_TOKEN = 'b3RoZXI6YWNjb3VudA==';
const manifest = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));

let sandbox;
let n8n;
let installed;
let credential;
let otherCredential;

beforeAll(async () => {
	sandbox = await startSandbox();
	n8n = await startN8n({
		extensions: [],
		launch: namespaceLauncher({ repo: REPO, forwardPorts: [sandbox.port] }),
	});
	installed = await n8n.installCommunityPackage(manifest.name, manifest.version);
	// Saved first, so that a lookup that ignored the examples' credential name would find it.
	otherCredential = await n8n.createCredential({
		name: 'Another BIK account',
		data: { authentication: 'token', token: OTHER_TOKEN, baseUrl: sandbox.url },
	});
	credential = await n8n.createCredential({
		name: EXAMPLE_CREDENTIAL,
		data: { authentication: 'token', token: sandbox.token, baseUrl: sandbox.url },
	});
}, 240_000);

afterAll(async () => {
	await n8n?.stop();
	await sandbox?.close();
	n8n?.removeFiles();
});

describe('Installing the package as a community node', () => {
	test('n8n installs n8n-nodes-bik from the npm registry and registers the BIK node', async () => {
		expect(installed).toMatchObject({
			packageName: 'n8n-nodes-bik',
			installedVersion: manifest.version,
			installedNodes: [{ name: 'BIK', type: 'n8n-nodes-bik.bik', latestVersion: 1 }],
		});
		const listed = await n8n.rest('GET', '/community-packages');
		expect(listed.map((entry) => [entry.packageName, entry.failedLoading])).toEqual([
			['n8n-nodes-bik', false],
		]);
	});

	test('the node and its AI tool variant are listed with their icon and codex', async () => {
		const types = await n8n.nodeTypes();
		const byName = Object.fromEntries(types.map((type) => [type.name, type]));

		expect(byName['n8n-nodes-bik.bik']).toMatchObject({
			displayName: 'BIK',
			iconUrl: {
				light: 'icons/n8n-nodes-bik/dist/icons/bik.svg',
				dark: 'icons/n8n-nodes-bik/dist/icons/bik.dark.svg',
			},
			codex: { categories: ['Marketing', 'Sales'], alias: expect.arrayContaining(['CRM']) },
		});
		expect(byName['n8n-nodes-bik.bikTool']).toMatchObject({
			displayName: 'BIK Tool',
			outputs: ['ai_tool'],
			codex: { categories: ['AI'] },
		});
		const icon = await n8n.request('GET', `/${byName['n8n-nodes-bik.bik'].iconUrl.light}`);
		expect(icon.status).toBe(200);
		expect(await icon.text()).toContain('<svg');
	});

	test('the credential type is there, and a credential named "BIK sandbox" saves and tests', async () => {
		const data = { authentication: 'token', token: sandbox.token, baseUrl: sandbox.url };

		const result = await n8n.testCredential({ id: credential.id, name: credential.name, data });

		expect(credential).toMatchObject({ name: 'BIK sandbox', type: 'bikApi' });
		expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
	});
});

describe('The example workflows', () => {
	const importExample = (file) => n8n.createWorkflow(loadExample(file));

	test('imported as they are, every example uses the credential it names', async () => {
		for (const file of exampleFiles()) {
			const workflow = await importExample(file);
			const used = workflow.nodes.flatMap((entry) => Object.values(entry.credentials ?? {}));

			expect(used.map((reference) => reference.id)).toEqual(used.map(() => credential.id));
			expect(used.map((reference) => reference.id)).not.toContain(otherCredential.id);
		}
	});

	test('every example refers to its credential by the name "BIK sandbox"', () => {
		const references = exampleFiles().flatMap((file) =>
			loadExample(file).nodes.flatMap((entry) => Object.values(entry.credentials ?? {})),
		);

		expect(exampleFiles()).toHaveLength(3);
		expect(references).toEqual([
			{ id: null, name: 'BIK sandbox' },
			{ id: null, name: 'BIK sandbox' },
			{ id: null, name: 'BIK sandbox' },
		]);
	});

	test('the CRM sync looks up a batch of customers and splits found from not found', async () => {
		const workflow = await importExample('crm-sync.json');

		const execution = await n8n.runWorkflow(workflow, 'Manual Trigger');

		expect(execution.status).toBe('success');
		const found = itemsOf(execution, 'Found in BIK?', 0).map((item) => item.json);
		const missing = itemsOf(execution, 'Found in BIK?', 1).map((item) => item.json);
		expect(found.map((customer) => [customer.partnerCustomerId, customer.id])).toEqual([
			['abcd-122345', 5482636],
			['cust-42', 7000042],
			['cust-1001', 7001001],
		]);
		expect(found[0].tags).toEqual(['vip']);
		expect(missing).toEqual([{ found: false, partnerCustomerId: 'gone-from-bik' }]);
		expect(itemsOf(execution, 'Report Missing Customers')).toHaveLength(1);
	});

	test('the CRM sync can be activated on its schedule', async () => {
		const workflow = await importExample('crm-sync.json');

		const activated = await n8n.activateWorkflow(workflow);

		expect(activated.active).toBe(true);
		const stored = await n8n.rest('GET', `/workflows/${workflow.id}`);
		expect(stored.nodes.find((entry) => entry.name === 'Every Night').type).toBe(
			'n8n-nodes-base.scheduleTrigger',
		);
	});

	test('the order webhook answers the order enriched with its buyer’s BIK record', async () => {
		const workflow = await importExample('order-enrichment.json');
		await n8n.activateWorkflow(workflow);
		await n8n.waitForWebhook('bik-order-enrichment');
		const order = { orderId: 'ORD-1001', customerId: 'abcd-122345', total: 1499 };

		const res = await n8n.request('POST', '/webhook/bik-order-enrichment', order);

		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({
			order,
			buyer: {
				bikCustomerId: 5482636,
				name: 'Test Last',
				email: 'test.2@bik.ai',
				phoneNumber: '+919090909090',
				tags: ['vip'],
				city: 'bangalore',
			},
		});
	});

	test('the order webhook reports a buyer BIK does not know as a failed request', async () => {
		const workflow = (await n8n.rest('GET', '/workflows')).find(
			(entry) => entry.name === 'BIK: enrich an order with its buyer' && entry.active,
		);
		const order = { orderId: 'ORD-1002', customerId: 'unknown-buyer', total: 10 };

		const res = await n8n.request('POST', '/webhook/bik-order-enrichment', order);

		expect(res.status).toBe(500);
		const [latest] = await n8n.executions(workflow.id);
		const execution = await n8n.waitForExecution(latest.id);
		expect(execution.status).toBe('error');
		expect(execution.data.resultData.error.message).toBe(
			'No BIK customer has partner customer ID "unknown-buyer" (item 0)',
		);
	});

	test('the AI agent imports with the BIK tool wired to it, and the tool looks a customer up', async () => {
		const workflow = await importExample('ai-agent.json');

		const stored = await n8n.rest('GET', `/workflows/${workflow.id}`);
		expect(stored.connections['Get BIK Customer']).toEqual({
			ai_tool: [[{ node: 'Customer Support Agent', type: 'ai_tool', index: 0 }]],
		});
		const types = new Set((await n8n.nodeTypes()).map((type) => type.name));
		expect(stored.nodes.filter((entry) => !types.has(entry.type))).toEqual([]);

		// As the editor's "Execute step" on a tool: n8n fills the $fromAI() inputs from agentRequest,
		// keyed by the tool's name (the node's name with underscores).
		const tool = 'Get_BIK_Customer';
		const started = await n8n.rest('POST', `/workflows/${workflow.id}/run`, {
			destinationNode: { nodeName: 'Get BIK Customer', mode: 'inclusive' },
			agentRequest: { query: { [tool]: { partnerCustomerId: 'cust-7' } }, tool: { name: tool } },
		});
		const execution = await n8n.waitForExecution(started.executionId);

		expect(execution.status).toBe('success');
		const [toolRun] = execution.data.resultData.runData['Get BIK Customer'];
		expect(toolRun.inputOverride.ai_tool[0][0].json).toEqual({ partnerCustomerId: 'cust-7' });
		const [answer] = toolRun.data.ai_tool[0][0].json.response;
		expect(answer).toMatchObject({
			id: 7000007,
			partnerCustomerId: 'cust-7',
			tags: ['newsletter'],
		});
		expect(answer.addresses).toHaveLength(1);
	});
});

describe('Keeping the credential secret', () => {
	test('the token is nowhere in the database, the logs or the installed package', async () => {
		await n8n.stop();

		const { files, found } = findSecrets(n8n, { token: sandbox.token, other: OTHER_TOKEN });

		expect(files).toEqual(
			expect.arrayContaining([
				'.n8n/database.sqlite',
				'.n8n/nodes/node_modules/n8n-nodes-bik/package.json',
				'n8n.log',
			]),
		);
		expect(found).toEqual([]);
	});
});
