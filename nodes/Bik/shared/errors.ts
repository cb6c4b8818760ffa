import { NodeApiError } from 'n8n-workflow';
import type { INode, JsonObject } from 'n8n-workflow';

import { ID_LABELS, showId } from './lookup';
import type { Lookup } from './lookup';

export interface Failure {
	message: string;
	description: string;
	httpCode: string;
	retryable: boolean;
	retryAfterMs?: number;
}

const failures = new WeakMap<Error, Failure>();

export function toNodeError(node: INode, lookup: Lookup, failure: Failure): NodeApiError {
	// The error is built from our own words only: n8n's request errors carry the request
	// options, headers included, and those must not reach the output.
	// Only HTTP statuses go in httpCode: n8n swaps the message for its own on codes such as
	// ECONNREFUSED.
	const httpCode = /^\d{3}$/.test(failure.httpCode) ? failure.httpCode : undefined;
	const error = new NodeApiError(
		node,
		{ message: failure.message },
		{
			message: failure.message,
			description: failure.description,
			httpCode,
			itemIndex: lookup.itemIndex,
		},
	);
	failures.set(error, failure);
	return error;
}

export function failureOf(error: unknown): Failure | undefined {
	return error instanceof Error ? failures.get(error) : undefined;
}

export function bikMessages(body: unknown): string {
	if (typeof body !== 'object' || body === null) return '';
	const errors = (body as { errors?: unknown }).errors;
	if (!Array.isArray(errors)) return '';
	return errors
		.map((entry) =>
			typeof entry === 'object' && entry !== null ? (entry as JsonObject).message : entry,
		)
		.filter((message): message is string => typeof message === 'string' && message !== '')
		.join('; ');
}

export function statusFailure(
	status: number,
	body: unknown,
	lookup: Lookup,
	endpoint: string,
	retryAfterMs?: number,
): Failure {
	const label = ID_LABELS[lookup.idType];
	const item = `item ${lookup.itemIndex}`;
	const said = bikMessages(body);
	const httpCode = String(status);

	switch (status) {
		case 400:
			return {
				httpCode,
				retryable: false,
				message: `BIK did not accept the request for ${item}`,
				description: `BIK said: ${said || 'invalid payload'}. Check '${label.parameter}' (${showId(lookup.id)}).`,
			};
		case 401:
		case 403:
			return {
				httpCode,
				retryable: false,
				message: `BIK rejected the credential (${item})`,
				description:
					'Check the token, or the API key and secret, in the BIK API credential, then use its Test button.',
			};
		case 404:
			return {
				httpCode,
				retryable: false,
				message: `BIK's API is not at ${endpoint} (${item})`,
				description:
					"Check 'Base URL' in the BIK API credential. BIK's own address is https://bikapi.bikayi.app.",
			};
		case 406:
			return {
				httpCode,
				retryable: false,
				message: `No BIK customer has ${label.words} ${showId(lookup.id)} (${item})`,
				description: `Check '${label.parameter}', or set Options > 'If Customer Not Found' to 'Return an Item Marked Not Found' to carry on.`,
			};
		case 429:
			return {
				httpCode,
				retryable: true,
				retryAfterMs,
				message: `BIK asked n8n to slow down (${item})`,
				description:
					"Lower Options > 'Max Requests in Flight', or set Options > 'Retries per Item' so that the node waits and tries again.",
			};
		default:
			if (status >= 500) {
				return {
					httpCode,
					retryable: true,
					message: `BIK could not answer for ${item} (HTTP ${status})`,
					description: `${said ? `BIK said: ${said}. ` : ''}This is on BIK's side. Try again later, or set Options > 'Retries per Item'.`,
				};
			}
			return {
				httpCode,
				retryable: false,
				message: `BIK answered HTTP ${status} for ${item}`,
				description: said
					? `BIK said: ${said}.`
					: "Check 'Base URL' in the BIK API credential: this is not an answer BIK documents.",
			};
	}
}

