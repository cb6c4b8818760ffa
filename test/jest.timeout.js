// Our machines are shared and noisy: a test that waits on a server gets room.
jest.setTimeout(30_000);
