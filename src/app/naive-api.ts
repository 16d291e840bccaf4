// How a typical flask-jwt-extended frontend talks to its API, written the naive way on purpose:
// the CSRF header copied from document.cookie, no refresh logic, no retry. Every 401 the broker
// does not absorb lands here and is counted by the page.
import axios, { isAxiosError } from 'axios';

export type HttpClientKind = 'fetch' | 'axios' | 'xhr';
export type ApiMethod = 'GET' | 'POST';

export interface ApiCall {
  client: HttpClientKind;
  method: ApiMethod;
  path: string;
  body?: unknown;
}

export interface ApiResult {
  call: ApiCall;
  /** HTTP status, or 0 when the request failed without an answer. */
  status: number;
}

const CSRF_COOKIE = 'csrf_access_token';
const CSRF_HEADER = 'X-CSRF-TOKEN';

// axios reads the CSRF cookie and sets the header itself, as flask-jwt-extended's docs suggest.
const http = axios.create({ xsrfCookieName: CSRF_COOKIE, xsrfHeaderName: CSRF_HEADER });

export function readCookie(name: string): string | undefined {
  for (const pair of document.cookie.split(';')) {
    const [key, ...value] = pair.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

export function callApi(call: ApiCall): Promise<ApiResult> {
  switch (call.client) {
    case 'fetch':
      return viaFetch(call);
    case 'axios':
      return viaAxios(call);
    case 'xhr':
      return viaXhr(call);
  }
}

function csrfHeaders(): Record<string, string> {
  const csrf = readCookie(CSRF_COOKIE);
  return csrf === undefined ? {} : { [CSRF_HEADER]: csrf };
}

async function viaFetch(call: ApiCall): Promise<ApiResult> {
  try {
    const response = await fetch(call.path, {
      method: call.method,
      headers: { ...csrfHeaders(), ...(call.body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
    });
    await response.arrayBuffer();
    return { call, status: response.status };
  } catch {
    return { call, status: 0 };
  }
}

async function viaAxios(call: ApiCall): Promise<ApiResult> {
  try {
    const response = await http.request({ url: call.path, method: call.method, data: call.body });
    return { call, status: response.status };
  } catch (error) {
    return { call, status: isAxiosError(error) ? (error.response?.status ?? 0) : 0 };
  }
}

function viaXhr(call: ApiCall): Promise<ApiResult> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open(call.method, call.path);
    for (const [name, value] of Object.entries(csrfHeaders())) xhr.setRequestHeader(name, value);
    if (call.body !== undefined) xhr.setRequestHeader('Content-Type', 'application/json');
    xhr.addEventListener('loadend', () => resolve({ call, status: xhr.status }));
    xhr.send(call.body === undefined ? null : JSON.stringify(call.body));
  });
}
