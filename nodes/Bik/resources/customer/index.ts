import type { INodeProperties } from 'n8n-workflow';

import { CUSTOMER_GET_PATH, parseCustomerResponse, sendWithinLimits } from '../../shared/routing';
import { customerGetDescription } from './get';

const showOnlyForCustomer = { resource: ['customer'] };

export const customerDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: showOnlyForCustomer },
		options: [
			{
				name: 'Get',
				value: 'get',
				action: 'Get a customer',
				description: 'Look up one customer by partner customer ID or BIK customer ID',
				routing: {
					request: {
						method: 'POST',
						url: CUSTOMER_GET_PATH,
						json: true,
						// Every status reaches parseCustomerResponse, which words the message.
						ignoreHttpStatusErrors: true,
					},
					send: { paginate: true },
					operations: { pagination: sendWithinLimits },
					output: { postReceive: [parseCustomerResponse] },
				},
			},
		],
		default: 'get',
	},
	...customerGetDescription,
];
