import type { ICredentialDataDecryptedObject, IDataObject, INodeParameters } from 'n8n-workflow';

import { startSandbox } from '../sandbox';
import type { Sandbox } from '../sandbox';
import { runBik } from './harness';
import type { RunOptions } from './harness';

export const CUSTOMER_GET = '/integrations/bikPlatformFunctions-customers/get';

/** Starts one BIK sandbox for the file and clears its faults and records before each test. */
export function useSandbox(): () => Sandbox {
	let sandbox: Sandbox | undefined;
	beforeAll(async () => {
		sandbox = await startSandbox();
	});
	beforeEach(() => sandbox!.reset());
	afterAll(async () => {
		await sandbox?.close();
	});
	return () => sandbox!;
}

export function tokenCredentials(sandbox: Sandbox): ICredentialDataDecryptedObject {
	return { authentication: 'token', token: sandbox.token, baseUrl: sandbox.url };
}

export function getByPartnerId(extra: INodeParameters = {}): INodeParameters {
	return {
		resource: 'customer',
		operation: 'get',
		idType: 'partnerCustomerId',
		partnerCustomerId: '={{ $json.id }}',
		...extra,
	};
}

export function getByBikId(extra: INodeParameters = {}): INodeParameters {
	return {
		resource: 'customer',
		operation: 'get',
		idType: 'bikCustomerId',
		bikCustomerId: '={{ $json.id }}',
		...extra,
	};
}

/** Runs the BIK node on one item per ID, with the sandbox's token unless credentials are given. */
export async function lookUp(
	sandbox: Sandbox,
	ids: unknown[],
	options: Partial<RunOptions> = {},
): Promise<Awaited<ReturnType<typeof runBik>>> {
	return await runBik({
		items: ids.map((id): IDataObject => ({ id }) as IDataObject),
		parameters: getByPartnerId(),
		credentials: tokenCredentials(sandbox),
		...options,
	});
}

export function customerRequests(sandbox: Sandbox) {
	return sandbox.requests.filter((request) => request.path === CUSTOMER_GET);
}
