'use strict';

const crypto = require('node:crypto');
const http = require('node:http');

const GET_CUSTOMER_PATH = '/integrations/bikPlatformFunctions-customers/get';
const AUTH_PATH = '/integrations/bikPlatformFunctions-authPartnerViaKey';
const CONTROL_PREFIX = '/__sandbox/';

const MAX_BODY_BYTES = 1024 * 1024;
const DEFAULT_SLOW_MS = 30_000;
const DEFAULT_KEEP_REQUESTS = 1000;
const GENERATED_COUNT = 1_000_000;
const GENERATED_ID_BASE = 7_000_000;
const HUGE_BODY_BYTES = 5 * 1024 * 1024;
const RETRY_AFTER_S = 2;

// The documentation's example error body, answered for the fault-400 ID.
const DOC_ERROR = require('./fixtures/error.response.json');

/** The customer of BIK's "Get customer" example. Its tags are ours; the docs show none. */
const DOC_CUSTOMER = deepFreeze({
	...structuredClone(require('./fixtures/get-customer.response.json').data.customer),
	tags: ['vip'],
});

/** Magic customer IDs: sent as either ID, each one triggers its fault for that request. */
const FAULT_IDS = deepFreeze({
	'fault-400': "400 with the documentation's own validation body",
	'fault-500': '500 with a BIK error body',
	'fault-slow': '200 with a customer, but only after slowMs (default 30 s)',
	'fault-malformed': '200, application/json, body cut off mid-JSON',
	'fault-html': '502 with an HTML error page from a proxy',
	'fault-empty': '200, application/json, empty body',
	'fault-drop': 'socket destroyed without an answer',
	'fault-429': `429 with Retry-After: ${RETRY_AFTER_S} and a BIK error body`,
	'fault-success-false':
		"200 with success: false and errors[{ message: 'Customer lookup failed' }]",
	'fault-no-customer': '200 with success: true and data: {}',
	'fault-huge': '200 with a valid customer whose tags make the body about 5 MB',
	'fault-text': "200 text/plain 'OK'",
});

const ID_FIELDS = ['bikCustomerId', 'partnerCustomerId'];
const FLAG_FIELDS = ['includeAssets', 'includeAddress', 'includeTags'];
const RATE_FIELDS = ['errorRate', 'notFoundRate', 'slowRate', 'malformedRate', 'dropRate'];
const FAULT_FIELDS = [...RATE_FIELDS, 'slowMs', 'seed', 'varyByAttempt'];

const FIRST_NAMES = ['Aarav', 'Diya', 'Vihaan', 'Ananya', 'Arjun', 'Isha', 'Kabir', 'Meera'];
const LAST_NAMES = ['Sharma', 'Iyer', 'Patel', 'Reddy', 'Khan', 'Nair', 'Gupta'];
const CITIES = [
	['Bengaluru', 'Karnataka', 'KA', '560102', 12.9121, 77.6446],
	['Mumbai', 'Maharashtra', 'MH', '400001', 18.9388, 72.8354],
	['Delhi', 'Delhi', 'DL', '110001', 28.6315, 77.2167],
	['Chennai', 'Tamil Nadu', 'TN', '600001', 13.0878, 80.2785],
	['Pune', 'Maharashtra', 'MH', '411001', 18.5196, 73.8553],
];
const TAG_SETS = [['vip'], ['newsletter'], ['vip', 'newsletter']];

const GENERATED_EPOCH = Date.UTC(2024, 0, 1);

/**
 * The generated customer number n (1..1,000,000): partner customer ID `cust-<n>`,
 * BIK customer ID `String(7000000 + n)`. Same n, same record, on every run.
 * @param {number} n
 */
