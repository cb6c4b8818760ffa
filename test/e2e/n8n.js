// Starts a real n8n (the pinned release, on its own Node.js 24) in a throwaway user folder, sets up
// its owner and drives it over its REST API the way the editor does. Plain CommonJS: the tests,
// the demo and CI all load it on the machine's own Node.js.
'use strict';

const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const installer = require('./install-n8n');

const REPO = path.resolve(__dirname, '..', '..');
const DIST = path.join(REPO, 'dist');
const READY_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 15_000;
const BROWSER_ID = 'bik-e2e';

const OWNER = {
	email: 'owner@bik-sandbox.test',
	firstName: 'Sandbox',
	lastName: 'Owner',
	password: 'Sandbox-owner-1',
};

function freePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// A new connection per call: while n8n runs thousands of items its event loop stalls past the
// keep-alive timeout, and a reused socket that n8n closes meanwhile fails the call with
// ECONNRESET. Answers what the callers use of a fetch Response.
function plainRequest(url, { method, headers, body }) {
	return new Promise((resolve, reject) => {
		const defined = Object.fromEntries(
			Object.entries(headers ?? {}).filter(([, value]) => value !== undefined),
		);
		const req = http.request(url, { method, headers: defined, agent: false }, (res) => {
			const chunks = [];
			res.on('data', (chunk) => chunks.push(chunk));
			res.on('error', reject);
			res.on('end', () => {
				const buffer = Buffer.concat(chunks);
				const responseHeaders = new Headers();
				for (const [name, value] of Object.entries(res.headers)) {
					for (const one of [value].flat()) responseHeaders.append(name, String(one));
				}
				resolve({
					ok: res.statusCode >= 200 && res.statusCode < 300,
					status: res.statusCode,
					headers: responseHeaders,
					text: async () => buffer.toString('utf8'),
					json: async () => JSON.parse(buffer.toString('utf8')),
					arrayBuffer: async () =>
						buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.length),
				});
			});
		});
		req.on('error', reject);
		req.end(body);
	});
}

/** The settings that keep n8n on loopback and quiet: no telemetry, templates or update checks. */
function offlineEnv({ userFolder, port, brokerPort, logFile, logLevel }) {
	return {
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: crypto.randomBytes(24).toString('hex'),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PORT: String(port),
		N8N_PROTOCOL: 'http',
		WEBHOOK_URL: `http://127.0.0.1:${port}/`,
		N8N_EDITOR_BASE_URL: `http://127.0.0.1:${port}/`,
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		DB_TYPE: 'sqlite',
		N8N_LOG_LEVEL: logLevel,
		N8N_LOG_OUTPUT: 'console,file',
		N8N_LOG_FILE_LOCATION: logFile,
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		NODES_EXCLUDE: '[]',
		// Its start-up refresh calls n8n's servers; nothing here uses it.
		N8N_DISABLED_MODULES: 'mcp-registry',
	};
}

/**
 * The machine's environment without n8n's own settings, so a developer's shell cannot leak in.
 * NODE_ENV goes too: jest sets it to `test`, and n8n then exits at start without a word. So do the
 * npm_* settings of an `npm run`, which would steer the npm that n8n calls to install packages.
 */
function baseEnv(nodeBinDir) {
	const env = {};
	for (const [name, value] of Object.entries(process.env)) {
		if (
			!/^(N8N_|DB_|EXECUTIONS_|WEBHOOK_URL|NODES_|GENERIC_|QUEUE_|NODE_ENV$|JEST_|npm_)/i.test(name)
		) {
			env[name] = value;
		}
	}
	env.PATH = `${nodeBinDir}${path.delimiter}${process.env.PATH}`;
	return env;
}

class N8nError extends Error {
	constructor(method, urlPath, status, body) {
		const said = typeof body === 'object' && body !== null ? body.message : body;
		super(`${method} ${urlPath} answered ${status}${said ? `: ${said}` : ''}`);
		this.status = status;
		this.body = body;
	}
}

/**
 * Starts n8n and resolves once its owner is set up.
 * @param {object} [options]
 * @param {string[]} [options.extensions] folders for N8N_CUSTOM_EXTENSIONS; default the built dist
 * @param {Record<string, string>} [options.env] more settings for n8n
 * @param {string} [options.logLevel] n8n's log level; default 'info'
 * @param {(spawnArgs: object) => Promise<object>} [options.launch] starts the process another way
 */
