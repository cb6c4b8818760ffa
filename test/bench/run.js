#!/usr/bin/env node
// Benchmark: the BIK node against n8n's own HTTP Request node and a bare HTTP loop, on a real
// n8n against the BIK sandbox. Prints one line per run, then a markdown table of medians.
//
//   node test/bench/run.js [--quick] [--runs N] [--items 1000,10000] [--latency 0,50]
//                          [--cases bik,bik50,http,...] [--out FILE]
'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { startSandbox } = require('../sandbox');
const installer = require('../e2e/install-n8n');
const lib = require('./lib');

const CASES = {
	items: { label: 'items only (Code node)', kind: 'n8n' },
	bik: { label: 'BIK node, defaults (max 20 in flight)', kind: 'n8n', options: {} },
	bik50: { label: 'BIK node, max 50 in flight', kind: 'n8n', options: { maxConcurrency: 50 } },
	bik100: { label: 'BIK node, max 100 in flight', kind: 'n8n', options: { maxConcurrency: 100 } },
	http: { label: 'HTTP Request node, defaults', kind: 'n8n' },
	httpBatched: {
		label: 'HTTP Request node, batching 50 per 1 s',
		kind: 'n8n',
		options: { batching: { batch: { batchSize: 50, batchInterval: 1000 } } },
	},
	floor20: { label: 'bare http loop, 20 in flight', kind: 'floor', concurrency: 20 },
	floor50: { label: 'bare http loop, 50 in flight', kind: 'floor', concurrency: 50 },
};
// The default plan takes about half an hour on a 2-core machine: n8n spends 5 to 15 ms of CPU
// per item of these nodes, so a 10,000-item run takes minutes whatever the latency. At 1 s of
// latency n8n starts requests faster than they end, which is where a bound on them shows.
const FULL_PLAN = [
	{ items: 1000, latencies: [0], cases: ['items'] },
	{ items: 1000, latencies: [0, 50], cases: ['bik', 'http', 'floor20', 'floor50'] },
	{ items: 1000, latencies: [50], cases: ['bik50', 'httpBatched'] },
	{ items: 1000, latencies: [1000], cases: ['bik', 'bik100', 'http', 'floor20'] },
	{ items: 10000, latencies: [0], cases: ['items'] },
	{ items: 10000, latencies: [0, 50], cases: ['bik', 'http', 'floor20'] },
];
const QUICK_PLAN = [
	{ items: 1000, latencies: [0], cases: ['items'] },
	{ items: 1000, latencies: [0, 50], cases: ['bik', 'http', 'floor20'] },
];

function readArgs(argv) {
	const quick = argv.includes('--quick');
	const value = (name) => {
		const at = argv.indexOf(name);
		return at >= 0 ? argv[at + 1] : undefined;
	};
	const runs = Number(value('--runs') ?? (quick ? 1 : 3));
	let plan = quick ? QUICK_PLAN : FULL_PLAN;
	if (value('--items') || value('--latency') || value('--cases')) {
		const list = (name, fallback) => (value(name) ? value(name).split(',') : fallback);
		const cases = list('--cases', ['items', 'bik', 'bik50', 'http', 'floor20', 'floor50']);
		const latencies = list('--latency', ['0', '50']).map(Number);
		plan = list('--items', ['1000']).map((items) => ({ items: Number(items), latencies, cases }));
	}
	for (const entry of plan) {
		for (const name of entry.cases) {
			if (!CASES[name]) throw new Error(`unknown case ${name}; known: ${Object.keys(CASES)}`);
		}
	}
	plan = plan.map((entry) => ({ runs, ...entry }));
	return { quick, runs, plan, out: value('--out') };
}

const say = (line) => process.stdout.write(`${line}\n`);
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

function describe(result) {
	const parts = [
		`${seconds(result.wallMs)} wall`,
		result.nodeMs !== undefined ? `${seconds(result.nodeMs)} in node` : undefined,
		`${result.cpuPerItem.toFixed(3)} CPU ms/item`,
		`${Math.round(result.peakRssMb)} MB`,
		`${result.errors} errors`,
		`${result.maxInFlight} in flight`,
	];
	return parts.filter(Boolean).join(', ');
}

function resetSandbox(sandbox, latencyMs) {
	sandbox.reset();
	sandbox.setLatency(latencyMs);
}

/** The sizes, latencies and run counts the plan asks of one case, smallest size first. */
function stepsOf(plan, name) {
	return plan
		.filter((entry) => entry.cases.includes(name))
		.sort((a, b) => a.items - b.items)
		.map(({ items, latencies, runs }) => ({
			count: items,
			// Making items does not touch the BIK sandbox, so its latency does not matter.
			latencies: name === 'items' ? latencies.slice(0, 1) : latencies,
			runs,
		}));
}