function seededCustomer(n) {
	if (!Number.isInteger(n) || n < 1 || n > GENERATED_COUNT) {
		throw new RangeError(`seeded customers are numbered 1..${GENERATED_COUNT}, got ${n}`);
	}

	const firstName = FIRST_NAMES[n % FIRST_NAMES.length];
	const lastName = LAST_NAMES[n % LAST_NAMES.length];
	const phoneNumber = `+91${9_000_000_000 + n}`;
	const email = `customer${n}@example.com`;
	const createdAt = new Date(GENERATED_EPOCH + n * 60_000).toISOString();
	const updatedAt = new Date(GENERATED_EPOCH + n * 60_000 + 86_400_123).toISOString();
	const [city, state, stateCode, zip, latitude, longitude] = CITIES[n % CITIES.length];

	const addresses = [
		{
			partnerAddressId: n % 3 === 0 ? 'undefined' : `addr-${n}-1`,
			addressId: 3_000_000 + 2 * n,
			address1: `${n} MG Road`,
			address2: `Floor ${(n % 9) + 1}`,
			city,
			country: 'India',
			countryCode: 'IN',
			state,
			stateCode,
			zip,
			latitude,
			longitude,
			timezone: 'Asia/Kolkata',
			firstName,
			lastName,
			phoneNumber,
			email,
			isDefault: true,
		},
	];
	if (n % 2 === 0) {
		addresses.push({
			partnerAddressId: 'undefined',
			addressId: 3_000_001 + 2 * n,
			address1: `${n} Station Road`,
			city: 'Mysuru',
			country: 'India',
			countryCode: 'IN',
			state: 'Karnataka',
			zip: '570001',
			isDefault: false,
		});
	}

	return {
		id: GENERATED_ID_BASE + n,
		partnerCustomerId: `cust-${n}`,
		firstName,
		lastName,
		phoneNumber,
		email,
		countryCode: 'IND',
		createdAt,
		updatedAt,
		addresses,
		assets: [
			{
				id: 20_000_000 + 2 * n,
				createdAt,
				assetName: 'EMAIL',
				assetValue: email,
				countryCode: null,
			},
			{
				id: 20_000_001 + 2 * n,
				createdAt: updatedAt,
				assetName: 'PHONE_NUMBER',
				assetValue: `+91${8_000_000_000 + n}`,
				countryCode: 'IND',
			},
		],
		tags: [...TAG_SETS[n % TAG_SETS.length]],
	};
}

/**
 * What Get customer answers for a stored record: the base fields, plus addresses,
 * assets and tags only when their include flag is exactly true.
 * @param {Record<string, unknown>} record
 * @param {{ includeAddress?: boolean, includeAssets?: boolean, includeTags?: boolean }} [flags]
 */
function customerView(record, flags = {}) {
	const { addresses, assets, tags, ...view } = structuredClone(record);
	if (flags.includeAddress === true) view.addresses = addresses ?? [];
	if (flags.includeAssets === true) view.assets = assets ?? [];
	if (flags.includeTags === true) view.tags = tags ?? [];
	return view;
}

/**
 * Starts a BIK sandbox. Resolves once it listens.
 * @param {import('./index').SandboxOptions} [options]
 * @returns {Promise<import('./index').Sandbox>}
 */
