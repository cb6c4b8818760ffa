import { ExecutionLifecycleHooks, PackageDirectoryLoader, WorkflowExecute } from 'n8n-core';
import { createRunExecutionData, ICredentialsHelper, Workflow } from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	ICredentials,
	ICredentialType,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	INodeTypes,
	IRun,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const BIK_NODE = 'BIK';
export const SOURCE_NODE = 'Customers';

// Emits the items given in its parameters, so that the BIK node gets real input items to
// resolve expressions against and to pair its output with.
class TestItems implements INodeType {
	description = {
		displayName: 'Test Items',
		name: 'testItems',
		group: ['input'],
		version: 1,
		description: 'Emits fixed items',
		defaults: { name: 'Test Items' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [{ displayName: 'Items', name: 'items', type: 'json', default: '[]' }],
	} as unknown as INodeType['description'];

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = JSON.parse(this.getNodeParameter('items', 0) as string) as IDataObject[];
		return [items.map((json, index) => ({ json, pairedItem: { item: index } }))];
	}
}

// Stands in for the node n8n builds around a credential's test request (see credentialTest).
function credentialTestNode(credential: ICredentialType): INodeType {
	return {
		description: {
			displayName: 'Credential Test',
			name: 'credentialTest',
			group: ['transform'],
			version: 1,
			description: 'Runs the credential test request',
			defaults: { name: 'Credential Test' },
			inputs: ['main'],
			outputs: ['main'],
			credentials: [{ name: credential.name, required: true }],
			requestDefaults: {},
			properties: [
				{
					displayName: 'Test',
					name: 'test',
					type: 'string',
					default: '',
					routing: { request: credential.test!.request },
				},
			],
		},
	} as unknown as INodeType;
}

const PACKAGE_ROOT = join(__dirname, '..', '..');

interface LoadedPackage {
	nodeTypes: INodeTypes;
	credentialType: ICredentialType;
}

let loading: Promise<LoadedPackage> | undefined;

// The built package is loaded by n8n's own loader, as n8n loads an installed community package:
// it reads the "n8n" section of package.json and adds what n8n adds to a declarative node
// (the Request Options collection among them).
async function loadPackage(): Promise<LoadedPackage> {
	if (!existsSync(join(PACKAGE_ROOT, 'dist', 'nodes', 'Bik', 'Bik.node.js'))) {
		throw new Error('The node is not built: run `npm run build` first');
	}
	const loader = new PackageDirectoryLoader(PACKAGE_ROOT);
	await loader.loadAll();
	const credentialType = loader.credentialTypes.bikApi.type;
	const types: Record<string, INodeType> = {
		[`${loader.packageName}.bik`]: loader.nodeTypes.bik.type as INodeType,
		testItems: new TestItems(),
		credentialTest: credentialTestNode(credentialType),
	};
	const byName = (name: string) => {
		const type = types[name];
		if (!type) throw new Error(`Unknown node type ${name}`);
		return type;
	};
	const nodeTypes = {
		getByName: byName,
		getByNameAndVersion: (name: string) => byName(name),
		getKnownTypes: () => ({}),
	} as unknown as INodeTypes;
	return { nodeTypes, credentialType };
}

export async function loadedPackage(): Promise<LoadedPackage> {
	loading ??= loadPackage();
	return await loading;
}

// n8n's own test helper for credentials skips `generic` authentication, so a node tested with
// it would send no Authorization header at all. This applies the credential's authenticate
// block the way n8n's server does: each value is an expression over $credentials, resolved by
// the workflow's expression engine, and merged into the request.
class SandboxCredentialsHelper extends ICredentialsHelper {
	constructor(
		private readonly credentialType: ICredentialType,
		private readonly data: ICredentialDataDecryptedObject,
	) {
		super();
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		if (typeName !== this.credentialType.name) throw new Error(`Unknown credential ${typeName}`);
		const authenticate = this.credentialType.authenticate;
		if (typeof authenticate !== 'object' || authenticate.type !== 'generic') return requestOptions;
		if (!workflow || !node) throw new Error('Generic authentication needs the workflow and node');

		for (const target of ['headers', 'qs', 'body', 'auth'] as const) {
			const values = authenticate.properties[target] as IDataObject | undefined;
			if (!values) continue;
			const resolved: IDataObject = {};
			for (const [key, value] of Object.entries(values)) {
				resolved[key] = workflow.expression.getSimpleParameterValue(
					node,
					value as string,
					'internal',
					{ $credentials: credentials },
					undefined,
					'',
				) as IDataObject[string];
			}
			const current = (requestOptions[target] ?? {}) as IDataObject;
			(requestOptions as unknown as IDataObject)[target] = { ...current, ...resolved };
		}
		return requestOptions;
	}

	async getDecrypted(): Promise<ICredentialDataDecryptedObject> {
		// The engine fills in defaults from the credential's properties the same way.
		const defaults: ICredentialDataDecryptedObject = {};
		for (const property of this.credentialType.properties) {
			defaults[property.name] = property.default as ICredentialDataDecryptedObject[string];
		}
		return { ...defaults, ...this.data };
	}

	getParentTypes(): string[] {
		return [];
	}

	async preAuthentication() {
		return undefined;
	}

	async runPreAuthentication() {
		return undefined;
	}

	async getCredentials(): Promise<ICredentials> {
		throw new Error('Not used by the BIK node');
	}

	async updateCredentials() {}

	async updateCredentialsOauthTokenData() {}

	getCredentialsProperties() {
		return this.credentialType.properties;
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}
}

