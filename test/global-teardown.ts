export default function globalTeardown(): void {
  // Each test file owns and shuts down its own Temporal environment; nothing is shared to stop here.
}