async function measureN8nCase(name, def, { n8n, sandbox, credentials, httpVersion, args, log }) {
	const results = [];
	for (const { count, latencies, runs } of stepsOf(args.plan, name)) {
		let workflow;
		if (name === 'items') {
			workflow = lib.itemsOnlyWorkflow(count);
		} else if (name.startsWith('bik')) {
			workflow = lib.bikWorkflow({ count, credentialId: credentials.bik.id, options: def.options });
		} else {
			workflow = lib.httpRequestWorkflow({
				count,
				url: sandbox.url,
				credentialId: credentials.basic.id,
				typeVersion: httpVersion,
				options: def.options,
			});
		}
		const saved = await n8n.createWorkflow(workflow);
		const nodeName = saved.nodes[saved.nodes.length - 1].name;
		for (const latencyMs of latencies) {
			for (let run = 1; run <= runs; run++) {
				resetSandbox(sandbox, latencyMs);
				const measured = await lib.runMeasured(n8n, saved);
				const { execution } = measured;
				const { workflowMs, nodeMs } = lib.timings(execution, nodeName);
				const items = execution.data.resultData.runData[nodeName]?.[0]?.data?.main?.[0] ?? [];
				const failed = execution.status !== 'success';
				// Items the node did not return count as errors too: every input must come out.
				const lost = name === 'items' || failed ? 0 : Math.max(0, count - items.length);
				const runError = execution.data.resultData.error;
				const result = {
					name,
					count,
					latencyMs,
					run,
					wallMs: workflowMs,
					nodeMs: name === 'items' ? undefined : nodeMs,
					cpuMs: measured.cpuMs,
					cpuPerItem: measured.cpuMs / count,
					peakRssMb: measured.peakRssMb,
					errors: failed ? 'run failed' : items.filter((item) => item.json?.error).length + lost,
					outputItems: items.length,
					maxInFlight: sandbox.stats().maxInFlight,
					requests: sandbox.stats().requests,
				};
				results.push(result);
				say(
					`${def.label}, ${count} items, ${latencyMs} ms, run ${run}/${runs}: ${describe(result)}`,
				);
				if (lost) {
					process.stderr.write(
						`${def.label}, ${count} items: ${lost} input items did not come out\n`,
					);
				}
				if (failed) {
					process.stderr.write(
						`${def.label}, ${count} items: the run failed: ${runError?.message ?? execution.status}\n`,
					);
				}
				log.lastExecution = execution;
				if (runError) log.errorMessages.push(`${runError.message} ${runError.description ?? ''}`);
				for (const item of items) {
					if (item.json?.error) log.errorMessages.push(String(item.json.error));
				}
				log.errorMessages.splice(0, Math.max(0, log.errorMessages.length - 1000));
			}
		}
	}
	return results;
}

function runFloor({ url, token, count, concurrency }) {
	const node = fs.existsSync(installer.paths().node) ? installer.paths().node : process.execPath;
	const script = path.join(__dirname, 'floor.js');
	return new Promise((resolve, reject) => {
		const child = spawn(
			node,
			[script, '--url', url, '--token', token, '--count', count, '--concurrency', concurrency],
			{ stdio: ['ignore', 'pipe', 'inherit'] },
		);
		let out = '';
		child.stdout.on('data', (chunk) => (out += chunk));
		child.on('error', reject);
		child.on('exit', (code) =>
			code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`floor exited with ${code}`)),
		);
	});
}

async function measureFloor(name, def, { sandbox, args }) {
	const results = [];
	for (const { count, latencies, runs } of stepsOf(args.plan, name)) {
		for (const latencyMs of latencies) {
			for (let run = 1; run <= runs; run++) {
				resetSandbox(sandbox, latencyMs);
				const figures = await runFloor({
					url: sandbox.url,
					token: sandbox.token,
					count,
					concurrency: def.concurrency,
				});
				const result = {
					name,
					count,
					latencyMs,
					run,
					wallMs: figures.wallMs,
					nodeMs: figures.wallMs,
					cpuMs: figures.cpuMs,
					cpuPerItem: figures.cpuMs / count,
					peakRssMb: figures.peakRssMb,
					errors: figures.errors,
					maxInFlight: sandbox.stats().maxInFlight,
					requests: sandbox.stats().requests,
				};
				results.push(result);
				say(
					`${def.label}, ${count} items, ${latencyMs} ms, run ${run}/${runs}: ${describe(result)}`,
				);
			}
		}
	}
	return results;
}

