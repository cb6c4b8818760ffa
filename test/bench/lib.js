// What the benchmark and the fault soak share: a real n8n with the built node loaded as a custom
// extension, workflows built the way a user would build them, process figures read from /proc,
// and a search for the token in everything n8n keeps. Plain CommonJS on the machine's Node.js.
'use strict';

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { startN8n, DIST } = require('../e2e/n8n');
const { findSecrets: filesWithSecrets } = require('../e2e/secrets');

const CUSTOMER_GET_PATH = '/integrations/bikPlatformFunctions-customers/get';
const BIK_TYPE = 'CUSTOM.bik';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

let clockTicks;
function ticksPerSecond() {
	if (clockTicks === undefined) {
		try {
			clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
		} catch {
			clockTicks = 100;
		}
	}
	return clockTicks;
}

/** User plus system CPU time of one process, in milliseconds. */
function cpuMs(pid) {
	const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
	// The command name may hold spaces; the fields after it are fixed.
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond();
}

/** A field of /proc/<pid>/status such as VmRSS or VmHWM, in MB. */
function statusMb(pid, field) {
	const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
	const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
	return match ? Number(match[1]) / 1024 : NaN;
}

/** Samples a process's resident memory until stopped; answers the highest and the last value. */
function sampleRss(pid, everyMs = 100) {
	let peak = 0;
	let last = 0;
	const read = () => {
		try {
			last = statusMb(pid, 'VmRSS');
			peak = Math.max(peak, last);
		} catch {
			// The process is gone; the figures so far stand.
		}
	};
	read();
	const timer = setInterval(read, everyMs);
	return {
		get peakMb() {
			return peak;
		},
		stop() {
			clearInterval(timer);
			read();
			return { peakMb: peak, lastMb: last };
		},
	};
}

/**
 * Copies the built node into a folder of its own, so that a rebuild in the working tree during a
 * long run cannot take the files from under n8n.
 */
function snapshotDist() {
	if (!fs.existsSync(path.join(DIST, 'nodes', 'Bik', 'Bik.node.js'))) {
		throw new Error(`no built node in ${DIST}: run npm run build first`);
	}
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bik-bench-dist-'));
	fs.cpSync(DIST, dir, { recursive: true });
	return dir;
}

/** Starts n8n with a snapshot of the built node; stop() also removes the snapshot. */
async function startN8nWithNode({ logLevel = 'info', env } = {}) {
	const dist = snapshotDist();
	let n8n;
	try {
		n8n = await startN8n({ extensions: [dist], logLevel, env });
	} catch (error) {
		fs.rmSync(dist, { recursive: true, force: true });
		throw error;
	}
	const stop = n8n.stop.bind(n8n);
	n8n.stop = async () => {
		await stop();
		fs.rmSync(dist, { recursive: true, force: true });
	};
	return n8n;
}

async function isReady(n8n) {
	try {
		const res = await fetch(`${n8n.url}/healthz/readiness`);
		return res.ok;
	} catch {
		return false;
	}
}

