import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteSingleFunctions } from 'n8n-workflow';

export type IdType = 'partnerCustomerId' | 'bikCustomerId';

export const ID_LABELS: Record<IdType, { parameter: string; words: string }> = {
	partnerCustomerId: { parameter: 'Partner Customer ID', words: 'partner customer ID' },
	bikCustomerId: { parameter: 'BIK Customer ID', words: 'BIK customer ID' },
};

export interface Lookup {
	idType: IdType;
	id: string;
	itemIndex: number;
}

export interface LookupOptions {
	fullResponse: boolean;
	onNotFound: 'error' | 'returnItem';
	maxConcurrency: number;
	retries: number;
}

export const DEFAULT_MAX_CONCURRENCY = 20;

const MAX_SHOWN_ID_LENGTH = 60;

export function showId(id: string): string {
	const shown = id.length > MAX_SHOWN_ID_LENGTH ? `${id.slice(0, MAX_SHOWN_ID_LENGTH)}…` : id;
	return JSON.stringify(shown);
}

export function readOptions(context: IExecuteSingleFunctions): LookupOptions {
	const options = context.getNodeParameter('options', {}) as IDataObject;
	return {
		fullResponse: options.fullResponse === true,
		onNotFound: options.onNotFound === 'returnItem' ? 'returnItem' : 'error',
		maxConcurrency: integerOption(options.maxConcurrency, DEFAULT_MAX_CONCURRENCY, 1),
		retries: integerOption(options.retries, 0, 0),
	};
}

function integerOption(value: unknown, fallback: number, min: number): number {
	const number = Number(value);
	if (value === undefined || value === '' || !Number.isFinite(number)) return fallback;
	return Math.max(min, Math.floor(number));
}

// Reads and checks the ID for the current item; expressions have already been resolved.
export function readLookup(context: IExecuteSingleFunctions): Lookup {
	const itemIndex = context.getItemIndex();
	const idType: IdType =
		context.getNodeParameter('idType', 'partnerCustomerId') === 'bikCustomerId'
			? 'bikCustomerId'
			: 'partnerCustomerId';
	const label = ID_LABELS[idType];
	const raw = context.getNodeParameter(idType, '') as unknown;
	let id: string;

	if (typeof raw === 'string') {
		id = raw.trim();
	} else if (typeof raw === 'number' && Number.isFinite(raw)) {
		id = String(raw);
	} else if (raw === null || raw === undefined) {
		id = '';
	} else {
		throw new NodeOperationError(
			context.getNode(),
			`The ${label.words} for item ${itemIndex} is not text`,
			{
				itemIndex,
				description: `'${label.parameter}' resolved to ${describeValue(raw)}. Point it at a single value, for example {{ $json.id }}.`,
			},
		);
	}

	if (id === '') {
		const expression = context.getNode().parameters[idType];
		const fromExpression = typeof expression === 'string' && expression.startsWith('=');
		throw new NodeOperationError(
			context.getNode(),
			`The ${label.words} for item ${itemIndex} is empty`,
			{
				itemIndex,
				description: fromExpression
					? `The expression in '${label.parameter}' gave nothing for this item. Check that the incoming item has the field it reads. Nothing was sent to BIK for this item.`
					: `Fill in '${label.parameter}', for example with {{ $json.id }} from the previous node. Nothing was sent to BIK for this item.`,
			},
		);
	}

	return { idType, id, itemIndex };
}

function describeValue(value: unknown): string {
	if (Array.isArray(value)) return `a list of ${value.length} values`;
	if (typeof value === 'object') return 'an object';
	return `a ${typeof value} (${String(value)})`;
}
