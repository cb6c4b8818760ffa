// n8n starts every item's request of a declarative node at once. Requests wait here for a
// free slot, so a node run never has more than its limit in flight.

interface Slots {
	active: number;
	waiting: Array<() => void>;
}

const runs = new Map<string, Slots>();

export async function takeSlot(key: string, limit: number): Promise<() => void> {
	let slots = runs.get(key);
	if (!slots) {
		slots = { active: 0, waiting: [] };
		runs.set(key, slots);
	}

	if (slots.active >= limit) {
		await new Promise<void>((resolve) => slots.waiting.push(resolve));
	} else {
		slots.active++;
	}

	let released = false;
	return () => {
		if (released) return;
		released = true;
		const next = slots.waiting.shift();
		if (next) {
			// The slot passes straight to the next request: active stays the same.
			next();
			return;
		}
		slots.active--;
		if (slots.active === 0) runs.delete(key);
	};
}

export function slotsInUse(key: string): number {
	return runs.get(key)?.active ?? 0;
}
