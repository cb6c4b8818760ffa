// n8n's editor in headless Chromium with the BIK node loaded from dist/: the owner signs in, adds
// the node from the nodes panel, fills its parameters and executes the step against the BIK
// sandbox. The tests run in order on one page, each going on from where the last one stopped.
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const editor = require('./editor');

const FAILURES = process.env.BIK_BROWSER_FAILURES ?? path.join(os.tmpdir(), 'bik-browser-failures');

let session;
let page;

beforeAll(async () => {
	session = await editor.startEditor();
	page = session.page;
}, 240_000);

afterAll(async () => {
	await session?.stop();
});

/** A test that saves a screenshot of the page when it fails. */
function inBrowser(name, fn) {
	test(name, async () => {
		try {
			await fn();
		} catch (error) {
			if (page) {
				fs.mkdirSync(FAILURES, { recursive: true });
				const file = path.join(FAILURES, `${name.replace(/\W+/g, '-')}.png`);
				await page.screenshot({ path: file }).catch(() => undefined);
				error.message += `\nScreenshot of the page: ${file}`;
			}
			throw error;
		}
	});
}

inBrowser('the owner signs in through the login form', async () => {
	await editor.signIn(page, session.n8n);

	expect(new URL(page.url()).pathname).not.toMatch(/^\/signin/);
});

inBrowser('the nodes panel lists the BIK node with its icon and adds it', async () => {
	const listed = await editor.addBikNode(page, session.n8n);

	expect(listed).toEqual({
		description: 'Look up customers in BIK, the commerce CRM and messaging platform',
		icon: { src: expect.stringMatching(/\/icons\/CUSTOM\/.*bik\.svg$/), loaded: true },
	});
	expect(new URL(page.url()).pathname).toMatch(/^\/workflow\/\w+\/[\w-]+$/);
});

inBrowser('the panel takes the parameters and picks the only BIK credential', async () => {
	await editor.fillParameters(page);

	expect(await editor.panelState(page)).toEqual({
		title: 'Get a customer',
		icon: { src: expect.stringMatching(/bik\.svg$/), loaded: true },
		credential: editor.CREDENTIAL_NAME,
		idType: 'Partner Customer ID',
		partnerCustomerId: editor.PARTNER_CUSTOMER_ID,
		bikCustomerIdShown: false,
		includeAddress: true,
		includeAssets: false,
		includeTags: false,
	});
});

inBrowser('executing the step shows the customer and its address in the output table', async () => {
	const rows = await editor.executeStep(page);

	expect(rows).toEqual([
		{
			id: '5482636',
			partnerCustomerId: 'abcd-122345',
			firstName: 'Test',
			lastName: 'Last',
			phoneNumber: '+919090909090',
			email: 'test.2@bik.ai',
			countryCode: 'IND',
			createdAt: '2024-08-09T09:32:55.568Z',
			updatedAt: '2024-08-09T09:33:15.939Z',
			addresses: expect.stringContaining('hsr layout'),
		},
	]);
	expect(rows[0].addresses).toMatch(/city:\s*bangalore/);
	expect(session.sandbox.requests.map((request) => request.body)).toEqual([
		{
			partnerCustomerId: 'abcd-122345',
			includeAddress: true,
			includeAssets: false,
			includeTags: false,
		},
	]);
});

inBrowser('the browser sent nothing beyond loopback', async () => {
	expect(session.blocked).toEqual([]);
});
