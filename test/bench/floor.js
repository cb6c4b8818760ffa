#!/usr/bin/env node
// The floor of the benchmark: the same customer lookups as the BIK node, made by a bare loop on
// Node's http with keep-alive, never more than `concurrency` in flight. Runs in a process of its
// own so that its CPU time and memory are its own; prints one JSON line with its figures.
//
//   node test/bench/floor.js --url URL --token TOKEN --count N --concurrency C
'use strict';

const http = require('node:http');

const CUSTOMER_GET_PATH = '/integrations/bikPlatformFunctions-customers/get';

function readArgs(argv) {
	const args = {};
	for (let i = 0; i < argv.length; i += 2) args[argv[i].replace(/^--/, '')] = argv[i + 1];
	return {
		url: new URL(args.url),
		token: args.token,
		count: Number(args.count),
		concurrency: Number(args.concurrency),
	};
}

function lookUp(agent, url, token, id) {
	const body = JSON.stringify({ partnerCustomerId: id });
	return new Promise((resolve) => {
		const req = http.request(
			{
				agent,
				host: url.hostname,
				port: url.port,
				path: CUSTOMER_GET_PATH,
				method: 'POST',
				headers: {
					authorization: `Basic ${token}`,
					'content-type': 'application/json',
					accept: 'application/json',
					'content-length': Buffer.byteLength(body),
				},
			},
			(res) => {
				const chunks = [];
				res.on('data', (chunk) => chunks.push(chunk));
				res.on('end', () => {
					try {
						const reply = JSON.parse(Buffer.concat(chunks).toString('utf8'));
						resolve(res.statusCode === 200 && reply.data?.customer ? 0 : 1);
					} catch {
						resolve(1);
					}
				});
				res.on('error', () => resolve(1));
			},
		);
		req.on('error', () => resolve(1));
		req.end(body);
	});
}

async function main() {
	const { url, token, count, concurrency } = readArgs(process.argv.slice(2));
	const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
	const cpuBefore = process.cpuUsage();
	const started = process.hrtime.bigint();
	let next = 0;
	let errors = 0;
	const worker = async () => {
		while (next < count) {
			next += 1;
			errors += await lookUp(agent, url, token, `cust-${next}`);
		}
	};
	await Promise.all(Array.from({ length: concurrency }, worker));
	const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
	const cpu = process.cpuUsage(cpuBefore);
	agent.destroy();
	process.stdout.write(
		`${JSON.stringify({
			wallMs,
			cpuMs: (cpu.user + cpu.system) / 1000,
			peakRssMb: process.resourceUsage().maxRSS / 1024,
			errors,
		})}\n`,
	);
}

main().catch((error) => {
	process.stderr.write(`floor: ${error.message}\n`);
	process.exit(1);
});