async function startSandbox(options = {}) {
	const host = options.host ?? '127.0.0.1';
	const apiKey = options.apiKey ?? `sandbox-key-${crypto.randomBytes(8).toString('hex')}`;
	const apiSecret = options.apiSecret ?? crypto.randomBytes(16).toString('hex');
	const token = Buffer.from(`${apiKey}:${apiSecret}`).toString('base64');
	const keepRequests = options.keepRequests ?? DEFAULT_KEEP_REQUESTS;
	const initialLatency = checkLatency(options.latencyMs ?? 0);
	const initialFaults = normaliseFaults(options.faults);
	const defaultSlowMs = options.slowMs ?? DEFAULT_SLOW_MS;
	const storedCustomers = indexCustomers([DOC_CUSTOMER, ...(options.customers ?? [])]);

	let latencyMs = initialLatency;
	let faults = initialFaults;
	let attempts = new Map();
	let counters = freshCounters(0);
	const requests = [];

	function setFaults(next) {
		faults = normaliseFaults(next);
		attempts = new Map();
	}

	function setLatency(ms) {
		latencyMs = checkLatency(ms);
	}

	function reset() {
		faults = initialFaults;
		latencyMs = initialLatency;
		attempts = new Map();
		counters = freshCounters(counters.inFlight);
		requests.length = 0;
	}

	function stats() {
		return structuredClone(counters);
	}

	function track(req, res, path) {
		const entry = {
			method: req.method,
			path,
			headers: { ...req.headers },
			body: undefined,
			receivedAt: Date.now(),
		};
		const counted = counters;
		counted.requests += 1;
		counted.inFlight += 1;
		counted.maxInFlight = Math.max(counted.maxInFlight, counted.inFlight);
		res.once('close', () => {
			counters.inFlight -= 1;
			if (counted !== counters) return;
			if (res.writableFinished) {
				counted.byStatus[res.statusCode] = (counted.byStatus[res.statusCode] ?? 0) + 1;
				entry.status = res.statusCode;
			} else {
				counted.dropped += 1;
			}
		});
		return entry;
	}

	function record(entry) {
		requests.push(entry);
		if (requests.length > keepRequests) requests.splice(0, requests.length - keepRequests);
	}

	function rateFault(id) {
		const total = RATE_FIELDS.reduce((sum, field) => sum + faults[field], 0);
		if (total === 0) return undefined;

		let key = `${faults.seed}\u0000${id}`;
		if (faults.varyByAttempt) {
			const attempt = (attempts.get(id) ?? 0) + 1;
			attempts.set(id, attempt);
			key += `\u0000${attempt}`;
		}
		const draw = crypto.createHash('sha256').update(key).digest().readUInt32BE(0) / 2 ** 32;

		let edge = 0;
		for (const field of RATE_FIELDS) {
			edge += faults[field];
			if (draw < edge) return field;
		}
		return undefined;
	}

	function findCustomer(field, id) {
		const known = storedCustomers[field].get(id);
		if (known) return known;
		const n = generatedNumber(field, id);
		return n === undefined ? undefined : seededCustomer(n);
	}

	async function getCustomer(body, res) {
		const field = body.partnerCustomerId !== undefined ? 'partnerCustomerId' : 'bikCustomerId';
		const id = body[field];
		const slowMs = faults.slowMs ?? defaultSlowMs;

		if (Object.hasOwn(FAULT_IDS, id)) return magicFault(id, body, res, slowMs);

		const fault = rateFault(id);
		if (fault === 'errorRate') return sendError(res, 500, SERVER_ERROR);
		if (fault === 'notFoundRate') return sendError(res, 406, 'Customer not found');
		if (fault === 'dropRate') return res.socket?.destroy();
		if (fault === 'slowRate' && !(await wait(slowMs, res))) return undefined;

		const customer = findCustomer(field, id);
		if (!customer) return sendError(res, 406, 'Customer not found');

		const answer = { status: 200, success: true, data: { customer: customerView(customer, body) } };
		if (fault === 'malformedRate') return sendMalformed(res, answer);
		return sendJson(res, 200, answer);
	}

	async function handleIntegration(req, res, path) {
		const entry = track(req, res, path);
		const raw = await readBody(req);
		if (raw === undefined) return undefined;
		entry.rawBody = raw.tooLarge ? '' : raw.text;
		entry.body = parseOrUndefined(raw.text);
		record(entry);

		if (latencyMs > 0 && !(await wait(latencyMs, res))) return undefined;

		const known = req.method === 'POST' && (path === GET_CUSTOMER_PATH || path === AUTH_PATH);
		if (!known) return sendError(res, 404, 'API path not found');
		if (!isAuthorised(req.headers.authorization, token)) {
			return sendError(res, 401, 'Unauthorized: invalid or missing API credentials');
		}
		if (raw.tooLarge) return sendError(res, 413, 'request entity too large');
		if (!isJsonContentType(req.headers['content-type'])) {
			return sendError(res, 400, "'Content-Type' must be 'application/json'");
		}

		const parsed = parseBody(raw.text);
		if (!parsed.ok) return sendError(res, 400, 'request body is not valid JSON');

		const problems =
			path === GET_CUSTOMER_PATH ? validateGetCustomer(parsed.value) : validateAuth(parsed.value);
		if (problems.length > 0) return sendError(res, 400, problems.join('. '));

		if (path === AUTH_PATH) return sendJson(res, 200, { status: '200' });
		return getCustomer(parsed.value, res);
	}

	async function handleControl(req, res, path) {
		const raw = await readBody(req);
		if (raw === undefined) return undefined;

		if (req.method === 'GET' && path === '/__sandbox/stats') return sendJson(res, 200, stats());
		if (req.method === 'GET' && path === '/__sandbox/faults') {
			return sendJson(res, 200, { faults, latencyMs });
		}
		if (req.method === 'POST' && path === '/__sandbox/reset') {
			reset();
			return sendJson(res, 200, { faults, latencyMs });
		}
		if (req.method !== 'POST' || path !== '/__sandbox/faults') {
			return sendError(res, 404, 'API path not found');
		}

		const parsed = raw.tooLarge ? { ok: false } : parseBody(raw.text || '{}');
		if (!parsed.ok || !isPlainObject(parsed.value)) {
			return sendError(res, 400, 'faults must be a JSON object');
		}
		const { latencyMs: nextLatency, ...nextFaults } = parsed.value;
		try {
			const checked = normaliseFaults(nextFaults);
			if (nextLatency !== undefined) setLatency(nextLatency);
			faults = checked;
			attempts = new Map();
		} catch (error) {
			return sendError(res, 400, error.message);
		}
		return sendJson(res, 200, { faults, latencyMs });
	}

	const server = http.createServer((req, res) => {
		const path = new URL(req.url ?? '/', 'http://sandbox').pathname;
		const handler = path.startsWith(CONTROL_PREFIX) ? handleControl : handleIntegration;
		handler(req, res, path).catch(() => {
			if (!res.headersSent) sendError(res, 500, SERVER_ERROR);
			else res.destroy();
		});
	});

	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, host, () => {
			server.off('error', reject);
			resolve(undefined);
		});
	});

	const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
	const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
	let closing;

	function close() {
		closing ??= new Promise((resolve) => {
			server.close(() => resolve(undefined));
			server.closeAllConnections();
		});
		return closing;
	}

	return {
		url,
		port,
		host,
		token,
		apiKey,
		apiSecret,
		requests,
		close,
		setFaults,
		setLatency,
		reset,
		stats,
	};
}