async function measureInN8n(names, context, secretsReport) {
	say(`starting n8n for: ${names.map((name) => CASES[name].label).join('; ')}`);
	const started = Date.now();
	const n8n = await lib.startN8nWithNode();
	const { sandbox } = context;
	const log = { errorMessages: [], lastExecution: undefined };
	const results = [];
	try {
		say(
			`n8n ready in ${seconds(Date.now() - started)}, pid ${n8n.child.pid}, ` +
				`${Math.round(lib.statusMb(n8n.child.pid, 'VmRSS'))} MB resident when idle`,
		);
		const credentials = {
			bik: await n8n.createCredential({
				name: 'BIK sandbox',
				type: 'bikApi',
				data: { authentication: 'token', token: sandbox.token, baseUrl: sandbox.url },
			}),
			basic: await n8n.createCredential({
				name: 'BIK sandbox (Basic Auth)',
				type: 'httpBasicAuth',
				data: { user: sandbox.apiKey, password: sandbox.apiSecret },
			}),
		};
		const httpVersion = await lib.httpRequestVersion(n8n);
		for (const name of names) {
			results.push(
				...(await measureN8nCase(name, CASES[name], {
					...context,
					n8n,
					credentials,
					httpVersion,
					log,
				})),
			);
		}
		const alive = await lib.isReady(n8n);
		if (!alive) process.stderr.write('n8n did not answer its readiness check after the runs\n');
		const execution = log.lastExecution ? JSON.stringify(log.lastExecution) : '';
		const executions = await n8n.executions(undefined).catch(() => []);
		const hits = lib.findSecrets(
			n8n,
			{ token: sandbox.token, 'API secret': sandbox.apiSecret },
			{
				'execution data': execution,
				'execution list': JSON.stringify(executions),
				'error messages': log.errorMessages.join('\n'),
			},
		);
		secretsReport.push({ names, hits, alive });
		say(
			hits.length
				? `secrets found: ${hits.join(', ')}`
				: 'secrets: the token and API secret appear nowhere in the database, logs, execution data or error messages',
		);
	} catch (error) {
		process.stderr.write(`n8n's last output lines:\n${n8n.tail()}\n`);
		process.stderr.write(`n8n's files are kept in ${n8n.userFolder}\n`);
		await n8n.stop();
		throw error;
	}
	await n8n.stop();
	n8n.removeFiles();
	return results;
}

// If n8n stops answering mid-case, the case is measured again once on a fresh n8n rather than
// reported half done, and the summary says so: a crash is a finding, not noise.
async function withN8n(names, context, secretsReport, notes) {
	try {
		return await measureInN8n(names, context, secretsReport);
	} catch (error) {
		const labels = names.map((name) => CASES[name].label).join('; ');
		notes.push(`n8n failed during ${labels} (${error.message}); measured again on a fresh n8n`);
		process.stderr.write(`${names.join(', ')}: ${error.message}; measuring again on a fresh n8n\n`);
		return measureInN8n(names, context, secretsReport);
	}
}

function summarise(results) {
	const groups = new Map();
	for (const result of results) {
		const key = `${result.name}|${result.count}|${result.latencyMs}`;
		if (!groups.has(key)) groups.set(key, []);
		groups.get(key).push(result);
	}
	const rows = [];
	for (const runs of groups.values()) {
		const { name, count, latencyMs } = runs[0];
		const pick = (field) => lib.median(runs.map((run) => run[field]));
		const failedRuns = runs.filter((run) => run.errors === 'run failed').length;
		rows.push({
			name,
			count,
			latencyMs,
			runs: runs.length,
			wallMs: pick('wallMs'),
			nodeMs: pick('nodeMs'),
			cpuPerItem: pick('cpuPerItem'),
			peakRssMb: pick('peakRssMb'),
			errors: failedRuns ? `${failedRuns}/${runs.length} runs failed` : pick('errors'),
			maxInFlight: Math.max(...runs.map((run) => run.maxInFlight)),
		});
	}
	return rows;
}

function findRow(rows, name, count, latencyMs) {
	return rows.find(
		(row) => row.name === name && row.count === count && row.latencyMs === latencyMs,
	);
}

const fixed = (value, digits) => (Number.isFinite(value) ? value.toFixed(digits) : '–');
const ratio = (a, b) =>
	Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : '–';

const CASE_ORDER = Object.keys(CASES);

function netCpu(rows, row) {
	if (!row || CASES[row.name].kind !== 'n8n' || row.name === 'items') return NaN;
	const base = rows.find((other) => other.name === 'items' && other.count === row.count);
	return base ? row.cpuPerItem - base.cpuPerItem : NaN;
}

