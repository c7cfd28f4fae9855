/** In the tests, a response body's JSON is whatever the service answered: typed `any`, not `unknown`. */
export {};

declare global {
  interface Response {
    json(): Promise<any>;
  }
}
