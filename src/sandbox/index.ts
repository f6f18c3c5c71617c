// The Webex sandbox: a faithful local emulator of the Webex REST API subset the product uses,
// with signed webhook delivery, fault knobs and an agent console. See docs/webex-fidelity.md.
export { createSandbox, type Sandbox } from './sandbox.js';
export { startSandboxServer, type SandboxServer } from './server.js';
export { signBody } from './delivery.js';
