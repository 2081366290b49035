// Types of the two undici files the transport loads by path (see undici.ts); undici's own
// declarations cover only its index.
declare module "undici/lib/dispatcher/agent.js" {
  const Agent: typeof import("undici").Agent;
  export default Agent;
}

declare module "undici/lib/api/api-request.js" {
  function request(
    this: import("undici").Dispatcher,
    opts: import("undici").Dispatcher.RequestOptions,
  ): Promise<import("undici").Dispatcher.ResponseData>;
  export default request;
}
