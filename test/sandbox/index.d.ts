export interface BikAddress {
	partnerAddressId?: string;
	addressId?: number | string;
	address1?: string;
	address2?: string;
	city?: string;
	country?: string;
	countryCode?: string;
	state?: string;
	stateCode?: string;
	zip?: string;
	latitude?: number;
	longitude?: number;
	timezone?: string;
	firstName?: string;
	lastName?: string;
	phoneNumber?: string;
	email?: string;
	isDefault?: boolean;
}

export interface BikAsset {
	id: number | string;
	createdAt: string;
	assetName: 'PHONE_NUMBER' | 'EMAIL';
	assetValue: string;
	countryCode: string | null;
}

export interface BikCustomer {
	id: number;
	partnerCustomerId?: string;
	firstName?: string;
	lastName?: string;
	phoneNumber?: string;
	email?: string;
	countryCode?: string;
	createdAt?: string;
	updatedAt?: string;
	addresses?: BikAddress[];
	assets?: BikAsset[];
	tags?: string[];
	[field: string]: unknown;
}

export interface IncludeFlags {
	includeAddress?: boolean;
	includeAssets?: boolean;
	includeTags?: boolean;
}

/** Rates are fractions from 0 to 1; together at most 1. */
export interface SandboxFaults {
	errorRate?: number;
	notFoundRate?: number;
	slowRate?: number;
	malformedRate?: number;
	dropRate?: number;
	/** How long slow answers take, for slowRate and the fault-slow ID; default 30,000. */
	slowMs?: number;
	/** With the customer ID, decides each outcome; default 0. */
	seed?: number | string;
	/** Draw again for each repeat of an ID, so a retry can get a different outcome. */
	varyByAttempt?: boolean;
}

export interface SandboxOptions {
	port?: number;
	host?: string;
	latencyMs?: number;
	apiKey?: string;
	apiSecret?: string;
	faults?: SandboxFaults;
	slowMs?: number;
	customers?: BikCustomer[];
	keepRequests?: number;
}

export interface SandboxStats {
	requests: number;
	byStatus: Record<string, number>;
	dropped: number;
	inFlight: number;
	maxInFlight: number;
}

export interface RecordedRequest {
	method: string;
	path: string;
	headers: Record<string, string | string[] | undefined>;
	body: unknown;
	rawBody: string;
	/** When the request arrived, in milliseconds since the epoch. */
	receivedAt: number;
	status?: number;
}

export interface Sandbox {
	url: string;
	port: number;
	host: string;
	token: string;
	apiKey: string;
	apiSecret: string;
	requests: RecordedRequest[];
	close(): Promise<void>;
	setFaults(faults?: SandboxFaults | null): void;
	setLatency(ms: number): void;
	reset(): void;
	stats(): SandboxStats;
}

export function startSandbox(options?: SandboxOptions): Promise<Sandbox>;
export function seededCustomer(n: number): BikCustomer;
export function customerView(customer: BikCustomer, flags?: IncludeFlags): BikCustomer;
export const DOC_CUSTOMER: Readonly<BikCustomer>;
export const FAULT_IDS: Readonly<Record<string, string>>;
export const GET_CUSTOMER_PATH: string;
export const AUTH_PATH: string;