const SERVER_ERROR = 'Internal server error, please try again later';

let hugeBody;

function magicFault(id, body, res, slowMs) {
	const magicCustomer = (name) =>
		customerView(
			{
				...seededCustomer(1),
				id: 6_999_000 + Object.keys(FAULT_IDS).indexOf(name),
				partnerCustomerId: name,
			},
			body,
		);

	switch (id) {
		case 'fault-400':
			return sendJson(res, 400, DOC_ERROR);
		case 'fault-500':
			return sendError(res, 500, SERVER_ERROR);
		case 'fault-slow':
			return wait(slowMs, res).then((waited) => {
				if (!waited) return undefined;
				return sendJson(res, 200, {
					status: 200,
					success: true,
					data: { customer: magicCustomer(id) },
				});
			});
		case 'fault-malformed':
			return sendMalformed(res, {
				status: 200,
				success: true,
				data: { customer: magicCustomer(id) },
			});
		case 'fault-html':
			return sendText(
				res,
				502,
				'text/html; charset=utf-8',
				'<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n' +
					'<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n',
			);
		case 'fault-empty':
			return sendText(res, 200, 'application/json; charset=utf-8', '');
		case 'fault-drop':
			return res.socket?.destroy();
		case 'fault-429':
			return sendJson(
				res,
				429,
				{ status: 429, errors: [{ message: 'Too many requests, please try again later' }] },
				{ 'retry-after': String(RETRY_AFTER_S) },
			);
		case 'fault-success-false':
			return sendJson(res, 200, {
				status: 200,
				success: false,
				errors: [{ message: 'Customer lookup failed' }],
			});
		case 'fault-no-customer':
			return sendJson(res, 200, { status: 200, success: true, data: {} });
		case 'fault-huge':
			hugeBody ??= buildHugeBody(magicCustomer(id));
			return sendText(res, 200, 'application/json; charset=utf-8', hugeBody);
		case 'fault-text':
			return sendText(res, 200, 'text/plain; charset=utf-8', 'OK');
		default:
			return sendError(res, 500, SERVER_ERROR);
	}
}

