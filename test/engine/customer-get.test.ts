import docResponse from '../sandbox/fixtures/get-customer.response.json';
import { customerView, DOC_CUSTOMER, seededCustomer } from '../sandbox';
import { runBik, SOURCE_NODE } from './harness';
import {
	customerRequests,
	getByBikId,
	getByPartnerId,
	lookUp,
	tokenCredentials,
	useSandbox,
} from './setup';

const sandbox = useSandbox();

const { addresses: _addresses, assets: _assets, ...docCustomerBase } = docResponse.data.customer;

describe('Get customer', () => {
	test('looks a customer up by partner customer ID and outputs the customer record itself', async () => {
		const result = await lookUp(sandbox(), ['abcd-122345']);

		expect(result.status).toBe('success');
		expect(result.output).toHaveLength(1);
		expect(result.output[0].json).toEqual(docCustomerBase);
		expect(result.output[0].json).not.toHaveProperty('success');
	});

	test('looks a customer up by BIK customer ID, leaving out a partner customer ID set before', async () => {
		const result = await lookUp(sandbox(), ['5482636'], {
			parameters: getByBikId({ partnerCustomerId: 'abcd-122345' }),
		});

		expect(result.output[0].json).toEqual(docCustomerBase);
		expect(customerRequests(sandbox())[0].body).toEqual({
			bikCustomerId: '5482636',
			includeAddress: false,
			includeAssets: false,
			includeTags: false,
		});
	});

	test('sends only the chosen ID, trimmed, with the three include flags', async () => {
		await lookUp(sandbox(), ['  abcd-122345 \t']);

		const [request] = customerRequests(sandbox());
		expect(request.method).toBe('POST');
		expect(request.headers['content-type']).toMatch(/^application\/json/);
		expect(request.body).toEqual({
			partnerCustomerId: 'abcd-122345',
			includeAddress: false,
			includeAssets: false,
			includeTags: false,
		});
	});

	test('sends a number from an expression as a text ID', async () => {
		const result = await lookUp(sandbox(), [5482636], { parameters: getByBikId() });

		expect(result.output[0].json.id).toBe(5482636);
		expect(customerRequests(sandbox())[0].body).toMatchObject({ bikCustomerId: '5482636' });
	});

	test.each([
		['includeAddress', 'addresses'],
		['includeAssets', 'assets'],
		['includeTags', 'tags'],
	])('with %s on, asks BIK for %s and outputs them', async (toggle, field) => {
		const result = await lookUp(sandbox(), ['cust-42'], {
			parameters: getByPartnerId({ [toggle]: true }),
		});

		const customer = result.output[0].json;
		const expected = customerView(seededCustomer(42), { [toggle]: true });
		expect(customer).toEqual(expected);
		expect(customer[field]).toEqual(expect.any(Array));
		for (const other of ['addresses', 'assets', 'tags'].filter((name) => name !== field)) {
			expect(customer).not.toHaveProperty(other);
		}
		expect(customerRequests(sandbox())[0].body).toMatchObject({ [toggle]: true });
	});

	test('with addresses and assets on, outputs the documented customer exactly as BIK documents it', async () => {
		const result = await lookUp(sandbox(), ['abcd-122345'], {
			parameters: getByPartnerId({ includeAddress: true, includeAssets: true }),
		});

		expect(result.output[0].json).toEqual(docResponse.data.customer);
	});

	test('with Full Response on, outputs the whole reply instead of the record', async () => {
		const result = await lookUp(sandbox(), ['abcd-122345'], {
			parameters: getByPartnerId({
				includeAddress: true,
				includeAssets: true,
				options: { fullResponse: true },
			}),
		});

		expect(result.output[0].json).toEqual(docResponse);
	});

	test('resolves the ID from a named earlier node with $() expressions', async () => {
		const result = await runBik({
			items: [{ customer: { ref: 'cust-7' } }, { customer: { ref: 'cust-8' } }],
			parameters: getByPartnerId({
				partnerCustomerId: `={{ $('${SOURCE_NODE}').item.json.customer.ref }}`,
			}),
			credentials: tokenCredentials(sandbox()),
		});

		expect(result.output.map((item) => item.json.partnerCustomerId)).toEqual(['cust-7', 'cust-8']);
	});

	test('outputs one item per input item, in order, each linked to the item it came from', async () => {
		const ids = Array.from({ length: 250 }, (_, index) => `cust-${index + 1}`);
		const result = await lookUp(sandbox(), ids);

		expect(result.output).toHaveLength(250);
		result.output.forEach((item, index) => {
			expect(item.json.partnerCustomerId).toBe(ids[index]);
			expect(item.pairedItem).toEqual({ item: index });
		});
	});

	test('never has more lookups in flight than Max Requests in Flight', async () => {
		sandbox().setLatency(40);
		try {
			const ids = Array.from({ length: 30 }, (_, index) => `cust-${index + 1}`);
			const result = await lookUp(sandbox(), ids, {
				parameters: getByPartnerId({ options: { maxConcurrency: 3 } }),
			});

			expect(result.output).toHaveLength(30);
			expect(sandbox().stats().maxInFlight).toBe(3);
		} finally {
			sandbox().setLatency(0);
		}
	});

	test('keeps to 20 lookups in flight by default', async () => {
		sandbox().setLatency(40);
		try {
			const ids = Array.from({ length: 80 }, (_, index) => `cust-${index + 1}`);
			await lookUp(sandbox(), ids);

			expect(sandbox().stats().maxInFlight).toBe(20);
		} finally {
			sandbox().setLatency(0);
		}
	});

	test('tolerates the quirks of the documented reply: numeric IDs, "undefined" and null fields', async () => {
		const result = await lookUp(sandbox(), ['abcd-122345'], {
			parameters: getByPartnerId({ includeAddress: true, includeAssets: true }),
		});

		const customer = result.output[0].json as typeof DOC_CUSTOMER;
		expect(customer.addresses?.[0].addressId).toBe(142385);
		expect(customer.addresses?.[0].partnerAddressId).toBe('undefined');
		expect(customer.assets?.[0].countryCode).toBeNull();
	});
});
