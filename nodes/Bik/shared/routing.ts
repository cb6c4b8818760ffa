import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';
import type {
	DeclarativeRestApiSettings,
	IDataObject,
	IExecutePaginationFunctions,
	IExecuteSingleFunctions,
	IN8nHttpFullResponse,
	INodeExecutionData,
} from 'n8n-workflow';

import { failureOf, replyFailure, statusFailure, toNodeError, transportFailure } from './errors';
import { readLookup, readOptions } from './lookup';
import type { Lookup, LookupOptions } from './lookup';
import { takeSlot } from './limiter';

const DEFAULT_TIMEOUT_MS = 300_000;
const MAX_RETRY_WAIT_MS = 30_000;

export const CUSTOMER_GET_PATH = '/integrations/bikPlatformFunctions-customers/get';

interface ItemSettings {
	lookup: Lookup;
	options: LookupOptions;
}

// Each parameter read evaluates its expression again, which costs n8n about a millisecond. The
// pagination hook reads them once per item and leaves them for postReceive, whose context is
// the one the hook's context was derived from.
const settingsByItem = new WeakMap<object, ItemSettings>();

function rememberSettings(context: IExecutePaginationFunctions, settings: ItemSettings) {
	settingsByItem.set(Object.getPrototypeOf(context) ?? context, settings);
}

function recallSettings(context: IExecuteSingleFunctions): ItemSettings {
	return (
		settingsByItem.get(context) ?? { lookup: readLookup(context), options: readOptions(context) }
	);
}

export async function parseCustomerResponse(
	this: IExecuteSingleFunctions,
	_items: INodeExecutionData[],
	response: IN8nHttpFullResponse,
): Promise<INodeExecutionData[]> {
	const { lookup, options } = recallSettings(this);
	const pairedItem = { item: lookup.itemIndex };
	const { statusCode, body } = response;
	const fail = (failure: ReturnType<typeof statusFailure>) =>
		toNodeError(this.getNode(), lookup, failure);

	if (statusCode < 200 || statusCode >= 300) {
		if (statusCode === 406 && options.onNotFound === 'returnItem') {
			return [{ json: { found: false, [lookup.idType]: lookup.id }, pairedItem }];
		}
		throw fail(
			statusFailure(statusCode, body, lookup, await endpointOf(this), retryAfter(response.headers)),
		);
	}

	if (body === undefined || body === null || body === '') {
		throw fail(replyFailure('empty', body, lookup));
	}
	if (typeof body !== 'object' || Array.isArray(body) || Buffer.isBuffer(body)) {
		throw fail(replyFailure('notJson', body, lookup));
	}
	const reply = body as IDataObject;
	if (reply.success === false) throw fail(replyFailure('unsuccessful', reply, lookup));
	const customer = (reply.data as IDataObject | undefined)?.customer;
	if (typeof customer !== 'object' || customer === null || Array.isArray(customer)) {
		throw fail(replyFailure('noCustomer', reply, lookup));
	}

	return [{ json: options.fullResponse ? reply : (customer as IDataObject), pairedItem }];
}

// RoutingNode offers no hook around the request itself except a pagination function, so the
// single request goes through one. It checks the item before anything is sent, waits for a
// slot, retries what may pass on a second try, and words every failure. With On Error set to
// continue it returns the failure as the item's own error item: RoutingNode would add one
// without pairedItem, and n8n's error output needs it to link the item back to its input.
export async function sendWithinLimits(
	this: IExecutePaginationFunctions,
	requestData: DeclarativeRestApiSettings.ResultOptions,
): Promise<INodeExecutionData[]> {
	const itemIndex = this.getItemIndex();
	try {
		const settings = { lookup: readLookup(this), options: readOptions(this) };
		rememberSettings(this, settings);
		checkBaseUrl(this, requestData.options.baseURL, itemIndex);
		requestData.options.body = {
			...(requestData.options.body as IDataObject),
			[settings.lookup.idType]: settings.lookup.id,
		};
		return await sendWithRetries(this, requestData, settings);
	} catch (error) {
		const nodeError =
			error instanceof NodeApiError || error instanceof NodeOperationError
				? error
				: new NodeOperationError(this.getNode(), error as Error, { itemIndex });
		if (!this.continueOnFail()) throw nodeError;
		return [
			{ json: { error: nodeError.message }, error: nodeError, pairedItem: { item: itemIndex } },
		];
	}
}

async function sendWithRetries(
	context: IExecutePaginationFunctions,
	requestData: DeclarativeRestApiSettings.ResultOptions,
	{ lookup, options }: ItemSettings,
): Promise<INodeExecutionData[]> {
	const { maxConcurrency, retries } = options;
	const runKey = `${context.getExecutionId()}\u0000${context.getNode().name}`;
	const release = await takeSlot(runKey, maxConcurrency);

	try {
		for (let attempt = 0; ; attempt++) {
			try {
				return await context.makeRoutingRequest(requestData);
			} catch (error) {
				const failure =
					failureOf(error) ??
					transportFailure(
						error,
						lookup,
						await endpointOf(context),
						Number(requestData.options.timeout) || DEFAULT_TIMEOUT_MS,
					);
				if (!failure.retryable || attempt >= retries) {
					throw failureOf(error) ? error : toNodeError(context.getNode(), lookup, failure);
				}
				await sleep(failure.retryAfterMs ?? Math.min(1000 * 2 ** attempt, MAX_RETRY_WAIT_MS));
			}
		}
	} finally {
		release();
	}
}

async function endpointOf(context: IExecuteSingleFunctions): Promise<string> {
	const credentials = await context.getCredentials<{ baseUrl?: string }>('bikApi');
	return `${showUrl(String(credentials.baseUrl ?? ''))}${CUSTOMER_GET_PATH}`;
}

function showUrl(baseUrl: string): string {
	try {
		const url = new URL(baseUrl.trim());
		return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
	} catch {
		return baseUrl.trim().replace(/\/+$/, '');
	}
}

function retryAfter(headers: IN8nHttpFullResponse['headers']): number | undefined {
	const value = Number(headers?.['retry-after']);
	if (!Number.isFinite(value) || value < 0) return undefined;
	return Math.min(value * 1000, MAX_RETRY_WAIT_MS);
}

const LOOPBACK_HOSTS = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

// The token travels in every request: plain http is only accepted on this machine.
function checkBaseUrl(context: IExecuteSingleFunctions, baseUrl: unknown, itemIndex: number) {
	let url: URL | undefined;
	try {
		url = new URL(String(baseUrl));
	} catch {
		url = undefined;
	}
	if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
		throw new NodeOperationError(
			context.getNode(),
			"The BIK API credential's Base URL is not a web address",
			{
				itemIndex,
				description:
					"Set 'Base URL' in the credential to https://bikapi.bikayi.app or the address BIK gave you.",
			},
		);
	}
	if (url.protocol === 'http:' && !LOOPBACK_HOSTS.test(url.hostname)) {
		throw new NodeOperationError(
			context.getNode(),
			"The BIK API credential's Base URL uses plain http",
			{
				itemIndex,
				description: `The token would cross the network unencrypted to ${url.host}. Use https:// in 'Base URL'; plain http is accepted only for this machine (localhost, 127.0.0.1).`,
			},
		);
	}
}
