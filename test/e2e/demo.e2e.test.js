// The README's main command, `npm start`, as a user runs it: in the foreground with the editor
// left up until Ctrl+C, and with --headless, which runs the CRM sync example and prints its items.
'use strict';

const { spawn } = require('node:child_process');
const path = require('node:path');

const { REPO } = require('./n8n');

const DEMO = path.join(__dirname, 'demo.js');

/** Starts demo.js; `output` fills with what it prints, `exited` resolves with its exit code. */
function startDemo(args) {
	const child = spawn(process.execPath, [DEMO, ...args], {
		cwd: REPO,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const output = { stdout: '', stderr: '' };
	child.stdout.on('data', (chunk) => (output.stdout += chunk));
	child.stderr.on('data', (chunk) => (output.stderr += chunk));
	const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
	return { child, output, exited };
}

async function until(check, timeoutMs) {
	const started = Date.now();
	while (Date.now() - started < timeoutMs) {
		const value = check();
		if (value) return value;
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
	throw new Error(`not seen within ${timeoutMs / 1000} s`);
}

test('npm start -- --headless runs the CRM sync example and prints the found and missing customers', async () => {
	const demo = startDemo(['--headless']);

	const code = await demo.exited;

	expect({ code, stderr: demo.output.stderr }).toEqual({ code: 0, stderr: '' });
	const printed = demo.output.stdout;
	const json = JSON.parse(printed.slice(printed.indexOf('\n{') + 1, printed.lastIndexOf('}') + 1));
	expect(json.foundInBik.map((customer) => customer.partnerCustomerId)).toEqual([
		'abcd-122345',
		'cust-42',
		'cust-1001',
	]);
	expect(json.notFound).toEqual([{ found: false, partnerCustomerId: 'gone-from-bik' }]);
	expect(printed).toMatch(/stopped n8n and the BIK sandbox\n$/);
}, 180_000);

test('npm start brings up n8n on 127.0.0.1 with the examples, and Ctrl+C stops it', async () => {
	const demo = startDemo([]);
	try {
		const [, url] = await until(
			() => demo.output.stdout.match(/n8n is ready: open (http:\/\/127\.0\.0\.1:\d+) /),
			150_000,
		);
		expect(demo.output.stdout).toContain('press Ctrl+C to stop');

		const health = await fetch(`${url}/healthz/readiness`);
		expect(health.status).toBe(200);
		const order = { orderId: 'ORD-1', customerId: 'abcd-122345' };
		const answer = await fetch(`${url}/webhook/bik-order-enrichment`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(order),
		});
		expect(answer.status).toBe(200);
		expect(await answer.json()).toMatchObject({ order, buyer: { bikCustomerId: 5482636 } });

		demo.child.kill('SIGINT');
		expect(await demo.exited).toBe(0);
		expect(demo.output.stdout).toMatch(/stopped n8n and the BIK sandbox\n$/);
		await expect(fetch(`${url}/healthz`)).rejects.toThrow();
	} finally {
		demo.child.kill('SIGKILL');
	}
}, 180_000);
