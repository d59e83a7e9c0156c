import assert from 'node:assert/strict';
import { launchChromium } from './support/browser';

describe('browser test setup', () => {
  it('fails with the command that installs Chromium when it is missing, instead of skipping', async () => {
    await assert.rejects(
      launchChromium('/nonexistent/chromium'),
      /install it with: apt-get install --no-install-recommends chromium/,
    );
  });
});