function manualTrigger() {
	return {
		id: 'trigger',
		name: 'Manual Trigger',
		type: 'n8n-nodes-base.manualTrigger',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
}

function customerItems(count) {
	return {
		id: 'items',
		name: 'Customer IDs',
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		position: [220, 0],
		parameters: {
			jsCode: `return Array.from({ length: ${count} }, (_, i) => ({ json: { id: 'cust-' + (i + 1) } }));`,
		},
	};
}

function linear(name, nodes) {
	const connections = {};
	for (let i = 0; i < nodes.length - 1; i++) {
		connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	}
	return { name, nodes, connections, settings: { executionOrder: 'v1' } };
}

/** Manual Trigger, a Code node making `count` items { id: 'cust-n' }, and nothing else. */
function itemsOnlyWorkflow(count) {
	return linear(`items only, ${count}`, [manualTrigger(), customerItems(count)]);
}

/**
 * The BIK node looking up every item's `id` as partner customer ID.
 * @param {object} o
 * @param {number} o.count input items
 * @param {string} o.credentialId a bikApi credential
 * @param {object} [o.options] the node's Options collection
 * @param {object} [o.requestOptions] n8n's Request Options (timeout, batching)
 * @param {object} [o.settings] node settings: onError, retryOnFail, maxTries, waitBetweenTries
 */
function bikWorkflow({ count, credentialId, options = {}, requestOptions, settings = {}, name }) {
	const bik = {
		id: 'bik',
		name: 'BIK',
		type: BIK_TYPE,
		typeVersion: 1,
		position: [440, 0],
		parameters: {
			resource: 'customer',
			operation: 'get',
			idType: 'partnerCustomerId',
			partnerCustomerId: '={{ $json.id }}',
			options,
			...(requestOptions ? { requestOptions } : {}),
		},
		credentials: { bikApi: { id: credentialId, name: 'BIK sandbox' } },
		...settings,
	};
	return linear(name ?? `BIK, ${count}`, [manualTrigger(), customerItems(count), bik]);
}

/**
 * n8n's own HTTP Request node at the version a user gets when adding it, as a user would set it
 * up for this call: POST, Basic Auth credential, JSON body from an expression, default options.
 */
function httpRequestWorkflow({ count, url, credentialId, typeVersion, options = {}, name }) {
	const http = {
		id: 'http',
		name: 'HTTP Request',
		type: 'n8n-nodes-base.httpRequest',
		typeVersion,
		position: [440, 0],
		parameters: {
			method: 'POST',
			url: `${url}${CUSTOMER_GET_PATH}`,
			authentication: 'genericCredentialType',
			genericAuthType: 'httpBasicAuth',
			sendBody: true,
			specifyBody: 'json',
			jsonBody: '={\n  "partnerCustomerId": "{{ $json.id }}"\n}',
			options,
		},
		credentials: { httpBasicAuth: { id: credentialId, name: 'BIK sandbox (Basic Auth)' } },
	};
	return linear(name ?? `HTTP Request, ${count}`, [manualTrigger(), customerItems(count), http]);
}

/** The HTTP Request node version that n8n gives a new node, read from the node types. */
async function httpRequestVersion(n8n) {
	const types = await n8n.nodeTypes();
	const versions = types
		.filter((type) => type.name === 'n8n-nodes-base.httpRequest')
		.flatMap((type) => (Array.isArray(type.version) ? type.version : [type.version]));
	const defaults = types.find((type) => type.name === 'n8n-nodes-base.httpRequest')?.defaultVersion;
	return defaults ?? Math.max(...versions);
}

async function executionStatus(n8n, workflowId, executionId) {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	try {
		const page = await n8n.rest('GET', `/executions?filter=${filter}`);
		return page.results.find((execution) => String(execution.id) === String(executionId));
	} catch (error) {
		// A node busy with thousands of items can stall n8n long enough for its database health
		// check to time out; n8n then answers 503 until it catches up, and the run goes on.
		if (error.status === 503) return undefined;
		throw error;
	}
}

/**
 * Runs a saved workflow and waits for it with light polls (the execution list, not the run data),
 * sampling n8n's CPU time and memory around the run. The full execution is fetched afterwards.
 * Each poll costs n8n some CPU of its own, so they are a second apart: the run's times come from
 * the execution itself, not from when a poll saw it end.
 */
async function runMeasured(n8n, workflow, { timeoutMs = 600_000, pollMs = 1000 } = {}) {
	const pid = n8n.child.pid;
	const rss = sampleRss(pid);
	const cpuBefore = cpuMs(pid);
	const started = Date.now();
	const { executionId } = await n8n.rest('POST', `/workflows/${workflow.id}/run`, {
		triggerToStartFrom: { name: 'Manual Trigger' },
	});
	if (!executionId) throw new Error(`n8n did not start ${workflow.name}`);
	let summary;
	try {
		while (Date.now() - started < timeoutMs) {
			await sleep(pollMs);
			summary = await executionStatus(n8n, workflow.id, executionId);
			if (summary && !['new', 'running', 'waiting'].includes(summary.status)) break;
			summary = undefined;
		}
	} finally {
		rss.stop();
	}
	if (!summary) throw new Error(`${workflow.name} did not end within ${timeoutMs / 1000} s`);
	const cpu = cpuMs(pid) - cpuBefore;
	const observedMs = Date.now() - started;
	let execution;
	for (let attempt = 1; !execution; attempt++) {
		try {
			execution = await n8n.execution(executionId);
		} catch (error) {
			if (error.status !== 503 || attempt >= 30) throw error;
			await sleep(1000);
		}
	}
	return { execution, cpuMs: cpu, peakRssMb: rss.peakMb, observedMs };
}

/** Node and workflow timings from an execution's run data. */
function timings(execution, nodeName) {
	const run = execution.data.resultData.runData[nodeName]?.[0];
	return {
		workflowMs: new Date(execution.stoppedAt) - new Date(execution.startedAt),
		nodeMs: run?.executionTime,
	};
}

/**
 * Where any of the secrets shows up: every file in n8n's user folder (the sqlite database and its
 * journal, the log files, the settings) and the texts given (execution data fetched over REST,
 * error messages). Answers a list of `secret in place`; empty when nothing leaked.
 */
function findSecrets(n8n, secrets, texts = {}) {
	const wanted = Object.fromEntries(Object.entries(secrets).filter(([, value]) => value));
	return [...filesWithSecrets(n8n, wanted).found, ...secretsIn(texts, wanted)];
}

/** Answers `place: secret` for every text (keyed by where it came from) holding a secret. */
function secretsIn(texts, secrets) {
	const hits = [];
	for (const [place, text] of Object.entries(texts)) {
		for (const [label, value] of Object.entries(secrets)) {
			if (value && text.includes(value)) hits.push(`${place}: ${label}`);
		}
	}
	return hits;
}

function median(values) {
	const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
	if (sorted.length === 0) return NaN;
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

module.exports = {
	BIK_TYPE,
	CUSTOMER_GET_PATH,
	bikWorkflow,
	cpuMs,
	findSecrets,
	httpRequestVersion,
	httpRequestWorkflow,
	isReady,
	itemsOnlyWorkflow,
	median,
	runMeasured,
	sampleRss,
	secretsIn,
	sleep,
	startN8nWithNode,
	statusMb,
	timings,
};