function buildHugeBody(customer) {
	const tags = [];
	let size = 0;
	while (size < HUGE_BODY_BYTES) {
		const tag = `tag-${String(tags.length).padStart(7, '0')}`;
		tags.push(tag);
		size += tag.length + 3;
	}
	return JSON.stringify({ status: 200, success: true, data: { customer: { ...customer, tags } } });
}

function validateGetCustomer(body) {
	if (!isPlainObject(body)) return ["'value' must be of type object"];

	const problems = [];
	const bothIds = ID_FIELDS.every((field) => Object.hasOwn(body, field));
	for (const field of ID_FIELDS) {
		if (!Object.hasOwn(body, field)) continue;
		const value = body[field];
		// BIK answers a request with both IDs by rejecting both; the documented error example.
		if (bothIds) problems.push(`'${field}' is not allowed`);
		else if (typeof value !== 'string') problems.push(`'${field}' must be a string`);
		else if (value.trim() === '') problems.push(`'${field}' is not allowed to be empty`);
	}
	for (const field of FLAG_FIELDS) {
		if (Object.hasOwn(body, field) && typeof body[field] !== 'boolean') {
			problems.push(`'${field}' must be a boolean`);
		}
	}
	for (const field of Object.keys(body)) {
		if (!ID_FIELDS.includes(field) && !FLAG_FIELDS.includes(field)) {
			problems.push(`'${field}' is not allowed`);
		}
	}
	if (!ID_FIELDS.some((field) => Object.hasOwn(body, field))) {
		problems.push("one of 'partnerCustomerId' or 'bikCustomerId' is required");
	}
	return problems;
}

function validateAuth(body) {
	if (!isPlainObject(body)) return ["'value' must be of type object"];

	const problems = [];
	if (!Object.hasOwn(body, 'appId')) problems.push("'appId' is required");
	else if (typeof body.appId !== 'string') problems.push("'appId' must be a string");
	else if (body.appId.trim() === '') problems.push("'appId' is not allowed to be empty");
	for (const field of Object.keys(body)) {
		if (field !== 'appId') problems.push(`'${field}' is not allowed`);
	}
	return problems;
}

function normaliseFaults(input) {
	const faults = { seed: 0, slowMs: undefined, varyByAttempt: false };
	for (const field of RATE_FIELDS) faults[field] = 0;
	if (input === undefined || input === null) return Object.freeze(faults);
	if (!isPlainObject(input)) throw new TypeError('faults must be an object');

	for (const [field, value] of Object.entries(input)) {
		if (!FAULT_FIELDS.includes(field)) throw new TypeError(`'${field}' is not a fault option`);
		if (value === undefined) continue;
		if (RATE_FIELDS.includes(field) && !(typeof value === 'number' && value >= 0 && value <= 1)) {
			throw new RangeError(`'${field}' must be a number from 0 to 1`);
		}
		if (field === 'slowMs') checkLatency(value, 'slowMs');
		if (field === 'seed' && !(typeof value === 'number' || typeof value === 'string')) {
			throw new TypeError("'seed' must be a number or a string");
		}
		if (field === 'varyByAttempt' && typeof value !== 'boolean') {
			throw new TypeError("'varyByAttempt' must be a boolean");
		}
		faults[field] = value;
	}

	const total = RATE_FIELDS.reduce((sum, field) => sum + faults[field], 0);
	if (total > 1 + 1e-9) throw new RangeError('the fault rates must add up to 1 or less');
	return Object.freeze(faults);
}

