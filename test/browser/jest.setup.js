// Starting n8n and Chromium alone takes most of a minute on two busy cores.
jest.setTimeout(300_000);
