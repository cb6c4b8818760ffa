import { inspect } from 'node:util';

import { runBik } from './harness';
import { getByPartnerId, tokenCredentials, useSandbox } from './setup';

const sandbox = useSandbox();

// Everything a user or a log could see of a run: the items, the error objects with their
// causes, stacks and hidden fields, as n8n stores and prints them.
function everythingVisible(value: unknown): string {
	return [JSON.stringify(value), inspect(value, { depth: 20, showHidden: true })].join('\n');
}

const ids = [
	'cust-1',
	'nobody-here',
	'fault-500',
	'fault-429',
	'fault-html',
	'fault-malformed',
	'fault-empty',
	'fault-drop',
	'fault-success-false',
	'fault-no-customer',
	'fault-slow',
	'',
];

describe('The token never leaks', () => {
	const scenarios: Array<[string, (url: string) => Record<string, string>]> = [
		['the token form', () => ({})],
		['a rejected token', () => ({ token: 'c29tZS1vdGhlci10b2tlbg==' })],
		['a wrong Base URL', (url) => ({ baseUrl: `${url}/wrong` })],
		['an unreachable Base URL', () => ({ baseUrl: 'http://127.0.0.1:9' })],
	];

	test.each(scenarios)('with %s, no item, error or description holds it', async (_name, change) => {
		const credentials = { ...tokenCredentials(sandbox()), ...change(sandbox().url) };
		const secret = String(credentials.token);

		for (const onError of ['continueRegularOutput', 'continueErrorOutput', undefined] as const) {
			const result = await runBik({
				items: ids.map((id) => ({ id })),
				parameters: getByPartnerId({ requestOptions: { timeout: 300 } }),
				credentials,
				onError,
			});

			if (onError) {
				expect(result.output.length + result.errorOutput.length).toBe(ids.length);
			} else {
				expect(result.status).toBe('error');
			}
			const visible = everythingVisible(result.run);
			expect(visible).not.toContain(secret);
			expect(visible).not.toContain(Buffer.from(secret, 'base64').toString());
		}
	});

	test('with the key and secret form, neither the secret nor the built token shows', async () => {
		const credentials = {
			authentication: 'keyAndSecret',
			apiKey: sandbox().apiKey,
			apiSecret: sandbox().apiSecret,
			baseUrl: sandbox().url,
		};
		const result = await runBik({
			items: ids.map((id) => ({ id })),
			parameters: getByPartnerId({ requestOptions: { timeout: 300 } }),
			credentials,
			onError: 'continueRegularOutput',
		});

		expect(result.output).toHaveLength(ids.length);
		const visible = everythingVisible(result.run);
		expect(visible).not.toContain(sandbox().apiSecret);
		expect(visible).not.toContain(sandbox().token);
	});
});
