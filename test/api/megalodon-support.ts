import generator, { type MegalodonInterface } from "megalodon";
import type { ApiServer } from "../helpers/server.ts";

/*
 * megalodon normalises what it receives (its Converter renames and drops fields), so schema
 * checks cannot look at what it returns. Each client made here records the raw JSON of every
 * response through an interceptor on megalodon's own axios instance, before conversion.
 */

export interface RawResponse {
  method: string;
  path: string;
  status: number;
  data: unknown;
}

export interface RecordingClient {
  api: MegalodonInterface;
  raw: RawResponse[];
  /** the raw body of the latest response whose method and path (without query) match */
  rawOf(method: string, path: string | RegExp): unknown;
}

export function megalodonFor(server: ApiServer, token: string | null): RecordingClient {
  const api = generator("mastodon", server.url, token);
  const raw: RawResponse[] = [];
  // `client.axios` is private in megalodon's typings but a plain property at run time.
  const axios = (api as unknown as { client: { axios: { interceptors: { response: { use(f: (r: any) => any): void } } } } })
    .client.axios;
  axios.interceptors.response.use((res) => {
    const url = new URL(res.config.url, server.url);
    raw.push({
      method: String(res.config.method).toUpperCase(),
      path: url.pathname,
      status: res.status,
      data: structuredClone(res.data),
    });
    return res;
  });
  return {
    api,
    raw,
    rawOf(method, path) {
      for (let i = raw.length - 1; i >= 0; i--) {
        const r = raw[i];
        if (r.method !== method) continue;
        if (typeof path === "string" ? r.path === path : path.test(r.path)) return r.data;
      }
      throw new Error(`megalodon made no ${method} ${path} request`);
    },
  };
}
