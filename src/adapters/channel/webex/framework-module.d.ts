// webex-node-bot-framework ships no types; framework.ts describes the part it uses.
declare module 'webex-node-bot-framework' {
  const Framework: unknown;
  export default Framework;
}
