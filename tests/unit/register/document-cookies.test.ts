import { describe, expect, it } from 'vitest';
import { readDocumentCookies } from '../../../src/register/document-cookies.ts';

describe('readDocumentCookies', () => {
  it('gives each named cookie its FIRST value, as the browser sends it and Werkzeug reads it', () => {
    // document.cookie lists the cookie of the longer path first: /api/'s copy before /'s.
    expect(readDocumentCookies('csrf_access_token=specific; other=1; csrf_access_token=general', ['csrf_access_token']))
      .toEqual({ csrf_access_token: 'specific' });
  });

  it('answers only the names asked, null for a name that is absent, and keeps "=" inside a value', () => {
    expect(readDocumentCookies('a=1; b=x=y; secret=s', ['b', 'missing'])).toEqual({ b: 'x=y', missing: null });
    expect(readDocumentCookies('', ['a'])).toEqual({ a: null });
    // A nameless cookie (document.cookie shows only its value) is no cookie named by its value.
    expect(readDocumentCookies('csrf_access_token; a=1', ['csrf_access_token'])).toEqual({ csrf_access_token: null });
  });
});
