import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_MAX_CONCURRENCY } from '../../shared/lookup';

const showOnlyForCustomerGet = { operation: ['get'], resource: ['customer'] };

export const customerGetDescription: INodeProperties[] = [
	{
		displayName: 'ID Type',
		name: 'idType',
		type: 'options',
		displayOptions: { show: showOnlyForCustomerGet },
		options: [
			{
				name: 'BIK Customer ID',
				value: 'bikCustomerId',
				description: "BIK's own ID for the customer",
			},
			{
				name: 'Partner Customer ID',
				value: 'partnerCustomerId',
				description: 'The ID of the customer in your own system, as stored in BIK',
			},
		],
		default: 'partnerCustomerId',
		description: 'Which ID to look the customer up by',
	},
	{
		displayName: 'Partner Customer ID',
		name: 'partnerCustomerId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. abcd-122345',
		description: 'The ID of the customer in your own system, as stored in BIK',
		displayOptions: { show: { ...showOnlyForCustomerGet, idType: ['partnerCustomerId'] } },
	},
	{
		displayName: 'BIK Customer ID',
		name: 'bikCustomerId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 5482636',
		description: "BIK's own ID for the customer",
		displayOptions: { show: { ...showOnlyForCustomerGet, idType: ['bikCustomerId'] } },
	},
	{
		displayName: 'Include Addresses',
		name: 'includeAddress',
		type: 'boolean',
		default: false,
		description: "Whether to add the customer's addresses",
		displayOptions: { show: showOnlyForCustomerGet },
		routing: { send: { type: 'body', property: 'includeAddress' } },
	},
	{
		displayName: 'Include Assets',
		name: 'includeAssets',
		type: 'boolean',
		default: false,
		description: "Whether to add the customer's secondary emails and phone numbers",
		displayOptions: { show: showOnlyForCustomerGet },
		routing: { send: { type: 'body', property: 'includeAssets' } },
	},
	{
		displayName: 'Include Tags',
		name: 'includeTags',
		type: 'boolean',
		default: false,
		description: "Whether to add the customer's tags",
		displayOptions: { show: showOnlyForCustomerGet },
		routing: { send: { type: 'body', property: 'includeTags' } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { show: showOnlyForCustomerGet },
		options: [
			{
				displayName: 'Full Response',
				name: 'fullResponse',
				type: 'boolean',
				default: false,
				description:
					"Whether to return BIK's whole reply (status, success and data) instead of the customer record",
			},
			{
				displayName: 'If Customer Not Found',
				name: 'onNotFound',
				type: 'options',
				options: [
					{
						name: 'Return an Item Marked Not Found',
						value: 'returnItem',
						description: 'Output {"found": false} with the ID, to branch on with an IF node',
					},
					{
						name: 'Treat as an Error',
						value: 'error',
						description: "Stop, or follow the node's On Error setting",
					},
				],
				default: 'error',
			},
			{
				displayName: 'Max Requests in Flight',
				name: 'maxConcurrency',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: DEFAULT_MAX_CONCURRENCY,
				description: 'How many lookups this node may have waiting on BIK at the same time',
			},
			{
				displayName: 'Retries per Item',
				name: 'retries',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 10 },
				default: 0,
				description:
					'How many times to try a lookup again after a timeout, a refused or dropped connection, a 429 or 5xx reply, or a reply that is empty or not JSON. Only that item is sent again.',
			},
		],
	},
];