async function startN8n(options = {}) {
	const runtime = installer.install();
	const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'bik-n8n-'));
	const logFile = path.join(userFolder, 'n8n.log');
	const outputFile = path.join(userFolder, 'output.log');
	const port = options.port ?? (await freePort());
	const brokerPort = await freePort();
	const extensions = options.extensions ?? [DIST];
	const env = {
		...baseEnv(path.dirname(runtime.node)),
		...offlineEnv({ userFolder, port, brokerPort, logFile, logLevel: options.logLevel ?? 'info' }),
		...(extensions.length > 0 ? { N8N_CUSTOM_EXTENSIONS: extensions.join(';') } : {}),
		...options.env,
	};
	const output = fs.openSync(outputFile, 'a');
	const spawnArgs = {
		command: runtime.node,
		args: [runtime.n8n, 'start'],
		env,
		cwd: userFolder,
		stdio: ['ignore', output, output],
	};
	const launched = options.launch
		? await options.launch(spawnArgs)
		: { child: spawn(spawnArgs.command, spawnArgs.args, { ...spawnArgs, detached: true }) };
	fs.closeSync(output);
	const n8n = new N8n({
		...launched,
		url: `http://127.0.0.1:${port}`,
		userFolder,
		logFile,
		outputFile,
	});
	try {
		await n8n.waitUntilReady();
		await n8n.setUpOwner();
	} catch (error) {
		await n8n.stop();
		throw new Error(`${error.message}; n8n printed:\n${n8n.tail()}`);
	}
	return n8n;
}

class N8n {
	constructor({ child, url, userFolder, logFile, outputFile, cleanup }) {
		this.child = child;
		this.url = url;
		this.userFolder = userFolder;
		this.logFile = logFile;
		this.outputFile = outputFile;
		this.owner = OWNER;
		this.cookie = undefined;
		this.cleanup = cleanup;
		this.exited = new Promise((resolve) => {
			if (child.exitCode !== null || child.signalCode !== null) resolve();
			else child.once('exit', () => resolve());
		});
	}

	/** The database file and everything else n8n keeps in its user folder. */
	get dataFolder() {
		return path.join(this.userFolder, '.n8n');
	}

	tail(lines = 40) {
		const text = fs.existsSync(this.outputFile) ? fs.readFileSync(this.outputFile, 'utf8') : '';
		return text.split('\n').slice(-lines).join('\n');
	}

	async waitUntilReady() {
		const deadline = Date.now() + READY_TIMEOUT_MS;
		let gone = false;
		this.exited.then(() => (gone = true));
		while (Date.now() < deadline) {
			if (gone) throw new Error(`n8n exited before it was ready (code ${this.child.exitCode})`);
			try {
				const res = await fetch(`${this.url}/healthz/readiness`, {
					signal: AbortSignal.timeout(2_000),
				});
				if (res.ok) return;
			} catch {
				// Not listening yet.
			}
			await sleep(250);
		}
		throw new Error(`n8n was not ready within ${READY_TIMEOUT_MS / 1000} s`);
	}

