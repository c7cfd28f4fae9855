/** `expect(locator).toBeVisibleText(text)`: Playwright locators awaited the way the browser tests read. */
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Matchers<R> {
      /** The locator becomes visible (within 10 s) and, when given, its text contains `text`. */
      toBeVisibleText(text?: string): Promise<R>;
    }
  }
}

expect.extend({
  async toBeVisibleText(locator: { waitFor(o: object): Promise<void>; textContent(): Promise<string | null> }, text?: string) {
    const deadline = Date.now() + 10_000;
    let seen: string | null = null;
    while (Date.now() < deadline) {
      try {
        await locator.waitFor({ state: 'visible', timeout: 1_000 });
        seen = await locator.textContent();
        if (text === undefined || seen?.includes(text)) return { pass: true, message: () => `visible with ${text}` };
      } catch {
        // not yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return { pass: false, message: () => `expected the element to be visible${text ? ` with text "${text}"` : ''}; last text: ${JSON.stringify(seen)}` };
  },
});

export {};