export function replyFailure(
	kind: 'notJson' | 'empty' | 'unsuccessful' | 'noCustomer',
	body: unknown,
	lookup: Lookup,
): Failure {
	const item = `item ${lookup.itemIndex}`;
	const base = { httpCode: '200', retryable: kind !== 'unsuccessful' };
	switch (kind) {
		case 'empty':
			return {
				...base,
				message: `BIK sent an empty reply for ${item}`,
				description:
					"Try again. If it keeps happening, check 'Base URL' in the BIK API credential.",
			};
		case 'notJson':
			return {
				...base,
				message: `BIK's reply for ${item} is not JSON`,
				description:
					"The reply may be cut short, or 'Base URL' may point at a web page or proxy rather than BIK's API.",
			};
		case 'unsuccessful':
			return {
				...base,
				message: `BIK could not look up the customer for ${item}`,
				description: `BIK said: ${bikMessages(body) || 'success: false, with no reason'}.`,
			};
		case 'noCustomer':
			return {
				...base,
				retryable: false,
				message: `BIK's reply for ${item} holds no customer`,
				description:
					"BIK answered with success but without data.customer. Turn on Options > 'Full Response' to see what it sent.",
			};
	}
}

const CONNECTION_CODES: Record<string, (target: string) => Omit<Failure, 'httpCode'>> = {
	ECONNREFUSED: (target) => ({
		retryable: true,
		message: `Could not connect to BIK at ${target}`,
		description:
			"Nothing accepted the connection. Check 'Base URL' in the BIK API credential and that n8n can reach it.",
	}),
	ENOTFOUND: (target) => ({
		retryable: false,
		message: `Could not find the host of ${target}`,
		description: "Check 'Base URL' in the BIK API credential.",
	}),
	EAI_AGAIN: (target) => ({
		retryable: true,
		message: `Could not look up the host of ${target}`,
		description: 'The name lookup did not answer in time. Try again later.',
	}),
	ECONNRESET: (target) => ({
		retryable: true,
		message: `The connection to ${target} closed before BIK answered`,
		description: "Try again, or set Options > 'Retries per Item'.",
	}),
	EPIPE: (target) => ({
		retryable: true,
		message: `The connection to ${target} closed before BIK answered`,
		description: "Try again, or set Options > 'Retries per Item'.",
	}),
};

export function transportFailure(
	error: unknown,
	lookup: Lookup,
	target: string,
	timeoutMs: number,
): Failure {
	const code = findCode(error);
	const item = `item ${lookup.itemIndex}`;
	const text = findMessage(error);

	if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout/i.test(text)) {
		return {
			httpCode: 'ETIMEDOUT',
			retryable: true,
			message: `BIK did not answer within ${Number((timeoutMs / 1000).toFixed(1))} s (${item})`,
			description:
				"Try again later. To wait longer, raise 'Timeout' under 'Request Options' in this node's options.",
		};
	}

	const known = code ? CONNECTION_CODES[code] : undefined;
	if (known) return { httpCode: code as string, ...known(target) };
	if (/socket hang up/i.test(text))
		return { httpCode: 'ECONNRESET', ...CONNECTION_CODES.ECONNRESET(target) };

	return {
		httpCode: code ?? 'none',
		retryable: false,
		message: `Could not reach BIK at ${target} (${item})`,
		description: `${text ? `${text}. ` : ''}Check 'Base URL' in the BIK API credential.`,
	};
}

function findCode(error: unknown): string | undefined {
	for (let current = error, depth = 0; current && depth < 5; depth++) {
		const { code, cause } = current as { code?: unknown; cause?: unknown };
		if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
		current = cause;
	}
	return undefined;
}

function findMessage(error: unknown): string {
	for (let current = error, depth = 0; current && depth < 5; depth++) {
		const { message, cause } = current as { message?: unknown; cause?: unknown };
		if (cause === undefined && typeof message === 'string') return stripCredentials(message);
		current = cause;
	}
	return '';
}

// A URL in a message could carry user:password; nothing else from the request is quoted.
function stripCredentials(text: string): string {
	return text.replace(/\/\/[^/\s@]+@/g, '//');
}