	async setUpOwner() {
		const res = await fetch(`${this.url}/rest/owner/setup`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'browser-id': BROWSER_ID },
			body: JSON.stringify(OWNER),
		});
		if (!res.ok) throw new N8nError('POST', '/rest/owner/setup', res.status, await res.text());
		// The cookie is marked Secure, so a client on plain http has to send it by hand.
		const cookie = res.headers.getSetCookie().find((line) => line.startsWith('n8n-auth='));
		this.cookie = cookie.split(';')[0];
	}

	/** Calls n8n's REST API as the owner; answers the `data` of n8n's reply. */
	async rest(method, urlPath, body) {
		const res = await this.request(method, `/rest${urlPath}`, body);
		const text = await res.text();
		const parsed = text === '' ? undefined : JSON.parse(text);
		if (!res.ok) throw new N8nError(method, urlPath, res.status, parsed);
		return parsed && typeof parsed === 'object' && 'data' in parsed ? parsed.data : parsed;
	}

	request(method, urlPath, body, headers = {}) {
		return plainRequest(`${this.url}${urlPath}`, {
			method,
			headers: {
				cookie: this.cookie,
				'browser-id': BROWSER_ID,
				...(body === undefined ? {} : { 'content-type': 'application/json' }),
				...headers,
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
	}

	/** Creates a credential; n8n encrypts `data` before it stores it. */
	async createCredential({ name, type = 'bikApi', data }) {
		return this.rest('POST', '/credentials', { name, type, data });
	}

	/**
	 * Runs n8n's own credential tester as the editor does: for a saved credential (`id`) n8n merges
	 * `data` into what it stored; without one it tests `data` alone.
	 */
	async testCredential({ id = '', name = 'credential under test', type = 'bikApi', data }) {
		return this.rest('POST', '/credentials/test', { credentials: { id, name, type, data } });
	}

	/** Saves a workflow (an exported workflow file's JSON works as it is) and answers it. */
	async createWorkflow(workflow) {
		const { id, active, ...rest } = workflow;
		return this.rest('POST', '/workflows', { settings: {}, ...rest });
	}

	async activateWorkflow(workflow) {
		return this.rest('POST', `/workflows/${workflow.id}/activate`, {
			versionId: workflow.versionId,
		});
	}

	/**
	 * Runs a saved workflow from a trigger as the editor's Execute button does, waits for the run to
	 * end and answers the execution with its data.
	 */
	async runWorkflow(workflow, triggerName = 'Manual Trigger') {
		const started = await this.rest('POST', `/workflows/${workflow.id}/run`, {
			triggerToStartFrom: { name: triggerName },
		});
		if (!started?.executionId) {
			throw new Error(`n8n did not start the run: ${JSON.stringify(started)}`);
		}
		return this.waitForExecution(started.executionId);
	}

	async waitForExecution(executionId, timeoutMs = 60_000) {
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			const execution = await this.execution(executionId);
			if (execution.finished || !['new', 'running', 'waiting'].includes(execution.status)) {
				return execution;
			}
			await sleep(100);
		}
		throw new Error(`execution ${executionId} did not end within ${timeoutMs / 1000} s`);
	}

	/** One execution with its run data, unflattened. */
	async execution(executionId) {
		const execution = await this.rest('GET', `/executions/${executionId}`);
		return { ...execution, data: unflatten(execution.data) };
	}

	async executions(workflowId) {
		const filter = JSON.stringify({ workflowId });
		const page = await this.rest('GET', `/executions?filter=${encodeURIComponent(filter)}`);
		return page.results;
	}

	/**
	 * Waits until n8n serves an activated workflow's production webhook: it registers them a moment
	 * after it answers the activation. A GET to a POST webhook tells which without running it.
	 */
	async waitForWebhook(webhookPath, method = 'POST', timeoutMs = 30_000) {
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			const res = await this.request('GET', `/webhook/${webhookPath}`);
			const text = await res.text();
			if (res.status !== 404 || text.includes(`Did you mean to make a ${method} request`)) return;
			await sleep(200);
		}
		throw new Error(`n8n did not register the webhook ${webhookPath} within ${timeoutMs / 1000} s`);
	}

	/** Installs a community package as Settings > Community Nodes does. */
	async installCommunityPackage(name, version) {
		return this.rest('POST', '/community-packages', { name, version });
	}

	/** The node types as the editor loads them. */
	async nodeTypes() {
		const res = await this.request('GET', '/types/nodes.json');
		if (!res.ok) throw new N8nError('GET', '/types/nodes.json', res.status, await res.text());
		return res.json();
	}

	async stop() {
		const { child } = this;
		if (child.exitCode === null && child.signalCode === null) {
			signalGroup(child.pid, 'SIGTERM');
			const timer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), STOP_TIMEOUT_MS);
			await this.exited;
			clearTimeout(timer);
		}
		// The task runner and npm run in the same process group; make sure none outlives n8n.
		signalGroup(child.pid, 'SIGKILL');
		await this.cleanup?.();
	}

	/** Removes the user folder; call after stop() when nothing in it is needed any more. */
	removeFiles() {
		fs.rmSync(this.userFolder, { recursive: true, force: true });
	}
}

function signalGroup(pid, signal) {
	try {
		process.kill(-pid, signal);
	} catch {
		// The group is gone already.
	}
}

let flatted;
/** n8n sends run data in the `flatted` format; its own copy of the package reads it. */
function unflatten(data) {
	if (typeof data !== 'string') return data;
	flatted ??= require(
		require.resolve('flatted', { paths: [path.join(installer.paths().home, 'node_modules')] }),
	);
	return flatted.parse(data);
}

/** The items a node output on one of its outputs in its first run. */
function itemsOf(execution, nodeName, output = 0, run = 0) {
	const runs = execution.data.resultData.runData[nodeName];
	if (!runs) throw new Error(`node "${nodeName}" did not run`);
	return runs[run].data?.main?.[output] ?? [];
}

module.exports = { startN8n, freePort, itemsOf, unflatten, OWNER, REPO, DIST };
