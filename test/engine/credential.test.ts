import { createServer } from 'node:http';
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

	test('fails a Base URL that answers, but not like BIK', async () => {
		const web = createServer((_request, response) => {
			response.writeHead(200, { 'content-type': 'text/html' }).end('<html>Welcome</html>');
		});
		await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
		try {
			const { port } = web.address() as AddressInfo;
			await expect(
				credentialTest({ ...tokenCredentials(sandbox()), baseUrl: `http://127.0.0.1:${port}` }),
			).resolves.toEqual({
				status: 'Error',
				message: "The Base URL answered, but not like BIK's API. Check the Base URL and try again.",
			});
		} finally {
			web.closeAllConnections();
			await new Promise((resolve) => web.close(resolve));
		}
	});
});