function tables(rows) {
	const sorted = [...rows].sort(
		(a, b) =>
			a.count - b.count ||
			a.latencyMs - b.latencyMs ||
			CASE_ORDER.indexOf(a.name) - CASE_ORDER.indexOf(b.name),
	);
	const lines = [
		'| case | items | latency | runs | wall | node time | CPU ms/item | net CPU ms/item | peak RSS | errors | max in flight |',
		'|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
	];
	for (const row of sorted) {
		const latency = row.name === 'items' ? '–' : `${row.latencyMs} ms`;
		lines.push(
			`| ${CASES[row.name].label} | ${row.count} | ${latency} | ${row.runs} | ${seconds(row.wallMs)} | ` +
				`${Number.isFinite(row.nodeMs) ? seconds(row.nodeMs) : '–'} | ${fixed(row.cpuPerItem, 2)} | ` +
				`${fixed(netCpu(rows, row), 2)} | ${Math.round(row.peakRssMb)} MB | ${row.errors} | ${row.maxInFlight} |`,
		);
	}
	lines.push(
		'',
		'| items | latency | BIK / HTTP Request: node time | net CPU | peak RSS | BIK / floor 20: time | CPU | BIK 50 / floor 50: time | CPU |',
		'|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
	);
	for (const bik of sorted.filter((row) => row.name === 'bik')) {
		const { count, latencyMs } = bik;
		const bik50 = findRow(rows, 'bik50', count, latencyMs);
		const http = findRow(rows, 'http', count, latencyMs);
		const floor20 = findRow(rows, 'floor20', count, latencyMs);
		const floor50 = findRow(rows, 'floor50', count, latencyMs);
		lines.push(
			`| ${count} | ${latencyMs} ms | ${ratio(bik.nodeMs, http?.nodeMs)} | ` +
				`${ratio(netCpu(rows, bik), netCpu(rows, http))} | ${ratio(bik.peakRssMb, http?.peakRssMb)} | ` +
				`${ratio(bik.nodeMs, floor20?.nodeMs)} | ${ratio(netCpu(rows, bik), floor20?.cpuPerItem)} | ` +
				`${ratio(bik50?.nodeMs, floor50?.nodeMs)} | ${ratio(netCpu(rows, bik50), floor50?.cpuPerItem)} |`,
		);
	}
	return lines.join('\n');
}

async function main() {
	const args = readArgs(process.argv.slice(2));
	const started = Date.now();
	for (const entry of args.plan) {
		say(
			`plan: ${entry.cases.join(', ')} with ${entry.items} items at ` +
				`${entry.latencies.join(' and ')} ms latency, ${entry.runs} run(s) each`,
		);
	}
	say(
		`machine: ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GB, load ` +
			`${os
				.loadavg()
				.map((load) => load.toFixed(2))
				.join(' ')}; n8n ${installer.N8N_VERSION} ` +
			`on Node.js ${installer.NODE_VERSION}, this script on Node.js ${process.versions.node}`,
	);
	installer.install();
	const sandbox = await startSandbox({ keepRequests: 10 });
	say(`BIK sandbox at ${sandbox.url}`);
	const context = { sandbox, args };
	const secretsReport = [];
	const notes = [];
	const results = [];
	try {
		const planned = CASE_ORDER.filter((name) => args.plan.some((e) => e.cases.includes(name)));
		const n8nCases = planned.filter((name) => CASES[name].kind === 'n8n');
		// A fresh n8n per case keeps one case's memory out of the next one's peak; the quick
		// smoke run shares one.
		const groups = args.quick ? [n8nCases] : n8nCases.map((name) => [name]);
		for (const group of groups) {
			if (group.length) results.push(...(await withN8n(group, context, secretsReport, notes)));
		}
		for (const name of planned.filter((name) => CASES[name].kind === 'floor')) {
			results.push(...(await measureFloor(name, CASES[name], context)));
		}
	} finally {
		await sandbox.close();
	}

	const table = tables(summarise(results));
	say('');
	say(table);
	say('');
	for (const note of notes) say(`note: ${note}`);
	const leaked = secretsReport.filter((report) => report.hits.length);
	say(
		leaked.length
			? `secrets: FOUND (${leaked.flatMap((report) => report.hits).join(', ')})`
			: `secrets: none found after ${secretsReport.length} n8n instance(s)`,
	);
	say(
		`benchmark took ${seconds(Date.now() - started)}; load ` +
			`${os
				.loadavg()
				.map((load) => load.toFixed(2))
				.join(' ')}`,
	);
	if (args.out) fs.writeFileSync(args.out, `${table}\n`);
	if (leaked.length || secretsReport.some((report) => !report.alive)) process.exitCode = 1;
}

main().catch((error) => {
	process.stderr.write(`benchmark failed: ${error.stack ?? error.message}\n`);
	process.exit(1);
});
