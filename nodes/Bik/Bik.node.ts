import { NodeConnectionTypes } from 'n8n-workflow';
import type { INodeType, INodeTypeDescription } from 'n8n-workflow';

import { customerDescription } from './resources/customer';

export class Bik implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'BIK',
		name: 'bik',
		icon: { light: 'file:../../icons/bik.svg', dark: 'file:../../icons/bik.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle:
			'={{ "Get customer by " + ($parameter["idType"] === "bikCustomerId" ? "BIK customer ID" : "partner customer ID") }}',
		description: 'Look up customers in BIK, the commerce CRM and messaging platform',
		defaults: { name: 'BIK' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'bikApi', required: true }],
		requestDefaults: {
			baseURL: '={{ String($credentials.baseUrl).trim().replace(/\\/+$/, "") }}',
			headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
		},
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Customer', value: 'customer' }],
				default: 'customer',
			},
			...customerDescription,
		],
	};
}
