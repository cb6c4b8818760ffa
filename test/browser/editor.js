// Drives n8n's editor in headless Chromium (Debian's package, through playwright-core): the owner
// signs in, adds the BIK node from the nodes panel, fills its parameters and executes the step
// against the BIK sandbox. The browser test and the screenshot script share these steps.
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { chromium, selectors } = require('playwright-core');

const { startSandbox } = require('../sandbox');
const { DIST, startN8n } = require('../e2e/n8n');
const { CHROMIUM, ensureChromium } = require('./ensure-chromium');

const VIEWPORT = { width: 1400, height: 900 };
const SCREENSHOTS = path.join(__dirname, 'screenshots');
const CREDENTIAL_NAME = 'BIK sandbox';
const PARTNER_CUSTOMER_ID = 'abcd-122345';

// Playwright adds --headless itself, and each launch gets a fresh profile folder.
const CHROMIUM_FLAGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--disable-dev-shm-usage',
];

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

// n8n marks its elements with data-test-id, not Playwright's default data-testid.
selectors.setTestIdAttribute('data-test-id');

/**
 * Starts the BIK sandbox, n8n with the node from dist/ and a BIK API credential for the sandbox,
 * then Chromium with one page. stop() ends all three.
 */
async function startEditor() {
	ensureChromium({ quiet: true });
	const started = [];
	const stop = async () => {
		for (const close of started.reverse()) await close();
	};
	try {
		const sandbox = await startSandbox();
		started.push(() => sandbox.close());
		const n8n = await startN8n({ extensions: [DIST], logLevel: 'warn' });
		started.push(async () => {
			await n8n.stop();
			n8n.removeFiles();
		});
		const credential = await n8n.createCredential({
			name: CREDENTIAL_NAME,
			data: { authentication: 'token', token: sandbox.token, baseUrl: sandbox.url },
		});
		const browser = await launchChromium();
		started.push(() => browser.close());
		return { sandbox, n8n, credential, page: browser.page, blocked: browser.blocked, stop };
	} catch (error) {
		await stop();
		throw error;
	}
}

/** Chromium with a fresh profile; requests to anything but loopback are refused and listed. */
async function launchChromium() {
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'bik-chromium-'));
	const context = await chromium.launchPersistentContext(profile, {
		executablePath: CHROMIUM,
		headless: true,
		args: CHROMIUM_FLAGS,
		viewport: VIEWPORT,
		deviceScaleFactor: 1,
		locale: 'en-US',
		timezoneId: 'UTC',
	});
	const blocked = [];
	await context.route('**/*', (route) => {
		const { hostname, protocol } = new URL(route.request().url());
		if (protocol === 'data:' || protocol === 'blob:' || LOOPBACK_HOSTS.has(hostname)) {
			return route.continue();
		}
		blocked.push(route.request().url());
		return route.abort('blockedbyclient');
	});
	const page = context.pages()[0] ?? (await context.newPage());
	return {
		page,
		blocked,
		close: async () => {
			await context.close();
			fs.rmSync(profile, { recursive: true, force: true });
		},
	};
}

/** Signs in through the login form, as the owner n8n was set up with. */
async function signIn(page, n8n) {
	await page.goto(`${n8n.url}/signin`);
	await page.locator('#emailOrLdapLoginId').fill(n8n.owner.email);
	await page.locator('#password').fill(n8n.owner.password);
	await page.getByTestId('form-submit-button').click();
	await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
}

/**
 * Opens a new workflow and adds the node's "Get a customer" action from the nodes panel; n8n puts a
 * Manual Trigger before it and opens the node's panel. Answers the BIK entry the panel listed.
 */
async function addBikNode(page, n8n) {
	await page.goto(`${n8n.url}/workflow/new`);
	await page.getByTestId('canvas-plus-button').click();
	await page.getByTestId('node-creator-search-bar').fill('BIK');
	const entry = page
		.getByTestId('node-creator-action-item')
		.filter({ has: page.getByTestId('node-creator-item-name').getByText('BIK', { exact: true }) });
	const listed = {
		description: await entry.getByTestId('node-creator-item-description').innerText(),
		icon: await iconOf(entry.locator('img').first()),
	};
	await entry.click();
	await page.getByText('Get a customer', { exact: true }).click();
	await ndv(page).waitFor();
	return listed;
}