function checkLatency(ms, name = 'latencyMs') {
	if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
		throw new RangeError(`'${name}' must be a number of milliseconds, 0 or more`);
	}
	return ms;
}

function indexCustomers(customers) {
	const byField = { partnerCustomerId: new Map(), bikCustomerId: new Map() };
	for (const customer of customers) {
		const record = deepFreeze(structuredClone(customer));
		if (typeof record.partnerCustomerId === 'string') {
			byField.partnerCustomerId.set(record.partnerCustomerId, record);
		}
		if (record.id !== undefined && record.id !== null) {
			byField.bikCustomerId.set(String(record.id), record);
		}
	}
	return byField;
}

function generatedNumber(field, id) {
	let n;
	if (field === 'partnerCustomerId') {
		const match = /^cust-([1-9][0-9]{0,6})$/.exec(id);
		n = match ? Number(match[1]) : undefined;
	} else if (/^[1-9][0-9]{0,7}$/.test(id)) {
		n = Number(id) - GENERATED_ID_BASE;
	}
	return n !== undefined && n >= 1 && n <= GENERATED_COUNT ? n : undefined;
}

function freshCounters(inFlight) {
	return { requests: 0, byStatus: {}, dropped: 0, inFlight, maxInFlight: inFlight };
}

function isAuthorised(header, token) {
	const match = /^(\S+)\s+(\S+)$/.exec(header ?? '');
	return match !== null && match[1].toLowerCase() === 'basic' && match[2] === token;
}

function isJsonContentType(header) {
	return (header ?? '').split(';')[0].trim().toLowerCase() === 'application/json';
}

function isPlainObject(value) {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseBody(text) {
	try {
		return { ok: true, value: JSON.parse(text === '' ? '{}' : text) };
	} catch {
		return { ok: false };
	}
}

function parseOrUndefined(text) {
	const parsed = parseBody(text);
	return parsed.ok && text !== '' ? parsed.value : undefined;
}

/** Reads the whole body; past the size limit it keeps draining but stops keeping. */
function readBody(req) {
	return new Promise((resolve) => {
		const chunks = [];
		let size = 0;
		req.on('data', (chunk) => {
			size += chunk.length;
			if (size <= MAX_BODY_BYTES) chunks.push(chunk);
		});
		req.on('end', () => {
			const tooLarge = size > MAX_BODY_BYTES;
			resolve({ tooLarge, text: tooLarge ? '' : Buffer.concat(chunks).toString('utf8') });
		});
		req.on('error', () => resolve(undefined));
		req.on('close', () => {
			if (!req.complete) resolve(undefined);
		});
	});
}

/** Resolves true after ms, or false as soon as the client goes away (the timer is cleared). */
function wait(ms, res) {
	return new Promise((resolve) => {
		const onClose = () => {
			clearTimeout(timer);
			resolve(false);
		};
		const timer = setTimeout(() => {
			res.off('close', onClose);
			resolve(true);
		}, ms);
		res.once('close', onClose);
	});
}

function sendText(res, status, contentType, text, headers = {}) {
	if (res.destroyed || res.headersSent) return;
	res.writeHead(status, {
		'content-type': contentType,
		'content-length': Buffer.byteLength(text),
		...headers,
	});
	res.end(text);
}

function sendJson(res, status, body, headers) {
	sendText(res, status, 'application/json; charset=utf-8', JSON.stringify(body), headers);
}

function sendError(res, status, message) {
	sendJson(res, status, { status, errors: [{ message }] });
}

function sendMalformed(res, body) {
	const text = JSON.stringify(body);
	sendText(res, 200, 'application/json; charset=utf-8', text.slice(0, Math.ceil(text.length / 2)));
}

function deepFreeze(value) {
	if (typeof value === 'object' && value !== null) {
		for (const inner of Object.values(value)) deepFreeze(inner);
		Object.freeze(value);
	}
	return value;
}

module.exports = {
	startSandbox,
	seededCustomer,
	customerView,
	DOC_CUSTOMER,
	FAULT_IDS,
	GET_CUSTOMER_PATH,
	AUTH_PATH,
};
