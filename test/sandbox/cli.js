#!/usr/bin/env node
'use strict';

const { startSandbox } = require('./index');

const USAGE =
	'usage: node test/sandbox/cli.js [--port N] [--host 127.0.0.1] [--latency MS] [--slow-ms MS] ' +
	'[--api-key K --api-secret S]';

const FLAGS = {
	'--port': 'port',
	'--host': 'host',
	'--latency': 'latencyMs',
	'--slow-ms': 'slowMs',
	'--api-key': 'apiKey',
	'--api-secret': 'apiSecret',
};
const NUMERIC = ['port', 'latencyMs', 'slowMs'];

function parseArgs(argv) {
	const options = {};
	for (let i = 0; i < argv.length; i += 1) {
		const [flag, inline] = argv[i].split(/=(.*)/s, 2);
		if (flag === '--help' || flag === '-h') return undefined;
		const name = FLAGS[flag];
		if (!name) throw new Error(`unknown option ${flag}`);
		const value = inline ?? argv[++i];
		if (value === undefined) throw new Error(`${flag} needs a value`);
		if (NUMERIC.includes(name)) {
			const number = Number(value);
			if (value.trim() === '' || !Number.isFinite(number) || number < 0) {
				throw new Error(`${flag} needs a number, got '${value}'`);
			}
			options[name] = number;
		} else {
			options[name] = value;
		}
	}
	return options;
}

async function main() {
	let options;
	try {
		options = parseArgs(process.argv.slice(2));
	} catch (error) {
		process.stderr.write(`${error.message}\n${USAGE}\n`);
		process.exitCode = 2;
		return;
	}
	if (!options) {
		process.stdout.write(`${USAGE}\n`);
		return;
	}

	// Listen for signals before starting, so a stop during startup still closes the sandbox.
	const started = startSandbox(options);
	const stop = (signal) => {
		started
			.then((sandbox) => sandbox.close())
			.then(() => process.stdout.write(`BIK sandbox stopped (${signal})\n`))
			.catch(() => undefined);
	};
	process.once('SIGINT', stop);
	process.once('SIGTERM', stop);

	const sandbox = await started;
	const lines = [
		`BIK sandbox listening on ${sandbox.url} (Ctrl+C stops it)`,
		`API key: ${sandbox.apiKey}`,
		`API secret: ${sandbox.apiSecret}`,
		`Authorization: Basic ${sandbox.token}`,
		`BIK_SANDBOX_URL=${sandbox.url}`,
		`BIK_SANDBOX_TOKEN=${sandbox.token}`,
	];
	process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error) => {
	process.stderr.write(`BIK sandbox could not start: ${error.message}\n`);
	process.exitCode = 1;
});
