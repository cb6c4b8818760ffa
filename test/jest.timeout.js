// A test that waits on a server over loopback gets room on a busy two-core machine.
jest.setTimeout(30_000);