export interface RunOptions {
	items: IDataObject[];
	parameters: INodeParameters;
	credentials: ICredentialDataDecryptedObject;
	onError?: INode['onError'];
	retryOnFail?: boolean;
	maxTries?: number;
	waitBetweenTries?: number;
	nodeType?: string;
}

export interface RunResult {
	run: IRun;
	status: IRun['status'];
	error?: Error & { description?: string; context?: IDataObject; httpCode?: string };
	/** Items on the node's main output. */
	output: INodeExecutionData[];
	/** Items on the node's error output (only with onError: continueErrorOutput). */
	errorOutput: INodeExecutionData[];
	/** How many times the engine ran the node. */
	runs: number;
}

let executionCounter = 0;

export async function runBik(options: RunOptions): Promise<RunResult> {
	const nodeName = BIK_NODE;
	const nodes: INode[] = [
		{
			id: 'source',
			name: SOURCE_NODE,
			type: 'testItems',
			typeVersion: 1,
			position: [0, 0],
			parameters: { items: JSON.stringify(options.items) },
		},
		{
			id: 'bik',
			name: nodeName,
			type: options.nodeType ?? 'n8n-nodes-bik.bik',
			typeVersion: 1,
			position: [200, 0],
			parameters: options.parameters,
			credentials: { bikApi: { id: '1', name: 'BIK sandbox' } },
			onError: options.onError,
			retryOnFail: options.retryOnFail,
			maxTries: options.maxTries,
			waitBetweenTries: options.waitBetweenTries,
		},
	];
	const connections = {
		[SOURCE_NODE]: { main: [[{ node: nodeName, type: 'main' as const, index: 0 }]] },
	};
	const run = await execute(nodes, connections, options.credentials);
	const nodeRuns = run.data.resultData.runData[nodeName] ?? [];
	const last = nodeRuns[nodeRuns.length - 1];
	return {
		run,
		status: run.status,
		error: run.data.resultData.error as RunResult['error'],
		output: last?.data?.main?.[0] ?? [],
		errorOutput: last?.data?.main?.[1] ?? [],
		runs: nodeRuns.length,
	};
}

export interface CredentialTestResult {
	status: 'OK' | 'Error';
	message: string;
}

// Runs the credential's test request through the routing engine from a stand-in node, then
// reads its rules, as n8n's credential tester does (the real tester is exercised end to end).
export async function credentialTest(
	credentials: ICredentialDataDecryptedObject,
): Promise<CredentialTestResult> {
	const node: INode = {
		id: 'test',
		name: 'Credential Test',
		type: 'credentialTest',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		credentials: { bikApi: { id: '1', name: 'BIK sandbox' } },
	};
	const run = await execute([node], {}, credentials);
	const error = run.data.resultData.error;
	if (error) return { status: 'Error', message: error.message };
	const body = run.data.resultData.runData[node.name][0].data!.main[0]![0].json;
	const { credentialType } = await loadedPackage();
	for (const rule of credentialType.test!.rules ?? []) {
		if (rule.type !== 'responseSuccessBody') continue;
		const value = rule.properties.key
			.split('.')
			.reduce<unknown>((at, key) => (at as IDataObject | undefined)?.[key], body);
		if (value === rule.properties.value)
			return { status: 'Error', message: rule.properties.message };
	}
	return { status: 'OK', message: 'Connection successful!' };
}

async function execute(
	nodes: INode[],
	connections: Workflow['connectionsBySourceNode'],
	credentials: ICredentialDataDecryptedObject,
): Promise<IRun> {
	const { nodeTypes, credentialType } = await loadedPackage();
	const workflow = new Workflow({
		id: 'engine-test',
		nodes,
		connections,
		nodeTypes,
		active: false,
		settings: { executionOrder: 'v1' },
	});
	const executionId = String(++executionCounter);
	const hooks = new ExecutionLifecycleHooks('manual', executionId, {
		id: 'engine-test',
		name: 'Engine test',
		nodes,
		connections,
		active: false,
		activeVersionId: null,
		isArchived: false,
		createdAt: new Date(),
		updatedAt: new Date(),
	} as never);
	let resolveRun: (run: IRun) => void = () => {};
	const finished = new Promise<IRun>((resolve) => (resolveRun = resolve));
	hooks.addHandler('workflowExecuteAfter', (run) => resolveRun(run));

	const additionalData = {
		credentialsHelper: new SandboxCredentialsHelper(credentialType, credentials),
		hooks,
		executionId,
		currentNodeExecutionIndex: 0,
		restApiUrl: 'http://127.0.0.1/rest',
		instanceBaseUrl: 'http://127.0.0.1/',
		formBaseUrl: 'http://127.0.0.1/form',
		formWaitingBaseUrl: 'http://127.0.0.1/form-waiting',
		formTestBaseUrl: 'http://127.0.0.1/form-test',
		webhookBaseUrl: 'http://127.0.0.1/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1/webhook-test',
		mcpBaseUrl: 'http://127.0.0.1/mcp',
		mcpTestBaseUrl: 'http://127.0.0.1/mcp-test',
		variables: {},
		executeWorkflow: async () => {
			throw new Error('Sub-workflows are not used here');
		},
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		logAiEvent: () => {},
		startRunnerTask: async () => {
			throw new Error('Code nodes are not used here');
		},
	} as unknown as IWorkflowExecuteAdditionalData;

	const startNode = nodes[0];
	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [{ node: startNode, data: { main: [[{ json: {} }]] }, source: null }],
		},
	});

	const workflowExecute = new WorkflowExecute(additionalData, 'manual', runExecutionData);
	await workflowExecute.processRunExecutionData(workflow);
	return await finished;
}
