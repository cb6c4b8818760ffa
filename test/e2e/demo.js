#!/usr/bin/env node
// `npm start`: builds the node, starts the BIK sandbox and a real n8n with the node loaded, with a
// sandbox credential and the example workflows in place, and keeps them up until Ctrl+C.
// `npm start -- --headless` runs the CRM sync example once, prints its items and exits.
'use strict';

const { execFileSync } = require('node:child_process');

const { startSandbox } = require('../sandbox');
const installer = require('./install-n8n');
const { DIST, itemsOf, REPO, startN8n } = require('./n8n');
const { EXAMPLE_CREDENTIAL, exampleFiles, loadExample } = require('./workflows');

const USAGE = 'usage: npm start [-- --headless] [-- --port N]';

function parseArgs(argv) {
	const options = { headless: false, port: undefined };
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].split(/=(.*)/s, 2);
		if (flag === '--headless') options.headless = true;
		else if (flag === '--port') options.port = Number(inline ?? argv[++i]);
		else throw new Error(`unknown option ${argv[i]}\n${USAGE}`);
	}
	if (options.port !== undefined && !(options.port > 0 && options.port < 65536)) {
		throw new Error(`--port needs a port number\n${USAGE}`);
	}
	return options;
}

const step = (line) => process.stdout.write(`${line}\n`);

function build() {
	step('building the node (npm run build)');
	try {
		execFileSync('npm', ['run', 'build', '--silent'], { cwd: REPO, stdio: 'pipe' });
	} catch (error) {
		process.stderr.write(`${error.stdout ?? ''}${error.stderr ?? ''}`);
		throw new Error('npm run build failed');
	}
}

async function setUp(options) {
	build();
	if (!installer.isInstalled()) {
		step(`installing n8n ${installer.N8N_VERSION} once (about 5 minutes and 3 GB)`);
	}
	installer.install();

	const sandbox = await startSandbox();
	step(`BIK sandbox listening on ${sandbox.url}`);
	step(`starting n8n ${installer.N8N_VERSION} with the node from dist/ (about 30 s)`);
	let n8n;
	try {
		n8n = await startN8n({ extensions: [DIST], port: options.port });
	} catch (error) {
		await sandbox.close();
		throw error;
	}

	try {
		const workflows = await importExamples(n8n, sandbox);
		return { sandbox, n8n, workflows };
	} catch (error) {
		await n8n.stop();
		await sandbox.close();
		throw error;
	}
}

/** The examples name the package's node types; n8n knows the custom extension's as CUSTOM.*. */
async function importExamples(n8n, sandbox) {
	await n8n.createCredential({
		name: EXAMPLE_CREDENTIAL,
		data: { authentication: 'token', token: sandbox.token, baseUrl: sandbox.url },
	});
	const workflows = {};
	for (const file of exampleFiles()) {
		const workflow = loadExample(file, { typePrefix: 'CUSTOM.' });
		workflows[file] = await n8n.createWorkflow(workflow);
	}
	await n8n.activateWorkflow(workflows['order-enrichment.json']);
	await n8n.waitForWebhook('bik-order-enrichment');
	step(
		`imported the credential "${EXAMPLE_CREDENTIAL}" and ${exampleFiles().length} example workflows`,
	);
	return workflows;
}

async function headless({ n8n, workflows }) {
	step('running "BIK: nightly CRM sync" from its Manual Trigger');
	const execution = await n8n.runWorkflow(workflows['crm-sync.json'], 'Manual Trigger');
	if (execution.status !== 'success') {
		throw new Error(
			`the run ended ${execution.status}: ${execution.data.resultData.error?.message}`,
		);
	}
	const branch = (output) => itemsOf(execution, 'Found in BIK?', output).map((item) => item.json);
	process.stdout.write(
		`${JSON.stringify({ foundInBik: branch(0), notFound: branch(1) }, null, 2)}\n`,
	);
}

async function main() {
	const options = parseArgs(process.argv.slice(2));
	const running = await setUp(options);
	const { sandbox, n8n } = running;
	let stopping;
	const stop = () => {
		stopping ??= (async () => {
			await n8n.stop();
			await sandbox.close();
			n8n.removeFiles();
		})();
		return stopping;
	};

	if (options.headless) {
		try {
			await headless(running);
		} finally {
			await stop();
		}
		step('stopped n8n and the BIK sandbox');
		return;
	}

	step(`n8n is ready: open ${n8n.url} and sign in as ${n8n.owner.email} / ${n8n.owner.password}`);
	step(
		`the order webhook answers: curl -X POST ${n8n.url}/webhook/bik-order-enrichment -H 'content-type: application/json' -d '{"orderId":"ORD-1","customerId":"abcd-122345"}'`,
	);
	step('press Ctrl+C to stop n8n and the BIK sandbox');
	await new Promise((resolve) => {
		for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, resolve);
		n8n.exited.then(() => {
			if (stopping) return;
			process.stderr.write(`n8n stopped by itself:\n${n8n.tail()}\n`);
			process.exitCode = 1;
			resolve();
		});
	});
	await stop();
	step('stopped n8n and the BIK sandbox');
}

main().catch((error) => {
	process.stderr.write(`${error.message}\n`);
	process.exit(1);
});