/** The image's address and whether it loaded. */
async function iconOf(image) {
	await image.waitFor();
	return image.evaluate(async (img) => {
		await img.decode().catch(() => undefined);
		return { src: img.getAttribute('src'), loaded: img.complete && img.naturalWidth > 0 };
	});
}

const ndv = (page) => page.getByTestId('ndv');
const parameter = (page, name) => ndv(page).getByTestId(`parameter-input-${name}`);

async function chooseOption(page, name, option) {
	await parameter(page, name).click();
	await page.getByRole('option').filter({ hasText: option }).first().click();
}

/**
 * Fills the panel: ID Type (the BIK customer ID first, to see the fields follow it), the partner
 * customer ID, and Include Addresses on.
 */
async function fillParameters(page) {
	await chooseOption(page, 'idType', 'BIK Customer ID');
	await parameter(page, 'bikCustomerId').waitFor();
	await chooseOption(page, 'idType', 'Partner Customer ID');
	await parameter(page, 'partnerCustomerId').locator('input').fill(PARTNER_CUSTOMER_ID);
	await parameter(page, 'includeAddress').locator('.el-switch').click();
	// Off the fields, so no hover hints show in a screenshot.
	await page.mouse.move(VIEWPORT.width / 2, VIEWPORT.height - 5);
}

/** What the panel shows now: the node's title and each visible parameter's value. */
async function panelState(page) {
	const value = (name) => parameter(page, name).locator('input').first().inputValue();
	const visible = (name) => parameter(page, name).isVisible();
	const switchOn = async (name) =>
		(await parameter(page, name).getByRole('switch').getAttribute('aria-checked')) === 'true';
	return {
		title: await ndv(page).getByTestId('node-title-container').innerText(),
		icon: await iconOf(ndv(page).locator('img[src*="/icons/"]').first()),
		credential: await ndv(page)
			.getByTestId('node-credentials-select')
			.locator('input')
			.inputValue(),
		idType: await value('idType'),
		partnerCustomerId: await value('partnerCustomerId'),
		bikCustomerIdShown: await visible('bikCustomerId'),
		includeAddress: await switchOn('includeAddress'),
		includeAssets: await switchOn('includeAssets'),
		includeTags: await switchOn('includeTags'),
	};
}

/** Clicks "Execute step" and answers the rows of the output table, each by column, as text. */
async function executeStep(page) {
	await ndv(page).getByTestId('node-execute-button').click();
	const table = ndv(page).getByTestId('output-panel').locator('table').first();
	await table.waitFor({ timeout: 60_000 });
	return table.evaluate((element) => {
		const text = (cell) => cell.innerText.trim();
		const headers = [...element.querySelectorAll('thead th')].map(text);
		return [...element.querySelectorAll('tbody tr')].map((row) => {
			const cells = [...row.querySelectorAll('td')].map(text);
			// The last column is n8n's own, left blank for adding a field.
			return Object.fromEntries(
				headers.map((name, i) => [name, cells[i]]).filter(([name]) => name),
			);
		});
	});
}

/** Drags the panels' handle to the left, so the output table gets most of the width. */
async function widenOutput(page) {
	const handle = ndv(page).getByTestId('panel-drag-button');
	const box = await handle.boundingBox();
	const y = box.y + box.height / 2;
	await page.mouse.move(box.x + box.width / 2, y);
	await page.mouse.down();
	await page.mouse.move(200, y, { steps: 10 });
	await page.mouse.up();
	await page.mouse.move(VIEWPORT.width / 2, VIEWPORT.height - 5);
}

/** Closes n8n's notices, which come and go on their own and would make screenshots differ. */
async function closeToasts(page) {
	const close = page.locator('.el-notification .el-notification__closeBtn');
	for (const button of await close.all()) await button.click().catch(() => undefined);
	await close
		.first()
		.waitFor({ state: 'detached' })
		.catch(() => undefined);
}

module.exports = {
	CREDENTIAL_NAME,
	PARTNER_CUSTOMER_ID,
	SCREENSHOTS,
	VIEWPORT,
	addBikNode,
	closeToasts,
	executeStep,
	fillParameters,
	panelState,
	signIn,
	startEditor,
	widenOutput,
};
