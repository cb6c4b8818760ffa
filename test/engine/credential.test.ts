import { createServer } from 'node:http';
import type { RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';

import { credentialTest } from './harness';
import { customerRequests, lookUp, tokenCredentials, useSandbox } from './setup';

const sandbox = useSandbox();

function keyAndSecret() {
	return {
		authentication: 'keyAndSecret',
		apiKey: sandbox().apiKey,
		apiSecret: sandbox().apiSecret,
		baseUrl: sandbox().url,
	};
}

async function withServer(handler: RequestListener, use: (url: string) => Promise<void>) {
	const server = createServer(handler);
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	try {
		await use(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
	} finally {
		server.closeAllConnections();
		await new Promise((resolve) => server.close(resolve));
	}
}

describe('BIK API credential', () => {
	test('the token form sends Authorization: Basic <token>', async () => {
		const result = await lookUp(sandbox(), ['cust-1']);

		expect(result.status).toBe('success');
		expect(customerRequests(sandbox())[0].headers.authorization).toBe(`Basic ${sandbox().token}`);
	});

	test('the key and secret form builds the same header from base64 of KEY:SECRET', async () => {
		const result = await lookUp(sandbox(), ['cust-1'], { credentials: keyAndSecret() });

		expect(result.status).toBe('success');
		const expected = Buffer.from(`${sandbox().apiKey}:${sandbox().apiSecret}`).toString('base64');
		expect(expected).toBe(sandbox().token);
		expect(customerRequests(sandbox())[0].headers.authorization).toBe(`Basic ${expected}`);
	});

	test('a token pasted with its "Basic " prefix and spaces still works', async () => {
		const result = await lookUp(sandbox(), ['cust-1'], {
			credentials: { ...tokenCredentials(sandbox()), token: `  Basic ${sandbox().token} ` },
		});

		expect(result.status).toBe('success');
		expect(customerRequests(sandbox())[0].headers.authorization).toBe(`Basic ${sandbox().token}`);
	});

	test('a Base URL with a trailing slash reaches the same endpoint', async () => {
		const result = await lookUp(sandbox(), ['cust-1'], {
			credentials: { ...tokenCredentials(sandbox()), baseUrl: `${sandbox().url}/` },
		});

		expect(result.status).toBe('success');
	});
});

describe('Credential test', () => {
	test('passes for a working token without needing a real customer', async () => {
		await expect(credentialTest(tokenCredentials(sandbox()))).resolves.toEqual({
			status: 'OK',
			message: 'Connection successful!',
		});
		const [request] = customerRequests(sandbox());
		expect(request.status).toBe(406);
	});

	test('passes for a working API key and secret', async () => {
		await expect(credentialTest(keyAndSecret())).resolves.toMatchObject({ status: 'OK' });
	});

	test('fails a rejected token with a message a user understands', async () => {
		await expect(
			credentialTest({ ...tokenCredentials(sandbox()), token: 'bm90OnRoZS10b2tlbg==' }),
		).resolves.toEqual({
			status: 'Error',
			message:
				'BIK rejected this token. Check the token, or the API key and secret, and try again.',
		});
	});

	test('fails a wrong secret in the key and secret form', async () => {
		await expect(
			credentialTest({ ...keyAndSecret(), apiSecret: 'not-the-secret' }),
		).resolves.toMatchObject({
			status: 'Error',
			message: expect.stringContaining('BIK rejected this token'),
		});
	});

	test('fails a Base URL that has no BIK API behind it (404)', async () => {
		await expect(
			credentialTest({ ...tokenCredentials(sandbox()), baseUrl: `${sandbox().url}/nothing-here` }),
		).resolves.toEqual({
			status: 'Error',
			message: "BIK's API is not at this Base URL. Check the Base URL and try again.",
		});
	});

	test("fails with a message for BIK's server errors", async () => {
		sandbox().setFaults({ errorRate: 1 });

		await expect(credentialTest(tokenCredentials(sandbox()))).resolves.toEqual({
			status: 'Error',
			message: 'BIK could not check the token right now. Try again in a few minutes.',
		});
	});

	test.each([
		[403, 'BIK does not let this token look up customers'],
		[429, 'BIK asked to slow down and did not check the token'],
	])('fails a BIK reply with status %i with its own message', async (status, message) => {
		await withServer(
			(_request, response) => {
				response.writeHead(status, { 'content-type': 'application/json' });
				response.end(JSON.stringify({ status, errors: [{ message: 'no' }] }));
			},
			async (url) => {
				await expect(
					credentialTest({ ...tokenCredentials(sandbox()), baseUrl: url }),
				).resolves.toEqual({ status: 'Error', message: expect.stringContaining(message) });
			},
		);
	});

	test('sends no token over plain http to another host', async () => {
		// 0.0.0.0 reaches the sandbox on this machine but is not one of the loopback names.
		const baseUrl = sandbox().url.replace('127.0.0.1', '0.0.0.0');

		await expect(credentialTest({ ...tokenCredentials(sandbox()), baseUrl })).resolves.toEqual({
			status: 'Error',
			message:
				'BIK rejected this token. Check the token, or the API key and secret, and try again.',
		});
		const [request] = customerRequests(sandbox());
		expect(request.headers.authorization ?? '').not.toContain(sandbox().token);
	});

	test('fails a Base URL that answers, but not like BIK', async () => {
		await withServer(
			(_request, response) => {
				response.writeHead(200, { 'content-type': 'text/html' }).end('<html>Welcome</html>');
			},
			async (url) => {
				await expect(
					credentialTest({ ...tokenCredentials(sandbox()), baseUrl: url }),
				).resolves.toEqual({
					status: 'Error',
					message:
						"The Base URL answered, but not like BIK's API. Check the Base URL and try again.",
				});
			},
		);
	});
});
