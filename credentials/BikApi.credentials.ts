import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export const BIK_PRODUCTION_URL = 'https://bikapi.bikayi.app';

const TOKEN =
	'$credentials.authentication === "keyAndSecret" ? (String($credentials.apiKey).trim() + ":" + String($credentials.apiSecret).trim()).base64Encode() : String($credentials.token ?? "").trim().replace(/^basic\\s+/i, "")';

const PLAIN_HTTP_ELSEWHERE =
	'/^http:\\/\\/(?!(localhost|127(\\.\\d{1,3}){3}|\\[::1\\])(:\\d+)?(\\/|$))/i';

export class BikApi implements ICredentialType {
	name = 'bikApi';

	displayName = 'BIK API';

	icon: Icon = { light: 'file:../icons/bik.svg', dark: 'file:../icons/bik.dark.svg' };

	documentationUrl = 'https://docs.bik.ai/';

	properties: INodeProperties[] = [
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'options',
			options: [
				{
					name: 'API Key and Secret',
					value: 'keyAndSecret',
					description: 'The key and secret BIK issued for your app',
				},
				{
					name: 'Basic Token',
					value: 'token',
					description: 'The ready token shown after "Authorization: Basic" in BIK\'s examples',
				},
			],
			default: 'token',
		},
		{
			displayName: 'Token',
			name: 'token',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			placeholder: 'a2V5OnNlY3JldA==',
			description: 'Base64 of KEY:SECRET. A leading "Basic " is ignored.',
			displayOptions: { show: { authentication: ['token'] } },
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			displayOptions: { show: { authentication: ['keyAndSecret'] } },
		},
		{
			displayName: 'API Secret',
			name: 'apiSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			displayOptions: { show: { authentication: ['keyAndSecret'] } },
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: BIK_PRODUCTION_URL,
			description:
				"Where BIK's API answers. Change it only for a proxy, a regional host or the BIK sandbox.",
		},
	];

	// Either form ends as the same header: BIK's token is base64 of KEY:SECRET. Over plain http
	// to another machine no token is sent at all, so not even the credential test can leak it.
	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: `={{ ${PLAIN_HTTP_ELSEWHERE}.test(String($credentials.baseUrl).trim()) ? "" : "Basic " + (${TOKEN}) }}`,
			},
		},
	};

	// A made-up partner customer ID: an accepted token gets "not found" (406), a rejected one 401.
	// BIK always answers JSON with a status field, so a reply without one is not BIK.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{ String($credentials.baseUrl).trim().replace(/\\/+$/, "") }}',
			url: '/integrations/bikPlatformFunctions-customers/get',
			method: 'POST',
			body: { partnerCustomerId: 'n8n-credential-test' },
			json: true,
			ignoreHttpStatusErrors: true,
		},
		rules: [
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'status',
					value: 401,
					message:
						'BIK rejected this token. Check the token, or the API key and secret, and try again.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'status',
					value: 403,
					message:
						'BIK does not let this token look up customers. Check that the API key belongs to an app with access to customers.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'status',
					value: 404,
					message: "BIK's API is not at this Base URL. Check the Base URL and try again.",
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'status',
					value: 429,
					message: 'BIK asked to slow down and did not check the token. Try again in a minute.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'status',
					value: 500,
					message: 'BIK could not check the token right now. Try again in a few minutes.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'status',
					value: undefined,
					message:
						"The Base URL answered, but not like BIK's API. Check the Base URL and try again.",
				},
			},
		],
	};
}
